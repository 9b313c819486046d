"""The gRPC client of the multi-replica test (tests/replicas/run.sh).

Subcommands:
  wait-serving ADDR... [--timeout S]     until grpc.health.v1 reports SERVING for "" on each
  version ADDR                           print the model version ADDR serves
  wait-version ADDR VERSION [--timeout S]  until ADDR serves VERSION
  hold-stream ADDR                       a StreamExtractEntities call kept open for a while, one
                                         item at a time; exits 1 unless every item is answered
  load --target ADDR --reference ADDR ... --out DIR [...]
      mixed RPCs from several threads, each with its own channel, until --stop-file exists and
      at least --min-calls were made (or --max-seconds / --max-calls run out). Every call's gRPC
      status is recorded; every OK answer is compared with the answer of a reference server for
      the model version it claims. Writes DIR/calls.csv and DIR/load.json.
  analyse --out DIR --access LOG --events LOG --replica NAME=PORT ... --old V --new V
      joins the calls with nginx's access log (which replica answered each call) and the
      driver's events, prints the figures, and exits 1 unless every check passes.

Stubs: generated from proto/ at test time into $ACTORGRAPH_STUBS. Retries: none configured. gRPC's
transparent retry stays at its default (on): it resends only a call that never reached a server
application (refused stream, or one above a GOAWAY's last stream id); any status the application
sees is recorded as it is.
"""

import argparse
import collections
import csv
import json
import os
import sys
import threading
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

sys.path.insert(0, os.environ.get("ACTORGRAPH_STUBS", "."))

from actorgraph.v1 import extraction_pb2, extraction_pb2_grpc  # noqa: E402
from actorgraph.v1 import knowledge_pb2, knowledge_pb2_grpc  # noqa: E402
from actorgraph.v1 import types_pb2  # noqa: E402

CALL_DEADLINE_SECONDS = 10.0

SHORT_TEXTS = [
    "Ankara’s envoy met Haftar in Benghazi.",
    "Egypt and the United Arab Emirates back the Libyan National Army, while Turkiye backs the GNU in Tripoli.",
    "İbrahim Kalın, Türkiye’s intelligence chief, discussed the maritime agreement with the Government of "
    "National Unity; Greece and Cyprus dispute it.",
]


def article_text(root):
    with open(os.path.join(root, "data", "article.txt"), encoding="utf-8") as handle:
        return handle.read()


class Stubs:
    def __init__(self, channel):
        self.extraction = extraction_pb2_grpc.ExtractionServiceStub(channel)
        self.knowledge = knowledge_pb2_grpc.KnowledgeServiceStub(channel)


