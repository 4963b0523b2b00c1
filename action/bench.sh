#!/usr/bin/env bash
# The reusable action's work (action.yml runs it; it runs the same on a laptop): checks the base
# out beside the head (a git worktree), installs each, benches them in turns (rounds A B, B A,
# A B ...: one `wsbench bench --runs 1` per side per round, so drift hits both sides alike),
# merges each side's rounds into one report and lets `wsbench compare` judge, as the project's own
# gate does (.github/workflows/bench.yml, docs/ci.md).
#
# Environment (action.yml maps its inputs onto these):
#   WSBENCH_CLI  wsbench's dist/runner/cli.js
#   HEAD_DIR     the folder to install and bench in, inside the head's git checkout; the base's is
#                the same folder of the base's checkout
#   BASE_REF     commit, branch or tag of the base (fetched from origin when not present)
#   RESULTS      an empty folder for every report and log
#   LIBS         --lib: names, or adapter paths relative to HEAD_DIR
#   SCENARIOS    --scenario ('' = wsbench's default)
#   INSTALL      a command run in the folder of each checkout before benching ('' = none)
#   ROUNDS (5), THRESHOLD (5), BENCH_ARGS (--quick), COMPARE_ARGS ('')
# Exit: wsbench compare's code (0 no regression, 1 a regression, 2 bad input or an errored head),
# or 2 when the base cannot be checked out, an install fails or a bench writes no report.
set -euo pipefail

fail() {
  echo "wsbench action: $*" >&2
  exit 2
}
[ -n "${WSBENCH_CLI:-}" ] && [ -f "$WSBENCH_CLI" ] || fail "WSBENCH_CLI ('${WSBENCH_CLI:-}') is not wsbench's cli.js: build wsbench first"
[ -n "${HEAD_DIR:-}" ] && git -C "$HEAD_DIR" rev-parse --git-dir >/dev/null 2>&1 || fail "HEAD_DIR ('${HEAD_DIR:-}') is not a git checkout: run actions/checkout first"
[ -n "${BASE_REF:-}" ] || fail "no base to compare with: set the base-ref input (a commit, branch or tag)"
[ -n "${LIBS:-}" ] || fail "no libraries: set the libs input (e.g. ./bench/my-adapter, or ws,socket.io)"
[ -n "${RESULTS:-}" ] || fail "RESULTS is not set"
ROUNDS=${ROUNDS:-5}
THRESHOLD=${THRESHOLD:-5}
BENCH_ARGS=${BENCH_ARGS---quick}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || fail "rounds must be a whole number of at least 1, not '$ROUNDS'"
HEAD_DIR=$(cd "$HEAD_DIR" && pwd)
TOP=$(git -C "$HEAD_DIR" rev-parse --show-toplevel)
PREFIX=$(git -C "$HEAD_DIR" rev-parse --show-prefix)
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
[ -z "$(ls -A "$RESULTS")" ] || fail "the results folder $RESULTS is not empty"

# The base: a worktree of the head's repository, fetched when a shallow checkout lacks it. Its
# folder has the head's name, so an adapter at the checkout's root gets the same row name.
commit=$(git -C "$TOP" rev-parse -q --verify "$BASE_REF^{commit}" 2>/dev/null) ||
  commit=$(git -C "$TOP" fetch -q --no-tags --depth=1 origin "$BASE_REF" && git -C "$TOP" rev-parse FETCH_HEAD) ||
  fail "cannot find or fetch the base '$BASE_REF' from origin"
parent=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/wsbench-base-XXXXXX")
BASE_TOP="$parent/$(basename "$TOP")"
trap 'git -C "$TOP" worktree remove --force "$BASE_TOP" >/dev/null 2>&1 || true; rm -rf "$parent"' EXIT
git -C "$TOP" worktree add -q --detach "$BASE_TOP" "$commit" || fail "cannot check out the base $commit"
BASE_DIR="$BASE_TOP/$PREFIX"
echo "base: $BASE_REF ($commit) in $BASE_DIR; head: $HEAD_DIR"

for side in base head; do
  dir=$([ "$side" = base ] && echo "$BASE_DIR" || echo "$HEAD_DIR")
  [ -d "$dir" ] || fail "the base has no folder '$PREFIX' (working-directory)"
  if [ -n "${INSTALL:-}" ]; then
    echo "install ($side): $INSTALL"
    (cd "$dir" && bash -ec "$INSTALL") || fail "the install command failed in the $side ($dir)"
  fi
done

# A run that errored still writes its report (exit 2); compare decides what that means, so only a
# missing report stops here. Each bench's output is kept beside its report.
bench() {
  local side=$1 round=$2 dir code=0
  dir=$([ "$side" = base ] && echo "$BASE_DIR" || echo "$HEAD_DIR")
  mkdir -p "$RESULTS/$side-rounds"
  # shellcheck disable=SC2086 # BENCH_ARGS is a list of arguments
  (cd "$dir" && node "$WSBENCH_CLI" bench --lib "$LIBS" ${SCENARIOS:+--scenario "$SCENARIOS"} $BENCH_ARGS --runs 1 --out "$RESULTS/$side-rounds/$round") \
    >"$RESULTS/$side-rounds/$round.log" 2>&1 || code=$?
  echo "round $round, $side: bench exited with $code"
  if ! ls "$RESULTS/$side-rounds/$round"/*/report.json >/dev/null 2>&1; then
    tail -n 20 "$RESULTS/$side-rounds/$round.log" >&2
    fail "round $round of the $side wrote no report (log: $RESULTS/$side-rounds/$round.log)"
  fi
}
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then bench base "$round"; bench head "$round"; else bench head "$round"; bench base "$round"; fi
done

for side in base head; do
  # shellcheck disable=SC2046 # one folder per round, in round order
  node "$WSBENCH_CLI" merge --out "$RESULTS/$side" $(for n in $(seq 1 "$ROUNDS"); do ls -d "$RESULTS/$side-rounds/$n"/*/; done) >/dev/null
done
base_report=$(ls -d "$RESULTS"/base/*/ | head -n 1)
head_report=$(ls -d "$RESULTS"/head/*/ | head -n 1)
code=0
# shellcheck disable=SC2086 # COMPARE_ARGS is a list of arguments
node "$WSBENCH_CLI" compare "$base_report" "$head_report" --threshold "$THRESHOLD" --markdown "$RESULTS/compare.md" ${COMPARE_ARGS:-} || code=$?
echo "wsbench compare exited with $code"
exit "$code"
