#!/usr/bin/env python3
"""Interop suite: runs every grpcurl command of the documentation (README.md and docs/*.md)
against a running server, through reflection alone (no proto files), and checks each answer:
entities, relations, error codes.

The commands are read from the documentation itself, so the documented examples and the tested
calls cannot drift apart: every command line of a shell code block (```sh at the start of a
line; the indented blocks of a walk-through, which need files of the reader's own, are not run),
README.md first, then docs/*.md in name order. A command documented twice (the README's example
is also in docs/api.md) runs once, where it first appears. Every command must have a check, and
every RPC of the services must be covered, or the suite fails.

Usage: grpcurl_suite.py ADDRESS   (grpcurl must be on PATH)
"""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTATION = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
DOCUMENTED_ADDRESS = "127.0.0.1:50051"

ALL_RPCS = {
    "actorgraph.v1.CorpusService/IngestDocument",
    "actorgraph.v1.CorpusService/StreamIngestDocuments",
    "actorgraph.v1.CorpusService/DeleteDocument",
    "actorgraph.v1.CorpusService/ListEvents",
    "actorgraph.v1.ExtractionService/ExtractEntities",
    "actorgraph.v1.ExtractionService/StreamExtractEntities",
    "actorgraph.v1.ExtractionService/ExtractEvents",
    "actorgraph.v1.ExtractionService/StreamExtractEvents",
    "actorgraph.v1.KnowledgeService/GetEntity",
    "actorgraph.v1.KnowledgeService/ListEntities",
    "actorgraph.v1.KnowledgeService/SearchEntities",
    "actorgraph.v1.KnowledgeService/ListRelations",
    "actorgraph.v1.KnowledgeService/FindPaths",
    "actorgraph.v1.KnowledgeService/GetAgreement",
    "actorgraph.v1.KnowledgeService/ListAgreements",
    "actorgraph.v1.KnowledgeService/GetDocument",
    "actorgraph.v1.KnowledgeService/ListDocuments",
    "actorgraph.v1.KnowledgeService/ListPredicates",
}


def documented_commands(wanted):
    """The command lines of the documentation's shell code blocks that `wanted` accepts, in order
    (README.md, then docs/*.md by name), each once, as (file, command): a command documented in
    two places runs where it first appears."""
    commands, seen = [], set()
    for path in DOCUMENTATION:
        in_shell = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                in_shell = line.strip() == "```sh"
                continue
            if in_shell and wanted(line) and line not in seen:
                seen.add(line)
                commands.append((path.relative_to(ROOT).as_posix(), line))
    return commands


def grpcurl_commands():
    """The grpcurl command lines of the documentation."""
    return documented_commands(
        lambda line: "grpcurl " in line and (line.startswith("grpcurl ") or line.startswith("printf ")))


def json_documents(text):
    """The JSON objects grpcurl printed, one per response."""
    decoder, index, documents = json.JSONDecoder(), 0, []
    while True:
        match = re.compile(r"\S").search(text, index)
        if not match:
            return documents
        document, index = decoder.raw_decode(text, match.start())
        documents.append(document)


def ids(refs):
    return sorted(ref["id"] for ref in refs)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


# Each check: (substring that identifies the command, function of (returncode, stdout)).
def check_list(code, out):
    expect(code == 0, "list failed")
    services = set(out.split())
    for service in ["actorgraph.v1.CorpusService", "actorgraph.v1.ExtractionService", "actorgraph.v1.KnowledgeService",
                    "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"]:
        expect(service in services, f"{service} not listed: {services}")


def check_describe_service(code, out):
    expect(code == 0, "describe failed")
    expect("rpc ExtractEntities" in out and "rpc StreamExtractEntities" in out, out)
    expect("rpc ExtractEvents" in out and "rpc StreamExtractEvents" in out, out)
    expect("Extracts the actor mentions of one text" in out, "RPCs are documented")


def check_describe_message(code, out):
    expect(code == 0, "describe failed")
    expect("message Mention" in out and "metonym_for" in out, out)


def check_health(code, out):
    expect(code == 0 and json_documents(out)[0]["status"] == "SERVING", out)


