#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 30) with cargo-fuzz (libFuzzer).
# Needs a nightly toolchain and `cargo install cargo-fuzz`. New inputs go to a scratch
# folder; only the seed corpora under fuzz/corpus/ are kept in git.
#   fuzz/run.sh            # 30 s per target
#   fuzz/run.sh 600        # 10 minutes per target
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-30}"
scratch="${FUZZ_SCRATCH:-${TMPDIR:-/tmp}/sgssockets-fuzz}"
for target in $(cargo +nightly fuzz list); do
  mkdir -p "$scratch/$target" "corpus/$target"
  echo "== fuzz $target for ${seconds}s"
  log="$scratch/$target.log"
  if cargo +nightly fuzz run -O "$target" "$scratch/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 1 "$log"
  else
    tail -n 60 "$log"
    echo "fuzz target $target failed; the input is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
