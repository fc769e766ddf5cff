#!/usr/bin/env bash
# Peer comparison: crm-excel (and `crm txt repair`) against the Python tools people reach for.
#
# Each side runs as a separate process on the same input file; /usr/bin/time -f '%e %M' gives
# its wall seconds and peak RSS. ratio = peer seconds / Rust seconds (> 1: Rust is faster).
#
#   task     Rust side                      peer(s)                                target
#   WRITE    excel-compare write            XlsxWriter, constant_memory            >= 8
#   READ     excel-compare read             python-calamine (openpyxl read_only)   >= 1.5
#   DECRYPT  excel-compare decrypt (Agile)  msoffcrypto-tool                       >= 3
#   REPAIR   crm txt repair                 repair_buffer_join.py (buffer-join)    >= 8
#
# Sizes: WRITE/READ/DECRYPT use a ROWS x 10 lead table (default ROWS=1000000); REPAIR a
# 30-field pipe export of RECORDS records, ~2% broken across two lines (default
# RECORDS=6000000). --quick sets ROWS=100000 RECORDS=600000.
# Outputs are checked, not just timed, and the script stops (exit 1) on any mismatch: the
# XlsxWriter file must hold the same cells as the Rust one in every row (check_same_cells.py),
# both decrypted files must equal the original byte for byte (cmp), both repairs must give
# RECORDS records (and the header), equal field for field in every record (check_repair.py).
#
# Every measurement is the best of REPEAT runs (default 3), each after `sync`.
# Other environment: SKIP_OPENPYXL=1 skips openpyxl (~100 s on 1M rows); SKIP_BUILD=1 uses the
# existing release binaries; PYTHON is the interpreter the venv is made from (python3).
#
# Files (all git-ignored): benches/compare/.venv/ holds the peers pinned in requirements.txt;
# benches/compare/data/ holds the generated inputs and outputs (~5 GB at full size), each
# step's stdout/stderr/time in data/logs/, and data/results.md, to which every run appends
# its table (date, machine, command) for docs/benchmarks.md.
#
# Usage: bash benches/compare/excel.sh [--quick]
#        ROWS=200000 RECORDS=1000000 SKIP_OPENPYXL=1 bash benches/compare/excel.sh

set -euo pipefail
trap 'echo "excel.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -- "$HERE/../.." && pwd)"
DATA="$HERE/data"
LOGS="$DATA/logs"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
EXCEL_COMPARE="$TARGET_DIR/release/excel-compare"
CRM="$TARGET_DIR/release/crm"
PASSWORD="rahasia"

log() { printf '[excel.sh] %s\n' "$*" >&2; }
die() { printf 'excel.sh: %s\n' "$*" >&2; exit 1; }
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
if ((QUICK)); then
    ROWS=100000
    RECORDS=600000
fi
ROWS="${ROWS:-1000000}"
RECORDS="${RECORDS:-6000000}"
SKIP_OPENPYXL="${SKIP_OPENPYXL:-0}"
REPEAT="${REPEAT:-3}"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer, not '$REPEAT'"
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive integer, got '$ROWS'"
[[ "$RECORDS" =~ ^[1-9][0-9]*$ ]] || die "RECORDS must be a positive integer, got '$RECORDS'"

