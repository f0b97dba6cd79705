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
ratios=()
for round in $(seq "$rounds"); do
  rustls=$("$bench" --rustls-bulk-once "$mib" | awk '/^rustls_bulk_seconds/ {print $2}')
  script=$(cd "$work" && LD_LIBRARY_PATH="$SGSCRIPT_DIR" "$SGSCRIPT_DIR/sgsvm" -p tls_bulk.sgs cert.pem key.pem "$mib" \
    | awk '/^script_bulk_seconds/ {print $2}')
  ratio=$(awk -v r="$rustls" -v s="$script" 'BEGIN { printf "%.3f", r / s }')
  ratios+=("$ratio")
  awk -v r="$rustls" -v s="$script" -v m="$mib" -v n="$round" 'BEGIN {
    printf "round %d: plain rustls %.3f GB/s, script %.3f GB/s, script/rustls %.3f\n",
      n, m * 1048576 / r / 1e9, m * 1048576 / s / 1e9, r / s }'
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END {
  printf "median script/rustls throughput over %d rounds: %.3f (goal >= 0.9)\n", NR, a[int((NR + 1) / 2)] }'
