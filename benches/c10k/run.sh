#!/usr/bin/env bash
# C10k echo benchmark: each server in turn under the same load, one table at the end.
#
#   benches/c10k/run.sh [CONNECTIONS=10000] [INFLIGHT=1000] [SECONDS=10]
#
# Servers: raw C epoll (gcc -O2), sgssockets-core Poller (Rust, release), Python asyncio
# (when python3 is installed; PYTHON=0 skips it), Lua 5.4 + luv (when `lua5.4` and its
# `luv` module are installed, e.g. apt-get install lua5.4 lua-luv; LUA=0 skips it), and
# SGS_SERVER when set, run in SGS_CWD (the folder holding libsgssockets.so; default: the
# current one), e.g.
#   SGS_CWD=target/release SGS_SERVER="sgsvm -p $PWD/examples/sgs/poller_server.sgs 0 120" \
#       benches/c10k/run.sh
# Every server listens on 127.0.0.1, port 0, and prints "port N" first (stdout or stderr) and
# should stop by itself (the SGScript example's second argument is its lifetime); the load
# generator (benches/c10k/src/bin/loadgen.rs) runs as a separate process. Loopback only;
# every process is bounded in time and stopped at the end of its round.
#
# Other knobs: PIN=1 pins the server to CPU 0 and the generator to CPU 1 (needs taskset;
# default 0: both float over all CPUs), WARMUP=seconds before measuring (default 1),
# ROUNDS=n runs every server n times, interleaved, and reports medians (default 1),
# CARGO_TARGET_DIR (default benches/c10k/target).
set -euo pipefail

CONNECTIONS=${1:-10000}
INFLIGHT=${2:-1000}
SECONDS_=${3:-10}
WARMUP=${WARMUP:-1}
PIN=${PIN:-0}
PYTHON=${PYTHON:-1}
LUA=${LUA:-1}
ROUNDS=${ROUNDS:-1}

HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${CARGO_TARGET_DIR:-$HERE/target}
export CARGO_TARGET_DIR=$TARGET

echo "building (release)..." >&2
cargo build --quiet --release --manifest-path "$HERE/Cargo.toml"
mkdir -p "$TARGET/c10k"
gcc -O2 -Wall -o "$TARGET/c10k/echo_server" "$HERE/echo_server.c"
LOADGEN=$TARGET/release/loadgen

# Each side holds CONNECTIONS descriptors (plus a few).
WANT=$((CONNECTIONS + 512))
HARD=$(ulimit -Hn)
if [ "$HARD" != unlimited ] && [ "$HARD" -lt "$WANT" ]; then
    echo "ulimit -Hn is $HARD; $CONNECTIONS connections need about $WANT descriptors" >&2
    exit 1
fi
ulimit -n "$WANT"

SERVER_CPU=()
LOADGEN_CPU=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null; then
    SERVER_CPU=(taskset -c 0)
    LOADGEN_CPU=(taskset -c 1)
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Servers live at most this long, even if this script is killed; the generator is given
# this long before timeout(1) stops it (it bounds itself well within that).
LIFETIME=$(awk -v s="$SECONDS_" -v w="$WARMUP" 'BEGIN { printf "%d", s + w + 121 }')
LOADGEN_LIMIT=$(awk -v s="$SECONDS_" -v w="$WARMUP" 'BEGIN { printf "%d", s + w + 91 }')
RESULTS=()