def templates(root):
    """(name, weight, function(stubs, metadata) -> list of responses) for the mixed load."""
    article = article_text(root)

    def unary(method, request):
        return lambda stubs, metadata: [method(stubs)(request, timeout=CALL_DEADLINE_SECONDS, metadata=metadata)]

    def stream(stubs, metadata):
        items = [
            extraction_pb2.StreamExtractEntitiesRequest(
                request_id=str(i), request=extraction_pb2.ExtractEntitiesRequest(text=text))
            for i, text in enumerate(SHORT_TEXTS)
        ]
        return list(stubs.extraction.StreamExtractEntities(iter(items), timeout=CALL_DEADLINE_SECONDS, metadata=metadata))

    extract = lambda s: s.extraction.ExtractEntities  # noqa: E731
    knowledge = lambda name: (lambda s: getattr(s.knowledge, name))  # noqa: E731
    return [
        ("ExtractEntities/short-0", 3, unary(extract, extraction_pb2.ExtractEntitiesRequest(text=SHORT_TEXTS[0]))),
        ("ExtractEntities/short-1", 3, unary(extract, extraction_pb2.ExtractEntitiesRequest(text=SHORT_TEXTS[1]))),
        ("ExtractEntities/short-2-nested", 2, unary(extract, extraction_pb2.ExtractEntitiesRequest(
            text=SHORT_TEXTS[2], include_nested=True))),
        ("ExtractEntities/article", 1, unary(extract, extraction_pb2.ExtractEntitiesRequest(text=article))),
        ("StreamExtractEntities/3", 1, stream),
        ("GetEntity/ankara", 2, unary(knowledge("GetEntity"), knowledge_pb2.GetEntityRequest(id="ankara"))),
        ("GetEntity/khalifa-haftar", 2, unary(knowledge("GetEntity"), knowledge_pb2.GetEntityRequest(id="khalifa-haftar"))),
        ("ListEntities/person", 1, unary(knowledge("ListEntities"), knowledge_pb2.ListEntitiesRequest(
            type=types_pb2.ENTITY_TYPE_PERSON))),
        ("ListEntities/organization", 1, unary(knowledge("ListEntities"), knowledge_pb2.ListEntitiesRequest(
            type=types_pb2.ENTITY_TYPE_ORGANIZATION, page_size=500))),
        ("SearchEntities/Hafter", 2, unary(knowledge("SearchEntities"), knowledge_pb2.SearchEntitiesRequest(
            query="Hafter", limit=3))),
        ("SearchEntities/marker", 1, unary(knowledge("SearchEntities"), knowledge_pb2.SearchEntitiesRequest(
            query="Replica Test Marker", limit=3))),
        ("ListRelations/backed_by-gnu", 2, unary(knowledge("ListRelations"), knowledge_pb2.ListRelationsRequest(
            entity_id="government-of-national-unity", predicate="backed_by"))),
        ("ListRelations/turkiye", 1, unary(knowledge("ListRelations"), knowledge_pb2.ListRelationsRequest(
            entity_id="turkiye"))),
        ("FindPaths/egypt-turkiye", 2, unary(knowledge("FindPaths"), knowledge_pb2.FindPathsRequest(
            source_id="egypt", target_id="turkiye", max_hops=2, max_paths=3))),
        ("GetAgreement/maritime", 1, unary(knowledge("GetAgreement"), knowledge_pb2.GetAgreementRequest(
            id="turkiye-libya-maritime-agreement"))),
        ("ListAgreements/libya", 1, unary(knowledge("ListAgreements"), knowledge_pb2.ListAgreementsRequest(
            party_id="libya"))),
        ("GetDocument/article", 1, unary(knowledge("GetDocument"), knowledge_pb2.GetDocumentRequest(
            id="kalin-visits-libya"))),
        ("ListDocuments", 1, unary(knowledge("ListDocuments"), knowledge_pb2.ListDocumentsRequest())),
    ]


def comparable(responses):
    """The responses without what legitimately differs between replicas of one model: page
    tokens (keyed by a per-process secret)."""
    out = []
    for response in responses:
        copy = type(response)()
        copy.CopyFrom(response)
        if "next_page_token" in copy.DESCRIPTOR.fields_by_name and copy.next_page_token:
            copy.next_page_token = "<token>"
        out.append(copy)
    return out


def item_version(response):
    """The model version one answer claims (a stream item's is in its response)."""
    if response.DESCRIPTOR.name == "StreamExtractEntitiesResponse":
        return response.response.model_version if response.WhichOneof("result") == "response" else ""
    return response.model_version


def claimed_version(responses):
    """The version of a call: its answers' one version, or "mixed:A+B" for a stream whose items
    were answered by two models (each stream item is extracted with the model current when it
    arrives, so a stream open across a reload spans both)."""
    versions = sorted({item_version(response) for response in responses})
    return versions[0] if len(versions) == 1 else "mixed:" + "+".join(versions)


def check_answer(answer, references, index):
    """Whether every answer (every stream item) equals the reference answer of the version it
    claims: "same", or what is wrong."""
    answers = comparable(answer)
    for position, response in enumerate(answers):
        expected = references.get(item_version(response))
        if expected is None:
            return "unknown-version"
        if position >= len(expected[index]) or expected[index][position] != response:
            return "differs-from-reference"
    if any(len(expected[index]) != len(answers) for expected in references.values()):
        return "wrong-number-of-answers"
    return "same"


# ---------------------------------------------------------------------------------------------
# Small commands for the driver


def health_status(address, timeout):
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout).status


def version_of(address, timeout=2.0):
    with grpc.insecure_channel(address) as channel:
        stub = knowledge_pb2_grpc.KnowledgeServiceStub(channel)
        return stub.ListDocuments(knowledge_pb2.ListDocumentsRequest(page_size=1), timeout=timeout).model_version


def wait_serving(args):
    deadline = time.monotonic() + args.timeout
    for address in args.addresses:
        while True:
            try:
                if health_status(address, 1.0) == health_pb2.HealthCheckResponse.SERVING:
                    break
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                sys.exit("%s not SERVING after %ss" % (address, args.timeout))
            time.sleep(0.05)
    return 0


