#!/usr/bin/env bash
# Peer comparison: Indonesian NIK parsing throughput, crm-idvalidate against the packages
# people reach for in Python and Node.
#
# `id-compare gen` writes N NIKs to data/niks.txt (real districts, valid dates, both sexes;
# 5% damaged: bad month, serial 0000, 15 digits). Each side then runs as its own process on
# that file: it reads every line into memory (not timed), parses them all, and prints
# `parse <seconds> n=<N> valid=<V> per_sec=<R>` from its own clock.
#
#   tool             how                                          language
#   crm-idvalidate   id-compare parse (Nik::parse, region lookup)  Rust
#   business-id-nik  parse_business_id_nik.py: parse_nik(line)     Python (PyPI)
#   nik-parser       parse_nik_parser.js: nikParser(line).isValid  Node (npm)
#
# ratio = our numbers/s / the peer's (> 1: Rust is faster). Target: crm-idvalidate parses
# >= 20,000,000 numbers/s (absolute; PASS/MISS). crm-idvalidate's valid count is checked: it
# must accept exactly as many numbers as `id-compare gen` left undamaged (the script stops
# with exit status 1 otherwise). The peers' valid counts are reported, not checked: they use
# older region tables, and nik-parser checks neither the date nor the serial.
#
# Sizes: N numbers (default N=1000000); --quick sets N=100000. Every measurement is the best
# (highest numbers/s) of REPEAT runs (default 3).
# Other environment: SKIP_BUILD=1 uses the existing release binary; PYTHON is the interpreter
# the venv is made from (python3); NODE is the node binary (node).
#
# Files (all git-ignored): benches/compare/.venv/ gets the Python peer pinned in
# requirements-idvalidate.txt; benches/compare/node_modules/ gets nik-parser (npm install
# --no-save); benches/compare/data/ holds niks.txt, each run's stdout/stderr in data/logs/,
# and data/results.md, to which every run appends its table (date, machine, command).
#
# Usage: bash benches/compare/idvalidate.sh [--quick]
#        N=5000000 REPEAT=5 SKIP_BUILD=1 bash benches/compare/idvalidate.sh

set -euo pipefail
trap 'echo "idvalidate.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -- "$HERE/../.." && pwd)"
DATA="$HERE/data"
LOGS="$DATA/logs"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
NODE="${NODE:-node}"
REQUIREMENTS="$HERE/requirements-idvalidate.txt"
NIK_PARSER_VERSION="1.0.1"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
ID_COMPARE="$TARGET_DIR/release/id-compare"
NIKS="$DATA/niks.txt"
TARGET_PER_SEC=20000000

log() { printf '[idvalidate.sh] %s\n' "$*" >&2; }
die() { printf 'idvalidate.sh: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^$/{s/^# \{0,1\}//;/^set /d;p}' "${BASH_SOURCE[0]}"; }

# ---- arguments ----------------------------------------------------------------------------
ARGS=("$@")
QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $arg" ;;
    esac
done
((QUICK)) && N=100000
N="${N:-1000000}"
REPEAT="${REPEAT:-3}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer, not '$REPEAT'"

