#!/usr/bin/env python3
"""Interop suite: runs every curl command of the documentation (README.md and docs/*.md, chiefly
the HTTP/JSON section of docs/api.md) against a running server and checks each answer, as
grpcurl_suite.py does for the grpcurl commands: the same answers, since the JSON routes call the
same handlers, and the errors as Connect error JSON.

The commands are read from the documentation itself, as grpcurl_suite.py reads them (README.md,
then docs/*.md by name; a command documented twice runs once); every command must have a check
and every RPC a curl example (the streaming ones show their refusal), or the suite fails.

Usage: curl_suite.py ADDRESS   (curl must be on PATH)
"""

import json
import subprocess
import sys

import grpcurl_suite as grpcurl
from grpcurl_suite import ALL_RPCS, DOCUMENTED_ADDRESS, documented_commands, expect


def curl_commands():
    """The curl command lines of the documentation."""
    return documented_commands(lambda line: line.startswith("curl "))


def http_answer(out):
    """The status and the JSON body of `curl -i` output."""
    head, _, body = out.replace("\r\n", "\n").partition("\n\n")
    status = int(head.split("\n", 1)[0].split()[1])
    headers = dict(line.split(": ", 1) for line in head.split("\n")[1:] if ": " in line)
    return status, {k.lower(): v for k, v in headers.items()}, json.loads(body)


def error_info(error):
    info = next(d for d in error["details"] if d["type"] == "google.rpc.ErrorInfo")
    expect(info["value"] and info["debug"]["domain"] == "actorgraph", info)
    return info["debug"]


def check_not_found(code, out):
    expect(code == 0, out)
    status, headers, error = http_answer(out)
    expect(status == 404 and headers["content-type"] == "application/json", out)
    expect(error["code"] == "not_found" and error["message"] == 'entity "atlantis" not found', error)
    expect(error_info(error)["reason"] == "ENTITY_NOT_FOUND", error)


def check_negative_page_size(code, out):
    expect(code == 0, out)
    status, _, error = http_answer(out)
    expect(status == 400 and error["code"] == "invalid_argument", out)
    expect(error_info(error)["reason"] == "INVALID_PAGE_SIZE", error)
    violations = next(d for d in error["details"] if d["type"] == "google.rpc.BadRequest")
    expect(violations["debug"]["fieldViolations"][0]["field"] == "page_size", violations)


def check_stream_refused(code, out):
    expect(code == 0, out)
    status, _, error = http_answer(out)
    expect(status == 415 and error["code"] == "invalid_argument", out)
    expect(error_info(error)["reason"] == "UNSUPPORTED_CONTENT_TYPE" and "gRPC-Web" in error["message"], error)


def check_page(code, out):
    expect(code == 0, out)
    head = out.replace("\r\n", "\n").split("\n\n", 1)[0].lower()
    expect(head.startswith("http/1.1 200"), head)
    expect("content-type: text/html" in head and "content-security-policy: default-src 'none'" in head, head)


# The error and HTTP-only checks first (first match wins), then the grpcurl suite's checks of the
# same requests: the JSON answers are the same proto3 JSON.
CHECKS = [
    ('{"id": "atlantis"}', check_not_found),
    ('"page_size": -1', check_negative_page_size),
    ("StreamExtractEntities", check_stream_refused),
    ("StreamExtractEvents", check_stream_refused),
    ("StreamIngestDocuments", check_stream_refused),
    ("curl -sI ", check_page),
] + [(key, check) for key, check in grpcurl.CHECKS if check not in (
    grpcurl.check_list, grpcurl.check_describe_service, grpcurl.check_describe_message,
    grpcurl.check_stream, grpcurl.check_event_stream, grpcurl.check_ingest_stream, grpcurl.check_negative_page_size,
    grpcurl.check_not_found)]


def main():
    address = sys.argv[1]
    commands = curl_commands()
    covered, failures, passed = set(), [], 0
    for source, command in commands:
        check = next((c for key, c in CHECKS if key in command), None)
        if check is None:
            failures.append(f"no check for the command of {source}: {command}")
            continue
        runnable = command.replace(DOCUMENTED_ADDRESS, address)
        result = subprocess.run(["bash", "-c", runnable], capture_output=True, text=True, timeout=60)
        output = result.stdout + result.stderr
        try:
            check(result.returncode, output)
            passed += 1
            print(f"ok    {command[:110]}")
        except (AssertionError, KeyError, IndexError, ValueError, StopIteration) as error:
            failures.append(f"{source}: {command}\n  -> {error!r}\n  output: {output[:600]}")
            print(f"FAIL  {command[:110]}")
        covered.update(rpc for rpc in ALL_RPCS if rpc in command)
    missing = ALL_RPCS - covered
    if missing:
        failures.append(f"RPCs with no curl example in README.md or docs/*.md: {sorted(missing)}")
    for failure in failures:
        print("\n" + failure)
    print(f"curl: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
