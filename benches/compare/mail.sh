#!/usr/bin/env bash
# Peer comparison: `crm mail send` against Python's smtplib, both sending the same branch
# e-mails to a real SMTP server on loopback; and the time `crm mail plan` takes.
#
# `crm mail plan` turns a lead list (name,phone,branch,product,plafon; LEADS_PER_BRANCH=20
# leads for each of N branches "Cabang 001", ...) and a branch directory (branch,email:
# cabang001@example.co.id, ...) into one .eml per branch with an xlsx attachment (not timed).
# Each sender then gets a fresh copy of that outbox and a fresh server
# (crates/crm-mail/tests/smtp_server.py, aiosmtpd) and sends all N messages:
#
#   tool        how                                                       timed by
#   crm         crm mail send --outbox --smtp smtp://127.0.0.1:PORT --log  the script, around
#               (a fresh send log each run)                               the whole process
#   smtplib     mail_smtplib.py: one SMTP connection, one sendmail each    its own clock, from
#               (from/to taken from From/To/Cc)                           connect to QUIT
#
# smtplib's clock leaves out the interpreter's start and reading the files; crm's does not,
# so the comparison leans towards the peer. Two scenarios: `plain` (no TLS, no AUTH) and
# `starttls+auth` (STARTTLS with a fresh test CA that both clients verify for `localhost`,
# then AUTH; the server refuses MAIL before it). After every run the script stops the server
# and checks its received.jsonl: exactly N messages, each Message-ID of the outbox exactly
# once, and each stored message (the DATA bytes after dot-unstuffing) equal byte for byte to
# its outbox file ("same bytes"); the one allowance is the CRLF that SMTP adds to a file that
# does not end with one. Any failed check stops the script with exit status 1, so every
# figure it prints comes from a run in which all N messages arrived once and intact.
# Targets (PASS/MISS): crm mail send's messages/s >= smtplib's, in each scenario; and
# `crm mail plan` for PLAN_N=1000 branches with xlsx attachments in <= 2 s (wall).
#
# Sizes: N branches to send (default N=500); --quick sets N=100. PLAN_N (default 1000) is
# the size of the plan measurement. Every measurement is the best of REPEAT runs (default 3).
# Other environment: SKIP_BUILD=1 uses the existing release binary; PYTHON is the interpreter
# the venv is made from (python3).
#
# Files (all git-ignored): benches/compare/.venv/ gets the server's packages pinned in
# requirements-mail.txt (the same pins as crates/crm-mail/tests/requirements-smtp.txt);
# benches/compare/data/mail/ holds the inputs, the outboxes and each run's maildir, send log
# and server log; data/logs/ each step's stdout/stderr; data/results.md gets every run's table
# (date, machine, versions, command) appended.
#
# Usage: bash benches/compare/mail.sh [--quick]
#        N=200 PLAN_N=2000 REPEAT=5 SKIP_BUILD=1 bash benches/compare/mail.sh

set -euo pipefail
trap 'echo "mail.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -- "$HERE/../.." && pwd)"
DATA="$HERE/data"
LOGS="$DATA/logs"
WORK="$DATA/mail"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
REQUIREMENTS="$HERE/requirements-mail.txt"
TEST_REQUIREMENTS="$ROOT/crates/crm-mail/tests/requirements-smtp.txt"
SERVER="$ROOT/crates/crm-mail/tests/smtp_server.py"
PEER="$HERE/mail_smtplib.py"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
CRM="$TARGET_DIR/release/crm"
LEADS_PER_BRANCH=20
PLAN_TARGET_SECS=2
FROM="CRM Bench <crm@example.co.id>"
SMTP_USER="crm-bench"
export CRM_BENCH_SMTP_PASSWORD="bench-$$-secret"
SERVER_MAX_SECONDS=900

