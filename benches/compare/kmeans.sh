#!/usr/bin/env bash
# Peer comparison: K-Means fit time and quality, crm-kmeans against scikit-learn (1 and 2
# threads) and linfa-clustering 0.8, plus a sampled silhouette.
#
# kmeans_gen.py writes N points of 8 Gaussian blobs in 3-D to data/blobs_1m_seed0.csv
# (--quick: data/blobs_100k_seed0.csv; the name carries N and SEED, so another seed gets its
# own file): make_blobs(n_samples=N, centers=8, n_features=3, cluster_std=1.0,
# random_state=SEED), header x0,x1,x2, floats by repr; made only if missing. Each side then
# runs as its own process on that file: it loads the points (not timed), times one
# fit with k=K, n_init=N_INIT restarts (k-means++), seed SEED, and prints
# `fit <seconds> inertia <sum of squared distances> n_iter <n>` from its own clock.
#
#   tool              how                                                    threads
#   crm-kmeans        kmeans-compare fit IN --k K --n-init N_INIT --seed SEED  rayon (all cores)
#   scikit-learn      kmeans_sklearn.py IN --threads 1 (OMP_NUM_THREADS=1)    1
#   scikit-learn      kmeans_sklearn.py IN --threads 2 (OMP_NUM_THREADS=2)    2
#   crm-kmeans Lloyd  kmeans-compare lloyd IN ... (Lloyd forced; no target)    rayon (all cores)
#   linfa-clustering  kmeans-compare linfa IN ... (same arguments)            rayon (all cores)
#
# Silhouette: `kmeans-compare silhouette IN --k K --sample SAMPLE --seed SEED` and
# silhouette_score(X, labels, sample_size=SAMPLE, random_state=SEED) in the sklearn runs each
# print `silhouette <seconds> value <v>` (the silhouette alone is timed). The samples differ,
# so the values agree only to about 0.01 (reported, not checked).
#
# End to end: `crm segment IN --features x0,x1,x2 --transform none --scale none --k K
# --n-init N_INIT --seed SEED --out data/segment_labels.csv` (the release `crm`: read the CSV,
# fit, write every row with its cluster), wall seconds by the shell's clock, best of REPEAT;
# its inertia (printed on stderr) must be crm-kmeans' fit inertia.
#
# ratio = seconds of sklearn's faster setting / the tool's seconds (> 1: faster than sklearn).
# Targets (PASS/MISS): crm-kmeans fit >= 3x faster than sklearn's faster setting; `crm segment`
# end to end >= 3x faster than sklearn's fit alone (issue 14); crm-kmeans
# inertia <= sklearn's best inertia x 1.001; crm-kmeans silhouette (SAMPLE points) <= 2 s.
#
# Sizes: N points (default N=1000000); --quick sets N=100000. Every measurement is the best
# (lowest seconds) of REPEAT runs (default 3), except linfa: one run (about 100 s at 1M with
# n_init 10). Other environment: K (8), N_INIT (10), SEED (0), SAMPLE (10000);
# SKIP_BUILD=1 uses the existing release binary; SKIP_LINFA=1 leaves linfa out; SKIP_LLOYD=1
# leaves out the Lloyd-forced crm-kmeans row; PYTHON is the interpreter the venv is made from
# (python3).
#
# Files (all git-ignored): benches/compare/.venv/ gets scikit-learn pinned in
# requirements-kmeans.txt; benches/compare/data/ holds blobs_*.csv, each run's stdout/stderr
# in data/logs/, and data/results.md, to which every run appends its table (date, machine,
# load, versions, command).
#
# Usage: bash benches/compare/kmeans.sh [--quick]
#        N=500000 REPEAT=5 SKIP_BUILD=1 SKIP_LINFA=1 bash benches/compare/kmeans.sh

