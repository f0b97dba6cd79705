#!/bin/sh
# Builds the release library and the C poller benchmark (sgss_poller_wait vs raw epoll_wait
# over 100 and 10,000 sockets, same run), and runs it.
# Usage: sgssockets-ffi/benches/run_poller.sh [waits [rounds]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target ;; esac
(cd "$root" && cargo build --quiet --release -p sgssockets-ffi)
out="$target/release/poller-wait-c"
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I "$root/sgssockets-ffi/include" \
    "$here/poller_wait.c" "$target/release/libsgssockets_ffi.a" \
    -lgcc_s -lpthread -lm -ldl -o "$out"
"$out" "$@"
