#!/usr/bin/env bash
# Run Mimik on a fresh Debian/Ubuntu desktop: the study server on its embedded SQLite default and
# the tablet app (Tauri) connected to it. On the app's first run, create the store, note the
# recovery key, then enroll with the server address and one-time code printed below.
# Staff open the printed address and log in as "admin" or "coordinator". Closing the app leaves the
# server running; Ctrl-C stops both.
#
# Data lives in $MIMIK_DEMO_DIR (default ./.mimik-demo); run again to reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install build-essential pkg-config libssl-dev curl ca-certificates perl "${TAURI_PACKAGES[@]}"
ensure_rust
step "building the UI (embedded in the app)"
build_ui
step "building mimik-app, mimik-server and the mimik CLI (release, optimised)"
echo "    The first build compiles about 600 crates, SQLCipher with its own OpenSSL and WebKitGTK's"
echo "    bindings; cargo is quiet for minutes during the last crates and the link. Later runs reuse"
echo "    target/ and take seconds."
cargo build --release --locked --bin mimik-app --bin mimik-server --bin mimik
bin=target/release
demo="${MIMIK_DEMO_DIR:-$PWD/.mimik-demo}"
listen="${MIMIK_LISTEN:-127.0.0.1:8080}"
mkdir -p "$demo"

export MIMIK_SERVER_PASSWORD="${MIMIK_SERVER_PASSWORD:-demo-coordinator-password}"
server=("$bin/mimik-server" --data-dir "$demo/server")

step "study server on $listen (SQLite in $demo/server)"
"${server[@]}" user add admin --role admin >/dev/null 2>&1 || true
"${server[@]}" serve --listen "$listen" > "$demo/server.out" 2> "$demo/server.log" &
server_pid=$!
app_pid=
trap 'kill $server_pid $app_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  url=$(head -n 1 "$demo/server.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$demo/server.log" >&2; exit 1; }
  sleep 0.1
done
"${server[@]}" site add karolinska --name "Karolinska University Hospital" >/dev/null
"${server[@]}" user add coordinator --role coordinator --site karolinska >/dev/null 2>&1 || true
code=$("${server[@]}" enrollment-code --site karolinska)

cat <<MSG

Mimik is running.
  coordinator pages: $url/   (users: admin (devices, users, studies) and coordinator
                     (participants of karolinska); password: $MIMIK_SERVER_PASSWORD)
  enroll the tablet: server address $url   one-time code $code
  tablet data:       $demo/tablet  (inspect with: $bin/mimik --data-dir $demo/tablet status)
  exports:           $bin/mimik-server --data-dir $demo/server export --format csv-wide
Ctrl-C stops the server and the app.
MSG

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  step "tablet app (data in $demo/tablet)"
  MIMIK_DATA_DIR="$demo/tablet" "$bin/mimik-app" &
  app_pid=$!
else
  echo "No desktop display (DISPLAY/WAYLAND_DISPLAY unset): the tablet app was not started." >&2
  echo "Run this script from a desktop session to see it; the server keeps running." >&2
fi
wait "$server_pid"
