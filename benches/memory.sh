#!/usr/bin/env bash
# Peak and settled memory of the real server under eight 1 MiB texts at once, over gRPC and over
# Connect JSON, and the latency of a real call while eight clients stall their bodies
# (BENCHMARKS.md, "Memory under large texts, and slow bodies").
#
#   bash benches/memory.sh [BINARY]      (default target/release/actorgraph)
#
# Needs grpcurl and curl on PATH, and Python 3 with the h2 package (pip install h2) for the
# slow clients. Loopback only; every server it starts is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/actorgraph}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK/request.json" <<'PY'
import glob, json, sys
texts = [open(f, encoding="utf-8").read() for f in sorted(glob.glob("tests/fixtures/dev*/*.txt"))]
body = ""
while len(body.encode()) < 1_000_000:
    for text in texts:
        body += text + "\n\n"
json.dump({"text": body.encode()[:1_000_000].decode("utf-8", "ignore")}, open(sys.argv[1], "w"))
PY

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mib() { awk -v key="$2:" '$1 == key { print int($2 / 1024) }' "/proc/$1/status"; }
start() {
    PORT=$(free_port)
    "$BIN" --listen "127.0.0.1:$PORT" --store off --watch false "$@" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do
        grpcurl -plaintext "127.0.0.1:$PORT" grpc.health.v1.Health/Check >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "the server did not start" >&2
    exit 1
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; }

echo "| call | idle / peak / settled MiB | answers | seconds |"
for protocol in grpc json; do
    for rpc in ExtractEntities ExtractEvents; do
        start
        idle=$(mib "$SERVER" VmRSS)
        began=$(date +%s.%N)
        clients=()
        for i in $(seq 8); do
            if [ "$protocol" = grpc ]; then
                (grpcurl -plaintext -max-msg-sz 100000000 -max-time 60 -d @ "127.0.0.1:$PORT" \
                    "actorgraph.v1.ExtractionService/$rpc" <"$WORK/request.json" >/dev/null 2>&1; echo "exit $?" >"$WORK/answer.$i") &
            else
                (curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
                    --data-binary @"$WORK/request.json" "http://127.0.0.1:$PORT/actorgraph.v1.ExtractionService/$rpc" >"$WORK/answer.$i") &
            fi
            clients+=($!)
        done
        wait "${clients[@]}"
        ended=$(date +%s.%N)
        peak=$(mib "$SERVER" VmHWM)
        sleep 5
        settled=$(mib "$SERVER" VmRSS)
        answers=$(cat "$WORK"/answer.* | sort | uniq -c | awk '{ printf "%s×%s ", $2" "$3, $1 }')
        rm -f "$WORK"/answer.*
        stop
        echo "| $rpc, $protocol | $idle / $peak / $settled | $answers | $(python3 -c "print(round($ended - $began, 2))") |"
    done
done

start --max-concurrent-calls 4
python3 - "$PORT" <<'PY'
import socket, subprocess, sys, time
import h2.config, h2.connection
port = int(sys.argv[1])
stalled = []
for _ in range(8):
    sock = socket.create_connection(("127.0.0.1", port))
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    connection.send_headers(1, [(":method", "POST"), (":path", "/actorgraph.v1.ExtractionService/ExtractEntities"),
                                (":scheme", "http"), (":authority", "localhost"),
                                ("content-type", "application/grpc"), ("te", "trailers")])
    connection.send_data(1, b"\x00\x00\x00\x03\xe8\x0a")  # the start of a 1,000-byte frame, then nothing
    sock.sendall(connection.data_to_send())
    stalled.append(sock)
time.sleep(0.5)
answers = []
for _ in range(10):
    began = time.time()
    code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json",
                           "-d", '{"text": "Egypt backs Haftar."}',
                           f"http://127.0.0.1:{port}/actorgraph.v1.ExtractionService/ExtractEntities"],
                          capture_output=True, text=True).stdout
    answers.append(f"{code} in {(time.time() - began) * 1000:.1f} ms")
print("real calls beside 8 stalled bodies, --max-concurrent-calls 4:", "; ".join(answers))
PY
stop