def check_extract(code, out):
    expect(code == 0, out)
    answer = json_documents(out)[0]
    mentions = answer["mentions"]
    # Benghazi is a city of the world layer, with its country.
    expect([m["entityId"] for m in mentions] == ["ankara", "khalifa-haftar", "benghazi"], mentions)
    expect(mentions[0]["metonymFor"]["id"] == "turkiye", "Ankara stands for Türkiye")
    expect(mentions[1]["span"]["charStart"] == 19 and mentions[1]["span"]["byteStart"] == 21, mentions[1])
    expect(answer["modelVersion"], "a model version")


def check_stream(code, out):
    expect(code == 0, out)
    answers = json_documents(out)
    expect([a["requestId"] for a in answers] == ["a", "b"], answers)
    expect([m["entityId"] for m in answers[0]["response"]["mentions"]] == ["egypt", "khalifa-haftar"], answers[0])
    expect([m["entityId"] for m in answers[1]["response"]["mentions"]] == ["turkiye", "government-of-national-unity"], answers[1])


def event_triple(event):
    return (event["source"]["entityId"], event["code"], event["target"]["entityId"])


def check_events(code, out):
    expect(code == 0, out)
    events = json_documents(out)[0]["events"]
    expect([event_triple(e) for e in events] == [
        ("egypt", "051", "khalifa-haftar"),
        ("united-arab-emirates", "051", "khalifa-haftar"),
        ("france", "051", "khalifa-haftar"),
        ("ankara", "054", "libyan-national-army"),
    ], events)
    expect(events[3]["negated"] and events[3]["source"]["metonymFor"]["id"] == "turkiye", events[3])
    first = events[0]
    expect(first["triggerText"] == "back" and first["trigger"]["charStart"] == 26, first)
    expect(first["quadClass"] == "QUAD_CLASS_VERBAL_COOPERATION" and first["codeName"] == "Praise or endorse", first)


def check_events_by_root(code, out):
    expect(code == 0, out)
    events = json_documents(out)[0]["events"]
    expect([event_triple(e) for e in events] == [("turkiye", "051", "government-of-national-unity")], events)
    expect(events[0]["corroboratedRelationIds"] == ["turkiye.backs.government-of-national-unity"], events[0])


def check_event_stream(code, out):
    expect(code == 0, out)
    answers = json_documents(out)
    expect([a["requestId"] for a in answers] == ["a", "b"], answers)
    expect([event_triple(e) for e in answers[0]["response"]["events"]] == [("egypt", "051", "khalifa-haftar")], answers[0])
    expect([event_triple(e) for e in answers[1]["response"]["events"]] == [("saudi-arabia", "111", "qatar")], answers[1])


def check_get_entity(code, out):
    expect(code == 0, out)
    entity = json_documents(out)[0]["entity"]
    expect(entity["id"] == "ankara" and entity["standsFor"]["id"] == "turkiye", entity)


def check_list_entities(code, out):
    expect(code == 0, out)
    page = json_documents(out)[0]
    expect([e["id"] for e in page["entities"]] == ["abdallah-ii", "abdel-fattah-al-burhan"], page)
    expect(all(e["type"] == "ENTITY_TYPE_PERSON" for e in page["entities"]), page)
    expect(page["totalSize"] == 361 and page["nextPageToken"], page)


def check_search(code, out):
    expect(code == 0, out)
    hit = json_documents(out)[0]["hits"][0]
    expect(hit["entity"]["id"] == "khalifa-haftar" and hit["reason"] == "MATCH_REASON_FUZZY", hit)
    expect("1 edit from" in hit["explanation"] and hit["explanation"].endswith("= 0.83"), hit)


def check_search_no_near_miss(code, out):
    expect(code == 0, out)
    hits = json_documents(out)[0]["hits"]
    expect([h["entity"]["id"] for h in hits] == ["united-kingdom"], hits)
    expect(hits[0]["reason"] == "MATCH_REASON_EXACT", hits)


def check_backers_of_gnu(code, out):
    expect(code == 0, out)
    relations = json_documents(out)[0]["relations"]
    expect(sorted(r["subject"]["id"] for r in relations) == ["turkiye", "united-nations"], relations)
    for relation in relations:
        expect(relation["direction"] == "RELATION_DIRECTION_INCOMING", relation)
        expect(relation["evidence"][0]["documentId"] == "kalin-visits-libya", relation)


def check_backers_of_lna(code, out):
    expect(code == 0, out)
    relations = json_documents(out)[0]["relations"]
    expect(sorted(r["subject"]["id"] for r in relations) == ["egypt", "france", "united-arab-emirates"], relations)


