#!/usr/bin/env bash
# The independent check of the report's echo figures: a load generator in C (echo_load.c, beside
# the C limit server in the comparison-report jar's sources), one thread on epoll, against one
# server started here on an AF_UNIX socket in a temporary directory, which is removed after.
#
#   scripts/c-load.sh SERVER CLIENTS [WINDOWS] [WINDOW_MS]
#     SERVER: c-epoll | java-floor | netty | an engine key (threaded, overlapped, completion, virtual)
#       java-floor: the C server's loop written again in Java over the native seam's system calls
#       (benchmarks' FlatEchoFloor, JDK 22+): what the JVM and the downcalls alone cost
#     extra arguments for `pipelab serve` (engines only) in SERVE_ARGS, e.g. SERVE_ARGS="--seam nio"
#     the warm-up before the first window in WARMUP_MS (default 2000)
#
# Prints one line per window: replies per second and the server's CPU per message (from /proc),
# 64-byte messages, one request in flight per client, after the warm-up. Needs cc and Linux; the
# jars are built by ./pipelab when missing. scripts/c-load-ratios.sh repeats it over servers and
# client counts and gives each server's ratios to c-epoll.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
src="$root/comparison-report/src/main/resources/dev/pipelab/report/c"
server="${1:?usage: scripts/c-load.sh SERVER CLIENTS [WINDOWS] [WINDOW_MS]}"
clients="${2:?usage: scripts/c-load.sh SERVER CLIENTS [WINDOWS] [WINDOW_MS]}"
windows="${3:-3}"
window_ms="${4:-3000}"
cc="${CC:-cc}"

dir="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM # through the EXIT trap: the server stopped, the directory removed

"$cc" -O2 -o "$dir/echo_load" "$src/echo_load.c"
case "$server" in
  c-epoll) "$cc" -O2 -o "$dir/epoll_echo" "$src/epoll_echo.c"; "$dir/epoll_echo" "$dir/s.sock" > "$dir/out" 2>&1 & ;;
  java-floor)
           "$root/pipelab" --help > /dev/null # builds the jars when needed
           floor_jar="$root/benchmarks/target/pipelab-benchmarks.jar"
           [ -f "$floor_jar" ] || { echo "java-floor: no $floor_jar (it needs a JDK 22 or newer to build)" >&2; exit 1; }
           PIPELAB_MAIN=dev.pipelab.os.linux.FlatEchoFloor PIPELAB_CLASS_PATH="$floor_jar" "$root/pipelab" "$dir/s.sock" \
             > "$dir/out" 2>&1 & ;;
  netty)   PIPELAB_MAIN=dev.pipelab.report.NettyEchoServer "$root/pipelab" --socket "$dir/s.sock" > "$dir/out" 2>&1 & ;;
  *)       # shellcheck disable=SC2086
           "$root/pipelab" serve --strategy "$server" --pipe "$dir/s.sock" \
             --max-instances "$((clients > 255 ? clients : 255))" ${SERVE_ARGS:-} > "$dir/out" 2>&1 & ;;
esac
pid=$!
for _ in $(seq 6000); do # up to 10 minutes: the first ./pipelab builds the jars
  grep -q '^READY' "$dir/out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep '^READY' "$dir/out" || { echo "no READY from $server:" >&2; cat "$dir/out" >&2; exit 1; }
"$dir/echo_load" "$dir/s.sock" "$clients" 64 "${WARMUP_MS:-2000}" "$window_ms" "$windows" "$pid"