def wait_version(args):
    deadline = time.monotonic() + args.timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = version_of(args.address)
            if last == args.version:
                return 0
        except grpc.RpcError as error:
            last = "error %s" % error.code().name
        time.sleep(0.05)
    print("%s still serves %s, not %s, after %ss" % (args.address, last, args.version, args.timeout), file=sys.stderr)
    return 1


def hold_stream(args):
    """A StreamExtractEntities call kept open across the replica's SIGTERM: one item every
    --interval seconds; the drain must let it finish with every answer."""
    ready_file = args.ready_file
    answers = 0
    sent = []

    def items():
        for number in range(args.items):
            sent.append(number)
            yield extraction_pb2.StreamExtractEntitiesRequest(
                request_id=str(number), request=extraction_pb2.ExtractEntitiesRequest(text=SHORT_TEXTS[number % 3]))
            if number == 0 and ready_file:
                open(ready_file, "w").close()
            time.sleep(args.interval)

    started = time.time()
    with grpc.insecure_channel(args.address) as channel:
        stub = extraction_pb2_grpc.ExtractionServiceStub(channel)
        try:
            for response in stub.StreamExtractEntities(items(), timeout=args.items * args.interval + 10):
                if response.WhichOneof("result") != "response" or response.request_id != str(answers):
                    print("stream: unexpected answer %r" % response, file=sys.stderr)
                    return 1
                answers += 1
        except grpc.RpcError as error:
            print("stream: %s after %d of %d answers: %s" % (
                error.code().name, answers, args.items, error.details()), file=sys.stderr)
            return 1
    print("stream held open %.1f s: %d of %d answers" % (time.time() - started, answers, args.items))
    return 0 if answers == args.items else 1


# ---------------------------------------------------------------------------------------------
# The load


