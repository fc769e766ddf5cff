#!/usr/bin/env bash
# The project's test command (README.md): every test of every crate, with all features and
# with default features off for the libraries that have features, then crm-mail's tests
# against a real SMTP server on loopback.
#
# The SMTP server (crates/crm-mail/tests/smtp_server.py, aiosmtpd with STARTTLS and AUTH) is
# installed here into a Python virtual environment (target/smtp-venv, pinned by
# crates/crm-mail/tests/requirements-smtp.txt), so this command works alone on a fresh
# machine with python3 (and python3-venv) and access to PyPI. The tests start and stop the
# server themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --all-features
cargo test -p crm-excel --no-default-features --lib --tests

venv=target/smtp-venv
requirements=crates/crm-mail/tests/requirements-smtp.txt
if ! cmp -s "$requirements" "$venv/.requirements" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/.requirements"
fi
CRM_SMTP_PYTHON="$PWD/$venv/bin/python" cargo test -p crm-mail --test smtp -- --include-ignored
