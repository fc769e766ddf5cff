#!/usr/bin/env bash
# Peer comparison: lead scoring on UCI Bank Marketing, crm-leadscore against scikit-learn
# (LogisticRegression, RandomForestClassifier) and XGBoost: test ROC-AUC, fit time, and the
# time to score 1,000,000 leads.
#
# Data: crates/crm-leadscore/tests/data/bank-marketing/bank-full.csv (UCI Bank Marketing, CC BY
# 4.0, see the SOURCE.md beside it; 45,211 rows; `duration` dropped) and the split
# crates/crm-leadscore/tests/data/bank_split.csv (stratified 75/25, random_state 42:
# 33,908 train, 11,303 test rows). Both sides one-hot the 9 categoricals and standard-scale the
# 6 numerics, fitted on train. Each side runs as its own process per model, loads and
# preprocesses the data (not timed), times only the fit, computes the test ROC-AUC, then times
# only scoring 1,000,000 rows sampled with replacement from the test rows, and prints
#     model <name> fit <seconds> auc <value> score1m <seconds>
# from its own clock.
#
#   side             how                                                          threads
#   crm-leadscore    leads-compare BANK SPLIT --model logistic|forest|boosted      its own
#   scikit-learn     leadscore_sklearn.py BANK SPLIT --model logistic              BLAS default
#   scikit-learn     leadscore_sklearn.py BANK SPLIT --model forest (300 trees)    n_jobs=2
#   XGBoost          leadscore_sklearn.py BANK SPLIT --model boosted (300 rounds,  n_jobs=2
#                    depth 5, lr 0.05, subsample 0.8, colsample 0.8, hist)
#
# Targets (PASS/MISS), from the issue, against the peers measured in the same run:
#   logistic  AUC >= sklearn's - 0.005   fit <= sklearn's fit
#   forest    AUC >= sklearn's - 0.01    fit <= sklearn's fit
#   boosted   AUC >= XGBoost's - 0.005   fit <= 1.5 x XGBoost's fit
# (one-sided, as in crates/crm-leadscore/tests/bank.rs: a higher AUC than the peer's passes)
#   every model: scoring 1,000,000 leads <= 2 s
# (The issue measured the peers at AUC 0.7728 / 0.7925 / 0.8066 in 0.35 / 5.4 / 0.66 s; the
# table shows the peers as measured now, and the verdicts use those.)
#
# Every measurement is the best (lowest seconds; fit and score1m separately) of REPEAT runs
# (default 3); the AUC is that of the fastest fit run, and AUCs that vary between runs are
# flagged. --quick sets REPEAT=1. Other environment: MODELS ("logistic forest boosted");
# SKIP_BUILD=1 uses the existing release binary; SKIP_RUST=1 runs only the Python side (no
# verdicts); SCORE_ROWS (1000000; another value is passed to the Python side as
# --score-rows N and is refused unless SKIP_RUST=1: leads-compare always scores 1,000,000
# rows, so the two sides would time different sizes against a scaled target);
# BANK (the bank-full.csv path); PYTHON is the interpreter the venv is made from (python3).
#
# Files (all git-ignored): benches/compare/.venv/ gets scikit-learn, XGBoost (xgboost-cpu)
# and pandas pinned in requirements-leadscore.txt; benches/compare/data/ holds each run's
# stdout/stderr in data/logs/ and data/results.md, to which every run appends its table
# (date, machine, load, versions, command).
#
# Usage: bash benches/compare/leadscore.sh [--quick]
#        REPEAT=5 SKIP_BUILD=1 MODELS="logistic boosted" bash benches/compare/leadscore.sh

set -euo pipefail
trap 'echo "leadscore.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -- "$HERE/../.." && pwd)"
DATA="$HERE/data"
LOGS="$DATA/logs"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
REQUIREMENTS="$HERE/requirements-leadscore.txt"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
LEADS_COMPARE="$TARGET_DIR/release/leads-compare"
# Paths as given to both sides, relative to the workspace root (the sides run from there).
DEFAULT_BANK="crates/crm-leadscore/tests/data/bank-marketing/bank-full.csv"
BANK="${BANK:-$DEFAULT_BANK}"
SPLIT="crates/crm-leadscore/tests/data/bank_split.csv"
REFERENCE="$ROOT/crates/crm-leadscore/tests/data/reference.json"
TARGET_SCORE_SECS_1M=2

