#!/usr/bin/env bash
# Load benchmark of the real server against the framework's floor. Builds in release mode, starts
# actorgraph (with its default layers, data/world under data, as users run it) and the floor
# server (examples/floor_server.rs: bare tonic, the same HTTP/2 settings and request messages,
# an empty answer, no layers) on loopback, checks one answer of each benchmarked call with a real
# client, then drives each call with h2load using pre-encoded gRPC bodies, at two loads, for a
# bounded time. The floor rows run just before the actorgraph rows they are the reference of, so
# that drift on a shared machine touches both alike. Reports req/s, p50/p99 latency, each row's
# ratio to the floor with the same request body (to the empty-text floor for calls that are not
# extraction), its ratio to the health check, the server's CPU time per request (steadier than
# req/s on a shared machine), and actorgraph's peak memory. h2load counts any
# HTTP 200 as a success, and gRPC errors are HTTP 200 too, so the script also checks that the
# bytes received per request equal the size of the expected response.
#
# Usage: bash benches/load.sh [SECONDS_PER_RUN]   (default 8; needs h2load from nghttp2-client)
#        LOAD_CASES='floor-300|b-extract' bash benches/load.sh 3   runs only the cases whose name
#        matches the extended regular expression (for iterating; the report is then partial).
# Time: 10 cases x 2 loads x (2 s warm-up + SECONDS_PER_RUN), plus the build: about 3.5 minutes
# at 8 s. Both servers are stopped on exit, however the script ends.
# Writes the report to benches/load-report.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${1:-8}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$(mktemp -d)
SERVER_PID=""
FLOOR_PID=""
cleanup() {
    for pid in $SERVER_PID $FLOOR_PID; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v h2load >/dev/null; then
    echo "h2load not found: install it with 'apt-get install nghttp2-client'" >&2
    exit 1
fi

cargo build --release --locked --bin actorgraph --example load_bodies --example floor_server >&2
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
ADDRESS="127.0.0.1:$(free_port)"
FLOOR_ADDRESS="127.0.0.1:$(free_port)"
RUST_LOG=warn "$TARGET/release/actorgraph" --listen "$ADDRESS" --data "$ROOT/data/world,$ROOT/data" --watch false --store off \
    --max-concurrent-calls 1024 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
"$TARGET/release/examples/floor_server" "$FLOOR_ADDRESS" >"$WORK/floor.log" 2>&1 &
FLOOR_PID=$!
"$TARGET/release/examples/load_bodies" "$ADDRESS" "$WORK/bodies" >"$WORK/cases.tsv"

# The CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_case() { # name pid address path body expected_bytes floor connections streams
    local name=$1 pid=$2 address=$3 path=$4 body=$5 expected=$6 floor=$7 connections=$8 streams=$9
    local log="$WORK/$name-$connections-$streams.log"
    # Warm up in a run of its own: h2load's --warm-up-time still counts the warm-up traffic.
    h2load --duration=2 -c "$connections" -m "$streams" -t 1 \
        --data="$body" -H 'content-type: application/grpc' -H 'te: trailers' \
        "http://$address$path" >/dev/null 2>&1
    local cpu_before cpu_after
    cpu_before=$(cpu_ticks "$pid")
    h2load --duration="$DURATION" -c "$connections" -m "$streams" -t 1 \
        --data="$body" -H 'content-type: application/grpc' -H 'te: trailers' \
        --log-file="$log" "http://$address$path" >"$WORK/h2load.out" 2>&1
    cpu_after=$(cpu_ticks "$pid")
    python3 - "$WORK/h2load.out" "$log" "$expected" "$name" "$connections" "$streams" "$floor" \
        "$((cpu_after - cpu_before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
out, log, expected, name, connections, streams, floor, ticks, ticks_per_second = sys.argv[1:]
text = open(out).read()
rate = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
succeeded = int(re.search(r"requests: .*?(\d+) succeeded", text).group(1))
failed = int(re.search(r"(\d+) failed", text).group(1))
data_bytes = int(re.search(r"\((\d+)\) data", text).group(1))
per_request = data_bytes / max(succeeded, 1)
# The server's CPU time per answered request: steadier than req/s when other work shares the
# machine, since time the server waits for a core is not counted.
cpu_us = int(ticks) / int(ticks_per_second) / max(succeeded, 1) * 1e6
durations = sorted(int(line.split("\t")[2]) for line in open(log) if line.strip())
def percentile(p):
    return durations[min(len(durations) - 1, int(len(durations) * p))] / 1000.0
# Responses still in flight when the run stops are received in part but not counted as done.
in_flight_slack = int(expected) * int(connections) * int(streams) / max(succeeded, 1)
ok = failed == 0 and abs(per_request - int(expected)) <= in_flight_slack + 0.5
print(f"{name}\t{connections}x{streams}\t{rate:.0f}\t{percentile(0.50):.3f}\t{percentile(0.99):.3f}\t{per_request:.1f}\t{expected}\t{'ok' if ok else 'MISMATCH'}\t{floor}\t{cpu_us:.1f}")
PY
}

