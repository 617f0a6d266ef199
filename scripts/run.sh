#!/usr/bin/env bash
# Run Mimik from a fresh Debian/Ubuntu machine: the study server on its embedded SQLite default,
# and a tablet taken through one visit with the headless tablet CLI (the Tauri app, issue 6, will
# replace that part). The server then keeps running in the foreground for coordinators:
# open the printed address, log in as "coordinator". Ctrl-C stops it.
#
# Data lives in $MIMIK_DEMO_DIR (default ./.mimik-demo); run again to reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install build-essential pkg-config libssl-dev curl ca-certificates perl
ensure_rust
step "building mimik and mimik-server (release)"
cargo build --release --locked --bin mimik --bin mimik-server
bin=target/release
demo="${MIMIK_DEMO_DIR:-$PWD/.mimik-demo}"
listen="${MIMIK_LISTEN:-127.0.0.1:8080}"
mkdir -p "$demo"

export MIMIK_PASSPHRASE="${MIMIK_PASSPHRASE:-demo-tablet-passphrase}"
export MIMIK_SERVER_PASSWORD="${MIMIK_SERVER_PASSWORD:-demo-coordinator-password}"
server=("$bin/mimik-server" --data-dir "$demo/server")
tablet=("$bin/mimik" --data-dir "$demo/tablet")

step "study server on $listen (SQLite in $demo/server)"
"${server[@]}" user add coordinator >/dev/null 2>&1 || true
"${server[@]}" serve --listen "$listen" > "$demo/server.out" 2> "$demo/server.log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  url=$(head -n 1 "$demo/server.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$demo/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "server: $url"

if [ ! -f "$demo/tablet/keyslots.json" ]; then
  step "tablet: create the encrypted store (passphrase in MIMIK_PASSPHRASE)"
  "${tablet[@]}" init --first-staff nurse
  step "tablet: enroll with a one-time code"
  code=$("${server[@]}" enrollment-code --site karolinska)
  "${tablet[@]}" enroll --server "$url" --code "$code"
  step "tablet: register participant NT-001"
  "${tablet[@]}" participant add NT-001 --inclusion-date 2025-06-01 --surgery-date 2026-05-01
fi

step "tablet: the patient answers FaCE at post_6m (worked example F3: total 51.667)"
echo '{"answers": {"q1": 2, "q2": 1, "q3": 3, "q4": 2, "q5": 3, "q6": 2, "q7": 4, "q8": 3,
       "q9": 4, "q10": 5, "q11": 4, "q12": 3, "q13": 2, "q14": 3, "q15": 5}}' \
  | "${tablet[@]}" submit --participant NT-001 --timepoint post_6m --instrument face
step "tablet: sync"
"${tablet[@]}" sync
"${tablet[@]}" status --json

cat <<MSG

Mimik is running.
  coordinator pages: $url/   (user: coordinator, password: \$MIMIK_SERVER_PASSWORD)
  tablet CLI:        MIMIK_PASSPHRASE=… $bin/mimik --data-dir $demo/tablet --help
  exports:           $bin/mimik-server --data-dir $demo/server export --format csv-wide
Ctrl-C stops the server.
MSG
wait "$server_pid"
