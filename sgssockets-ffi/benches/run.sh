#!/bin/sh
# Builds the release library and one C benchmark, and runs it:
#   sgssockets-ffi/benches/run.sh [round_trips_per_round [rounds]]    # ping-pong vs raw syscalls
#   sgssockets-ffi/benches/run.sh poller [waits [pairs]]             # sgss_poller_wait vs raw epoll_wait
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench=pingpong
if [ "${1:-}" = poller ]; then
    bench=poller_wait
    shift
fi
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target ;; esac
(cd "$root" && cargo build --quiet --release -p sgssockets-ffi)
out="$target/release/$bench-c"
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I "$root/sgssockets-ffi/include" \
    "$here/$bench.c" "$target/release/libsgssockets_ffi.a" \
    -lgcc_s -lpthread -lm -ldl -o "$out"
"$out" "$@"
