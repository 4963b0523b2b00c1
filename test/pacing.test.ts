/**
 * The open-loop pacer and the capacity search, against test servers whose answer is known: one
 * that answers every message exactly 2 ms late, one that cannot echo more than 2,000 messages
 * per second; and a load generator slowed down (test hook) below the rate it is asked for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../runner/report/schema.js';
import { searchCapacity } from '../scenarios/capacity-search.js';
import { isPacingBound } from '../runner/stats.js';
import { runBench, tempDir } from './helpers/bench.js';

async function benchJson(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<Report> {
  const r = await runBench(['bench', ...args, '--runs', '1', '--out', tempDir('wsbench-pacing-'), '--json'], {
    env,
    timeoutMs,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

test('pacing-bound: send-lag p99 above max(latency p50 / 10, 50 µs)', () => {
  assert.equal(isPacingBound(49, 100), false, 'under the 50 µs floor');
  assert.equal(isPacingBound(51, 100), true);
  assert.equal(isPacingBound(900, 10_000), false, 'under a tenth of p50');
  assert.equal(isPacingBound(1100, 10_000), true);
});

test('capacity search: ramp, then bisection to within 5 %, down from the start when it fails', async () => {
  for (const cap of [2000, 700, 123_456, 3]) {
    const r = await searchCapacity(async (x) => ({ offered: x, pass: x <= cap, figures: {} }), {
      start: 2000,
      factor: 2,
      tolerance: 0.05,
      max: 5e6,
      round: Math.round,
    });
    assert.ok(r.found !== null && r.found <= cap && r.found >= cap / 1.05 - 1, `cap ${cap}: found ${r.found}`);
    assert.ok(
      r.high !== null && r.high > cap && r.high / r.found! - 1 <= 0.05 + 1 / r.found!,
      `cap ${cap}: bracket ${r.low}–${r.high}`,
    );
    assert.equal(r.probes.length, new Set(r.probes.map((p) => p.offered)).size, 'no load probed twice');
  }
  const none = await searchCapacity(async (x) => ({ offered: x, pass: true, figures: {} }), {
    start: 1,
    factor: 2,
    tolerance: 0.05,
    max: 64,
  });
  assert.equal(none.high, null, 'nothing failed up to max: no upper bracket');
  assert.equal(none.found, 64);
});

// At 1,000 msg/s over one connection (two messages held at a time, far below what the server can
// take) the p50 must be the server's 2 ms within 10 %. Both sides stay awake: the test server
// spins, and the pacer does not sleep while an answer is awaited, so neither pays an idle core's
// wake-up (100-300 µs each on this project's VM). Measured here: 2.03-2.09 ms.
test('a server answering 2 ms late reads 2 ms within 10 % at a low open-loop rate', { timeout: 120_000 }, async () => {
  const report = await benchJson([
    '--lib',
    'test-delay',
    '--scenario',
    'rate',
    '--rates',
    '1000',
    '--connections',
    '1',
    '--duration',
    '2',
    '--warmup',
    '0.5',
  ]);
  const s = report.summaries.find((x) => x.scenario === 'rate');
  assert.equal(s?.status, 'completed', JSON.stringify(s?.errors));
  const p50 = s!.latency.latency.p50;
  assert.ok(p50 >= 1990 && p50 <= 2200, `p50 ${p50} µs, expected 2000 µs within 10 %`);
  assert.ok(s!.latency.sendLag && s!.latency.sendLag.count > 0, 'send lag recorded');
  assert.ok(
    s!.latency.service.p50 <= p50,
    'service time (from the actual send) is at most the latency from the due time',
  );
  // The typical send leaves on time; the tail (p99, and so the pacing-bound flag) depends on
  // whether another process took the generator's core, which a 2-core CI machine cannot promise.
  assert.ok(s!.latency.sendLag.p50 < 50, `send lag p50 ${s!.latency.sendLag.p50} µs`);
});

test(
  'a generator too slow for its offered rate is flagged pacing-bound, never clean',
  { timeout: 120_000 },
  async () => {
    // Test hook: the load generator burns 100 µs per message, so it cannot send more than ~10k msg/s.
    const report = await benchJson(
      [
        '--lib',
        'ws',
        '--scenario',
        'rate',
        '--rates',
        '40000',
        '--connections',
        '2',
        '--duration',
        '1',
        '--warmup',
        '0.2',
      ],
      { WSBENCH_TEST_PACER_BURN_US: '100' },
    );
    const s = report.summaries.find((x) => x.scenario === 'rate');
    assert.equal(s?.status, 'completed', JSON.stringify(s?.errors));
    assert.equal(
      s!.pacingBound,
      true,
      `send lag p99 ${s!.latency.sendLag?.p99} µs, latency p50 ${s!.latency.latency.p50} µs`,
    );
    const run = report.runs.find((r) => r.scenario === 'rate');
    assert.ok(run?.status === 'completed' && run.stats.pacingBound === true, 'the run itself is flagged');
  },
);

test('capacity finds the rate a server cannot exceed (2,000 msg/s) within 10 %', { timeout: 240_000 }, async () => {
  const report = await benchJson(
    // The bound is loose (30 ms): past the cap the queue grows without end and fewer than 99 % of
    // the offered messages are answered, so the search still finds the cap, while a scheduling
    // hiccup of this busy 2-core VM under the cap does not fail a probe.
    [
      '--lib',
      'test-ratecap',
      '--scenario',
      'capacity',
      '--capacity-room',
      'false',
      '--start-rate',
      '500',
      '--probe',
      '1',
      '--connections',
      '2',
      '--p99-max',
      '30',
    ],
    { WSBENCH_RATECAP: '2000' },
    200_000,
  );
  const s = report.summaries.find((x) => x.scenario === 'capacity');
  assert.equal(s?.status, 'completed', JSON.stringify(s?.errors));
  const found = s!.metrics.maxRate?.median;
  assert.ok(
    found !== undefined && Math.abs(found - 2000) <= 200,
    `found ${found} msg/s; probes ${JSON.stringify(s!.probes?.map((p) => [p.offered, p.pass, p.why]))}`,
  );
  assert.ok(s!.probes && s!.probes.length >= 4, 'every probe is in the report');
  assert.ok(s!.metrics.bracketHigh.median / s!.metrics.bracketLow.median - 1 <= 0.05 + 1e-9, 'bracket within 5 %');
});