def load(args):
    root = args.root
    plan = templates(root)
    references = {}  # version -> [comparable responses per template]
    for address in args.reference:
        with grpc.insecure_channel(address) as channel:
            stubs = Stubs(channel)
            answers = []
            for name, _, function in plan:
                try:
                    answers.append(comparable(function(stubs, ())))
                except grpc.RpcError as error:
                    # The templates name entities of the shipped model; a model without them
                    # needs new templates, not a load that fails every such call.
                    sys.exit("reference %s cannot answer %s: %s %s" % (
                        address, name, error.code().name, error.details()))
        version = claimed_version([a for answer in answers for a in answer])
        references[version] = answers
    print("references: %s" % ", ".join(sorted(references)), flush=True)

    weighted = [index for index, (_, weight, _) in enumerate(plan) for _ in range(weight)]
    os.makedirs(args.out, exist_ok=True)
    lock = threading.Lock()
    stop = threading.Event()
    counter = [0]
    rows = []
    started = time.time()

    def worker(number):
        channel = grpc.insecure_channel(args.target)
        stubs = Stubs(channel)
        sequence = 0
        local = []
        while not stop.is_set():
            index = weighted[(sequence * 7 + number) % len(weighted)]
            name, _, function = plan[index]
            request_id = "w%d-%d" % (number, sequence)
            sequence += 1
            t_start = time.time()
            code, version, content = "OK", "", ""
            try:
                answer = function(stubs, (("x-request-id", request_id),))
                version = claimed_version(answer)
                content = check_answer(answer, references, index)
            except grpc.RpcError as error:
                code = error.code().name
                content = (error.details() or "")[:200].replace("\n", " ")
            t_end = time.time()
            local.append((request_id, name, "%.6f" % t_start, "%.6f" % t_end, code, version, content))
            with lock:
                counter[0] += 1
        channel.close()
        with lock:
            rows.extend(local)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    reason = ""
    while not reason:
        time.sleep(0.05)
        with lock:
            count = counter[0]
        elapsed = time.time() - started
        if count >= args.max_calls:
            reason = "max-calls"
        elif elapsed >= args.max_seconds:
            reason = "max-seconds"
        elif count >= args.min_calls and os.path.exists(args.stop_file):
            reason = "stopped by the driver"
    stop.set()
    for thread in threads:
        thread.join(CALL_DEADLINE_SECONDS + 5)
    wall = time.time() - started

    rows.sort(key=lambda row: row[2])
    with open(os.path.join(args.out, "calls.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "rpc", "start", "end", "code", "version", "content"])
        writer.writerows(rows)
    summary = {
        "calls": len(rows),
        "stopped": reason,
        "wall_seconds": round(wall, 2),
        "calls_per_second": round(len(rows) / wall, 1),
        "threads": args.threads,
        "references": sorted(references),
    }
    with open(os.path.join(args.out, "load.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
    print("load: %(calls)d calls in %(wall_seconds)ss (%(calls_per_second)s/s), %(stopped)s" % summary, flush=True)
    return 0


# ---------------------------------------------------------------------------------------------
# The verdict


def percentile(values, fraction):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(fraction * len(values)))]


def analyse(args):
    with open(os.path.join(args.out, "calls.csv"), encoding="utf-8") as handle:
        calls = list(csv.DictReader(handle))
    with open(os.path.join(args.out, "load.json"), encoding="utf-8") as handle:
        summary = json.load(handle)
    replicas = dict(item.split("=", 1) for item in args.replica)  # name -> port
    by_port = {"127.0.0.1:%s" % port: name for name, port in replicas.items()}

    # nginx: one line per request it received: request id, the upstreams tried, statuses.
    upstream_of = {}
    attempts_per_id = collections.Counter()
    nginx_retried = 0
    with open(args.access, encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 4:
                continue
            _, request_id, upstream_addr, status = fields[:4]
            attempts_per_id[request_id] += 1
            tried = [address.strip() for address in upstream_addr.split(",")]
            if len(tried) > 1:
                nginx_retried += 1
            upstream_of[request_id] = by_port.get(tried[-1], tried[-1])
    events = collections.defaultdict(dict)  # replica -> event -> time
    with open(args.events, encoding="utf-8") as handle:
        for line in handle:
            at, event, replica = line.split()
            events[replica].setdefault(event, float(at))

    problems = []
    failed = [c for c in calls if c["code"] != "OK"]
    wrong = [c for c in calls if c["code"] == "OK" and c["content"] != "same"]
    codes = collections.Counter(c["code"] for c in calls)
    versions = collections.Counter(c["version"] for c in calls if c["code"] == "OK")
    mixed = sum(n for version, n in versions.items() if version.startswith("mixed:"))
    known_versions = {args.old, args.new, "mixed:" + "+".join(sorted([args.old, args.new]))}
    per_rpc = collections.Counter(c["rpc"].split("/")[0] for c in calls)
    spread = collections.Counter(upstream_of.get(c["request_id"], "not in nginx log") for c in calls)
    latencies = [(float(c["end"]) - float(c["start"])) * 1000 for c in calls]

    # Per replica: answers before its swap began claim the old model, answers to calls started
    # after the driver saw the new model on it claim the new one.
    inconsistent = []
    for call in calls:
        replica = upstream_of.get(call["request_id"])
        if call["code"] != "OK" or replica not in events:
            continue
        marks = events[replica]
        begin = marks.get("swap-begin", float("inf"))
        done = marks.get("swapped", marks.get("serving-after-restart", float("inf")))
        if float(call["end"]) < begin and call["version"] != args.old:
            inconsistent.append((call, "answered before the swap with " + call["version"]))
        if float(call["start"]) > done and call["version"] != args.new:
            inconsistent.append((call, "started after the swap, answered with " + call["version"]))

    print()
    print("calls sent:        %d (%s, %d client threads, %.1f s, %.0f calls/s)" % (
        len(calls), summary["stopped"], summary["threads"], summary["wall_seconds"], summary["calls_per_second"]))
    print("by RPC:            %s" % ", ".join("%s %d" % kv for kv in sorted(per_rpc.items())))
    print("gRPC status:       %s" % ", ".join("%s %d" % kv for kv in sorted(codes.items())))
    print("failed calls:      %d" % len(failed))
    print("wrong answers:     %d (OK, but not the reference answer of the version claimed)" % len(wrong))
    print("versions claimed:  %s" % ", ".join("%s %d" % kv for kv in sorted(versions.items())))
    print("streams across a reload: %d (items answered by the old model, then the new one)" % mixed)
    print("replica spread:    %s" % ", ".join("%s %d (%.1f%%)" % (k, v, 100.0 * v / max(1, len(calls)))
                                                for k, v in sorted(spread.items())))
    print("nginx retries:     %d calls went to a second replica after a refused connect" % nginx_retried)
    resent = sum(1 for n in attempts_per_id.values() if n > 1)
    print("client resends:    %d calls reached nginx more than once (gRPC transparent retry)" % resent)
    print("latency ms:        p50 %.2f, p99 %.2f, max %.2f" % (
        percentile(latencies, 0.5), percentile(latencies, 0.99), max(latencies or [0])))
    print("version by replica: %d answers inconsistent with the replica's swap time" % len(inconsistent))

    if len(calls) < args.min_calls:
        problems.append("only %d calls, fewer than %d" % (len(calls), args.min_calls))
    if failed:
        problems.append("%d failed calls" % len(failed))
        for call in failed[:10]:
            print("  failed: %(request_id)s %(rpc)s %(code)s %(content)s (replica %(replica)s)" % dict(
                call, replica=upstream_of.get(call["request_id"], "?")))
    if wrong:
        problems.append("%d answers differ from their version's reference" % len(wrong))
        for call in wrong[:10]:
            print("  wrong: %(request_id)s %(rpc)s version %(version)s: %(content)s" % call)
    if set(versions) - known_versions:
        problems.append("versions other than the old and new model: %s" % sorted(set(versions) - known_versions))
    if versions.get(args.new, 0) == 0 or versions.get(args.old, 0) == 0:
        problems.append("the load did not see both model versions")
    for name in replicas:
        if spread.get(name, 0) < len(calls) * 0.10:
            problems.append("replica %s answered only %d calls" % (name, spread.get(name, 0)))
    if spread.get("not in nginx log"):
        problems.append("%d calls missing from nginx's access log" % spread["not in nginx log"])
    if inconsistent:
        problems.append("%d answers inconsistent with their replica's swap time" % len(inconsistent))
        for call, why in inconsistent[:10]:
            print("  inconsistent: %s %s: %s" % (call["request_id"], call["rpc"], why))

    verdict = {
        "calls": len(calls), "failed": len(failed), "wrong": len(wrong), "codes": dict(codes),
        "versions": dict(versions), "spread": dict(spread), "nginx_retried": nginx_retried,
        "client_resends": resent, "inconsistent": len(inconsistent), "streams_across_reload": mixed,
        "latency_ms": {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99)},
        "wall_seconds": summary["wall_seconds"], "problems": problems,
    }
    with open(os.path.join(args.out, "verdict.json"), "w", encoding="utf-8") as handle:
        json.dump(verdict, handle, indent=2)
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("wait-serving")
    command.add_argument("addresses", nargs="+")
    command.add_argument("--timeout", type=float, default=15)
    command = commands.add_parser("version")
    command.add_argument("address")
    command = commands.add_parser("wait-version")
    command.add_argument("address")
    command.add_argument("version")
    command.add_argument("--timeout", type=float, default=15)
    command = commands.add_parser("hold-stream")
    command.add_argument("address")
    command.add_argument("--items", type=int, default=10)
    command.add_argument("--interval", type=float, default=0.2)
    command.add_argument("--ready-file", help="created once the first item is sent")
    command = commands.add_parser("load")
    command.add_argument("--root", required=True, help="the repository (for data/article.txt)")
    command.add_argument("--target", required=True)
    command.add_argument("--reference", action="append", required=True, help="a server of one model version")
    command.add_argument("--out", required=True)
    command.add_argument("--stop-file", required=True)
    command.add_argument("--threads", type=int, default=8)
    command.add_argument("--min-calls", type=int, default=20000)
    command.add_argument("--max-calls", type=int, default=400000)
    command.add_argument("--max-seconds", type=float, default=150)
    command = commands.add_parser("analyse")
    command.add_argument("--out", required=True)
    command.add_argument("--access", required=True)
    command.add_argument("--events", required=True)
    command.add_argument("--replica", action="append", required=True, help="NAME=PORT")
    command.add_argument("--old", required=True)
    command.add_argument("--new", required=True)
    command.add_argument("--min-calls", type=int, default=20000)
    args = parser.parse_args()
    if args.command == "wait-serving":
        return wait_serving(args)
    if args.command == "version":
        print(version_of(args.address))
        return 0
    if args.command == "wait-version":
        return wait_version(args)
    if args.command == "hold-stream":
        return hold_stream(args)
    if args.command == "load":
        return load(args)
    return analyse(args)


if __name__ == "__main__":
    sys.exit(main())