# The exact command line, for results.md.
COMMAND="N=$N"
[[ "$REPEAT" != 3 ]] && COMMAND+=" REPEAT=$REPEAT"
COMMAND+=" bash benches/compare/idvalidate.sh"
((${#ARGS[@]})) && COMMAND+=" ${ARGS[*]}"

command -v "$NODE" >/dev/null || die "node is needed (NODE=$NODE not found)"
command -v npm >/dev/null || die "npm is needed"

# ---- Python peer --------------------------------------------------------------------------
if [[ ! -x "$PY" ]]; then
    log "creating the venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! cmp -s "$REQUIREMENTS" "$VENV/.requirements-idvalidate.installed"; then
    log "installing the Python peer from requirements-idvalidate.txt"
    "$PY" -m pip install --disable-pip-version-check -q -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/.requirements-idvalidate.installed"
fi
"$PY" -c 'from business_id_nik.business_id_nik import parse_nik' ||
    die "business-id-nik does not import from $VENV (delete it and rerun)"
BID_VERSION="$(sed -n 's/^business-id-nik==\([^ ]*\).*/\1/p' "$REQUIREMENTS")"

# ---- Node peer ----------------------------------------------------------------------------
nik_parser_version() {
    "$NODE" -p "require('$HERE/node_modules/nik-parser/package.json').version" 2>/dev/null || true
}
if [[ "$(nik_parser_version)" != "$NIK_PARSER_VERSION" ]]; then
    log "installing nik-parser@$NIK_PARSER_VERSION into $HERE/node_modules"
    npm install --no-save --no-audit --no-fund --prefix "$HERE" "nik-parser@$NIK_PARSER_VERSION" >&2
fi
[[ "$(nik_parser_version)" == "$NIK_PARSER_VERSION" ]] ||
    die "nik-parser $NIK_PARSER_VERSION is not in $HERE/node_modules (delete it and rerun)"

# ---- Rust side ----------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p crm-benches --bin id-compare)
fi
[[ -x "$ID_COMPARE" ]] || die "missing $ID_COMPARE (did the build fail?)"

mkdir -p "$DATA" "$LOGS"

# Always regenerated (about a second for 1M): a rebuilt generator can't leave a stale file.
log "generating $NIKS ($N NIKs, not timed)"
"$ID_COMPARE" gen "$NIKS" "$N" >"$LOGS/idvalidate-gen.out"
lines="$(wc -l <"$NIKS" | tr -d ' ')"
[[ "$lines" == "$N" ]] || die "$NIKS has $lines lines, expected $N"

# ---- measuring ----------------------------------------------------------------------------
# field KEY: the value of KEY=... in DETAIL.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$DETAIL"; }

# measure TOOL CMD...: runs CMD REPEAT times (stdout/stderr of the best run kept in
# data/logs/) and sets DETAIL (the last line CMD printed), SECS, PER_SEC and VALID from the
# run with the highest per_sec. Fails unless CMD reports n=N.
measure() {
    local tool="$1"
    shift
    local name="idvalidate-${tool//[^A-Za-z0-9.]/_}"
    local out="$LOGS/$name.out" err="$LOGS/$name.err"
    local best="" run rate n
    for ((run = 1; run <= REPEAT; run++)); do
        log "$tool (run $run of $REPEAT)"
        if ! "$@" >"$out.run" 2>"$err.run"; then
            printf 'idvalidate.sh: %s failed: %s\n' "$tool" "$*" >&2
            sed 's/^/    /' "$err.run" >&2
            exit 1
        fi
        DETAIL="$(tail -n 1 "$out.run")"
        rate="$(field per_sec)"
        n="$(field n)"
        [[ "$rate" =~ ^[0-9]+$ ]] || die "$tool printed no per_sec: '$DETAIL'"
        [[ "$n" == "$N" ]] || die "$tool parsed n=$n numbers, expected $N"
        log "    $DETAIL"
        if [[ -z "$best" ]] || ((rate > best)); then
            best="$rate"
            mv "$out.run" "$out"
            mv "$err.run" "$err"
        fi
    done
    rm -f "$out.run" "$err.run"
    DETAIL="$(tail -n 1 "$out")"
    SECS="$(awk '{ print $2 }' <<<"$DETAIL")"
    PER_SEC="$best"
    VALID="$(field valid)"
    log "    best: $DETAIL"
}

# 12345678 -> 12,345,678
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
# ratio OURS_PER_SEC PEER_PER_SEC
ratio() { awk -v o="$1" -v p="$2" 'BEGIN { if (p < 1) p = 1; printf "%.1f", o / p }'; }
# pct PART WHOLE
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

TABLE=()
VALIDS=()
table_row() { # TOOL SECS PER_SEC VALID RATIO
    local line="| $1 | $2 | $(commas "$3") | $(commas "$4") ($(pct "$4" "$N")) | $5 |"
    TABLE+=("$line")
    VALIDS+=("$1: $(commas "$4")")
    echo "$line"
}

RUST_TOOL="crm-idvalidate"
PY_TOOL="business-id-nik $BID_VERSION (Python)"
NODE_TOOL="nik-parser $NIK_PARSER_VERSION (Node)"

HEADER=$'| tool | seconds | numbers/s | valid of '"$(commas "$N")"$' | ratio ours/peer |\n|---|---:|---:|---:|---:|'
echo
echo "$HEADER"

measure "$RUST_TOOL" "$ID_COMPARE" parse "$NIKS"
rust_per_sec="$PER_SEC"
# benches/data.rs `niks` damages the numbers at i % 60 == 0, 1, 2 (month 13, serial 0000,
# 15 digits) and leaves the others valid; every one of those must parse.
UNDAMAGED=$((N - 3 * (N / 60) - (N % 60 < 3 ? N % 60 : 3)))
[[ "$VALID" == "$UNDAMAGED" ]] ||
    die "$RUST_TOOL accepted $VALID numbers, expected the $UNDAMAGED undamaged ones of $N"
table_row "$RUST_TOOL" "$SECS" "$PER_SEC" "$VALID" "—"

measure "$PY_TOOL" "$PY" "$HERE/parse_business_id_nik.py" "$NIKS"
table_row "$PY_TOOL" "$SECS" "$PER_SEC" "$VALID" "$(ratio "$rust_per_sec" "$PER_SEC")"

measure "$NODE_TOOL" "$NODE" "$HERE/parse_nik_parser.js" "$NIKS"
table_row "$NODE_TOOL" "$SECS" "$PER_SEC" "$VALID" "$(ratio "$rust_per_sec" "$PER_SEC")"

# ---- results ------------------------------------------------------------------------------
result="$(awk -v r="$rust_per_sec" -v t="$TARGET_PER_SEC" 'BEGIN { print (r + 0 >= t + 0) ? "PASS" : "MISS" }')"
VERDICT="- $RUST_TOOL: $(commas "$rust_per_sec") numbers/s (target >= $(commas "$TARGET_PER_SEC")): **$result**"
VALID_NOTE="- Valid: $(IFS=';'; echo "${VALIDS[*]}" | sed 's/;/; /g') ($RUST_TOOL's count"
VALID_NOTE+=" checked to be the $(commas "$UNDAMAGED") undamaged numbers; the peers' reported,"
VALID_NOTE+=" not checked)."
VALID_NOTE+=" The input has 5% damaged numbers; the peers' region tables are older, and"
VALID_NOTE+=" nik-parser checks neither the date nor the serial (it throws on an unknown kecamatan,"
VALID_NOTE+=" counted as invalid)."

echo
echo "Target (absolute):"
echo "$VERDICT"
echo "$VALID_NOTE"

CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
RUSTC="$(rustc --version 2>/dev/null || echo 'rustc unknown')"
PYVER="$("$PY" --version 2>&1)"
NODEVER="node $("$NODE" --version)"
SIZE="$(awk -v b="$(stat -c %s "$NIKS")" 'BEGIN { printf "%.1f MB", b / 1048576 }')"

{
    echo
    echo "## NIK parsing peer comparison, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- Machine: $(nproc) cores, ${CPU:-unknown CPU}"
    echo "- Command: \`$COMMAND\`"
    echo "- Input: $(commas "$N") NIKs, 5% damaged ($SIZE, \`id-compare gen\`)"
    echo "- Versions: $RUSTC; $PYVER, business-id-nik $BID_VERSION; $NODEVER, nik-parser $NIK_PARSER_VERSION"
    echo "- One process per side; seconds and numbers/s from each side's own clock around the" \
        "parse loop (lines already in memory), best of $REPEAT; ratio = our numbers/s / the peer's"
    echo
    echo "$HEADER"
    printf '%s\n' "${TABLE[@]}"
    echo
    echo "$VERDICT"
    echo "$VALID_NOTE"
} >>"$DATA/results.md"

log "appended to $DATA/results.md"
