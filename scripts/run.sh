#!/usr/bin/env bash
# Run Mimik from a fresh Debian/Ubuntu machine.
# Today this builds the headless tablet CLI and scores the worked example F3 of instruments.md;
# the server and the tablet app join this script when they exist (issues 5 and 6).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install build-essential pkg-config libssl-dev curl ca-certificates
ensure_rust
cargo build --release --locked --bin mimik
mimik=target/release/mimik

step "instruments and content packs"
"$mimik" instruments
step "mimik score face  (worked example F3: total 51.667)"
echo '{"answers": {"q1": 2, "q2": 1, "q3": 3, "q4": 2, "q5": 3, "q6": 2, "q7": 4, "q8": 3,
       "q9": 4, "q10": 5, "q11": 4, "q12": 3, "q13": 2, "q14": 3, "q15": 5}}' | "$mimik" score face
echo
echo "mimik is at $mimik; try: $mimik --help"
