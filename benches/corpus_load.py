#!/usr/bin/env python3
"""Corpus benchmark against the real server: ingest throughput, the relation queries over a
large corpus, memory, and the restart that rebuilds the corpus from its store.

Documents are real news: the fourteen dev texts (../shared/dev, ../shared/dev2) cut into
paragraph runs of about 4 KB, cycled with distinct ids and publication dates spread over a year.
For each corpus size N the script:

1. starts the release server on an empty store (loopback, a free port);
2. sends the N documents to ExtractEvents on one stream of StreamExtractEvents — the reference:
   the same reading, nothing stored — then ingests them on one StreamIngestDocuments stream,
   every answer checked; reports documents/s for both and their ratio;
3. asks ListRelations (the corpus relations of the 20 entities with the most) QUERIES times and
   reports p50/p99 client latency, and the server's RSS (VmRSS, VmHWM);
4. stops it with SIGTERM, starts it again on the same store and reports the time to SERVING and
   that the first ListRelations answers the same.

Usage: python benches/corpus_load.py BINARY STUBS_DIR N [N ...]
       (benches/corpus_load.sh makes the stubs and the virtualenv, then runs this.)
"""

import datetime
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc

BINARY, STUBS = sys.argv[1], sys.argv[2]
SIZES = [int(n) for n in sys.argv[3:]] or [2000]
sys.path.insert(0, STUBS)

from actorgraph.v1 import corpus_pb2, corpus_pb2_grpc  # noqa: E402
from actorgraph.v1 import extraction_pb2, extraction_pb2_grpc  # noqa: E402
from actorgraph.v1 import knowledge_pb2, knowledge_pb2_grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
QUERIES = 2000
TARGET_BYTES = 4096


def chunks():
    """Runs of whole paragraphs of about 4 KB from the dev texts, one starting at each paragraph
    (the texts read one after the other, wrapping around)."""
    texts = sorted((SHARED / "dev").glob("*.txt")) + sorted((SHARED / "dev2").glob("*.txt"))
    paragraphs = [p.strip() for path in texts
                  for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    pieces = []
    for first in range(len(paragraphs)):
        run, size, at = [], 0, first
        while size < TARGET_BYTES:
            paragraph = paragraphs[at % len(paragraphs)]
            run.append(paragraph)
            size += len(paragraph.encode()) + 2
            at += 1
        pieces.append("\n\n".join(run))
    return pieces


PIECES = chunks()
START = datetime.date(2025, 1, 1)


def document(n):
    return corpus_pb2.IngestDocumentRequest(
        id=f"bench-{n}", text=PIECES[n % len(PIECES)], title=f"Benchmark document {n}",
        publisher="benchmark", published_date=(START + datetime.timedelta(days=n % 365)).isoformat())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(store):
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [BINARY, "--listen", f"127.0.0.1:{port}", "--data", f"{ROOT / 'data' / 'world'},{ROOT / 'data'}",
         "--watch", "false", "--store", store, "--max-text-bytes", str(1 << 20)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}",
                                    options=[("grpc.max_receive_message_length", 64 << 20)])
    health = health_pb2_grpc.HealthStub(channel)
    deadline = started + 120
    while time.monotonic() < deadline:
        try:
            if health.Check(health_pb2.HealthCheckRequest(), timeout=1).status == health_pb2.HealthCheckResponse.SERVING:
                return process, channel, time.monotonic() - started
        except grpc.RpcError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not come up")


