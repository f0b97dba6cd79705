#!/usr/bin/env bash
# socket_poller.wait from a script against a raw C epoll_wait loop, in the same run, with 100
# and 10,000 registered idle sockets plus one ready. Needs a built SGScript VM:
#   SGSCRIPT_DIR=/path/to/sgscript/bin benches/sgs/poller_wait.sh [waits]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${SGSCRIPT_DIR:?set SGSCRIPT_DIR to the folder holding sgsvm and libsgscript.so}"
waits="${1:-20000}"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(cd "$root" && cargo build --release -q -p sgssockets-sgs)
target="${CARGO_TARGET_DIR:-$root/target}/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/raw_epoll_wait" "$here/raw_epoll_wait.c"
cp "$target/libsgssockets.so" "$here/poller_wait.sgs" "$work/"
for round in 1 2 3; do
  for n in 100 10000; do
    "$work/raw_epoll_wait" "$n" "$waits"
    (cd "$work" && LD_LIBRARY_PATH="$SGSCRIPT_DIR" "$SGSCRIPT_DIR/sgsvm" -p poller_wait.sgs "$n" "$waits")
  done
done
