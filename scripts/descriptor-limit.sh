#!/usr/bin/env bash
# Each engine with a limit of 200 descriptors meets 400 clients (scripts/descriptor-limit.py):
# scripts/descriptor-limit.sh [ROOT] [SECONDS]   (ROOT: this checkout; SECONDS of pressure: 5)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${1:-$here/..}"
seconds="${2:-5}"
java="${JAVA:-java}"
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
for k in ${ENGINES:-threaded overlapped completion virtual}; do
  prlimit --nofile=200:200 "$java" --enable-native-access=ALL-UNNAMED -Dguice_bytecode_gen_option=DISABLED \
    -jar "$root/cli/target/pipelab-cli.jar" serve --strategy "$k" --pipe "$dir/$k.sock" > "$dir/$k.out" 2> "$dir/$k.err" &
  pid=$!
  for _ in $(seq 100); do grep -q READY "$dir/$k.out" 2>/dev/null && break; sleep 0.1; done
  "$java" -jar "$root/cli/target/pipelab-cli.jar" send --pipe "$dir/$k.sock" warm > /dev/null # every jar opened
  printf "%-11s " "$k"; timeout 120 python3 "$here/descriptor-limit.py" "$dir/$k.sock" "$seconds" || true
  alive=$(kill -0 "$pid" 2>/dev/null && echo running || echo gone)
  kill -TERM "$pid" 2>/dev/null || true; rc=0; wait "$pid" || rc=$?
  echo "            server $alive afterwards, exit $rc, $(grep -c ' WARN ' "$dir/$k.err" || true) warnings," \
    "$(grep -c ' ERROR ' "$dir/$k.err" || true) errors, $(wc -l < "$dir/$k.err") lines on stderr"
done