set -euo pipefail
trap 'echo "kmeans.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -- "$HERE/../.." && pwd)"
DATA="$HERE/data"
LOGS="$DATA/logs"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
REQUIREMENTS="$HERE/requirements-kmeans.txt"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
KMEANS_COMPARE="$TARGET_DIR/release/kmeans-compare"
CRM_BIN="$TARGET_DIR/release/crm"
TARGET_SPEEDUP=3
TARGET_INERTIA_FACTOR=1.001
TARGET_SIL_SECS=2

log() { printf '[kmeans.sh] %s\n' "$*" >&2; }
die() { printf 'kmeans.sh: %s\n' "$*" >&2; exit 1; }
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
K="${K:-8}"
N_INIT="${N_INIT:-10}"
SEED="${SEED:-0}"
SAMPLE="${SAMPLE:-10000}"
SKIP_LINFA="${SKIP_LINFA:-0}"
SKIP_LLOYD="${SKIP_LLOYD:-0}"
for v in N REPEAT K N_INIT SAMPLE; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer, got '$SEED'"
((SAMPLE <= N)) || die "SAMPLE ($SAMPLE) must be <= N ($N)"

# The exact command line, for results.md.
COMMAND="N=$N"
[[ "$REPEAT" != 3 ]] && COMMAND+=" REPEAT=$REPEAT"
[[ "$K" != 8 ]] && COMMAND+=" K=$K"
[[ "$N_INIT" != 10 ]] && COMMAND+=" N_INIT=$N_INIT"
[[ "$SEED" != 0 ]] && COMMAND+=" SEED=$SEED"
[[ "$SAMPLE" != 10000 ]] && COMMAND+=" SAMPLE=$SAMPLE"
[[ "$SKIP_LINFA" == 1 ]] && COMMAND+=" SKIP_LINFA=1"
[[ "$SKIP_LLOYD" == 1 ]] && COMMAND+=" SKIP_LLOYD=1"
COMMAND+=" bash benches/compare/kmeans.sh"
((${#ARGS[@]})) && COMMAND+=" ${ARGS[*]}"

# 1000000 -> 1m, 100000 -> 100k, else the number.
size_name() {
    local n="$1"
    if ((n % 1000000 == 0)); then echo "$((n / 1000000))m"
    elif ((n % 1000 == 0)); then echo "$((n / 1000))k"
    else echo "$n"; fi
}
BLOBS="$DATA/blobs_$(size_name "$N")_seed$SEED.csv"

# ---- Python peer --------------------------------------------------------------------------
if [[ ! -x "$PY" ]]; then
    log "creating the venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! cmp -s "$REQUIREMENTS" "$VENV/.requirements-kmeans.installed"; then
    log "installing scikit-learn from requirements-kmeans.txt"
    "$PY" -m pip install --disable-pip-version-check -q -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/.requirements-kmeans.installed"
fi
SKLEARN_VERSION="$("$PY" -c 'import sklearn; print(sklearn.__version__)')" ||
    die "scikit-learn does not import from $VENV (delete it and rerun)"
WANT_SKLEARN="$(sed -n 's/^scikit-learn==\([^ ]*\).*/\1/p' "$REQUIREMENTS")"
[[ "$SKLEARN_VERSION" == "$WANT_SKLEARN" ]] ||
    die "scikit-learn $SKLEARN_VERSION in $VENV, expected $WANT_SKLEARN (delete it and rerun)"

# ---- Rust side ----------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p crm-benches --bin kmeans-compare -p crm-cli)
fi
[[ -x "$KMEANS_COMPARE" ]] || die "missing $KMEANS_COMPARE (did the build fail?)"
[[ -x "$CRM_BIN" ]] || die "missing $CRM_BIN (did the build fail?)"

mkdir -p "$DATA" "$LOGS"

# ---- input --------------------------------------------------------------------------------
if [[ ! -s "$BLOBS" ]]; then
    log "generating $BLOBS ($N points, seed $SEED, not timed)"
    "$PY" "$HERE/kmeans_gen.py" "$N" "$BLOBS.tmp" --seed "$SEED" >"$LOGS/kmeans-gen.out"
    mv "$BLOBS.tmp" "$BLOBS"
fi
lines="$(wc -l <"$BLOBS" | tr -d ' ')"
[[ "$lines" == "$((N + 1))" ]] || die "$BLOBS has $lines lines, expected $((N + 1)) (delete it)"
[[ "$(head -n 1 "$BLOBS")" == "x0,x1,x2" ]] || die "$BLOBS has no x0,x1,x2 header (delete it)"

# ---- measuring ----------------------------------------------------------------------------
# measure NAME RUNS CMD...: runs CMD RUNS times (each run's stdout/stderr kept as
# data/logs/kmeans-NAME-RUN.{out,err}) and sets, from the run with the lowest seconds of each
# kind of line: FIT_SECS FIT_INERTIA FIT_NITER (the `fit` line) and SIL_SECS SIL_VALUE (the
# `silhouette` line; empty when CMD prints none), and THREADS_LINE (a `threads` line or "").
measure() {
    local name="$1" runs="$2"
    shift 2
    local base="$LOGS/kmeans-${name//[^A-Za-z0-9.]/_}"
    local run out err line
    FIT_SECS="" FIT_INERTIA="" FIT_NITER="" SIL_SECS="" SIL_VALUE="" THREADS_LINE=""
    for ((run = 1; run <= runs; run++)); do
        log "$name (run $run of $runs)"
        out="$base-$run.out"
        err="$base-$run.err"
        if ! "$@" >"$out" 2>"$err"; then
            printf 'kmeans.sh: %s failed: %s\n' "$name" "$*" >&2
            sed 's/^/    /' "$err" >&2
            exit 1
        fi
        THREADS_LINE="$(grep -m1 '^threads ' "$out" || true)"
        line="$(grep -m1 '^fit ' "$out" || true)"
        if [[ -n "$line" ]]; then
            log "    $line"
            read -r _ s _ inertia _ niter <<<"$line"
            [[ "$s" =~ ^[0-9.eE+-]+$ ]] || die "$name printed a bad fit line: '$line'"
            if [[ -z "$FIT_SECS" ]] || awk -v a="$s" -v b="$FIT_SECS" 'BEGIN { exit !(a < b) }'; then
                FIT_SECS="$s" FIT_INERTIA="$inertia" FIT_NITER="$niter"
            fi
        fi
        line="$(grep -m1 '^silhouette ' "$out" || true)"
        if [[ -n "$line" ]]; then
            log "    $line"
            read -r _ s _ value <<<"$line"
            [[ "$s" =~ ^[0-9.eE+-]+$ ]] || die "$name printed a bad silhouette line: '$line'"
            if [[ -z "$SIL_SECS" ]] || awk -v a="$s" -v b="$SIL_SECS" 'BEGIN { exit !(a < b) }'; then
                SIL_SECS="$s" SIL_VALUE="$value"
            fi
        fi
    done
}

# fmt_s SECS -> 3 decimals; ratio FAST SECS -> "1.23x"; fmt_g X -> 10 significant digits
fmt_s() { awk -v s="$1" 'BEGIN { printf "%.3f", s }'; }
ratio() { awk -v f="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 1e-9; printf "%.2fx", f / s }'; }
fmt_g() { awk -v x="$1" 'BEGIN { printf "%.12g", x }'; }
passmiss() { awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"; }

SK1_ENV=(env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1)
SK2_ENV=(env OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2)
SK_ARGS=("$HERE/kmeans_sklearn.py" "$BLOBS" --k "$K" --n-init "$N_INIT" --seed "$SEED"
    --silhouette-sample "$SAMPLE")
RS_ARGS=("$BLOBS" --k "$K" --n-init "$N_INIT" --seed "$SEED")
RAYON_THREADS="${RAYON_NUM_THREADS:-$(nproc)}"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# sklearn, 1 thread
measure "sklearn-1thread" "$REPEAT" "${SK1_ENV[@]}" "$PY" "${SK_ARGS[@]}" --threads 1
[[ "$THREADS_LINE" == *"openmp=1"* ]] || die "sklearn --threads 1 reports '$THREADS_LINE'"
SK1=("$FIT_SECS" "$FIT_INERTIA" "$FIT_NITER" "$SIL_SECS" "$SIL_VALUE")
# sklearn, 2 threads
measure "sklearn-2threads" "$REPEAT" "${SK2_ENV[@]}" "$PY" "${SK_ARGS[@]}" --threads 2
[[ "$THREADS_LINE" == *"openmp=2"* ]] || die "sklearn --threads 2 reports '$THREADS_LINE'"
SK2=("$FIT_SECS" "$FIT_INERTIA" "$FIT_NITER" "$SIL_SECS" "$SIL_VALUE")
# crm-kmeans
measure "crm-kmeans-fit" "$REPEAT" "$KMEANS_COMPARE" fit "${RS_ARGS[@]}"
[[ -n "$FIT_SECS" ]] || die "kmeans-compare fit printed no fit line"
CRM=("$FIT_SECS" "$FIT_INERTIA" "$FIT_NITER")
if [[ "$SKIP_LLOYD" != 1 ]]; then
    measure "crm-kmeans-lloyd" "$REPEAT" "$KMEANS_COMPARE" lloyd "${RS_ARGS[@]}"
    [[ -n "$FIT_SECS" ]] || die "kmeans-compare lloyd printed no fit line"
    CRM_LLOYD=("$FIT_SECS" "$FIT_INERTIA" "$FIT_NITER")
fi
measure "crm-kmeans-silhouette" "$REPEAT" "$KMEANS_COMPARE" silhouette "$BLOBS" --k "$K" \
    --sample "$SAMPLE" --seed "$SEED"
[[ -n "$SIL_SECS" ]] || die "kmeans-compare silhouette printed no silhouette line"
CRM_SIL=("$SIL_SECS" "$SIL_VALUE")
# crm segment, end to end (read, fit, write), by the shell's clock
E2E_SECS="" E2E_INERTIA="" E2E_NITER=""
for ((run = 1; run <= REPEAT; run++)); do
    log "crm-segment (run $run of $REPEAT)"
    err="$LOGS/kmeans-crm-segment-$run.err"
    start="$EPOCHREALTIME"
    "$CRM_BIN" segment "$BLOBS" --features x0,x1,x2 --transform none --scale none --k "$K" \
        --n-init "$N_INIT" --seed "$SEED" --out "$DATA/segment_labels.csv" 2>"$err" ||
        { sed 's/^/    /' "$err" >&2; die "crm segment failed"; }
    s="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')"
    inertia="$(sed -n 's/.*: inertia \([0-9.]*\) after.*/\1/p' "$err" | head -n 1)"
    [[ -n "$inertia" ]] || die "crm segment printed no inertia (see $err)"
    niter="$(sed -n 's/.* after \([0-9]*\) iterations.*/\1/p' "$err" | head -n 1)"
    log "    wall $s inertia $inertia n_iter $niter"
    if [[ -z "$E2E_SECS" ]] || awk -v a="$s" -v b="$E2E_SECS" 'BEGIN { exit !(a < b) }'; then
        E2E_SECS="$s" E2E_INERTIA="$inertia" E2E_NITER="$niter"
    fi
done
lines="$(wc -l <"$DATA/segment_labels.csv" | tr -d ' ')"
[[ "$lines" == "$((N + 1))" ]] || die "crm segment wrote $lines lines, expected $((N + 1))"
# Its fit is crm-kmeans' (printed to 4 decimals).
awk -v a="$E2E_INERTIA" -v b="${CRM[1]}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.0001 + 1e-9 * b) }' ||
    die "crm segment inertia $E2E_INERTIA differs from kmeans-compare's ${CRM[1]}"

# linfa, once
if [[ "$SKIP_LINFA" != 1 ]]; then
    measure "linfa" 1 "$KMEANS_COMPARE" linfa "${RS_ARGS[@]}"
    [[ -n "$FIT_SECS" ]] || die "kmeans-compare linfa printed no fit line"
    LINFA=("$FIT_SECS" "$FIT_INERTIA" "$FIT_NITER")
fi

# sklearn's faster setting and best inertia
if awk -v a="${SK1[0]}" -v b="${SK2[0]}" 'BEGIN { exit !(a <= b) }'; then
    FAST_SECS="${SK1[0]}" FAST_NAME="1 thread"
else
    FAST_SECS="${SK2[0]}" FAST_NAME="2 threads"
fi
SK_BEST_INERTIA="$(awk -v a="${SK1[1]}" -v b="${SK2[1]}" 'BEGIN { printf "%.17g", (a < b) ? a : b }')"

SK_TOOL="scikit-learn $SKLEARN_VERSION"
LINFA_VERSION="$(awk '/^name = "linfa-clustering"/ { getline; gsub(/[^0-9.]/, ""); print; exit }' \
    "$ROOT/Cargo.lock" 2>/dev/null || true)"
LINFA_TOOL="linfa-clustering ${LINFA_VERSION:-0.8}"

HEADER=$'| tool | threads | fit s | inertia | n_iter | ratio |\n|---|---:|---:|---:|---:|---:|'
TABLE=()
row() { # TOOL THREADS SECS INERTIA NITER [NOTE]
    local line="| $1 | $2 | $(fmt_s "$3") | $(fmt_g "$4")${6:-} | $5 | $(ratio "$FAST_SECS" "$3") |"
    TABLE+=("$line")
}
row "crm-kmeans" "$RAYON_THREADS (rayon)" "${CRM[@]}"
row "crm segment, end to end (CSV in, fit, CSV out; wall)" "$RAYON_THREADS (rayon)" "$E2E_SECS" "$E2E_INERTIA" "$E2E_NITER"
[[ "$SKIP_LLOYD" != 1 ]] && row "crm-kmeans (Lloyd forced)" "$RAYON_THREADS (rayon)" "${CRM_LLOYD[@]}"
row "$SK_TOOL" 1 "${SK1[0]}" "${SK1[1]}" "${SK1[2]}"
row "$SK_TOOL" 2 "${SK2[0]}" "${SK2[1]}" "${SK2[2]}"
if [[ "$SKIP_LINFA" != 1 ]]; then
    note=""
    # linfa's own inertia() is a mean (sum / n); flag a value that looks like one.
    if awk -v l="${LINFA[1]}" -v s="$SK_BEST_INERTIA" 'BEGIN { exit !(l < 0.01 * s) }'; then
        note=" (looks like a mean: x N = $(awk -v l="${LINFA[1]}" -v n="$N" 'BEGIN { printf "%.10g", l * n }'))"
    fi
    row "$LINFA_TOOL (1 run)" "$RAYON_THREADS (rayon)" "${LINFA[0]}" "${LINFA[1]}" "${LINFA[2]}" "$note"
fi

SIL_HEADER=$'| tool | threads | silhouette s | value |\n|---|---:|---:|---:|'
SIL_TABLE=(
    "| crm-kmeans | $RAYON_THREADS (rayon) | $(fmt_s "${CRM_SIL[0]}") | $(fmt_g "${CRM_SIL[1]}") |"
    "| $SK_TOOL | 1 | $(fmt_s "${SK1[3]}") | $(fmt_g "${SK1[4]}") |"
    "| $SK_TOOL | 2 | $(fmt_s "${SK2[3]}") | $(fmt_g "${SK2[4]}") |"
)

crm_ratio="$(awk -v f="$FAST_SECS" -v s="${CRM[0]}" 'BEGIN { printf "%.2f", f / s }')"
V_SPEED="- crm-kmeans fit ${crm_ratio}x faster than sklearn's faster setting ($FAST_NAME, $(fmt_s "$FAST_SECS") s) (target >= ${TARGET_SPEEDUP}x): **$(passmiss "$FAST_SECS / ${CRM[0]} >= $TARGET_SPEEDUP")**"
V_E2E="- \`crm segment\` end to end $(ratio "$FAST_SECS" "$E2E_SECS") faster than sklearn's fit alone ($FAST_NAME, $(fmt_s "$FAST_SECS") s; crm $(fmt_s "$E2E_SECS") s) (target >= ${TARGET_SPEEDUP}x): **$(passmiss "$FAST_SECS / $E2E_SECS >= $TARGET_SPEEDUP")**"
V_INERTIA="- crm-kmeans inertia $(fmt_g "${CRM[1]}") vs sklearn best $(fmt_g "$SK_BEST_INERTIA") (ratio $(awk -v c="${CRM[1]}" -v s="$SK_BEST_INERTIA" 'BEGIN { printf "%.6f", c / s }'), target <= $TARGET_INERTIA_FACTOR): **$(passmiss "${CRM[1]} <= $SK_BEST_INERTIA * $TARGET_INERTIA_FACTOR")**"
V_SIL="- crm-kmeans silhouette on $SAMPLE sampled points $(fmt_s "${CRM_SIL[0]}") s (target <= $TARGET_SIL_SECS s): **$(passmiss "${CRM_SIL[0]} <= $TARGET_SIL_SECS")**; value $(fmt_g "${CRM_SIL[1]}") vs sklearn $(fmt_g "${SK1[4]}") (|diff| $(awk -v a="${CRM_SIL[1]}" -v b="${SK1[4]}" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.4f", d }'); different samples, reported, not checked)"

echo
echo "$HEADER"
printf '%s\n' "${TABLE[@]}"
echo
echo "$SIL_HEADER"
printf '%s\n' "${SIL_TABLE[@]}"
echo
echo "Targets:"
echo "$V_SPEED"
echo "$V_E2E"
echo "$V_INERTIA"
echo "$V_SIL"

CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
RUSTC="$(rustc --version 2>/dev/null || echo 'rustc unknown')"
PYVER="$("$PY" --version 2>&1)"
NUMPY_VERSION="$("$PY" -c 'import numpy; print(numpy.__version__)')"
SIZE="$(awk -v b="$(stat -c %s "$BLOBS")" 'BEGIN { printf "%.1f MB", b / 1048576 }')"
LINFA_NOTE="linfa: one run"
[[ "$SKIP_LINFA" == 1 ]] && LINFA_NOTE="linfa: skipped (SKIP_LINFA=1)"

{
    echo
    echo "## K-Means peer comparison, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- Machine: $(nproc) cores, ${CPU:-unknown CPU}; load average before the run: $LOAD_BEFORE"
    echo "- Command: \`$COMMAND\`"
    echo "- Input: $N points, 8 Gaussian blobs in 3-D (make_blobs, cluster_std 1.0, seed $SEED;" \
        "$SIZE, \`kmeans_gen.py\`); k=$K, n_init=$N_INIT (k-means++), seed $SEED"
    echo "- Versions: $RUSTC; $PYVER, scikit-learn $SKLEARN_VERSION, numpy $NUMPY_VERSION; $LINFA_TOOL"
    echo "- One process per side; seconds from each side's own clock around fit (data already" \
        "loaded), best of $REPEAT ($LINFA_NOTE); ratio = seconds of sklearn's faster setting /" \
        "the tool's; inertia = sum of squared distances"
    echo
    echo "$HEADER"
    printf '%s\n' "${TABLE[@]}"
    echo
    echo "$SIL_HEADER"
    printf '%s\n' "${SIL_TABLE[@]}"
    echo
    echo "$V_SPEED"
    echo "$V_E2E"
    echo "$V_INERTIA"
    echo "$V_SIL"
} >>"$DATA/results.md"

log "appended to $DATA/results.md"
