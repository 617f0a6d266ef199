#!/usr/bin/env bash
# Every test of Mimik, from a fresh Debian/Ubuntu machine: installs what the tests need, then runs
# formatting, lints, unit/property/end-to-end tests and short fuzz runs. Exits non-zero on the
# first failure. Used by .ci/run; see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "system packages (Rust build, Tauri app, Xvfb and WebKitWebDriver for the real-app tests, a software TPM for the keystore slot)"
apt_install build-essential pkg-config libssl-dev curl ca-certificates "${TAURI_PACKAGES[@]}" \
  xvfb xauth webkit2gtk-driver imagemagick swtpm tpm2-tools libtss2-tcti-swtpm0
ensure_rust
command -v tauri-driver >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/tauri-driver" ] \
  || cargo install tauri-driver --locked --version 2.1.0

step "UI build (the app embeds ui/dist, so it comes before any cargo build)"
build_ui

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "PostgreSQL for the server's backend tests (MIMIK_TEST_POSTGRES_URL)"
apt_install postgresql
# Start the cluster; "already running" (or a lost race with another start) is fine as long as it
# is running afterwards.
as_root pg_ctlcluster 15 main start 2>/dev/null || as_root pg_ctlcluster 15 main status >/dev/null
# A role and database for tests only; each test makes its own schema inside it.
as_root su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
SELECT 'CREATE ROLE mimik_test LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mimik_test')\gexec
ALTER ROLE mimik_test PASSWORD 'mimik_test';
SELECT 'CREATE DATABASE mimik_test OWNER mimik_test' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'mimik_test')\gexec
SQL
export MIMIK_TEST_POSTGRES_URL="postgres://mimik_test:mimik_test@127.0.0.1/mimik_test"

step "cargo test (workspace; the real app's WebDriver tests need a display: Xvfb)"
xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace --locked

step "UI: npm ci, type check, Vitest unit tests, flow tests in Debian's Chromium (mocked IPC)"
apt_install chromium fonts-dejavu-core
(cd ui && npm run check && npm test && npm run test:e2e)

step "fuzz targets (short runs; FUZZ_SECONDS=${FUZZ_SECONDS:=20} each)"
scripts/fuzz.sh "$FUZZ_SECONDS"

echo
echo "all tests passed"
