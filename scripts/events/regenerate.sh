#!/usr/bin/env bash
# Regenerates data/world/event-dictionary.toml byte for byte from PETRARCH2's CAMEO verb dictionary.
#
#   bash scripts/events/regenerate.sh [PATH]        (from anywhere inside the repository)
#
# With PATH, reads that copy of CAMEO.2.0.txt; without, downloads the file at the pinned commit of
# openeventdata/petrarch2 into a temporary folder outside the repository (curl, or git when there
# is no curl) and removes the folder afterwards. Either way the file's sha256 must be the pinned
# one, or nothing is written. Then runs generate.py (Python 3.11 or newer, standard library only).
# Nothing of PETRARCH2 is copied into the repository: the dictionary is read, not kept.
#
# EVENTS_REPORT=FILE keeps the report (default: a temporary file, whose path is printed).
# Further arguments after PATH go to generate.py: --no-objects, --block-defaults, --verb-codes
# (e.g. `regenerate.sh "" --block-defaults` downloads and adds the blocks' default codes).
set -euo pipefail

COMMIT=676801cd9cb2924bbbad09f86d15c9323e7097bf
FILE=petrarch2/data/dictionaries/CAMEO.2.0.txt
SHA256=4a442ee42f7574651ec1c594f127353cdffbf18fa97b207ad5d8298a3cfaa08f

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

input="${1:-}"
[[ $# -gt 0 ]] && shift
if [[ -z "$input" ]]; then
    tmp="$(mktemp -d -t actorgraph-events.XXXXXX)"
    trap 'rm -rf "$tmp"' EXIT
    input="$tmp/CAMEO.2.0.txt"
    if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --show-error --location --retry 3 --output "$input" \
            "https://raw.githubusercontent.com/openeventdata/petrarch2/$COMMIT/$FILE"
    else
        git clone --quiet --no-checkout --filter=blob:none \
            https://github.com/openeventdata/petrarch2.git "$tmp/petrarch2"
        git -C "$tmp/petrarch2" show "$COMMIT:$FILE" >"$input"
    fi
fi
if [[ ! -f "$input" ]]; then
    echo "regenerate.sh: no such file: $input" >&2
    exit 1
fi

actual="$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$input")"
if [[ "$actual" != "$SHA256" ]]; then
    echo "regenerate.sh: refusing $input: sha256 $actual is not the pinned $SHA256 ($FILE at $COMMIT)" >&2
    exit 1
fi

report=()
if [[ -n "${EVENTS_REPORT:-}" ]]; then
    report=(--report "$EVENTS_REPORT")
fi
python3 "$here/generate.py" --input "$input" --out "$repo/data/world/event-dictionary.toml" \
    ${report[@]+"${report[@]}"} "$@"
