#!/usr/bin/env bash
# The reusable action's work (action.yml runs it; it runs the same on a laptop): checks the base
# out beside the head (a git worktree), installs each, and benches them side by side in one bench:
# each library's base copy, head copy and a second base copy (the same-code noise), servers kept
# warm, windows alternating A B C | C B A ... (docs/statistics.md); then `wsbench compare --within`
# calls each library's change from the paired windows, as the project's own gate does
# (.github/workflows/bench.yml, docs/ci.md).
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
#   ROUNDS (30: blocks of alternating windows; the gate's test needs 8 to call anything),
#   THRESHOLD (5), BENCH_ARGS (--quick), COMPARE_ARGS ('')
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
ROUNDS=${ROUNDS:-30}
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

# One bench, side by side: for each library, the head's copy, the base's and a second copy of the
# base (same-code noise), as three named rows whose servers stay warm while the blocks alternate
# between them (head base aa | aa base head ...: the base between the two it is compared with, so
# that each is measured next to it). A built-in name is loaded from each checkout's node_modules
# (name@folder), an adapter path from each checkout. A run that errored still writes its report
# (exit 2); compare decides what that means, so only a missing report stops here.
entries=()
names=()
IFS=',' read -r -a libs <<<"$LIBS"
for lib in "${libs[@]}"; do
  lib=$(echo "$lib" | xargs)
  [ -n "$lib" ] || continue
  if [[ "$lib" == */* || "$lib" == .* ]]; then
    name=$(basename "$lib")
    base_entry="$BASE_DIR/$lib"
    head_entry="$HEAD_DIR/$lib"
  else
    name=$lib
    base_entry="$lib@$BASE_DIR"
    head_entry="$lib@$HEAD_DIR"
  fi
  names+=("$name")
  entries+=("$name@head=$head_entry" "$name@base=$base_entry" "$name@aa=$base_entry")
done
[ "${#names[@]}" -gt 0 ] || fail "no libraries in '$LIBS'"
lib_arg=$(IFS=','; echo "${entries[*]}")
code=0
echo "bench: ${#names[@]} librar$([ "${#names[@]}" = 1 ] && echo y || echo ies) x base, head, base again; $ROUNDS blocks side by side"
# shellcheck disable=SC2086 # BENCH_ARGS is a list of arguments
(cd "$HEAD_DIR" && node "$WSBENCH_CLI" bench --lib "$lib_arg" ${SCENARIOS:+--scenario "$SCENARIOS"} $BENCH_ARGS --runs "$ROUNDS" --out "$RESULTS/bench") \
  >"$RESULTS/bench.log" 2>&1 || code=$?
echo "bench exited with $code"
report=$(ls -d "$RESULTS"/bench/*/ 2>/dev/null | head -n 1)
if [ -z "$report" ] || [ ! -f "$report/report.json" ]; then
  tail -n 20 "$RESULTS/bench.log" >&2
  fail "the bench wrote no report (log: $RESULTS/bench.log)"
fi

# Each library: head against base, paired by block, with the base's second copy as the noise.
# The worst exit code wins (2 over 1 over 0); the summaries are joined.
worst=0
: >"$RESULTS/compare.md"
for name in "${names[@]}"; do
  code=0
  # shellcheck disable=SC2086 # COMPARE_ARGS is a list of arguments
  node "$WSBENCH_CLI" compare --within "$report" --base "$name@base" --head "$name@head" --aa "$name@aa" \
    --threshold "$THRESHOLD" --markdown "$RESULTS/compare-$name.md" ${COMPARE_ARGS:-} || code=$?
  echo "wsbench compare ($name) exited with $code"
  cat "$RESULTS/compare-$name.md" >>"$RESULTS/compare.md"
  [ "$code" -gt "$worst" ] && worst=$code
done
exit "$worst"
