#!/usr/bin/env bash
# Proof of the regression gate (docs/ci.md): PAIRS comparisons benched as the workflow benches
# them: ROUNDS rounds of one `--runs 1` bench per side, in the order A B, B A, A B, ... then
# `merge` per side and `compare`. Base and head are this same code; HEAD_ENV (e.g.
# WSBENCH_SLOW_US=1.2 with --lib test-slow) is set for the head's benches only.
# The machine lock is held for the benches of one pair at a time.
#   test/proof/gate-proof.sh <out-dir> <pairs> [bench args...]
# env: REJUDGE=1 (compare the pairs already benched in <out-dir> again, e.g. after a rule change), ROUNDS (5, as the workflow), HEAD_ENV (''), BASE_ENV (''), LOCK (/tmp/wsbench-bench.lock: one benchmark at a time on this machine)
set -euo pipefail
out=$1; pairs=$2; shift 2
rounds=${ROUNDS:-5}
lock=${LOCK:-/tmp/wsbench-bench.lock}
cli="node dist/runner/cli.js"
bench() { # side round args...
  local side=$1 round=$2; shift 2
  local envs=${BASE_ENV:-}; [ "$side" = head ] && envs=${HEAD_ENV:-}
  env WSBENCH_TEST_ADAPTERS=1 $envs timeout 900 $cli bench "$@" --runs 1 --out "$dir/$side-raw/$round" >/dev/null 2>>"$dir/bench.log" || echo "bench exited with $?" >>"$dir/bench.log"
}
for p in $(seq 1 "$pairs"); do
  dir=$out/pair$p; mkdir -p "$dir"
  [ "${REJUDGE:-}" = 1 ] || (
    flock 9
    for r in $(seq 1 "$rounds"); do
      if [ $((r % 2)) = 1 ]; then bench base "$r" "$@"; bench head "$r" "$@"; else bench head "$r" "$@"; bench base "$r" "$@"; fi
    done
  ) 9>>"$lock"
  [ "${REJUDGE:-}" = 1 ] || for side in base head; do
    rm -rf "${dir:?}/$side"
    $cli merge --out "$dir/$side" $(for r in $(seq 1 "$rounds"); do ls -d "$dir/$side-raw/$r"/*/; done) >/dev/null
  done
  set +e
  $cli compare "$dir"/base/*/ "$dir"/head/*/ --json >"$dir/compare.json"; code=$?
  set -e
  echo "pair $p: exit $code, $(node -e 'const c=require(process.argv[1]);const n=v=>c.rows.filter(r=>r.verdict===v).length;console.log(`${c.rows.length} rows: ${n("worse")} worse, ${n("better")} better, ${n("same")} same, ${n("n/a")} n/a`)' "$dir/compare.json")"
done