def check_paths(code, out):
    expect(code == 0, out)
    answer = json_documents(out)[0]
    paths = [[(h["from"]["id"], h["predicate"], h["to"]["id"]) for h in p["hops"]] for p in answer["paths"]]
    expect(paths == [
        [("egypt", "rivals", "turkiye")],
        [("egypt", "sees_threat_in", "turkiye")],
        [("egypt", "backs", "libyan-national-army"), ("libyan-national-army", "opposed_by", "turkiye")],
    ], paths)
    expect(answer["summary"].startswith("3 path(s)"), answer["summary"])


def check_list_agreements(code, out):
    expect(code == 0, out)
    agreements = json_documents(out)[0]["agreements"]
    expect([a["id"] for a in agreements] == [
        "eastern-black-sea-tourism-collaboration", "energy-exploration-cooperation",
        "intelligence-security-cooperation", "turkiye-libya-maritime-agreement",
        "vocational-technical-education-mou"], agreements)
    derived = {a["id"]: a.get("derivedVia", []) for a in agreements}
    expect(derived["turkiye-libya-maritime-agreement"] == ["government-of-national-accord.government_of.libya"], derived)


def check_get_agreement(code, out):
    expect(code == 0, out)
    agreement = json_documents(out)[0]["agreement"]
    expect(agreement["status"] == "AGREEMENT_STATUS_SIGNED", agreement)
    expect(ids(agreement["disputedBy"]) == ["cyprus", "egypt", "greece"], agreement)
    expect([d["by"]["id"] for d in agreement["disputes"]] == ["greece", "cyprus", "egypt"], agreement)
    expect(all(d["evidence"][0]["citation"]["url"] for d in agreement["disputes"]), agreement)
    expect(ids(agreement["parties"]) == ["government-of-national-accord", "turkiye"], agreement)
    expect(agreement["date"] == "2019-11-27", agreement)


def check_list_documents(code, out):
    expect(code == 0, out)
    documents = json_documents(out)[0]["documents"]
    expect([d["id"] for d in documents] == ["kalin-visits-libya"], documents)


def check_backers_of_haftar(code, out):
    expect(code == 0, out)
    relations = json_documents(out)[0]["relations"]
    expect(sorted(r["subject"]["id"] for r in relations) == ["egypt", "france", "united-arab-emirates"], relations)
    expect(all(r["derivedVia"][1] == "khalifa-haftar.leads.libyan-national-army" for r in relations), relations)


def check_all_backs(code, out):
    expect(code == 0, out)
    answer = json_documents(out)[0]
    relations = answer["relations"]
    expect(len(relations) > 1 and all(r["predicate"] == "backs" for r in relations), relations)
    expect(int(answer["totalSize"]) == len(relations), answer)
    expect("turkiye" in [r["subject"]["id"] for r in relations], "Türkiye backs someone")


def check_disputed_by_greece(code, out):
    expect(code == 0, out)
    agreements = json_documents(out)[0]["agreements"]
    expect("turkiye-libya-maritime-agreement" in [a["id"] for a in agreements], agreements)
    expect(all("greece" in ids(a["disputedBy"]) for a in agreements), agreements)


def check_list_predicates(code, out):
    expect(code == 0, out)
    answer = json_documents(out)[0]
    predicates = answer["predicates"]
    expect(len(predicates) == 2 and answer["nextPageToken"], answer)
    expect(all(p["definition"] and p["inverse"] for p in predicates), predicates)
    expect(int(answer["totalSize"]) > 2, answer)


def check_get_document(code, out):
    expect(code == 0, out)
    document = json_documents(out)[0]["document"]
    expect(document["text"].startswith("In a move reflecting Turkiye’s growing involvement"), document["text"][:60])


def check_negative_page_size(code, out):
    expect(code != 0, "a negative page size must fail")
    expect("Code: InvalidArgument" in out and '"reason":"INVALID_PAGE_SIZE"' in out, out)
    expect('"field":"page_size"' in out, "the BadRequest names the field")


def check_not_found(code, out):
    expect(code != 0, "an unknown id must fail")
    expect("Code: NotFound" in out and '"reason":"ENTITY_NOT_FOUND"' in out, out)


