#!/usr/bin/env bash
# Load benchmark of the real server: builds it in release mode, starts it on loopback, checks one
# answer of each benchmarked call with a real client, then drives each call with h2load using
# pre-encoded gRPC bodies, at two loads, for a bounded time. Reports req/s, p50/p99 latency, the
# ratio of each call's throughput to the health check's (the framework's floor on this server,
# measured in the same run), and the server's peak memory. h2load counts any HTTP 200 as a
# success, and gRPC errors are HTTP 200 too, so the script also checks that the bytes received
# per request equal the size of the expected response.
#
# Usage: bash benches/load.sh [SECONDS_PER_RUN]   (default 10; needs h2load from nghttp2-client)
# Writes the report to benches/load-report.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${1:-10}
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v h2load >/dev/null; then
    echo "h2load not found: install it with 'apt-get install nghttp2-client'" >&2
    exit 1
fi

cargo build --release --locked --bin actorgraph --example load_bodies >&2
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
ADDRESS="127.0.0.1:$PORT"
RUST_LOG=warn "$ROOT/target/release/actorgraph" --listen "$ADDRESS" --data "$ROOT/data" --watch false \
    --max-concurrent-calls 1024 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
"$ROOT/target/release/examples/load_bodies" "$ADDRESS" "$WORK/bodies" >"$WORK/cases.tsv"

run_case() { # name path body expected_bytes connections streams
    local name=$1 path=$2 body=$3 expected=$4 connections=$5 streams=$6
    local log="$WORK/$name-$connections-$streams.log"
    # Warm up in a run of its own: h2load's --warm-up-time still counts the warm-up traffic.
    h2load --duration=2 -c "$connections" -m "$streams" -t 1 \
        --data="$body" -H 'content-type: application/grpc' -H 'te: trailers' \
        "http://$ADDRESS$path" >/dev/null 2>&1
    h2load --duration="$DURATION" -c "$connections" -m "$streams" -t 1 \
        --data="$body" -H 'content-type: application/grpc' -H 'te: trailers' \
        --log-file="$log" "http://$ADDRESS$path" >"$WORK/h2load.out" 2>&1
    python3 - "$WORK/h2load.out" "$log" "$expected" "$name" "$connections" "$streams" <<'PY'
import re, sys
out, log, expected, name, connections, streams = sys.argv[1:]
text = open(out).read()
rate = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
succeeded = int(re.search(r"requests: .*?(\d+) succeeded", text).group(1))
failed = int(re.search(r"(\d+) failed", text).group(1))
data_bytes = int(re.search(r"\((\d+)\) data", text).group(1))
per_request = data_bytes / max(succeeded, 1)
durations = sorted(int(line.split("\t")[2]) for line in open(log) if line.strip())
def percentile(p):
    return durations[min(len(durations) - 1, int(len(durations) * p))] / 1000.0
# Responses still in flight when the run stops are received in part but not counted as done.
in_flight_slack = int(expected) * int(connections) * int(streams) / max(succeeded, 1)
ok = failed == 0 and abs(per_request - int(expected)) <= in_flight_slack + 0.5
print(f"{name}\t{connections}x{streams}\t{rate:.0f}\t{percentile(0.50):.3f}\t{percentile(0.99):.3f}\t{per_request:.1f}\t{expected}\t{'ok' if ok else 'MISMATCH'}")
PY
}

{
    for load in "4 1" "16 8"; do
        set -- $load
        while IFS=$'\t' read -r name path body expected; do
            run_case "$name" "$path" "$body" "$expected" "$1" "$2"
        done <"$WORK/cases.tsv"
    done
} >"$WORK/results.tsv"
PEAK_KIB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")

python3 - "$WORK/results.tsv" "$PEAK_KIB" "$DURATION" >"$ROOT/benches/load-report.md" <<'PY'
import datetime, os, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
peak_mib = int(sys.argv[2]) / 1024
floor = {r[1]: float(r[2]) for r in rows if r[0] == "a-health"}
print(f"Load run of {datetime.date.today()} on {os.cpu_count()} cores; {sys.argv[3]} s per run after a 2 s warm-up run;")
print("h2load and the server share the machine. `bash benches/load.sh` reproduces it.\n")
print("| call | load (conns × streams) | req/s | ratio to health | p50 ms | p99 ms | bytes/response (expected) | check |")
print("|---|---|---|---|---|---|---|---|")
for name, load, rate, p50, p99, per_request, expected, check in rows:
    ratio = float(rate) / floor[load] if floor.get(load) else 0.0
    print(f"| {name} | {load} | {float(rate):,.0f} | {ratio:.2f} | {p50} | {p99} | {per_request} ({expected}) | {check} |")
print(f"\nPeak server RSS over the whole run (VmHWM): {peak_mib:.1f} MiB.")
PY
cat "$ROOT/benches/load-report.md"
grep -q MISMATCH "$WORK/results.tsv" && { echo "some responses were not the expected ones" >&2; exit 1; }
exit 0
