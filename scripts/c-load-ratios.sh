#!/usr/bin/env bash
# Each server's messages per second and server CPU per message as ratios of the C epoll server's,
# measured with the C load generator (scripts/c-load.sh), repeated: every repetition runs every
# server at every client count once, one after the other, so that a ratio pairs two runs made
# moments apart, and what the machine's other work does to both largely cancels.
#
#   scripts/c-load-ratios.sh [REPETITIONS] [CLIENT_COUNTS] [SERVERS]
#     REPETITIONS: default 3
#     CLIENT_COUNTS: comma-separated, default 100,1000,10000
#     SERVERS: comma-separated, default c-epoll,netty,overlapped,completion; also java-floor (see
#       c-load.sh); an engine on a given seam is ENGINE@SEAM (overlapped@nio); c-epoll is always
#       run, as the reference
#   WINDOWS (default 3), WINDOW_MS (default 2000) and WARMUP_MS (default 3000) per run.
#
# Prints, per client count, a Markdown table: each server's median msg/s and CPU/msg over the
# runs (the median of its windows per run), and the median and range of its ratios to c-epoll.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
reps="${1:-3}"
counts="${2:-100,1000,10000}"
servers="${3:-c-epoll,netty,overlapped,completion}"
windows="${WINDOWS:-3}"
window_ms="${WINDOW_MS:-2000}"
export WARMUP_MS="${WARMUP_MS:-3000}"
case ",$servers," in *,c-epoll,*) ;; *) servers="c-epoll,$servers" ;; esac

# Plain awk (mawk here) has no asort: an insertion sort of a[1..n].
sort_awk='function isort(a, n,   i, j, v) { for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v } }'

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for rep in $(seq "$reps"); do
  for n in ${counts//,/ }; do
    for s in ${servers//,/ }; do
      engine="${s%@*}"
      seam=""
      if [ "$engine" != "$s" ]; then seam="--seam ${s#*@}"; fi
      # the median of this run's windows: msg/s and CPU/msg
      line="$(SERVE_ARGS="$seam" "$here/c-load.sh" "$engine" "$n" "$windows" "$window_ms" \
        | awk "$sort_awk"'
               /^window/ { r[++k] = $3; c[k] = $5 }
               END { if (k == 0) exit 1
                     isort(r, k); isort(c, k); m = int((k + 1) / 2); print r[m], c[m] }')" \
        || { echo "c-load-ratios: no figures from $s at $n clients" >&2; exit 1; }
      echo "$rep $n $s $line" >> "$out"
      echo "repetition $rep, $n clients, $s: $line (msg/s, us CPU/msg)" >&2
    done
  done
done

# Pair each run with c-epoll's of the same repetition and count; medians and ranges.
awk -v servers="$servers" -v counts="$counts" "$sort_awk"'
  { rate[$1, $2, $3] = $4; cpu[$1, $2, $3] = $5; if ($1 > reps) reps = $1 }
  function median(a, n,   m) { isort(a, n); m = int((n + 1) / 2); return n % 2 ? a[m] : (a[m] + a[m + 1]) / 2 }
  END {
    ns = split(servers, S, ","); nc = split(counts, C, ",")
    for (i = 1; i <= nc; i++) {
      n = C[i]
      printf "\n%s clients, %d repetitions\n\n", n, reps
      print "| server | msg/s | CPU/msg (us) | msg/s vs C: median (range) | CPU/msg vs C: median (range) |"
      print "| --- | --- | --- | --- | --- |"
      for (j = 1; j <= ns; j++) {
        s = S[j]; delete r; delete c; delete rr; delete cr; k = 0
        lo_r = lo_c = 1e9; hi_r = hi_c = 0
        for (rep = 1; rep <= reps; rep++) {
          if (!((rep, n, s) in rate)) continue
          k++; r[k] = rate[rep, n, s]; c[k] = cpu[rep, n, s]
          rr[k] = rate[rep, n, s] / rate[rep, n, "c-epoll"]; cr[k] = cpu[rep, n, s] / cpu[rep, n, "c-epoll"]
          if (rr[k] < lo_r) lo_r = rr[k]; if (rr[k] > hi_r) hi_r = rr[k]
          if (cr[k] < lo_c) lo_c = cr[k]; if (cr[k] > hi_c) hi_c = cr[k]
        }
        if (k == 0) continue
        printf "| %s | %d | %.2f | %.2fx (%.2f-%.2f) | %.2fx (%.2f-%.2f) |\n", s, median(r, k), median(c, k),
          median(rr, k), lo_r, hi_r, median(cr, k), lo_c, hi_c
      }
    }
  }' "$out"
