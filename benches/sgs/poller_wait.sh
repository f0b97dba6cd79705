#!/usr/bin/env bash
# socket_poller.wait from a script against a raw C epoll_wait loop, in the same run, with 100
# and 10,000 registered idle sockets plus one ready. Raw and script runs alternate (pairs);
# the summary gives the median of each and the median of the pairs' ratios. Needs a built
# SGScript VM:
#   SGSCRIPT_DIR=/path/to/sgscript/bin benches/sgs/poller_wait.sh [waits [pairs]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${SGSCRIPT_DIR:?set SGSCRIPT_DIR to the folder holding sgsvm and libsgscript.so}"
waits="${1:-100000}"
pairs="${2:-9}"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(cd "$root" && cargo build --release -q -p sgssockets-sgs)
target="${CARGO_TARGET_DIR:-$root/target}/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/raw_epoll_wait" "$here/raw_epoll_wait.c"
cp "$target/libsgssockets.so" "$here/poller_wait.sgs" "$work/"
# The figure before " us per wait" in a run's output.
per_wait() { sed -n 's/.*: \([0-9.]*\) us per wait.*/\1/p'; }
for n in 100 10000; do
  for _ in $(seq "$pairs"); do
    raw=$("$work/raw_epoll_wait" "$n" "$waits" | per_wait)
    script=$(cd "$work" && LD_LIBRARY_PATH="$SGSCRIPT_DIR" "$SGSCRIPT_DIR/sgsvm" -p poller_wait.sgs "$n" "$waits" | per_wait)
    echo "$n $raw $script"
  done
done | awk -v pairs="$pairs" -v waits="$waits" '
  function median(list, count,   sorted, i, j, t) {
    for (i = 1; i <= count; i++) sorted[i] = list[i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
      if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
    return count % 2 ? sorted[(count + 1) / 2] : (sorted[count / 2] + sorted[count / 2 + 1]) / 2
  }
  BEGIN { printf "%d pairs of %d waits, raw C and script alternating (medians, us per wait)\n", pairs, waits
          printf "%8s %10s %10s %14s\n", "idle", "raw C", "script", "script/raw" }
  { k = ++seen[$1]; raw[$1, k] = $2; script[$1, k] = $3; ratio[$1, k] = $3 / $2
    if (k == pairs) {
      for (i = 1; i <= k; i++) { r[i] = raw[$1, i]; s[i] = script[$1, i]; q[i] = ratio[$1, i] }
      printf "%8d %10.3f %10.3f %13.2fx\n", $1, median(r, k), median(s, k), median(q, k)
      script_median[$1] = median(s, k)
    } }
  END { if (script_median[100] > 0)
          printf "script at 10000 / at 100: %.2f\n", script_median[10000] / script_median[100] }'