def check_ingest(code, out):
    expect(code == 0, out)
    answer = json_documents(out)[0]
    expect(answer["documentId"] == "wire-2026-03-02-kyiv" and not answer.get("unchanged"), answer)
    expect(answer["eventCount"] == 1 and len(answer["contentSha256"]) == 64, answer)


def check_ingest_stream(code, out):
    expect(code == 0, out)
    answers = json_documents(out)
    expect([a["requestId"] for a in answers] == ["1", "2", "3"], answers)
    expect(answers[0]["response"].get("unchanged") is True, "the same text again is a no-op")
    expect(answers[1]["response"]["documentId"] == "wire-2026-03-03-taipei", answers[1])
    expect(answers[1]["response"]["eventCount"] == 1, answers[1])
    expect(answers[2]["error"]["reason"] == "INVALID_DATE", answers[2])


def check_corpus_relations(code, out):
    expect(code == 0, out)
    relations = json_documents(out)[0]["relations"]
    expect([(r["predicate"], r["object"]["id"], r["origin"]) for r in relations]
           == [("opposes", "ukraine", "ORIGIN_CORPUS")], relations)
    relation = relations[0]
    expect(relation["id"] == "corpus:russia:opposes:ukraine" and relation["documentCount"] == 1, relation)
    expect(relation["firstSeen"] == relation["lastSeen"] == "2026-03-02", relation)
    expect(relation["evidence"][0]["documentId"] == "wire-2026-03-02-kyiv", relation)


def check_corpus_events(code, out):
    expect(code == 0, out)
    events = json_documents(out)[0]["events"]
    expect(len(events) == 1 and events[0]["codeRoot"] == "11" and events[0]["date"] == "2026-03-02", events)
    expect(events[0]["source"]["entity"]["id"] == "russia" and events[0]["documentCount"] == 1, events)


def check_delete(code, out):
    expect(code == 0, out)
    answer = json_documents(out)[0]
    expect(answer["documentId"].startswith("wire-2026-03-0") and answer["retractedEventCount"] == 1, answer)


CHECKS = [
    ("CorpusService/IngestDocument", check_ingest),
    ("CorpusService/StreamIngestDocuments", check_ingest_stream),
    ('"origin": "ORIGIN_CORPUS"', check_corpus_relations),
    ("CorpusService/ListEvents", check_corpus_events),
    ("CorpusService/DeleteDocument", check_delete),
    (" list", check_list),
    ("describe actorgraph.v1.ExtractionService", check_describe_service),
    ("describe actorgraph.v1.Mention", check_describe_message),
    ("Health/Check", check_health),
    ("ExtractionService/ExtractEntities", check_extract),
    ("StreamExtractEntities", check_stream),
    ("StreamExtractEvents", check_event_stream),
    ('"code_roots"', check_events_by_root),
    ("ExtractionService/ExtractEvents", check_events),
    ('{"id": "ankara"}', check_get_entity),
    ('"page_size": -1', check_negative_page_size),
    ('{"id": "atlantis"}', check_not_found),
    ("ListEntities", check_list_entities),
    ('"query": "United Kingdom"', check_search_no_near_miss),
    ("SearchEntities", check_search),
    ('"include_derived": true', check_backers_of_haftar),
    ('"predicate": "backed_by"', check_backers_of_gnu),
    ('"entity_id": "libyan-national-army"', check_backers_of_lna),
    ('{"predicate": "backs"}', check_all_backs),
    ("FindPaths", check_paths),
    ('"disputed_by_id": "greece"', check_disputed_by_greece),
    ("ListAgreements", check_list_agreements),
    ("GetAgreement", check_get_agreement),
    ("ListDocuments", check_list_documents),
    ("ListPredicates", check_list_predicates),
    ("GetDocument", check_get_document),
]


def main():
    address = sys.argv[1]
    commands = grpcurl_commands()
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
        except (AssertionError, KeyError, IndexError, ValueError) as error:
            failures.append(f"{source}: {command}\n  -> {error!r}\n  output: {output[:600]}")
            print(f"FAIL  {command[:110]}")
        covered.update(rpc for rpc in ALL_RPCS if rpc in command)
    missing = ALL_RPCS - covered
    if missing:
        failures.append(f"RPCs with no grpcurl example in README.md or docs/*.md: {sorted(missing)}")
    for failure in failures:
        print("\n" + failure)
    print(f"grpcurl: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
