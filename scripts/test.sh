#!/usr/bin/env bash
# The project's test command (README.md): every test of every crate, with all features and
# with default features off for the libraries that have features.
# Later crates that need a service (an SMTP server) start it here, so this command works alone
# on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --all-features
cargo test -p crm-excel --no-default-features --lib --tests