log() { printf '[mail.sh] %s\n' "$*" >&2; }
die() { printf 'mail.sh: %s\n' "$*" >&2; exit 1; }
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
((QUICK)) && N=100
N="${N:-500}"
PLAN_N="${PLAN_N:-1000}"
REPEAT="${REPEAT:-3}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ "$PLAN_N" =~ ^[1-9][0-9]*$ ]] || die "PLAN_N must be a positive integer, got '$PLAN_N'"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer, not '$REPEAT'"

# The exact command line, for results.md.
COMMAND="N=$N"
[[ "$PLAN_N" != 1000 ]] && COMMAND+=" PLAN_N=$PLAN_N"
[[ "$REPEAT" != 3 ]] && COMMAND+=" REPEAT=$REPEAT"
COMMAND+=" bash benches/compare/mail.sh"
((${#ARGS[@]})) && COMMAND+=" ${ARGS[*]}"

[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)"

# ---- the SMTP server's packages -----------------------------------------------------------
pins() { grep -v '^[[:space:]]*\(#\|$\)' "$1" | sort; }
[[ "$(pins "$REQUIREMENTS")" == "$(pins "$TEST_REQUIREMENTS")" ]] ||
    die "requirements-mail.txt and crates/crm-mail/tests/requirements-smtp.txt pin different" \
        "versions"
if [[ ! -x "$PY" ]]; then
    log "creating the venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! cmp -s "$REQUIREMENTS" "$VENV/.requirements-mail.installed"; then
    log "installing the SMTP server's packages from requirements-mail.txt"
    "$PY" -m pip install --disable-pip-version-check -q -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/.requirements-mail.installed"
fi
"$PY" -c 'import aiosmtpd.smtp, cryptography.x509' ||
    die "aiosmtpd or cryptography does not import from $VENV (delete it and rerun)"
AIOSMTPD_VERSION="$(sed -n 's/^aiosmtpd==\([^ ]*\).*/\1/p' "$REQUIREMENTS")"

# ---- Rust side ----------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p crm-cli)
fi
[[ -x "$CRM" ]] || die "missing $CRM (did the build fail?)"

mkdir -p "$DATA" "$LOGS" "$WORK"

# ---- the server ---------------------------------------------------------------------------
SERVER_PID=""
stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    local pid="$SERVER_PID" rc=0
    SERVER_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || rc=$?
    return "$rc"
}
trap 'stop_server || true' EXIT

# start_server RUN_DIR ARGS...: a fresh server storing into RUN_DIR/maildir; sets PORT.
start_server() {
    local run="$1"
    shift
    "$PY" "$SERVER" --dir "$run/maildir" --port-file "$run/port" --no-fsync \
        --max-seconds "$SERVER_MAX_SECONDS" "$@" </dev/null >"$run/server.out" 2>"$run/server.err" &
    SERVER_PID=$!
    local waited=0
    until [[ -s "$run/port" ]]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            sed 's/^/    /' "$run/server.err" >&2
            die "the SMTP server exited before listening"
        fi
        ((waited++ < 600)) || die "the SMTP server did not write $run/port within 30 s"
        sleep 0.05
    done
    PORT="$(<"$run/port")"
}

# ---- inputs -------------------------------------------------------------------------------
# make_inputs BRANCHES: data/mail/leads-BRANCHES.csv and directory-BRANCHES.csv (seeded).
make_inputs() {
    "$PY" - "$1" "$LEADS_PER_BRANCH" "$WORK/leads-$1.csv" "$WORK/directory-$1.csv" <<'PY'
import csv, random, sys

branches, per_branch, leads_path, directory_path = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
rng = random.Random(20261122)
first = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Putri", "Andi", "Wahyu", "Sri",
         "Dian", "Eko", "Fitri", "Hendra", "Indah", "Yusuf", "Lestari", "Bambang", "Nur", "Rizky"]
last = ["Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Pratama", "Kusuma", "Nugroho",
        "Siregar", "Harahap", "Setiawan", "Gunawan", "Purnomo", "Rahayu", "Simanjuntak"]
products = ["KPR", "KTA", "Kartu Kredit", "Deposito", "Tabungan Emas", "Kredit Kendaraan"]
rows = []
for b in range(1, branches + 1):
    for _ in range(per_branch):
        rows.append([
            f"{rng.choice(first)} {rng.choice(last)}",
            f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}",
            f"Cabang {b:03d}",
            rng.choice(products),
            rng.randrange(5_000_000, 2_000_000_000, 500_000),
        ])
rng.shuffle(rows)  # branches interleaved, as in a real export
with open(leads_path, "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow(["name", "phone", "branch", "product", "plafon"])
    writer.writerows(rows)
with open(directory_path, "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow(["branch", "email"])
    for b in range(1, branches + 1):
        writer.writerow([f"Cabang {b:03d}", f"cabang{b:03d}@example.co.id"])
PY
}

# plan_cmd BRANCHES OUTBOX: sets PLAN_CMD, crm mail plan on the inputs of make_inputs BRANCHES.
plan_cmd() {
    PLAN_CMD=("$CRM" mail plan "$WORK/leads-$1.csv" --branch-col branch
        --directory "$WORK/directory-$1.csv" --campaign bench --from "$FROM" --attach xlsx
        --outbox "$2")
}

# check_outbox OUTBOX BRANCHES [MANIFEST]: BRANCHES .eml files, each with one distinct
# Message-ID and an xlsx attachment; writes MANIFEST (Message-ID -> sha256 of the bytes the
# server must store, file name; mean bytes).
check_outbox() {
    "$PY" - "$@" <<'PY'
import email, email.policy, hashlib, json, pathlib, sys

outbox, expected = pathlib.Path(sys.argv[1]), int(sys.argv[2])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
paths = sorted(outbox.glob("*.eml"))
if len(paths) != expected:
    sys.exit(f"{outbox}: {len(paths)} .eml files, expected {expected}")
ids, total = {}, 0
for path in paths:
    raw = path.read_bytes()
    total += len(raw)
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    message_id = "".join(str(message.get("Message-ID", "")).split())
    if not message_id:
        sys.exit(f"{path}: no Message-ID")
    if message_id in ids:
        sys.exit(f"{path}: Message-ID {message_id} also in {ids[message_id][1]}")
    if not any(part.get_content_type() == XLSX for part in message.walk()):
        sys.exit(f"{path}: no xlsx attachment")
    # DATA ends with CRLF . CRLF; a message that does not end with a line break gets one
    # (RFC 5321, 4.1.1.4), so that is the one difference the server's copy may show.
    stored = raw if raw.endswith(b"\r\n") else raw + b"\r\n"
    ids[message_id] = (hashlib.sha256(stored).hexdigest(), path.name)
if len(sys.argv) > 3:
    manifest = {"mean_bytes": total // len(paths), "ids": {k: list(v) for k, v in ids.items()}}
    pathlib.Path(sys.argv[3]).write_text(json.dumps(manifest))
PY
}

# check_received MAILDIR MANIFEST: exactly one message per Message-ID of the outbox and nothing
# else, each stored byte for byte as its outbox file; prints the number of such messages
# (always all of them: any other outcome exits 1).
check_received() {
    "$PY" - "$@" <<'PY'
import json, pathlib, sys

maildir, manifest = pathlib.Path(sys.argv[1]), json.loads(pathlib.Path(sys.argv[2]).read_text())
expected = manifest["ids"]
lines = (maildir / "received.jsonl").read_text().splitlines()
received = [json.loads(line) for line in lines if line]
ids = [entry["message_id"] for entry in received]
if len(received) != len(expected):
    sys.exit(f"{maildir}: received {len(received)} messages, expected {len(expected)}")
if sorted(ids, key=str) != sorted(expected):
    missing = sorted(set(expected) - set(ids))[:3]
    extra = sorted({str(i) for i in ids} - set(expected))[:3]
    sys.exit(f"{maildir}: Message-IDs differ from the outbox (missing {missing},"
             f" unexpected {extra})")
differ = [entry for entry in received if entry["sha256"] != expected[entry["message_id"]][0]]
if differ:
    shown = ", ".join(f"{expected[e['message_id']][1]} (stored as {e.get('file', '?')})"
                      for e in differ[:3])
    sys.exit(f"{maildir}: {len(differ)} of {len(received)} messages were not stored byte for"
             f" byte as their outbox file: {shown}")
print(len(received))
PY
}

OUTBOX="$WORK/outbox-$N"
MANIFEST="$WORK/outbox-$N.json"
log "generating the leads of $N branches and planning their messages into $OUTBOX (not timed)"
make_inputs "$N"
rm -rf "$OUTBOX"
plan_cmd "$N" "$OUTBOX"
"${PLAN_CMD[@]}" >"$LOGS/mail-plan-$N.out" 2>"$LOGS/mail-plan-$N.err" || {
    sed 's/^/    /' "$LOGS/mail-plan-$N.err" >&2
    die "crm mail plan failed"
}
check_outbox "$OUTBOX" "$N" "$MANIFEST"
MEAN_BYTES="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["mean_bytes"])' \
    "$MANIFEST")"
log "    $N messages, $MEAN_BYTES bytes each on average"

# ---- measuring ----------------------------------------------------------------------------
# now_ns: nanoseconds since the epoch; secs_between START_NS END_NS: seconds, 4 decimals.
now_ns() { date +%s%N; }
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'; }

# send_once SCENARIO TOOL RUN_DIR: a fresh server and outbox copy, one send, the checks;
# sets RUN_SECS, RUN_WALL, RUN_RSS_KB and RUN_SAME.
send_once() {
    local scenario="$1" tool="$2" run="$3"
    rm -rf "$run"
    mkdir -p "$run"
    cp -r "$OUTBOX" "$run/outbox"
    local server_args=() crm_args=() peer_args=()
    if [[ "$scenario" == "starttls+auth" ]]; then
        server_args=(--tls starttls --cert-out "$run/ca.pem"
            --auth "$SMTP_USER:$CRM_BENCH_SMTP_PASSWORD" --require-auth)
        crm_args=(--starttls --ca-cert "$run/ca.pem"
            --user "$SMTP_USER" --password-env CRM_BENCH_SMTP_PASSWORD)
        peer_args=(--starttls --cafile "$run/ca.pem"
            --user "$SMTP_USER" --password "$CRM_BENCH_SMTP_PASSWORD")
    fi
    start_server "$run" "${server_args[@]}"
    local cmd
    if [[ "$tool" == crm ]]; then
        cmd=("$CRM" mail send --outbox "$run/outbox" --smtp "smtp://127.0.0.1:$PORT"
            "${crm_args[@]}" --log "$run/send-log.jsonl")
    else
        cmd=("$PY" "$PEER" "$run/outbox" --host 127.0.0.1 --port "$PORT" "${peer_args[@]}")
    fi
    local start end
    start="$(now_ns)"
    if ! /usr/bin/time -o "$run/time" -f '%e %M' "${cmd[@]}" >"$run/stdout" 2>"$run/stderr"; then
        printf 'mail.sh: %s / %s failed: %s\n' "$scenario" "$tool" "${cmd[*]}" >&2
        sed 's/^/    /' "$run/stderr" >&2
        stop_server || true
        exit 1
    fi
    end="$(now_ns)"
    stop_server || die "the SMTP server did not stop cleanly (see $run/server.err)"
    RUN_WALL="$(secs_between "$start" "$end")"
    RUN_RSS_KB="$(tail -n 1 "$run/time" | awk '{ print $2 }')"
    if [[ "$tool" == crm ]]; then
        RUN_SECS="$RUN_WALL"
    else
        local detail
        detail="$(tail -n 1 "$run/stdout")"
        [[ "$detail" =~ ^send\ ([0-9.]+)\ n=([0-9]+)\  ]] ||
            die "$tool printed no timing: '$detail'"
        [[ "${BASH_REMATCH[2]}" == "$N" ]] || die "$tool sent n=${BASH_REMATCH[2]}, expected $N"
        RUN_SECS="${BASH_REMATCH[1]}"
    fi
    RUN_SAME="$(check_received "$run/maildir" "$MANIFEST")" ||
        die "$scenario / $tool: the server did not store every message exactly once and" \
            "byte for byte ($run)"
    [[ "$RUN_SAME" == "$N" ]] || die "$scenario / $tool: $RUN_SAME of $N messages stored intact"
}

# measure_send SCENARIO TOOL: REPEAT runs of send_once; sets SECS, WALL, RSS_MB, SAME and
# PER_SEC (messages/s) from the fastest. The best run's files stay in data/mail/.
measure_send() {
    local scenario="$1" tool="$2"
    local name="send-${scenario//[^A-Za-z0-9]/_}-$tool"
    local best="" run dir
    for ((run = 1; run <= REPEAT; run++)); do
        log "$scenario / $tool (run $run of $REPEAT)"
        dir="$WORK/$name.run"
        send_once "$scenario" "$tool" "$dir"
        log "    ${RUN_SECS} s (wall ${RUN_WALL} s), $RUN_SAME of $N stored bytes equal the outbox"
        if [[ -z "$best" ]] || awk -v a="$RUN_SECS" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$RUN_SECS"
            SECS="$RUN_SECS" WALL="$RUN_WALL" SAME="$RUN_SAME"
            RSS_MB="$(awk -v k="$RUN_RSS_KB" 'BEGIN { printf "%.0f", k / 1024 }')"
            rm -rf "$WORK/$name"
            mv "$dir" "$WORK/$name"
            cp "$WORK/$name/stdout" "$LOGS/mail-$name.out"
            cp "$WORK/$name/stderr" "$LOGS/mail-$name.err"
        fi
    done
    rm -rf "$dir"
    PER_SEC="$(awk -v n="$N" -v s="$SECS" 'BEGIN { if (s <= 0) s = 1e-9; printf "%.0f", n / s }')"
    log "    best: $SECS s, $PER_SEC messages/s"
}

# measure_plan: REPEAT runs of crm mail plan for PLAN_N branches into a fresh outbox; sets
# PLAN_SECS (fastest wall) and PLAN_RSS_MB.
measure_plan() {
    local outbox="$WORK/outbox-plan-$PLAN_N" run start end secs best=""
    plan_cmd "$PLAN_N" "$outbox"
    for ((run = 1; run <= REPEAT; run++)); do
        log "crm mail plan, $PLAN_N branches (run $run of $REPEAT)"
        rm -rf "$outbox"
        sync
        start="$(now_ns)"
        if ! /usr/bin/time -o "$LOGS/mail-plan.time" -f '%e %M' "${PLAN_CMD[@]}" \
            >"$LOGS/mail-plan.out" 2>"$LOGS/mail-plan.err"; then
            sed 's/^/    /' "$LOGS/mail-plan.err" >&2
            die "crm mail plan failed"
        fi
        end="$(now_ns)"
        secs="$(secs_between "$start" "$end")"
        check_outbox "$outbox" "$PLAN_N"
        log "    $secs s"
        if [[ -z "$best" ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$secs"
            PLAN_RSS_MB="$(tail -n 1 "$LOGS/mail-plan.time" | awk '{ printf "%.0f", $2 / 1024 }')"
        fi
    done
    PLAN_SECS="$best"
}

# 12345678 -> 12,345,678
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
# ratio OURS_PER_SEC PEER_PER_SEC
ratio() { awk -v o="$1" -v p="$2" 'BEGIN { if (p < 1) p = 1; printf "%.2f", o / p }'; }
# verdict OURS PEER: PASS when OURS >= PEER.
verdict() { awk -v o="$1" -v p="$2" 'BEGIN { print (o + 0 >= p + 0) ? "PASS" : "MISS" }'; }

TABLE=()
VERDICTS=()
table_row() { # SCENARIO TOOL SECS WALL PER_SEC RSS_MB SAME RATIO
    local line="| $1 | $2 | $3 | $4 | $(commas "$5") | $6 | $N of $N | $7 of $N | $8 |"
    TABLE+=("$line")
    echo "$line"
}

CRM_TOOL="crm mail send"
PY_TOOL="smtplib ($("$PY" -c 'import platform; print("Python", platform.python_version())'))"

HEADER="| scenario | tool | seconds | wall | messages/s | peak RSS MB | received once"
HEADER+=$' | same bytes | ratio ours/peer |\n|---|---|---:|---:|---:|---:|---:|---:|---:|'
echo
echo "$HEADER"
for scenario in plain "starttls+auth"; do
    measure_send "$scenario" crm
    crm_secs="$SECS" crm_wall="$WALL" crm_per_sec="$PER_SEC" crm_rss="$RSS_MB" crm_same="$SAME"
    measure_send "$scenario" smtplib
    table_row "$scenario" "$CRM_TOOL" "$crm_secs" "$crm_wall" "$crm_per_sec" "$crm_rss" \
        "$crm_same" "$(ratio "$crm_per_sec" "$PER_SEC")"
    table_row "$scenario" "$PY_TOOL" "$SECS" "$WALL" "$PER_SEC" "$RSS_MB" "$SAME" "—"
    line="- $scenario: $CRM_TOOL $(commas "$crm_per_sec") messages/s, smtplib $(commas "$PER_SEC")"
    VERDICTS+=("$line (target >= smtplib's): **$(verdict "$crm_per_sec" "$PER_SEC")**")
done

if ((PLAN_N != N)); then
    log "generating the leads of $PLAN_N branches (not timed)"
    make_inputs "$PLAN_N"
fi
measure_plan
plan_result="$(verdict "$PLAN_TARGET_SECS" "$PLAN_SECS")" # PASS when the target >= the time
PLAN_LINE="| crm mail plan, $(commas "$PLAN_N") branches x $LEADS_PER_BRANCH leads, xlsx"
PLAN_LINE+=" | $PLAN_SECS | $PLAN_RSS_MB |"
PLAN_HEADER=$'| plan | seconds | peak RSS MB |\n|---|---:|---:|'
line="- crm mail plan, $(commas "$PLAN_N") branches with xlsx attachments: $PLAN_SECS s"
VERDICTS+=("$line (target <= $PLAN_TARGET_SECS s): **$plan_result**")
echo
echo "$PLAN_HEADER"
echo "$PLAN_LINE"

# ---- results ------------------------------------------------------------------------------
echo
echo "Targets:"
printf '%s\n' "${VERDICTS[@]}"

CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
RUSTC="$(rustc --version 2>/dev/null || echo 'rustc unknown')"
PYVER="$("$PY" --version 2>&1)"

{
    echo
    echo "## SMTP sending peer comparison, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- Machine: $(nproc) cores, ${CPU:-unknown CPU}"
    echo "- Command: \`$COMMAND\`"
    echo "- Messages: $(commas "$N") branch e-mails from \`crm mail plan\`" \
        "($LEADS_PER_BRANCH leads each," \
        "xlsx attachment, $(commas "$MEAN_BYTES") bytes on average)"
    echo "- Server: crates/crm-mail/tests/smtp_server.py on 127.0.0.1" \
        "(aiosmtpd $AIOSMTPD_VERSION," \
        "no fsync), a fresh one for every run; starttls+auth: STARTTLS with a test CA both" \
        "clients verify for \`localhost\`, then AUTH"
    echo "- Versions: $RUSTC; $PYVER, aiosmtpd $AIOSMTPD_VERSION"
    echo "- seconds: crm mail send's whole process (the script's clock); smtplib's own clock from" \
        "connect to QUIT over one connection (no interpreter start, files already read); wall:" \
        "the whole process for both; best of $REPEAT; ratio = our messages/s / the peer's"
    echo
    echo "$HEADER"
    printf '%s\n' "${TABLE[@]}"
    echo
    echo "$PLAN_HEADER"
    echo "$PLAN_LINE"
    echo
    printf '%s\n' "${VERDICTS[@]}"
} >>"$DATA/results.md"

log "appended to $DATA/results.md"
