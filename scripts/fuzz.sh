#!/usr/bin/env bash
# Run every cargo-fuzz target for N seconds (default 60) from its seed corpus.
# cargo fuzz needs a nightly toolchain (sanitizers): the dated one below is installed with rustup
# when missing, so a fresh machine gets the same compiler CI used. Installs cargo-fuzz if missing.
# Fails when the target list is empty, when any run fails to build or exits non-zero, when a run
# ends without libFuzzer's "Done" line, or when fewer targets ran than were listed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
seconds="${1:-60}"
nightly="${MIMIK_FUZZ_TOOLCHAIN:-nightly-2026-05-20}"

ensure_rust
if ! rustup toolchain list 2>/dev/null | grep -q "^$nightly"; then
  echo "fuzz: installing the $nightly toolchain with rustup"
  rustup toolchain install "$nightly" --profile minimal
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --quiet

targets=$(cargo "+$nightly" fuzz list --fuzz-dir fuzz)
if [ -z "$targets" ]; then
  echo "fuzz: cargo fuzz listed no targets in fuzz/" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
listed=0
ran=0
for target in $targets; do
  listed=$((listed + 1))
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  status=0
  cargo "+$nightly" fuzz run --fuzz-dir fuzz "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(stat::number_of_executed_units|==|SUMMARY|Done)" "$log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target failed (exit $status); the last lines of its output:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if ! grep -qE "^Done [0-9]+ runs" "$log"; then
    echo "fuzz: $target ended without libFuzzer's Done line; its last lines:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if compgen -G "fuzz/artifacts/$target/*" >/dev/null; then
    echo "fuzz: $target found a crash: fuzz/artifacts/$target/" >&2
    exit 1
  fi
  ran=$((ran + 1))
done

if [ "$ran" -ne "$listed" ]; then
  echo "fuzz: $ran of $listed targets ran" >&2
  exit 1
fi
echo "fuzz: all $ran targets ran for ${seconds}s each without a failure"
