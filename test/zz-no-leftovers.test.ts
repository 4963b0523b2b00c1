/**
 * Runs last (alphabetically): after the whole suite, no server or load generator process may be
 * left running. A leftover is a process carrying WSBENCH_CHILD whose runner is gone (it was
 * re-parented away from WSBENCH_PARENT), started since this test run began. Benches that other
 * people run at the same time on this machine still have their runner, so they do not count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProcs, procStat, waitGone, wsbenchChildren, type ChildProc } from './helpers/procs.js';

/** When the test run began: the start of `node --test` (our parent), or of this process. */
function suiteStartTicks(): number {
  const parent = procStat(process.ppid);
  const self = procStat(process.pid);
  return Math.min(parent?.startTicks ?? Infinity, self?.startTicks ?? Infinity);
}

function orphans(since: number): ChildProc[] {
  return wsbenchChildren().filter((p) => p.startTicks >= since && p.ppid !== p.parent);
}

test('no process started by the test suite is left running', { timeout: 30_000 }, async () => {
  const since = suiteStartTicks();
  // A child whose runner just exited needs a moment to see its IPC channel close.
  const left = await waitGone(() => orphans(since), 5000);
  assert.deepEqual(left, [], `left running:\n${describeProcs(left)}`);
});
