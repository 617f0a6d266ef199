#!/usr/bin/env bash
# Every test of Mimik, from a fresh Debian/Ubuntu machine: installs what the tests need, then runs
# formatting, lints, unit/property/end-to-end tests and short fuzz runs. Exits non-zero on the
# first failure. Used by .ci/run; see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "system packages"
apt_install build-essential pkg-config libssl-dev curl ca-certificates
ensure_rust

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "cargo test (workspace)"
cargo test --workspace --locked

step "UI: npm ci, type check, Vitest unit tests, flow tests in Debian's Chromium (mocked IPC)"
apt_install chromium fonts-dejavu-core
ensure_node
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test && npm run test:e2e)

step "fuzz targets (short runs; FUZZ_SECONDS=${FUZZ_SECONDS:=20} each)"
scripts/fuzz.sh "$FUZZ_SECONDS"

echo
echo "all tests passed"
