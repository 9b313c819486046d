#!/usr/bin/env bash
# Multi-replica test: three actorgraph processes behind nginx on loopback, a model change rolled
# through them the way the kubelet updates a ConfigMap volume, then a rolling restart with
# SIGTERM, all under a steady mixed gRPC load that checks every answer.
#
#   tests/replicas/run.sh [BINARY]      (or ACTORGRAPH_BIN=...; default target/release/actorgraph)
#
# Layout: each replica serves its own mount folder, laid out as the kubelet lays out the
# Deployment's projected model volume (actorgraph.toml -> ..data/actorgraph.toml,
# world -> ..data/world, ..data -> ..TIMESTAMP.RANDOM/), with the Deployment's two layers:
# --data MOUNT/world,MOUNT (the world layer, then the article's model);
# nginx (Debian's nginx-light, installed here when missing) listens with HTTP/2 on an ephemeral
# loopback port and grpc_passes to an upstream of the three. Two more processes, each serving
# one model version and no traffic, answer every request once so the client knows the right
# answer for each version.
#
# While tests/replicas/client.py sends mixed RPCs (at least REPLICAS_MIN_CALLS, 20,000 by
# default) through nginx and records the grpc-status of every call:
#   (a) each replica in turn gets the new model by the kubelet's symlink swap, and the script
#       waits until that replica serves it (hot reload, no restart). The new model differs in
#       one file of the world layer only (an entity added to world/organizations.toml), the
#       layer reached through the world -> ..data/world symlink;
#   (b) each replica in turn gets SIGTERM, drains, exits 0 and is started again.
# Pass: zero failed calls; every answer equal to the reference answer of the version it claims;
# no replica answering with the old model once it served the new one; the new version served
# by all three at the end; every replica answered at least 10 % of the calls (nginx's access
# log names the replica of each call).
#
# Loopback only; every process started here is stopped on exit; the load is bounded in count
# and time, and the whole script by REPLICAS_HARD_LIMIT seconds (default 300).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${1:-${ACTORGRAPH_BIN:-target/release/actorgraph}}
[ -x "$BIN" ] || { echo "run.sh: no executable actorgraph at $BIN" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
MIN_CALLS=${REPLICAS_MIN_CALLS:-20000}
MAX_SECONDS=${REPLICAS_MAX_SECONDS:-150}
HARD_LIMIT=${REPLICAS_HARD_LIMIT:-300}
THREADS=${REPLICAS_THREADS:-8}
GRACE=5
REPLICAS=(r1 r2 r3)

WORK=$(mktemp -d)
chmod 755 "$WORK" # nginx's workers (nobody) read below it
declare -A PID PORT METRICS
NGINX_PID=""
CLIENT_PID=""
stream_pid=""
WATCHDOG_PID=""
REF_PIDS=()
STARTED_AT=$(date +%s.%N)

stop_process() { # pid: SIGTERM, up to 10 s, then SIGKILL
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT TERM INT
    stop_process "$CLIENT_PID"
    stop_process "$stream_pid"
    [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for replica in "${REPLICAS[@]}"; do stop_process "${PID[$replica]:-}"; done
    for pid in "${REF_PIDS[@]}"; do stop_process "$pid"; done
    stop_process "$NGINX_PID"
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
    if [ "$status" -ne 0 ] && [ -z "${REPLICAS_KEEP:-}" ]; then
        for log in "$WORK"/*/server.log "$WORK/nginx/error.log"; do
            [ -f "$log" ] && { echo "--- last lines of ${log#"$WORK"/}"; tail -n 15 "$log" | sed 's/\x1b\[[0-9;]*m//g'; }
        done
    fi
    if [ -n "${REPLICAS_KEEP:-}" ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 124' TERM INT
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$HARD_LIMIT" &
    sleeper=$!
    wait "$sleeper" && echo "run.sh: hard limit of ${HARD_LIMIT}s reached" >&2 && kill -TERM $$
) &
WATCHDOG_PID=$!

step() { printf '\n==> %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
event() { echo "$(now) $1 $2" >>"$WORK/events.log"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

step "tools: nginx (Debian), grpcio and grpcio-tools (PyPI) in a temporary virtualenv"
if ! command -v nginx >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
nginx -v 2>&1
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check grpcio grpcio-tools grpcio-health-checking
PY="$WORK/venv/bin/python"
mkdir -p "$WORK/stubs"
"$PY" -m grpc_tools.protoc -I proto --python_out="$WORK/stubs" --grpc_python_out="$WORK/stubs" proto/actorgraph/v1/*.proto
export ACTORGRAPH_STUBS="$WORK/stubs"
CLIENT=("$PY" "$ROOT/tests/replicas/client.py")

step "models: the shipped one (old) and a copy with one more entity in the world layer (new)"
layers() { echo "$1/world,$1"; } # folder: the Deployment's layers in it (ACTORGRAPH_DATA)
mkdir -p "$WORK/model-old" "$WORK/model-new"
cp -R data/. "$WORK/model-old/"
cp -R data/. "$WORK/model-new/"
cat >>"$WORK/model-new/world/organizations.toml" <<'TOML'

# Added by tests/replicas/run.sh: the new model version of the rolling-change test, in the
# world layer only.
[[entities]]
id = "replica-test-marker"
name = "Replica Test Marker"
type = "organization"
description = "Marks the second model version of the multi-replica test."
TOML
changed=$(diff -rq "$WORK/model-old" "$WORK/model-new" | sed "s|$WORK/||g" || true)
[ "$changed" = "Files model-old/world/organizations.toml and model-new/world/organizations.toml differ" ] ||
    { echo "the new model must differ in world/organizations.toml only: $changed" >&2; exit 1; }
"$BIN" check "$WORK/model-old/world" "$WORK/model-old"
"$BIN" check "$WORK/model-new/world" "$WORK/model-new"

step "start: three replicas on kubelet-style mounts, two reference servers"
start_replica() { # name
    local replica=$1
    "$BIN" --listen "127.0.0.1:${PORT[$replica]}" --data "$(layers "$WORK/$replica/mount")" --store off \
        --metrics-listen "127.0.0.1:${METRICS[$replica]}" --shutdown-grace-seconds "$GRACE" \
        >>"$WORK/$replica/server.log" 2>&1 &
    PID[$replica]=$!
}
for replica in "${REPLICAS[@]}"; do
    PORT[$replica]=$(free_port)
    METRICS[$replica]=$(free_port)
    mkdir -p "$WORK/$replica"
    "$PY" tests/replicas/atomic_writer.py "$WORK/$replica/mount" "$WORK/model-old"
    start_replica "$replica"
done
REF_OLD_PORT=$(free_port)
REF_NEW_PORT=$(free_port)
"$BIN" --listen "127.0.0.1:$REF_OLD_PORT" --data "$(layers "$WORK/model-old")" --watch false --store off >"$WORK/ref-old.log" 2>&1 &
REF_PIDS+=($!)
"$BIN" --listen "127.0.0.1:$REF_NEW_PORT" --data "$(layers "$WORK/model-new")" --watch false --store off >"$WORK/ref-new.log" 2>&1 &
REF_PIDS+=($!)
ADDRESSES=()
for replica in "${REPLICAS[@]}"; do ADDRESSES+=("127.0.0.1:${PORT[$replica]}"); done
"${CLIENT[@]}" wait-serving "${ADDRESSES[@]}" "127.0.0.1:$REF_OLD_PORT" "127.0.0.1:$REF_NEW_PORT"
OLD=$("${CLIENT[@]}" version "127.0.0.1:$REF_OLD_PORT")
NEW=$("${CLIENT[@]}" version "127.0.0.1:$REF_NEW_PORT")
[ "$OLD" != "$NEW" ] || { echo "the two models have one version" >&2; exit 1; }
for replica in "${REPLICAS[@]}"; do
    version=$("${CLIENT[@]}" version "127.0.0.1:${PORT[$replica]}")
    [ "$version" = "$OLD" ] || { echo "$replica serves $version, not $OLD" >&2; exit 1; }
    echo "$replica: 127.0.0.1:${PORT[$replica]} (metrics ${METRICS[$replica]}), pid ${PID[$replica]}, model $version"
done
echo "old model $OLD, new model $NEW"
ls -la "$WORK/r1/mount" | sed 's/^/  /'
echo "  world -> $(readlink "$WORK/r1/mount/world"): $(ls "$WORK/r1/mount/world/" | tr '\n' ' ')"

step "nginx: HTTP/2 on loopback, grpc_pass to the three replicas"
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    # One tab-separated line per call: time, the client's x-request-id, every replica tried
    # (\$upstream_addr lists a retry as "first, second"), HTTP status, gRPC status.
    log_format calls '\$msec\t\$http_x_request_id\t\$upstream_addr\t\$status\t\$upstream_trailer_grpc_status\$upstream_http_grpc_status\t\$request_time';
    access_log $WORK/nginx/access.log calls buffer=256k flush=1s;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    # Client connections live for the whole test (the default closes one after 1000 calls).
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    http2_max_concurrent_streams 256;

    upstream actorgraph {
        # A replica that refuses a connection (stopped, or restarting) is skipped for 1 s.
        server 127.0.0.1:${PORT[r1]} max_fails=1 fail_timeout=1s;
        server 127.0.0.1:${PORT[r2]} max_fails=1 fail_timeout=1s;
        server 127.0.0.1:${PORT[r3]} max_fails=1 fail_timeout=1s;
        keepalive 32;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT http2;
        location / {
            grpc_pass grpc://actorgraph;
            # A call whose connect fails or times out goes to the next replica. nginx streams
            # gRPC request bodies unbuffered, so it never resends a call once any of it reached
            # a replica; calls already on a stopping replica are drained by the server instead.
            grpc_next_upstream error timeout;
            grpc_next_upstream_tries 3;
            grpc_next_upstream_timeout 5s;
            grpc_connect_timeout 1s;
            grpc_send_timeout 15s;
            grpc_read_timeout 15s;
        }
    }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -g 'daemon off;' &
NGINX_PID=$!
"${CLIENT[@]}" wait-serving "127.0.0.1:$NGINX_PORT"
echo "nginx: 127.0.0.1:$NGINX_PORT, pid $NGINX_PID"

sample() { # replica pid: peak RSS and CPU time of one replica process, before it stops
    local replica=$1 pid=$2 hwm ticks
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "$replica $pid $hwm $ticks" >>"$WORK/resources.log"
}
reloads() { # replica: the reload counters of its metrics endpoint
    "$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' \
        "http://127.0.0.1:${METRICS[$1]}/metrics" | grep '^actorgraph_model_reloads_total' | tr '\n' ' ' || true
}

step "load: ${THREADS} client threads through nginx (at least $MIN_CALLS calls, at most ${MAX_SECONDS}s)"
"${CLIENT[@]}" load --root "$ROOT" --target "127.0.0.1:$NGINX_PORT" \
    --reference "127.0.0.1:$REF_OLD_PORT" --reference "127.0.0.1:$REF_NEW_PORT" \
    --out "$WORK/load" --stop-file "$WORK/stop" --threads "$THREADS" \
    --min-calls "$MIN_CALLS" --max-seconds "$MAX_SECONDS" &
CLIENT_PID=$!
sleep 4

PROBLEMS=()
step "(a) model change: the kubelet's ..data symlink swap on each replica in turn"
for replica in "${REPLICAS[@]}"; do
    event swap-begin "$replica"
    "$PY" tests/replicas/atomic_writer.py "$WORK/$replica/mount" "$WORK/model-new"
    started=$(now)
    if "${CLIENT[@]}" wait-version "127.0.0.1:${PORT[$replica]}" "$NEW" --timeout 10; then
        event swapped "$replica"
        printf '%s: serves %s %.2f s after the swap; %s\n' "$replica" "$NEW" "$(since "$started")" "$(reloads "$replica")"
    else
        PROBLEMS+=("$replica did not reload after the ..data swap")
        echo "$replica: still on the old model 10 s after the swap; $(reloads "$replica")"
    fi
    sleep 2
done

step "(b) rolling restart: SIGTERM, drain, start again, one replica at a time"
for replica in "${REPLICAS[@]}"; do
    pid=${PID[$replica]}
    sample "$replica" "$pid"
    # A call in flight across the SIGTERM: a stream straight to this replica, one item every
    # 0.2 s for 2 s; the drain must let it finish.
    rm -f "$WORK/stream-ready"
    "${CLIENT[@]}" hold-stream "127.0.0.1:${PORT[$replica]}" --items 10 --interval 0.2 \
        --ready-file "$WORK/stream-ready" >"$WORK/$replica/stream.log" 2>&1 &
    stream_pid=$!
    for _ in $(seq 1 50); do [ -f "$WORK/stream-ready" ] && break; sleep 0.1; done
    sleep 0.3
    event term "$replica"
    term_at=$(now)
    kill -TERM "$pid"
    stopped=""
    for _ in $(seq 1 $(((GRACE + 5) * 10))); do
        kill -0 "$pid" 2>/dev/null || { stopped=yes; break; }
        sleep 0.1
    done
    if [ -z "$stopped" ]; then
        PROBLEMS+=("$replica did not exit within $((GRACE + 5)) s of SIGTERM")
        kill -KILL "$pid" 2>/dev/null || true
    fi
    code=0
    wait "$pid" || code=$?
    event exited "$replica"
    drain=$(since "$term_at")
    [ "$code" -eq 0 ] || PROBLEMS+=("$replica exited with status $code after SIGTERM")
    stream_code=0
    wait "$stream_pid" || stream_code=$?
    [ "$stream_code" -eq 0 ] || PROBLEMS+=("$replica: the stream open across SIGTERM did not finish: $(cat "$WORK/$replica/stream.log")")
    grep -q 'shutting down' "$WORK/$replica/server.log" || PROBLEMS+=("$replica logged no shutdown")
    start_replica "$replica"
    "${CLIENT[@]}" wait-serving "127.0.0.1:${PORT[$replica]}" --timeout 15
    event serving-after-restart "$replica"
    echo "$replica: pid $pid exited $code ${drain} s after SIGTERM ($(cat "$WORK/$replica/stream.log")); pid ${PID[$replica]} serving $("${CLIENT[@]}" version "127.0.0.1:${PORT[$replica]}")"
    sleep 2
done
sleep 1
touch "$WORK/stop"

step "waiting for the load to finish"
client_code=0
wait "$CLIENT_PID" || client_code=$?
CLIENT_PID=""
[ "$client_code" -eq 0 ] || PROBLEMS+=("the load client exited with status $client_code")

step "the end: every replica serves the new model"
for replica in "${REPLICAS[@]}"; do
    version=$("${CLIENT[@]}" version "127.0.0.1:${PORT[$replica]}")
    echo "$replica: $version"
    [ "$version" = "$NEW" ] || PROBLEMS+=("$replica serves $version at the end, not $NEW")
    sample "$replica" "${PID[$replica]}"
done
kill -QUIT "$NGINX_PID" # flushes the access log
wait "$NGINX_PID" || true
NGINX_PID=""

step "verdict"
analyse_code=0
"${CLIENT[@]}" analyse --out "$WORK/load" --access "$WORK/nginx/access.log" --events "$WORK/events.log" \
    --replica "r1=${PORT[r1]}" --replica "r2=${PORT[r2]}" --replica "r3=${PORT[r3]}" \
    --old "$OLD" --new "$NEW" --min-calls "$MIN_CALLS" || analyse_code=$?
[ "$analyse_code" -eq 0 ] || PROBLEMS+=("the load checks failed")

CLK_TCK=$(getconf CLK_TCK)
calls=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["calls"])' "$WORK/load/verdict.json")
awk -v tck="$CLK_TCK" -v calls="$calls" '
    { if ($3 > peak) peak = $3; cpu += $4 / tck; n++ }
    END { printf "replica processes: %d sampled, peak RSS %.1f MiB, CPU %.1f s in all, %.0f µs of replica CPU per call\n", n, peak / 1024, cpu, 1e6 * cpu / calls }
' "$WORK/resources.log"
echo "wall time: $(since "$STARTED_AT") s for the whole script"

echo
if [ "${#PROBLEMS[@]}" -ne 0 ]; then
    printf 'FAIL: %s\n' "${PROBLEMS[@]}"
    echo "replicas: 0 passed, 1 failed"
    exit 1
fi
echo "replicas: 1 passed, 0 failed"