# run_one NAME COMMAND...: start the server, read its port, run the generator, stop it.
run_one() {
    local name=$1
    shift
    local out=$WORK/$name.out
    echo "== $name: $*" >&2
    (
        if [ "$name" = sgscript ] && [ -n "${SGS_CWD:-}" ]; then cd "$SGS_CWD"; fi
        exec "${SERVER_CPU[@]}" "$@" >"$out" 2>"$WORK/$name.err"
    ) &
    SERVER_PID=$!
    local port=
    for _ in $(seq 1 200); do
        # On stdout or stderr (the SGScript example prints it on stderr, unbuffered).
        port=$(sed -n 's/^port \([0-9][0-9]*\).*/\1/p' "$out" "$WORK/$name.err" | head -n 1)
        [ -n "$port" ] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
        sleep 0.05
    done
    if [ -z "$port" ]; then
        echo "$name: no 'port N' line within 10 s; stderr:" >&2
        cat "$WORK/$name.err" >&2
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
        RESULTS+=("$name - - - failed")
        return
    fi
    local result
    if result=$(timeout "$LOADGEN_LIMIT" \
        "${LOADGEN_CPU[@]}" "$LOADGEN" "$port" "$CONNECTIONS" "$INFLIGHT" "$SECONDS_" "$WARMUP" "$SERVER_PID"); then
        echo "$result" | grep -v '^RESULT' >&2
        local line
        line=$(echo "$result" | grep '^RESULT')
        local rps p50 p99 cpu
        rps=$(echo "$line" | sed 's/.* rps=\([0-9]*\).*/\1/')
        p50=$(echo "$line" | sed 's/.* p50_us=\([0-9]*\).*/\1/')
        p99=$(echo "$line" | sed 's/.* p99_us=\([0-9]*\).*/\1/')
        cpu=$(echo "$line" | sed 's/.* server_cpu_us=\([0-9.a-zA-Z]*\).*/\1/')
        RESULTS+=("$name $CONNECTIONS $rps $p50 $p99 $cpu")
    else
        echo "$name: the load generator failed; server stderr:" >&2
        tail -n 5 "$WORK/$name.err" >&2
        RESULTS+=("$name $CONNECTIONS - - failed")
    fi
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    sleep 1 # let the closed connections settle before the next round
}

for round in $(seq 1 "$ROUNDS"); do
    [ "$ROUNDS" = 1 ] || echo "== round $round of $ROUNDS" >&2
    run_one "raw-C-epoll" "$TARGET/c10k/echo_server" 0 "$LIFETIME"
    run_one "sgssockets-core" "$TARGET/release/core_server" 0 "$LIFETIME"
    if [ -n "${SGS_SERVER:-}" ]; then
        # shellcheck disable=SC2086 # the command is meant to be split into words
        run_one "sgscript" $SGS_SERVER
    fi
    if [ "$PYTHON" = 1 ] && command -v python3 >/dev/null; then
        run_one "python-asyncio" python3 "$HERE/asyncio_server.py" 0 "$LIFETIME"
    fi
    if [ "$LUA" = 1 ] && command -v lua5.4 >/dev/null && lua5.4 -e 'require "luv"' 2>/dev/null; then
        run_one "lua-luv" lua5.4 "$HERE/luv_server.lua" 0 "$LIFETIME"
    fi
done

echo
echo "C10k echo, 64-byte requests, $INFLIGHT in flight over $CONNECTIONS connections, ${SECONDS_} s after ${WARMUP} s warm-up, $ROUNDS round(s)"
echo "(server and generator share this machine's $(nproc) CPUs; pinned: $PIN; medians over rounds;"
echo " CPU µs/req: the server process's user + system time per request while measuring)"
printf '%s\n' "${RESULTS[@]}" | awk '
    function median(list,    n, v, i, j, t) {
        n = split(list, v, " ")
        if (n == 0) return "-"
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    {
        if (!($1 in seen)) { seen[$1] = 1; order[++count] = $1 }
        if ($3 == "-") { failed[$1]++; next }
        conns[$1] = $2; rps[$1] = rps[$1] " " $3; p50[$1] = p50[$1] " " $4; p99[$1] = p99[$1] " " $5
        if ($6 ~ /^[0-9.]+$/) cpu[$1] = cpu[$1] " " $6
    }
    END {
        printf "%-16s %11s %10s %9s %9s %9s %13s %9s  %s\n", "server", "connections", "req/s", "p50 µs", "p99 µs", "vs raw C", "CPU µs/req", "vs raw C", "req/s per round"
        raw = ("raw-C-epoll" in rps) ? median(rps["raw-C-epoll"]) : 0
        rawcpu = ("raw-C-epoll" in cpu) ? median(cpu["raw-C-epoll"]) : 0
        for (k = 1; k <= count; k++) {
            name = order[k]
            if (!(name in rps)) { printf "%-16s %11s %10s\n", name, "-", "failed"; continue }
            r = median(rps[name])
            ratio = raw > 0 ? sprintf("%.2fx", r / raw) : "-"
            note = failed[name] ? sprintf(" (%d failed)", failed[name]) : ""
            c = (name in cpu) ? median(cpu[name]) : "-"
            cs = (c == "-") ? "-" : sprintf("%.1f", c)
            cratio = (c != "-" && rawcpu > 0) ? sprintf("%.2fx", c / rawcpu) : "-"
            printf "%-16s %11s %10.0f %9.0f %9.0f %9s %13s %9s %s%s\n", name, conns[name], r, median(p50[name]), median(p99[name]), ratio, cs, cratio, rps[name], note
        }
    }'