log() { printf '[leadscore.sh] %s\n' "$*" >&2; }
die() { printf 'leadscore.sh: %s\n' "$*" >&2; exit 1; }
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
((QUICK)) && REPEAT=1
REPEAT="${REPEAT:-3}"
SCORE_ROWS="${SCORE_ROWS:-1000000}"
MODELS="${MODELS:-logistic forest boosted}"
SKIP_RUST="${SKIP_RUST:-0}"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer, not '$REPEAT'"
[[ "$SCORE_ROWS" =~ ^[1-9][0-9]*$ ]] || die "SCORE_ROWS must be a positive integer, not '$SCORE_ROWS'"
# leads-compare has no --score-rows (it ignores unknown flags and scores 1,000,000 rows).
[[ "$SCORE_ROWS" == 1000000 || "$SKIP_RUST" == 1 ]] ||
    die "SCORE_ROWS=$SCORE_ROWS needs SKIP_RUST=1: leads-compare always scores 1,000,000 rows"
read -r -a MODEL_LIST <<<"$MODELS"
((${#MODEL_LIST[@]})) || die "MODELS is empty"
for m in "${MODEL_LIST[@]}"; do
    case "$m" in logistic | forest | boosted) ;; *) die "unknown model in MODELS: $m" ;; esac
done

# The exact command line, for results.md.
COMMAND=""
[[ "$REPEAT" != 3 && "$QUICK" != 1 ]] && COMMAND+="REPEAT=$REPEAT "
[[ "$SCORE_ROWS" != 1000000 ]] && COMMAND+="SCORE_ROWS=$SCORE_ROWS "
[[ "$MODELS" != "logistic forest boosted" ]] && COMMAND+="MODELS=\"$MODELS\" "
[[ "$SKIP_RUST" == 1 ]] && COMMAND+="SKIP_RUST=1 "
[[ "$BANK" != "$DEFAULT_BANK" ]] && COMMAND+="BANK=$BANK "
COMMAND+="bash benches/compare/leadscore.sh"
((${#ARGS[@]})) && COMMAND+=" ${ARGS[*]}"

cd "$ROOT"
[[ -s "$BANK" ]] || die "missing $BANK (from $ROOT; set BANK=...)"
[[ -s "$SPLIT" ]] || die "missing $SPLIT"

# ---- Python peers -------------------------------------------------------------------------
if [[ ! -x "$PY" ]]; then
    log "creating the venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! cmp -s "$REQUIREMENTS" "$VENV/.requirements-leadscore.installed"; then
    log "installing scikit-learn, xgboost-cpu and pandas from requirements-leadscore.txt"
    "$PY" -m pip install --disable-pip-version-check -q -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/.requirements-leadscore.installed"
fi
VERSIONS="$("$PY" -c 'import sklearn, xgboost, numpy, pandas
print(sklearn.__version__, xgboost.__version__, numpy.__version__, pandas.__version__)')" ||
    die "scikit-learn/xgboost/pandas do not import from $VENV (delete it and rerun)"
read -r SKLEARN_VERSION XGBOOST_VERSION NUMPY_VERSION PANDAS_VERSION <<<"$VERSIONS"
for pkg in scikit-learn xgboost-cpu; do
    want="$(sed -n "s/^$pkg==\([^ ]*\).*/\1/p" "$REQUIREMENTS")"
    have="$SKLEARN_VERSION"
    [[ "$pkg" == xgboost-cpu ]] && have="$XGBOOST_VERSION"
    [[ "$have" == "$want" ]] || die "$pkg $have in $VENV, expected $want (delete it and rerun)"
done

# ---- Rust side ----------------------------------------------------------------------------
if [[ "$SKIP_RUST" != 1 ]]; then
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
        log "building the release binary"
        cargo build --release -p crm-benches --bin leads-compare
    fi
    [[ -x "$LEADS_COMPARE" ]] || die "missing $LEADS_COMPARE (did the build fail?)"
fi

mkdir -p "$DATA" "$LOGS"

# ---- measuring ----------------------------------------------------------------------------
EXTRA=()
[[ "$SCORE_ROWS" != 1000000 ]] && EXTRA=(--score-rows "$SCORE_ROWS")

is_num() { [[ "$1" =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]]; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

# measure SIDE MODEL CMD...: runs CMD REPEAT times (each run's stdout/stderr kept as
# data/logs/leadscore-SIDE-MODEL-RUN.{out,err}), reads its `model MODEL fit S auc V score1m S`
# line, and sets FIT (lowest), AUC (of the lowest-fit run), SCORE (lowest score1m) and
# AUC_NOTE (non-empty when the AUC differed between runs).
measure() {
    local side="$1" model="$2"
    shift 2
    local base="$LOGS/leadscore-$side-$model"
    local run out err line name f v s auc_min="" auc_max=""
    FIT="" AUC="" SCORE="" AUC_NOTE=""
    for ((run = 1; run <= REPEAT; run++)); do
        log "$side $model (run $run of $REPEAT)"
        out="$base-$run.out"
        err="$base-$run.err"
        if ! "$@" >"$out" 2>"$err"; then
            printf 'leadscore.sh: %s %s failed: %s\n' "$side" "$model" "$*" >&2
            sed 's/^/    /' "$err" >&2
            exit 1
        fi
        line="$(grep -m1 "^model $model " "$out" || true)"
        [[ -n "$line" ]] || die "$side printed no 'model $model ...' line (see $out)"
        log "    $line"
        read -r _ name _ f _ v _ s _ <<<"$line"
        is_num "$f" && is_num "$v" && is_num "$s" || die "$side printed a bad line: '$line'"
        if [[ -z "$FIT" ]] || lt "$f" "$FIT"; then FIT="$f" AUC="$v"; fi
        if [[ -z "$SCORE" ]] || lt "$s" "$SCORE"; then SCORE="$s"; fi
        if [[ -z "$auc_min" ]] || lt "$v" "$auc_min"; then auc_min="$v"; fi
        if [[ -z "$auc_max" ]] || lt "$auc_max" "$v"; then auc_max="$v"; fi
    done
    if [[ "$auc_min" != "$auc_max" ]]; then
        AUC_NOTE=" (runs: $(awk -v a="$auc_min" -v b="$auc_max" 'BEGIN { printf "%.4f-%.4f", a, b }'))"
    fi
}

fmt_s() { awk -v s="$1" 'BEGIN { printf "%.3f", s }'; }
fmt_auc() { awk -v a="$1" 'BEGIN { printf "%.4f", a }'; }
passmiss() { awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"; }
# absdiff A B [DECIMALS=4]
absdiff() { awk -v a="$1" -v b="$2" -v k="${3:-4}" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.*f", k, d }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 1e-9; printf "%.2f", a / b }'; }

declare -A PEER_NAME=(
    [logistic]="scikit-learn $SKLEARN_VERSION LogisticRegression"
    [forest]="scikit-learn $SKLEARN_VERSION RandomForest 300, n_jobs 2"
    [boosted]="XGBoost $XGBOOST_VERSION 300 rounds, n_jobs 2"
)
declare -A AUC_TOL=([logistic]=0.005 [forest]=0.01 [boosted]=0.005)
declare -A FIT_FACTOR=([logistic]=1 [forest]=1 [boosted]=1.5)
declare -A ISSUE=([logistic]="0.7728 in 0.35 s" [forest]="0.7925 in 5.4 s" [boosted]="0.8066 in 0.66 s")
TARGET_SCORE="$(awk -v t="$TARGET_SCORE_SECS_1M" -v n="$SCORE_ROWS" 'BEGIN { printf "%.6g", t * n / 1000000 }')"
ROWS_LABEL="$(awk -v n="$SCORE_ROWS" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1000000; else if (n % 1000 == 0) printf "%dk", n / 1000; else print n }')"

# sklearn's AUCs should be those of reference.json (same pins, same code path).
ref_auc() {
    "$PY" -c 'import json, sys; print(repr(json.load(open(sys.argv[1]))["models"][sys.argv[2]]["test_roc_auc"]))' \
        "$REFERENCE" "$1" 2>/dev/null || true
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
HEADER="| model | tool | fit s | test ROC-AUC | score $ROWS_LABEL s |"$'\n|---|---|---:|---:|---:|'
TABLE=()
VERDICTS=()
NOTES=()

for m in "${MODEL_LIST[@]}"; do
    measure peer "$m" "$PY" "$HERE/leadscore_sklearn.py" "$BANK" "$SPLIT" --model "$m" "${EXTRA[@]}"
    P_FIT="$FIT" P_AUC="$AUC" P_SCORE="$SCORE"
    TABLE+=("| $m | ${PEER_NAME[$m]} | $(fmt_s "$P_FIT") | $(fmt_auc "$P_AUC")$AUC_NOTE | $(fmt_s "$P_SCORE") |")
    ref="$(ref_auc "$m")"
    if [[ -n "$ref" && "$(absdiff "$P_AUC" "$ref" 12)" != "0.000000000000" ]]; then
        NOTES+=("- note: $m peer AUC $P_AUC differs from reference.json's $ref")
    fi
    if [[ "$SKIP_RUST" == 1 ]]; then
        continue
    fi
    measure rust "$m" "$LEADS_COMPARE" "$BANK" "$SPLIT" --model "$m" "${EXTRA[@]}"
    R_FIT="$FIT" R_AUC="$AUC" R_SCORE="$SCORE"
    TABLE+=("| $m | crm-leadscore | $(fmt_s "$R_FIT") | $(fmt_auc "$R_AUC")$AUC_NOTE | $(fmt_s "$R_SCORE") |")

    # How far ours is below the peer (negative when ours is higher); only a shortfall counts.
    short="$(awk -v r="$R_AUC" -v p="$P_AUC" 'BEGIN { printf "%.10f", p - r }')"
    VERDICTS+=("- $m AUC $(fmt_auc "$R_AUC") vs $(fmt_auc "$P_AUC"): ours minus peer's $(awk -v r="$R_AUC" -v p="$P_AUC" 'BEGIN { printf "%+.4f", r - p }') (target >= -${AUC_TOL[$m]}): **$(passmiss "$short <= ${AUC_TOL[$m]}")**")
    limit="$(awk -v p="$P_FIT" -v f="${FIT_FACTOR[$m]}" 'BEGIN { printf "%.6f", p * f }')"
    what="sklearn's"
    [[ "$m" == boosted ]] && what="1.5 x XGBoost's"
    VERDICTS+=("- $m fit $(fmt_s "$R_FIT") s vs $(fmt_s "$P_FIT") s (ratio ours/peer $(ratio "$R_FIT" "$P_FIT"); target <= $what = $(fmt_s "$limit") s): **$(passmiss "$R_FIT <= $limit")**")
    VERDICTS+=("- $m scoring $ROWS_LABEL leads $(fmt_s "$R_SCORE") s (target <= $TARGET_SCORE s): **$(passmiss "$R_SCORE <= $TARGET_SCORE")**")
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

ISSUE_NOTE="- The issue's figures for the peers (same split, one-hot + scaling):"
for m in "${MODEL_LIST[@]}"; do ISSUE_NOTE+=" $m ${ISSUE[$m]};"; done
ISSUE_NOTE="${ISSUE_NOTE%;}. Verdicts use the peers as measured in this run."
[[ "$SKIP_RUST" == 1 ]] && VERDICTS=("- SKIP_RUST=1: the Python side only, no verdicts")

echo
echo "$HEADER"
printf '%s\n' "${TABLE[@]}"
echo
echo "Targets:"
printf '%s\n' "${VERDICTS[@]}"
echo "$ISSUE_NOTE"
if ((${#NOTES[@]})); then printf '%s\n' "${NOTES[@]}"; fi

CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
RUSTC="$(rustc --version 2>/dev/null || echo 'rustc unknown')"
PYVER="$("$PY" --version 2>&1)"
THREADS="$(grep -h -m1 '^threads ' "$LOGS"/leadscore-peer-*-1.out 2>/dev/null | head -n 1 || true)"

{
    echo
    echo "## Lead scoring peer comparison, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- Machine: $(nproc) cores, ${CPU:-unknown CPU}; load average before the run:" \
        "$LOAD_BEFORE, after: $LOAD_AFTER"
    echo "- Command: \`$COMMAND\`"
    echo "- Input: bank-full.csv (45,211 rows, \`duration\` dropped), split \`$SPLIT\`" \
        "(33,908 train / 11,303 test, stratified, random_state 42); one-hot 9 categoricals +" \
        "standard-scaled 6 numerics (50 features), fitted on train"
    echo "- Versions: $RUSTC; $PYVER, scikit-learn $SKLEARN_VERSION, xgboost $XGBOOST_VERSION" \
        "(xgboost-cpu), numpy $NUMPY_VERSION, pandas $PANDAS_VERSION${THREADS:+ (peer $THREADS)}"
    echo "- One process per side and model; seconds from each side's own clock around fit only," \
        "and around scoring $SCORE_ROWS rows sampled with replacement from the test rows;" \
        "best of $REPEAT (fit and scoring separately); AUC of the fastest fit run"
    echo
    echo "$HEADER"
    printf '%s\n' "${TABLE[@]}"
    echo
    printf '%s\n' "${VERDICTS[@]}"
    echo "$ISSUE_NOTE"
    if ((${#NOTES[@]})); then printf '%s\n' "${NOTES[@]}"; fi
} >>"$DATA/results.md"

log "appended to $DATA/results.md"
