#!/usr/bin/env bash
# The corpus benchmark (benches/corpus_load.py): builds the release server, makes a virtualenv
# with grpcio and the stubs of proto/ in a temporary folder, and runs the benchmark for each
# corpus size given (default 2000 10000). Loopback only; every server it starts is stopped.
#
# Usage: bash benches/corpus_load.sh [N ...]     e.g. bash benches/corpus_load.sh 2000 10000 100000
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --locked --bin actorgraph >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check grpcio grpcio-tools grpcio-health-checking
mkdir -p "$WORK/stubs"
"$WORK/venv/bin/python" -m grpc_tools.protoc -I proto --python_out="$WORK/stubs" --grpc_python_out="$WORK/stubs" proto/actorgraph/v1/*.proto
if [ "$#" -eq 0 ]; then set -- 2000 10000; fi
"$WORK/venv/bin/python" benches/corpus_load.py "$TARGET/release/actorgraph" "$WORK/stubs" "$@"
