#!/usr/bin/env bash
# The scaling curve of --server-procs (docs/TOPOLOGY.md), for a machine with 16 cores or more:
# for N = 1, 2, 4, 8 server processes, each worker pinned to a CPU of its own (0..N-1, the
# cluster primary floating over them), Redis on CPU 12, and the load generators on CPUs 8-11:
#  - throughput (echo): 4 load-generator processes (--loadgen-procs 4), connections split;
#  - broadcast (a room over every worker, through Redis): one load-generator process (a
#    broadcast job is not split: deliveries are verified inside one process).
# The first point is the library without --server-procs (one process, no Redis).
#   test/proof/scaling.sh <out-dir> [libs (default ws,socket.io)] [extra bench args...]
# env: LOCK (/tmp/wsbench.lock: one benchmark at a time on this machine), PROCS ("1 2 4 8")
set -euo pipefail
out=$1; libs=${2:-ws,socket.io}; shift $(( $# >= 2 ? 2 : 1 ))
lock=${LOCK:-/tmp/wsbench.lock}
cores=$(nproc)
if [ "$cores" -lt 16 ]; then
  echo "scaling.sh needs 16 cores (this machine has $cores): on fewer, N processes share cores and the curve says nothing" >&2
  exit 2
fi
cli="node dist/runner/cli.js"
run() { # name args...
  local name=$1; shift
  flock "$lock" $cli bench --lib "$libs" --runs 3 --out "$out/$name" "$@" | tail -n 25
}
export WSBENCH_REDIS_CPU=12
run baseline-throughput --scenario throughput --server-cpus 0 --loadgen-procs 4 --loadgen-cpus 8-11 "$@"
run baseline-broadcast --scenario broadcast --clients 1000 --senders 50 --post-rate 1000 --server-cpus 0 --loadgen-cpus 8 "$@"
for n in ${PROCS:-1 2 4 8}; do
  cpus="0-$((n - 1))"
  run "procs$n-throughput" --scenario throughput --server-procs "$n" --server-cpus "$cpus" --loadgen-procs 4 --loadgen-cpus 8-11 "$@"
  run "procs$n-broadcast" --scenario broadcast --clients 1000 --senders 50 --post-rate 1000 --server-procs "$n" --server-cpus "$cpus" --loadgen-cpus 8 "$@"
done
echo "results under $out: one folder per point; each row's note has the connections per worker and CPU per process"
