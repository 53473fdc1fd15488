#!/usr/bin/env bash
# Connects and closes 2,000 times in a row without waiting, against each engine served by the
# pipelab jars under ROOT: scripts/connect-burst.sh [ROOT]   (ROOT: this checkout)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${1:-$here/..}"
java="${JAVA:-java}"
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
for k in threaded overlapped completion virtual; do
  "$java" --enable-native-access=ALL-UNNAMED -Dguice_bytecode_gen_option=DISABLED -jar "$root/cli/target/pipelab-cli.jar" \
    serve --strategy "$k" --pipe "$dir/$k.sock" > "$dir/$k.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q READY "$dir/$k.out" 2>/dev/null && break; sleep 0.1; done
  printf "%-11s " "$k"; python3 "$here/connect-burst.py" "$dir/$k.sock" 2000
  kill -TERM "$pid"; wait "$pid" || true
done
