#!/usr/bin/env bash
# TLS bulk from a script against a plain rustls program doing the same (256 MiB one way over
# loopback TLS 1.3, TLS_AES_128_GCM_SHA256, both ends in one thread, non-blocking), in the
# same run, alternating. Needs a built SGScript VM:
#   SGSCRIPT_DIR=/path/to/sgscript/bin benches/sgs/tls_bulk.sh [rounds [MiB]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${SGSCRIPT_DIR:?set SGSCRIPT_DIR to the folder holding sgsvm and libsgscript.so}"
rounds="${1:-7}"
mib="${2:-256}"
(cd "$root" && cargo build --release -q -p sgssockets-sgs && cargo bench -q -p sgssockets-core --bench tls --no-run)
target="${CARGO_TARGET_DIR:-$root/target}/release"
bench="$(ls -t "$target"/deps/tls-* | grep -v '\.d$' | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -addext basicConstraints=critical,CA:FALSE \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cp "$target/libsgssockets.so" "$here/tls_bulk.sgs" "$work/"
# The script's CPU time is its process's (user + system, from /usr/bin/time) less that of the
# same run moving nothing (VM start, PEM parsing, handshake), measured here first.
script_cpu() {
  (cd "$work" && LD_LIBRARY_PATH="$SGSCRIPT_DIR" /usr/bin/time -f "cpu %U %S" \
    "$SGSCRIPT_DIR/sgsvm" -p tls_bulk.sgs cert.pem key.pem "$1" 2>&1) \
    | awk '/^script_bulk_seconds/ { wall = $2 } /^cpu / { cpu = $2 + $3 } END { print wall, cpu }'
}
setup=$(for i in 1 2 3; do script_cpu 0; done | awk '{ print $2 }' | sort -n | sed -n 2p)
ratios=()
cpu_ratios=()
for round in $(seq "$rounds"); do
  read -r rustls rustls_cpu < <("$bench" --rustls-bulk-once "$mib" | awk '/^rustls_bulk_seconds/ {print $2, $3}')
  read -r script cpu < <(script_cpu "$mib")
  script_cpu_only=$(awk -v c="$cpu" -v s="$setup" 'BEGIN { print c - s }')
  ratios+=("$(awk -v r="$rustls" -v s="$script" 'BEGIN { printf "%.3f", r / s }')")
  cpu_ratios+=("$(awk -v r="$rustls_cpu" -v s="$script_cpu_only" 'BEGIN { printf "%.3f", r / s }')")
  awk -v r="$rustls" -v s="$script" -v rc="$rustls_cpu" -v sc="$script_cpu_only" -v m="$mib" -v n="$round" 'BEGIN {
    b = m * 1048576
    printf "round %d: plain rustls %.3f GB/s wall %.3f GB/s CPU; script %.3f GB/s wall %.3f GB/s CPU; script/rustls wall %.3f CPU %.3f\n",
      n, b / r / 1e9, b / rc / 1e9, b / s / 1e9, b / sc / 1e9, r / s, rc / sc }'
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "script setup (VM, PEM, handshake) taken off: ${setup} s CPU"
echo "median script/rustls throughput over $rounds rounds: wall $(printf '%s\n' "${ratios[@]}" | median), CPU $(printf '%s\n' "${cpu_ratios[@]}" | median) (goal >= 0.9)"