def rss(process):
    fields = {}
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def stop(process, channel):
    channel.close()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def run(size):
    store = tempfile.mkdtemp(prefix="corpus-bench-")
    process, channel, _ = start(store)
    corpus = corpus_pb2_grpc.CorpusServiceStub(channel)
    extraction = extraction_pb2_grpc.ExtractionServiceStub(channel)
    knowledge = knowledge_pb2_grpc.KnowledgeServiceStub(channel)
    text_bytes = sum(len(document(n).text.encode()) for n in range(size))

    began = time.monotonic()
    read = 0
    for answer in extraction.StreamExtractEvents(
            extraction_pb2.StreamExtractEventsRequest(request_id=str(n), request=extraction_pb2.ExtractEventsRequest(
                text=document(n).text)) for n in range(size)):
        assert answer.WhichOneof("result") == "response", answer
        read += 1
    reference = time.monotonic() - began
    assert read == size

    began = time.monotonic()
    events = 0
    items = (corpus_pb2.StreamIngestDocumentsRequest(request_id=str(n), request=document(n)) for n in range(size))
    for n, answer in enumerate(corpus.StreamIngestDocuments(items)):
        assert answer.WhichOneof("result") == "response" and answer.response.document_id == f"bench-{n}", answer
        events += answer.response.event_count
    ingest = time.monotonic() - began

    totals = {}
    everything = knowledge.ListRelations(knowledge_pb2.ListRelationsRequest(
        origin=knowledge_pb2.ORIGIN_CORPUS, page_size=500))
    for relation in everything.relations:
        for end in (relation.subject.id, relation.object.id):
            totals[end] = totals.get(end, 0) + 1
    busiest = sorted(totals, key=lambda e: -totals[e])[:20]
    latencies = []
    for q in range(QUERIES):
        began = time.perf_counter()
        knowledge.ListRelations(knowledge_pb2.ListRelationsRequest(entity_id=busiest[q % len(busiest)], page_size=50))
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    before = knowledge.ListRelations(knowledge_pb2.ListRelationsRequest(entity_id=busiest[0], page_size=500))
    resident, peak = rss(process)
    stop(process, channel)

    store_bytes = sum(f.stat().st_size for f in Path(store).iterdir())
    process, channel, restart = start(store)
    after = knowledge_pb2_grpc.KnowledgeServiceStub(channel).ListRelations(
        knowledge_pb2.ListRelationsRequest(entity_id=busiest[0], page_size=500))
    same = [r.id for r in after.relations] == [r.id for r in before.relations] and after.total_size == before.total_size
    restarted_rss, _ = rss(process)
    stop(process, channel)
    subprocess.run(["rm", "-rf", store], check=True)
    return {
        "documents": size, "text_mib": text_bytes / (1 << 20), "events": events,
        "reference_docs_per_s": size / reference, "ingest_docs_per_s": size / ingest,
        "ratio": reference / ingest, "relations": everything.total_size, "busiest": busiest[0],
        "p50_ms": p50, "p99_ms": p99, "rss_mib": resident, "peak_mib": peak,
        "store_mib": store_bytes / (1 << 20), "restart_s": restart, "restart_rss_mib": restarted_rss,
        "same_after_restart": same,
    }


def dedupe():
    """The fourteen dev texts ingested once, then again under other ids: how many reports are
    grouped into how many events (each text with its own publication day)."""
    texts = sorted((SHARED / "dev").glob("*.txt")) + sorted((SHARED / "dev2").glob("*.txt"))
    store = tempfile.mkdtemp(prefix="corpus-dedupe-")
    process, channel, _ = start(store)
    corpus = corpus_pb2_grpc.CorpusServiceStub(channel)

    def counts():
        events, reports, token = 0, 0, ""
        while True:
            page = corpus.ListEvents(corpus_pb2.ListEventsRequest(page_size=500, page_token=token))
            events += len(page.events)
            reports += sum(e.report_count for e in page.events)
            token = page.next_page_token
            if not token:
                return reports, events

    rows = []
    for copy in ("a", "b"):
        for day, path in enumerate(texts):
            corpus.IngestDocument(corpus_pb2.IngestDocumentRequest(
                id=f"{copy}-{day}", text=path.read_text(encoding="utf-8"),
                published_date=(START + datetime.timedelta(days=day)).isoformat()))
        rows.append(counts())
    stop(process, channel)
    subprocess.run(["rm", "-rf", store], check=True)
    (once_reports, once_events), (twice_reports, twice_events) = rows
    print(f"Dedupe: the {len(texts)} dev texts once give {once_reports} reports in {once_events} events; "
          f"ingested again under other ids, {twice_reports} reports in {twice_events} events.")


def main():
    dedupe()
    print(f"{len(PIECES)} distinct documents of about 4 KB from the dev texts (mean {statistics.mean(len(p.encode()) for p in PIECES):,.0f} B); {os.cpu_count()} cores")
    print("| documents | text | events | ExtractEvents stream (reference) | ingest stream | ingest / reference "
          "| corpus relations | ListRelations p50 / p99 | RSS after / peak | store | restart to SERVING | same answer |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in SIZES:
        r = run(size)
        print(f"| {r['documents']:,} | {r['text_mib']:.1f} MiB | {r['events']:,} | {r['reference_docs_per_s']:,.0f} docs/s "
              f"| {r['ingest_docs_per_s']:,.0f} docs/s | {r['ratio']:.2f} | {r['relations']:,} "
              f"| {r['p50_ms']:.2f} / {r['p99_ms']:.2f} ms | {r['rss_mib']:.0f} / {r['peak_mib']:.0f} MiB "
              f"| {r['store_mib']:.0f} MiB | {r['restart_s']:.2f} s ({r['restart_rss_mib']:.0f} MiB) "
              f"| {'yes' if r['same_after_restart'] else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
