#!/bin/sh
# Builds the release library and the C ping-pong benchmark, and runs it.
# Usage: sgssockets-ffi/benches/run.sh [round_trips_per_round [rounds]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target ;; esac
(cd "$root" && cargo build --quiet --release -p sgssockets-ffi)
out="$target/release/pingpong-c"
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I "$root/sgssockets-ffi/include" \
    "$here/pingpong.c" "$target/release/libsgssockets_ffi.a" \
    -lgcc_s -lpthread -lm -ldl -o "$out"
"$out" "$@"
