#!/usr/bin/env bash
# Prove the README's two commands on a truly fresh Debian 12 (issue 11 point 8).
#
# Builds a new Debian 12 (bookworm) root with mmdebstrap from the machine's own Debian package
# sources (nothing installed in it beyond Debian's "important" set), puts a clean clone of this
# repository's HEAD in it, and inside it, as root, runs:
#   1. ./scripts/test.sh, which must pass;
#   2. ./scripts/run.sh under xvfb-run with a time limit: the server must answer /health with 200,
#      the script must print a one-time enrollment code, and the app must open its window.
# Only the package registries and rustup's toolchains are reached from inside.
#
# Not part of .ci/run: it takes 45-60 minutes on 2 cores. Needs root (chroot and mounts). The
# machine's own PostgreSQL is stopped while it runs (the root's PostgreSQL needs port 5432) and
# started again afterwards.
#
#   sudo ./scripts/fresh-debian.sh            # root in /var/tmp/mimik-fresh, removed afterwards
#   FRESH_KEEP=1 sudo ./scripts/fresh-debian.sh   # keep the root to look inside
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ "$(id -u)" = 0 ] || { echo "fresh-debian.sh needs root (chroot)" >&2; exit 64; }
root="${FRESH_ROOT:-/var/tmp/mimik-fresh}"
log="${FRESH_LOG:-$PWD/target/fresh-debian.log}"
mkdir -p "$(dirname "$log")"
: >"$log"
started=$(date +%s)

apt_install mmdebstrap

host_pg_was_up=false
if command -v pg_lsclusters >/dev/null && pg_lsclusters 2>/dev/null | grep -q ' online '; then
  host_pg_was_up=true
fi

cleanup() {
  for mount in dev/pts dev/shm dev proc sys; do
    umount -l "$root/$mount" 2>/dev/null || true
  done
  if [ -z "${FRESH_KEEP:-}" ]; then
    rm -rf --one-file-system "$root"
  fi
  if $host_pg_was_up; then
    pg_ctlcluster 15 main start 2>/dev/null || true
  fi
}
trap cleanup EXIT

step "a fresh Debian 12 root in $root (mmdebstrap, the machine's Debian sources)"
rm -rf --one-file-system "$root"
mmdebstrap --variant=important bookworm "$root" >>"$log" 2>&1
# Daemons are not started by package installs in a chroot; test.sh starts PostgreSQL itself.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"

# This machine's own network may pass HTTPS through a local CA (a company proxy, a sandbox):
# the root trusts what the machine trusts, and Node.js (which carries its own list) is told so.
# A machine on the open internet has nothing there, and the root then trusts Debian's list only.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
chroot "$root" apt-get update -qq >>"$log" 2>&1 </dev/null
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ca-certificates \
  >>"$log" 2>&1 </dev/null
chroot "$root" update-ca-certificates >>"$log" 2>&1

step "a clean clone of HEAD ($(git rev-parse --short HEAD)) in /work/mimik"
mkdir -p "$root/work"
git clone --quiet --no-hardlinks "$PWD" "$root/work/mimik"
# The shared design pages sit beside the repository, as on CI.
if [ -d ../shared ]; then
  cp -r ../shared "$root/work/shared"
fi

if $host_pg_was_up; then
  step "stopping this machine's PostgreSQL while the fresh root uses port 5432"
  pg_ctlcluster 15 main stop
fi

inside() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt bash -c "cd /work/mimik && $1" </dev/null
}

step "1/2: ./scripts/test.sh inside (the README's test command)"
test_start=$(date +%s)
if ! inside './scripts/test.sh' >>"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "FAILED: ./scripts/test.sh on a fresh Debian 12 (log: $log)" >&2
  exit 1
fi
grep -q "all tests passed" "$log" || { echo "test.sh ended without 'all tests passed'" >&2; exit 1; }
test_minutes=$(( ($(date +%s) - test_start) / 60 ))

step "2/2: ./scripts/run.sh inside, under xvfb-run, with a time limit"
# Only the check needs these (a display for the app, a window lister), not run.sh itself.
inside 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth x11-utils curl' >>"$log" 2>&1
run_check='
  ./scripts/run.sh >/tmp/run.out 2>&1 &
  pid=$!
  for _ in $(seq 1 1800); do
    grep -q "one-time code" /tmp/run.out && break
    kill -0 $pid 2>/dev/null || { cat /tmp/run.out; exit 1; }
    sleep 1
  done
  code=$(grep -oE "one-time code [^ ]+" /tmp/run.out | cut -d" " -f3)
  [ -n "$code" ] || { echo "no enrollment code printed"; cat /tmp/run.out; exit 1; }
  status=$(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:8080/health)
  [ "$status" = 200 ] || { echo "/health answered $status"; exit 1; }
  for _ in $(seq 1 120); do
    xwininfo -root -tree 2>/dev/null | grep -qi "mimik" && break
    sleep 1
  done
  xwininfo -root -tree | grep -i "mimik" || { echo "no app window"; cat /tmp/run.out; exit 1; }
  echo "run.sh: /health 200, enrollment code printed (${#code} characters), app window shown"
  pkill -x mimik-app || true
  kill $pid || true
'
run_start=$(date +%s)
if ! inside "timeout 3600 xvfb-run -a -s '-screen 0 1280x800x24' bash -c '$run_check'" >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "FAILED: ./scripts/run.sh on a fresh Debian 12 (log: $log)" >&2
  exit 1
fi
run_minutes=$(( ($(date +%s) - run_start) / 60 ))
grep "run.sh: /health 200" "$log"

total=$(( ($(date +%s) - started) / 60 ))
echo "fresh Debian 12: both README commands passed on $(date -u +%F) in $total min" \
  "(test.sh $test_minutes min, run.sh check $run_minutes min, on $(nproc) cores)" | tee -a "$log"