# Each floor case, then the actorgraph cases that take it as their reference.
python3 - "$WORK/cases.tsv" >"$WORK/order.tsv" <<'PY'
import sys
cases = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
for floor in (c for c in cases if c[0] == "floor"):
    print("\t".join(floor))
    for case in cases:
        if case[0] == "actorgraph" and case[5] == floor[1]:
            print("\t".join(case))
PY
if [ -n "${LOAD_CASES:-}" ]; then
    awk -F '\t' -v pattern="$LOAD_CASES" '$2 ~ pattern' "$WORK/order.tsv" >"$WORK/order.selected"
    mv "$WORK/order.selected" "$WORK/order.tsv"
fi
{
    for load in "4 1" "16 8"; do
        set -- $load
        while IFS=$'\t' read -r server name path body expected floor; do
            if [ "$server" = floor ]; then pid=$FLOOR_PID address=$FLOOR_ADDRESS; else pid=$SERVER_PID address=$ADDRESS; fi
            run_case "$name" "$pid" "$address" "$path" "$body" "$expected" "$floor" "$1" "$2"
        done <"$WORK/order.tsv"
    done
} >"$WORK/results.tsv"
PEAK_KIB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")

python3 - "$WORK/results.tsv" "$PEAK_KIB" "$DURATION" >"$ROOT/benches/load-report.md" <<'PY'
import datetime, os, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
peak_mib = int(sys.argv[2]) / 1024
rates = {(r[0], r[1]): float(r[2]) for r in rows}
print(f"Load run of {datetime.date.today()} on {os.cpu_count()} cores; {sys.argv[3]} s per run after a 2 s warm-up run;")
print("h2load and the servers share the machine; actorgraph serves its default layers (data/world, data).")
print("`bash benches/load.sh` reproduces it.\n")
print("| call | load (conns × streams) | req/s | × floor | floor | × health | p50 ms | p99 ms | server CPU µs/req | bytes/response (expected) | check |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for load in dict.fromkeys(r[1] for r in rows):
    ordered = sorted((r for r in rows if r[1] == load), key=lambda r: (not r[0].startswith("floor"), r[0]))
    for name, load, rate, p50, p99, per_request, expected, check, floor, cpu_us in ordered:
        floor_rate = rates.get((floor, load), 0.0)
        health_rate = rates.get(("a-health", load), 0.0)
        to_floor = f"{float(rate) / floor_rate:.2f}" if floor_rate else "–"
        to_health = f"{float(rate) / health_rate:.2f}" if health_rate and not name.startswith("floor") else "–"
        print(f"| {name} | {load} | {float(rate):,.0f} | {to_floor} | {floor} | {to_health} | {p50} | {p99} | {cpu_us} | {per_request} ({expected}) | {check} |")
print(f"\nPeak actorgraph RSS over the whole run (VmHWM): {peak_mib:.1f} MiB.")
PY
cat "$ROOT/benches/load-report.md"
grep -q MISMATCH "$WORK/results.tsv" && { echo "some responses were not the expected ones" >&2; exit 1; }
exit 0
