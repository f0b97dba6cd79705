#!/usr/bin/env bash
# socket_select from a script against a raw C poll(2) loop doing the same (fill the pollfd
# array, poll, keep the ready ones), over the same number of UDP sockets with one readable,
# in the same run, alternating. Needs a built SGScript VM:
#   SGSCRIPT_DIR=/path/to/sgscript/bin benches/sgs/select_vs_poll.sh [rounds [N [calls]]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${SGSCRIPT_DIR:?set SGSCRIPT_DIR to the folder holding sgsvm and libsgscript.so}"
rounds="${1:-5}"
count="${2:-901}"
calls="${3:-20000}"
(cd "$root" && cargo build --release -q -p sgssockets-sgs)
target="${CARGO_TARGET_DIR:-$root/target}/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/raw_poll_select" "$here/raw_poll_select.c"
cp "$target/libsgssockets.so" "$here/select901.sgs" "$work/"
ratios=()
for round in $(seq "$rounds"); do
  raw=$("$work/raw_poll_select" "$count" "$calls")
  script=$(cd "$work" && LD_LIBRARY_PATH="$SGSCRIPT_DIR" "$SGSCRIPT_DIR/sgsvm" -p select901.sgs "$count" "$calls")
  echo "$raw"
  echo "$script"
  ratios+=("$(awk -v a="$(echo "$raw" | awk '{print $7}')" -v b="$(echo "$script" | awk '{print $6}')" \
    'BEGIN { printf "%.3f", b / a }')")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END {
  printf "median socket_select / raw poll over %d rounds: %.3f (goal <= 1.25)\n", NR, a[int((NR + 1) / 2)] }'