# The exact command line, for results.md.
COMMAND="ROWS=$ROWS RECORDS=$RECORDS"
[[ "$SKIP_OPENPYXL" == 1 ]] && COMMAND+=" SKIP_OPENPYXL=1"
[[ "$REPEAT" != 3 ]] && COMMAND+=" REPEAT=$REPEAT"
COMMAND+=" bash benches/compare/excel.sh"
((${#ARGS[@]})) && COMMAND+=" ${ARGS[*]}"

[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)"
command -v cmp >/dev/null || die "cmp is needed (diffutils)"

# ---- Python peers -------------------------------------------------------------------------
if [[ ! -x "$PY" ]]; then
    log "creating the venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! cmp -s "$HERE/requirements.txt" "$VENV/.requirements.installed"; then
    log "installing the peers from requirements.txt"
    "$PY" -m pip install --disable-pip-version-check -q -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$VENV/.requirements.installed"
fi
"$PY" -c 'import xlsxwriter, python_calamine, openpyxl, msoffcrypto' ||
    die "the peers do not import from $VENV (delete it and rerun)"

# "XlsxWriter==3.3.1" -> "3.3.1"
pinned() { sed -n "s/^$1==\([^ ]*\).*/\1/p" "$HERE/requirements.txt"; }

# ---- Rust side ----------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building the release binaries"
    # One --bin per package: a --bin filter applies to every package given with -p.
    (cd "$ROOT" && cargo build --release -p crm-benches --bin excel-compare -p crm-cli --bin crm)
fi
for bin in "$EXCEL_COMPARE" "$CRM"; do
    [[ -x "$bin" ]] || die "missing $bin (did the build fail?)"
done

mkdir -p "$DATA" "$LOGS"

# ---- measuring ----------------------------------------------------------------------------
# measure TASK TOOL CMD...: runs CMD REPEAT times under /usr/bin/time (stdout/stderr/time of
# the best run kept in data/logs/) and sets SECS, RSS_MB and DETAIL (the last line CMD printed
# on stdout) from the fastest run. Each run starts after `sync`, so no side pays for writing
# back the previous step's dirty pages (generating the 1.4 GB export, say).
measure() {
    local task="$1" tool="$2"
    shift 2
    local name="${task,,}-${tool//[^A-Za-z0-9.]/_}"
    local out="$LOGS/$name.out" err="$LOGS/$name.err" tim="$LOGS/$name.time"
    local best="" best_rss="" run secs rss_kb
    for ((run = 1; run <= REPEAT; run++)); do
        log "$task: $tool (run $run of $REPEAT)"
        sync
        if ! /usr/bin/time -o "$tim.run" -f '%e %M' "$@" >"$out.run" 2>"$err.run"; then
            printf 'excel.sh: %s / %s failed: %s\n' "$task" "$tool" "$*" >&2
            sed 's/^/    /' "$err.run" >&2
            exit 1
        fi
        read -r secs rss_kb < <(tail -n 1 "$tim.run")
        log "    ${secs} s"
        if [[ -z "$best" ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$secs" best_rss="$rss_kb"
            mv "$out.run" "$out"
            mv "$err.run" "$err"
            mv "$tim.run" "$tim"
        fi
    done
    rm -f "$out.run" "$err.run" "$tim.run"
    SECS="$best"
    RSS_MB="$(awk -v k="$best_rss" 'BEGIN { printf "%.1f", k / 1024 }')"
    DETAIL="$(tail -n 1 "$out" 2>/dev/null || true)"
    log "    best ${SECS} s, ${RSS_MB} MB peak RSS; inner: ${DETAIL:-(none)}"
}

# ratio PEER_SECS RUST_SECS (time has 10 ms resolution: 0.00 counts as 0.01)
ratio() {
    awk -v p="$1" -v r="$2" 'BEGIN { if (r < 0.01) r = 0.01; if (p < 0.01) p = 0.01; printf "%.2f", p / r }'
}

TABLE=()
table_row() { # TASK TOOL SECS RSS_MB RATIO
    local line="| $1 | $2 | $3 | $4 | $5 |"
    TABLE+=("$line")
    echo "$line"
}

VERDICTS=()
verdict() { # TASK PEER RATIO TARGET
    local result
    result="$(awk -v r="$3" -v t="$4" 'BEGIN { print (r + 0 >= t + 0) ? "PASS" : "MISS" }')"
    VERDICTS+=("- $1 vs $2: ${3}x (target >= $4): **$result**")
}

# expect WHAT ACTUAL EXPECTED...: fails loudly unless ACTUAL is one of EXPECTED.
expect() {
    local what="$1" actual="$2"
    shift 2
    local want
    for want in "$@"; do [[ "$actual" == "$want" ]] && return 0; done
    die "$what: got '$actual', expected $(printf "'%s' " "$@")"
}

# field KEY: the value of KEY=... in DETAIL.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$DETAIL"; }

HEADER=$'| task | tool | seconds | peak RSS MB | ratio vs peer |\n|---|---|---:|---:|---:|'
echo
echo "$HEADER"

XLSXWRITER="XlsxWriter $(pinned XlsxWriter) (constant_memory)"
CALAMINE="python-calamine $(pinned python-calamine)"
OPENPYXL="openpyxl $(pinned openpyxl) (read_only)"
MSOFFCRYPTO="msoffcrypto-tool $(pinned msoffcrypto-tool)"
BUFFER_JOIN="Python buffer-join"

# ---- a. WRITE -----------------------------------------------------------------------------
RUST_XLSX="$DATA/rust-write.xlsx"
PY_XLSX="$DATA/py-write.xlsx"
rm -f "$RUST_XLSX" "$PY_XLSX"

measure WRITE crm-excel "$EXCEL_COMPARE" write "$RUST_XLSX" "$ROWS"
expect "rows written by excel-compare" "$(field rows)" "$ROWS"
rust_secs="$SECS"
table_row WRITE crm-excel "$SECS" "$RSS_MB" "—"

measure WRITE "$XLSXWRITER" "$PY" "$HERE/write_xlsxwriter.py" "$ROWS" "$PY_XLSX"
expect "rows written by XlsxWriter" "$(field rows)" "$ROWS"
r="$(ratio "$SECS" "$rust_secs")"
table_row WRITE "$XLSXWRITER" "$SECS" "$RSS_MB" "$r"
verdict WRITE "$XLSXWRITER" "$r" 8

log "WRITE: checking both files hold the same cells (every row)"
"$PY" "$HERE/check_same_cells.py" "$RUST_XLSX" "$PY_XLSX" >&2 ||
    die "WRITE: the XlsxWriter file differs from the Rust one (see above)"

# ---- b. READ ------------------------------------------------------------------------------
# Non-empty cells: the data (ROWS x 10) plus the header row. excel-compare read counts the
# data rows (its reader takes the first row as the header); accept either count from it.
data_cells=$((ROWS * 10))
all_cells=$(((ROWS + 1) * 10))

measure READ crm-excel "$EXCEL_COMPARE" read "$RUST_XLSX"
expect "cells read by excel-compare" "$(field cells)" "$data_cells" "$all_cells"
rust_secs="$SECS"
table_row READ crm-excel "$SECS" "$RSS_MB" "—"

measure READ "$CALAMINE" "$PY" "$HERE/read_calamine.py" "$RUST_XLSX"
expect "cells read by python-calamine" "$(field cells)" "$all_cells"
r="$(ratio "$SECS" "$rust_secs")"
table_row READ "$CALAMINE" "$SECS" "$RSS_MB" "$r"
verdict READ "$CALAMINE" "$r" 1.5

if [[ "$SKIP_OPENPYXL" == 1 ]]; then
    log "READ: openpyxl skipped (SKIP_OPENPYXL=1)"
else
    measure READ "$OPENPYXL" "$PY" "$HERE/read_openpyxl.py" "$RUST_XLSX"
    expect "cells read by openpyxl" "$(field cells)" "$all_cells"
    table_row READ "$OPENPYXL" "$SECS" "$RSS_MB" "$(ratio "$SECS" "$rust_secs")"
fi

# ---- c. DECRYPT ---------------------------------------------------------------------------
ENCRYPTED="$DATA/encrypted.xlsx"
RUST_DECRYPTED="$DATA/rust-decrypted.xlsx"
PY_DECRYPTED="$DATA/py-decrypted.xlsx"
rm -f "$ENCRYPTED" "$RUST_DECRYPTED" "$PY_DECRYPTED"

log "DECRYPT: making the Agile-encrypted copy (not timed)"
"$EXCEL_COMPARE" encrypt "$RUST_XLSX" "$ENCRYPTED" "$PASSWORD" >"$LOGS/encrypt.out"

measure DECRYPT crm-excel "$EXCEL_COMPARE" decrypt "$ENCRYPTED" "$PASSWORD" "$RUST_DECRYPTED"
rust_secs="$SECS"
table_row DECRYPT crm-excel "$SECS" "$RSS_MB" "—"

measure DECRYPT "$MSOFFCRYPTO" "$PY" "$HERE/decrypt_msoffcrypto.py" "$ENCRYPTED" "$PASSWORD" "$PY_DECRYPTED"
r="$(ratio "$SECS" "$rust_secs")"
table_row DECRYPT "$MSOFFCRYPTO" "$SECS" "$RSS_MB" "$r"
verdict DECRYPT "$MSOFFCRYPTO" "$r" 3

for decrypted in "$RUST_DECRYPTED" "$PY_DECRYPTED"; do
    cmp "$decrypted" "$RUST_XLSX" >&2 ||
        die "DECRYPT: $decrypted is not byte-identical to $RUST_XLSX"
done
log "DECRYPT: both decrypted files equal the original"

# ---- d. REPAIR ----------------------------------------------------------------------------
BROKEN="$DATA/broken.txt"
RUST_REPAIRED="$DATA/rust-repaired.csv"
RUST_REJECTS="$DATA/rust-rejects.csv"
PY_REPAIRED="$DATA/py-repaired.txt"
PY_REJECTS="$DATA/py-rejects.txt"
rm -f "$RUST_REPAIRED" "$RUST_REJECTS" "$PY_REPAIRED" "$PY_REJECTS"

# The export is deterministic: regenerate only when RECORDS changed.
if [[ -f "$BROKEN" && "$(cat "$BROKEN.records" 2>/dev/null || true)" == "$RECORDS" ]]; then
    log "REPAIR: reusing $BROKEN ($RECORDS records)"
else
    log "REPAIR: generating $BROKEN ($RECORDS records, not timed)"
    rm -f "$BROKEN" "$BROKEN.records"
    "$EXCEL_COMPARE" gen-txt "$BROKEN" "$RECORDS" >"$LOGS/gen-txt.out"
    echo "$RECORDS" >"$BROKEN.records"
fi

measure REPAIR "crm txt repair" "$CRM" txt repair "$BROKEN" --columns 30 --delimiter '|' \
    --out "$RUST_REPAIRED" --rejects "$RUST_REJECTS"
rust_secs="$SECS"
table_row REPAIR "crm txt repair" "$SECS" "$RSS_MB" "—"

measure REPAIR "$BUFFER_JOIN" "$PY" "$HERE/repair_buffer_join.py" "$BROKEN" "$PY_REPAIRED" \
    --rejects "$PY_REJECTS"
r="$(ratio "$SECS" "$rust_secs")"
table_row REPAIR "$BUFFER_JOIN" "$SECS" "$RSS_MB" "$r"
verdict REPAIR "$BUFFER_JOIN" "$r" 8

expect "records in $PY_REPAIRED (wc -l)" "$(wc -l <"$PY_REPAIRED" | tr -d ' ')" "$((RECORDS + 1))"
log "REPAIR: checking both outputs (record counts, every record field by field)"
"$PY" "$HERE/check_repair.py" "$RUST_REPAIRED" "$PY_REPAIRED" "$((RECORDS + 1))" >&2 ||
    die "REPAIR: the two repaired outputs disagree (see above)"

# ---- results ------------------------------------------------------------------------------
echo
echo "Targets (ratio = peer seconds / Rust seconds):"
printf '%s\n' "${VERDICTS[@]}"

CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
RUSTC="$(rustc --version 2>/dev/null || echo 'rustc unknown')"
PYVER="$("$PY" --version 2>&1)"
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

{
    echo
    echo "## Peer comparison, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- Machine: $(nproc) cores, ${CPU:-unknown CPU}"
    echo "- Command: \`$COMMAND\`"
    echo "- Sizes: WRITE/READ/DECRYPT $ROWS rows x 10 columns ($(mb "$RUST_XLSX") xlsx);" \
        "REPAIR $RECORDS records x 30 fields ($(mb "$BROKEN") text)"
    echo "- Versions: $RUSTC; $PYVER; $XLSXWRITER, $CALAMINE, $OPENPYXL, $MSOFFCRYPTO"
    echo "- Wall seconds and peak RSS from \`/usr/bin/time -f '%e %M'\`, one process per side;" \
        "ratio = peer seconds / Rust seconds (> 1: Rust is faster)"
    echo "- Outputs checked: the two written workbooks hold the same cells in all $((ROWS + 1))" \
        "rows (header included); both decrypted files equal the original byte for byte; both" \
        "repairs give the same $RECORDS records (and header), field for field"
    echo
    echo "$HEADER"
    printf '%s\n' "${TABLE[@]}"
    echo
    printf '%s\n' "${VERDICTS[@]}"
} >>"$DATA/results.md"

log "appended to $DATA/results.md"
