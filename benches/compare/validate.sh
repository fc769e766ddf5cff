#!/usr/bin/env bash
# `crm id validate` end to end: a 300,000-row customer file, CSV in, xlsx report out.
#
# customers_gen.py writes ROWS customers (default 300000; seed SEED, default 42) to
# data/customers_ROWS.csv with real district codes and about 12,000 distinct birthplace
# spellings (25% typos, 2% unknown places); made only if missing. The release `crm` then
# validates it REPEAT times (default 5), each as its own process timed by /usr/bin/time:
#
#   crm id validate data/customers_ROWS.csv --out data/customers_ROWS.xlsx --as-of 2026-11-22
#
# and once with a CSV output. It prints each run's wall seconds and peak RSS, and the median.
# Targets (issue 3): median wall <= 3 s, peak RSS <= 500 MB. The machine's other load makes
# single runs vary; the median of five is what docs/benchmarks.md records.
#
# Usage: bash benches/compare/validate.sh          (SKIP_BUILD=1: use the existing binary)

set -euo pipefail
trap 'echo "validate.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -- "$HERE/../.." && pwd)"
DATA="$HERE/data"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
CRM="$TARGET_DIR/release/crm"
ROWS="${ROWS:-300000}"
SEED="${SEED:-42}"
REPEAT="${REPEAT:-5}"
# The region tables crm-idvalidate embeds (crates/crm-idvalidate/data/SOURCE.md).
WILAYAH="${WILAYAH:-$ROOT/crates/crm-idvalidate/data}"
IN="$DATA/customers_$ROWS.csv"

log() { printf '[validate.sh] %s\n' "$*" >&2; }

mkdir -p "$DATA"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p crm-cli)
fi
if [[ ! -s "$IN" ]]; then
    log "generating $IN (not timed)"
    "${PYTHON:-python3}" "$HERE/customers_gen.py" "$ROWS" "$IN" --wilayah "$WILAYAH" --seed "$SEED"
fi

run() {
    local out="$1" secs=()
    for ((i = 1; i <= REPEAT; i++)); do
        /usr/bin/time -f '%e %M' -o "$DATA/validate.time" \
            "$CRM" id validate "$IN" --out "$out" --as-of 2026-11-22 >/dev/null 2>"$DATA/validate.err"
        read -r s kb <"$DATA/validate.time"
        printf '  run %d: %s s, %d MB peak RSS\n' "$i" "$s" "$((kb / 1024))"
        secs+=("$s")
    done
    printf '  median: %s s\n' "$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

echo "crm id validate, $ROWS rows, CSV -> xlsx"
run "$DATA/customers_$ROWS.xlsx"
echo "crm id validate, $ROWS rows, CSV -> CSV"
REPEAT=1 run "$DATA/customers_${ROWS}_out.csv"
tail -n 4 "$DATA/validate.err" >&2
