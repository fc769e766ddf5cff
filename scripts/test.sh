#!/usr/bin/env bash
# The project's test command (README.md): every test of every crate, with all features and
# with default features off for the libraries that have features, then crm-mail's tests
# against a real SMTP server on loopback, crm-excel's test on a large workbook encrypted by
# msoffcrypto-tool, and crm-arrow's tests against pyarrow.
#
# The SMTP server (crates/crm-mail/tests/smtp_server.py, aiosmtpd with STARTTLS and AUTH) is
# installed here into a Python virtual environment (target/smtp-venv, pinned by
# crates/crm-mail/tests/requirements-smtp.txt), so this command works alone on a fresh
# machine with python3 (and python3-venv) and access to PyPI. The tests start and stop the
# server themselves. The encrypted workbook is written the same way, from the pinned packages
# of crates/crm-excel/tests/requirements-encrypted.txt, into target/. pyarrow (pinned by
# crates/crm-arrow/tests/requirements-pyarrow.txt) goes into target/pyarrow-venv the same
# way: it writes a Parquet file crm-arrow reads and reads back the Parquet files it writes.
set -euo pipefail
cd "$(dirname "$0")/.."

# venv DIR REQUIREMENTS: a virtual environment with exactly these packages, made again when
# the requirements file changes.
venv() {
    if ! cmp -s "$2" "$1/.requirements" 2>/dev/null; then
        rm -rf "$1"
        python3 -m venv "$1"
        "$1/bin/pip" install --quiet --disable-pip-version-check -r "$2"
        cp "$2" "$1/.requirements"
    fi
}

venv target/smtp-venv crates/crm-mail/tests/requirements-smtp.txt
venv target/encrypted-venv crates/crm-excel/tests/requirements-encrypted.txt
venv target/pyarrow-venv crates/crm-arrow/tests/requirements-pyarrow.txt

# An encrypted workbook of 7.8 MB written by msoffcrypto-tool (whose container cfb alone
# refuses), too large to commit: made here from pinned XlsxWriter and msoffcrypto-tool, again
# whenever the script or its requirements change.
script=crates/crm-excel/tests/make_msoffcrypto_large.py
large=target/msoffcrypto-large.xlsx
if [ ! -s "$large" ] || [ "$script" -nt "$large" ] ||
    [ target/encrypted-venv/.requirements -nt "$large" ]; then
    target/encrypted-venv/bin/python "$script" "$large"
fi

cargo test --workspace --all-features
# The tests that need the peers above, from the same build (one feature set, so nothing is
# compiled twice): crm-mail against the SMTP server, crm-excel on the large encrypted
# workbook, crm-arrow against pyarrow.
CRM_SMTP_PYTHON="$PWD/target/smtp-venv/bin/python" \
    CRM_MSOFFCRYPTO_LARGE_XLSX="$PWD/$large" \
    CRM_PYARROW_PYTHON="$PWD/target/pyarrow-venv/bin/python" \
    cargo test --workspace --all-features --test smtp --test integration --test pyarrow -- --ignored
# The libraries without their optional features (serde, chrono): every crate works alone.
# (crm-arrow, a composer like crm-cli, has no features of its own.)
cargo test --workspace --exclude crm-cli --exclude crm-benches --exclude crm-arrow --lib --tests
