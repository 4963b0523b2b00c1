#!/usr/bin/env bash
# Proof of the side-by-side comparisons and gate (docs/statistics.md, docs/ci.md): BENCHES
# independent benches, each of four test-slow servers side by side in alternating windows, in
# this order (slow base aa same | same aa base slow: the base, the baseline, next to the slowed
# head and to the gate's A/A copy, as the workflow places head, base and aa):
#   test-slow@slow     spinning SLOW_US µs per received message (the slowed head)
#   test-slow          the base
#   test-slow@aa       a second server of the base (the gate's --aa: same-code noise)
#   test-slow@same     the same code again, loaded from a folder (an A/A head)
# then per bench the gate as the workflow runs it (compare --within, --aa test-slow@aa) with each
# head. Every bench's report stays in <out>/b<i>/ for test/proof/sidebyside-proof.mjs, which also
# reads the bench rows (vs test-slow) and resamples the blocks.
#   test/proof/sidebyside-gate.sh <out> <benches> [bench args...]
# env: SLOW_US (0.7), BLOCKS (10, the default bench's; the workflow runs 30), LOCK (/tmp/wsbench.lock: one benchmark at a time)
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
n=$2
shift 2
cli="node dist/runner/cli.js"
mkdir -p "$out/same" "$out/slow"
ln -sfn "$PWD/node_modules" "$out/same/node_modules"
ln -sfn "$PWD/node_modules" "$out/slow/node_modules"
libs="test-slow@slow=test-slow@$out/slow,test-slow,test-slow@aa=test-slow,test-slow@same=test-slow@$out/same"
for i in $(seq 1 "$n"); do
  (
    flock 9
    start=$(date +%s)
    env WSBENCH_REGISTER="$PWD/dist/test/helpers/register.js" WSBENCH_SLOW_US_LIBDIR="slow=${SLOW_US:-0.7}" \
      $cli bench --lib "$libs" --baseline-lib test-slow --scenario throughput --payload 1024 --runs "${BLOCKS:-10}" --out "$out/b$i" "$@" \
      >"$out/b$i.log" 2>&1 || echo "bench $i exited with $?" >>"$out/b$i.log"
    echo "bench $i: $(($(date +%s) - start)) s"
  ) 9>>"${LOCK:-/tmp/wsbench.lock}"
  report=$(ls -d "$out/b$i"/*/ | head -n 1)
  for head in slow same; do
    code=0
    WSBENCH_REGISTER="$PWD/dist/test/helpers/register.js" $cli compare --within "$report" --base test-slow \
      --head "test-slow@$head" --aa test-slow@aa >"$out/b$i.gate-$head.txt" 2>&1 || code=$?
    echo "bench $i, gate $head: exit $code: $(grep -m1 -E 'throughput .*msgs/s' "$out/b$i.gate-$head.txt" | tr -s ' ' | cut -c1-200)"
  done
done
