/**
 * Micro-benchmarks: every library's suite sets up and checks itself (frames parse back to their
 * payload, validators answer right), uWebSockets.js says why it has none, calibration and
 * scaling give per-operation numbers, the child processes deliver rows, and a bench with
 * --micro puts them in a valid report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { suiteFor } from '../runner/micro/suites.js';
import { benchTask, calibrate } from '../runner/micro/bench.js';
import { runMicro, type MicroResult } from '../runner/micro/index.js';
import { utf8Text } from '../runner/micro/tasks.js';
import { runBench } from '../runner/orchestrate.js';
import { makePlan } from '../runner/plan.js';
import { createProgress } from '../runner/progress.js';
import { Report } from '../runner/report/schema.js';
import { tempDir } from './helpers/bench.js';

const FRAMING = [
  'frame build 32 B',
  'frame build 64 KiB',
  'frame parse 1 KiB',
  'unmask 64 KiB',
  'UTF-8 validate 1 KiB',
];
const EXPECTED: Record<string, string[]> = {
  ws: [...FRAMING, 'unmask 64 KiB, JS loop', 'unmask 64 KiB, bufferutil'],
  'socket.io': [...FRAMING, 'Socket.IO packet encode 1 KiB', 'Socket.IO packet decode 64 KiB'],
  sockjs: [...FRAMING, 'SockJS frame 32 B', 'SockJS parse 64 KiB'],
  websocket: [...FRAMING, 'unmask 1 KiB, JS loop'],
};

test('each library has its suite, set up and self-checked; uWebSockets.js is not reachable', async () => {
  for (const [library, names] of Object.entries(EXPECTED)) {
    const suite = await suiteFor(library);
    assert.ok('tasks' in suite, `${library} has tasks`);
    const got = suite.tasks.map((t) => t.name);
    for (const n of names) assert.ok(got.includes(n), `${library} lacks '${n}' (has ${got.join(', ')})`);
    assert.equal(new Set(got).size, got.length, `${library}: task names are unique`);
    for (const t of suite.tasks) t.fn();
  }
  const uws = await suiteFor('uwebsockets');
  assert.ok('unreachable' in uws && /not reachable/.test(uws.unreachable));
  assert.ok('tasks' in (await suiteFor('ws@other-install')), 'name@folder uses the suite of name');
});

test('utf8Text is valid UTF-8 with multi-byte characters, close to the size asked', () => {
  for (const size of [32, 1024, 65536]) {
    const t = utf8Text(size);
    assert.ok(t.length <= size && t.length > size - 4);
    assert.equal(Buffer.from(t.toString('utf8')).length, t.length, 'decodes and re-encodes unchanged');
    assert.ok(t.toString('utf8').length < t.length, 'has multi-byte characters');
  }
});

test('calibration repeats fast tasks and scales results back to one operation', () => {
  let calls = 0;
  const fast = calibrate({ name: 'fast', reps: 2, fn: () => void calls++ });
  assert.ok(fast.reps > 100 && fast.reps % 2 === 0, `reps ${fast.reps}`);
  const before = calls;
  fast.fn();
  assert.equal(calls - before, fast.reps / 2);
  const spin = (us: number) => () => {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  };
  assert.equal(calibrate({ name: 'slow', reps: 1, fn: spin(50) }).reps, 1);
  // A 5 µs operation: the result says about 5 µs per operation, whatever the repetition.
  const r = benchTask('lib', { name: 'spin', reps: 1, fn: spin(5) }, { timeMs: 50, warmupMs: 5 });
  assert.ok(r.meanNs > 4000 && r.meanNs < 20_000, `meanNs ${r.meanNs}`);
  assert.ok(Math.abs(r.opsPerSec * r.meanNs - 1e9) < 0.3e9, `ops/s ${r.opsPerSec} vs mean ${r.meanNs} ns`);
  assert.ok(r.samples > 10 && Number.isFinite(r.marginPct));
});

test('runMicro: rows from a child process per library, and the reason for none', { timeout: 60_000 }, async () => {
  const seen: MicroResult[] = [];
  const skipped: string[] = [];
  const rows = await runMicro(['ws', 'uwebsockets'], {
    timeMs: 10,
    warmupMs: 2,
    onResult: (r) => seen.push(r),
    onSkip: (lib, why) => skipped.push(`${lib}: ${why}`),
  });
  assert.deepEqual(rows, seen);
  assert.ok(rows.length >= 16 && rows.every((r) => r.library === 'ws'));
  for (const r of rows)
    assert.ok(
      r.opsPerSec > 0 && Number.isFinite(r.opsPerSec) && r.meanNs > 0 && r.samples > 0 && r.marginPct >= 0,
      JSON.stringify(r),
    );
  assert.equal(skipped.length, 1);
  assert.match(skipped[0], /^uwebsockets: not reachable/);
});

test('a bench with micro-benchmarks and no scenario writes them into a valid report', { timeout: 60_000 }, async () => {
  const plan = makePlan({ lib: 'ws', out: tempDir('wsbench-micro-'), params: {} });
  plan.scenarios = [];
  const quiet = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
  const { report } = await runBench(
    plan,
    ['--micro'],
    createProgress(quiet),
    { interrupted: null },
    { micro: { timeMs: 10, warmupMs: 2 } },
  );
  const parsed = Report.parse(JSON.parse(JSON.stringify(report)));
  assert.ok((parsed.micro ?? []).some((m) => m.library === 'ws' && m.task === 'frame parse 32 B'));
  assert.equal(parsed.runs.length, 0);
});
