#!/usr/bin/env bash
# The project's test command (README.md): every test of every crate, with all features and
# with default features off for the libraries that have features, then crm-mail's tests
# against a real SMTP server on loopback, and crm-arrow's tests against pyarrow.
#
# The SMTP server (crates/crm-mail/tests/smtp_server.py, aiosmtpd with STARTTLS and AUTH) is
# installed here into a Python virtual environment (target/smtp-venv, pinned by
# crates/crm-mail/tests/requirements-smtp.txt), so this command works alone on a fresh
# machine with python3 (and python3-venv) and access to PyPI. The tests start and stop the
# server themselves. pyarrow (pinned by crates/crm-arrow/tests/requirements-pyarrow.txt) goes
# into target/pyarrow-venv the same way: it writes a Parquet file crm-arrow reads and reads
# back the Parquet files crm-arrow writes.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --all-features
cargo test -p crm-excel --no-default-features --lib --tests

# Installs pinned requirements into a virtual environment, unless it already has them.
venv_with() {
    local venv=$1 requirements=$2
    if ! cmp -s "$requirements" "$venv/.requirements" 2>/dev/null; then
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$venv/.requirements"
    fi
}
venv_with target/smtp-venv crates/crm-mail/tests/requirements-smtp.txt
CRM_SMTP_PYTHON="$PWD/target/smtp-venv/bin/python" \
    cargo test -p crm-mail --test smtp -- --include-ignored

venv_with target/pyarrow-venv crates/crm-arrow/tests/requirements-pyarrow.txt
CRM_PYARROW_PYTHON="$PWD/target/pyarrow-venv/bin/python" \
    cargo test -p crm-arrow --test pyarrow -- --include-ignored
