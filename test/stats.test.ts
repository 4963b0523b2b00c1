/** The statistics: percentiles, histogram merging across processes, median/spread, flags. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { aggregate, isClientBound, median, mergeHistograms, summarizeHistogram } from '../runner/stats.js';
import { encodeHistogram, newHistogram } from '../runner/loadgen/histogram.js';
import { buildReport } from '../runner/aggregate.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { RunResult } from '../runner/report/schema.js';

const near = (actual: number, expected: number, rel = 0.002): void =>
  assert.ok(
    Math.abs(actual - expected) <= Math.abs(expected) * rel,
    `${actual} is not within ${rel * 100}% of ${expected}`,
  );

test('percentiles of known data: 1..10000 µs uniformly', () => {
  const h = newHistogram();
  for (let us = 1; us <= 10_000; us++) h.recordValue(us * 1000);
  const s = summarizeHistogram(h);
  assert.equal(s.count, 10_000);
  near(s.p50, 5000);
  near(s.p90, 9000);
  near(s.p99, 9900);
  near(s.p999, 9990);
  near(s.max, 10_000);
  near(s.mean, 5000.5);
  // The HDR curve rises with the percentile and ends at the max.
  for (let i = 1; i < s.curve.length; i++) assert.ok(s.curve[i][1] >= s.curve[i - 1][1]);
  assert.deepEqual(s.curve.at(-1), [100, s.max]);
});

test('a tail that a mean would hide: 99 % at 100 µs, 1 % at 50 ms', () => {
  const h = newHistogram();
  h.recordValueWithCount(100_000, 9900);
  h.recordValueWithCount(50_000_000, 100);
  const s = summarizeHistogram(h);
  near(s.p50, 100);
  near(s.p99, 100);
  near(s.p999, 50_000);
});

/** Records `from..to` µs in a separate Node process and returns the encoded histogram. */
function histogramFromAnotherProcess(from: number, to: number): string {
  const module = fileURLToPath(new URL('../runner/loadgen/histogram.js', import.meta.url));
  const script = `import(${JSON.stringify(module)}).then(({ newHistogram, encodeHistogram }) => {
    const h = newHistogram();
    for (let us = ${from}; us <= ${to}; us++) h.recordValue(us * 1000);
    process.stdout.write(encodeHistogram(h) + ' ' + process.pid);
  });`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString();
}

test('histograms from two processes merge into the histogram of all values', () => {
  const [a, pidA] = histogramFromAnotherProcess(1, 1000).split(' ');
  const [b, pidB] = histogramFromAnotherProcess(1001, 2000).split(' ');
  assert.notEqual(pidA, pidB);
  assert.notEqual(pidA, String(process.pid));
  const merged = summarizeHistogram(mergeHistograms([a, b]));
  assert.equal(merged.count, 2000);
  near(merged.p50, 1000);
  near(merged.p99, 1980);
  near(merged.max, 2000);
  // Merging is not averaging: the average of the two p99s would be about 1485 µs.
  const pa = summarizeHistogram(mergeHistograms([a])).p99;
  const pb = summarizeHistogram(mergeHistograms([b])).p99;
  assert.ok(Math.abs(merged.p99 - (pa + pb) / 2) > 400);
});

test('an encoded histogram survives the trip', () => {
  const h = newHistogram();
  h.recordValue(123_456);
  assert.equal(summarizeHistogram(mergeHistograms([encodeHistogram(h)])).count, 1);
});

test('median and spread of runs, and the noisy flag', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const steady = aggregate([100, 104, 98]);
  assert.deepEqual({ median: steady.median, min: steady.min, max: steady.max }, { median: 100, min: 98, max: 104 });
  near(steady.spread, 0.06);
  assert.equal(steady.noisy, false);
  const noisy = aggregate([100, 120, 95]);
  near(noisy.spread, 0.25);
  assert.equal(noisy.noisy, true);
  assert.equal(aggregate([100]).noisy, false, 'one run has no spread to judge');
});

test('the client-bound flag: loadgen core full while the server core is not', () => {
  assert.equal(isClientBound(60, 97), true);
  assert.equal(isClientBound(99, 97), false, 'both full: the server is the limit too');
  assert.equal(isClientBound(60, 50), false);
  assert.equal(isClientBound(null, 99), false, 'unknown CPU never raises the flag');
});

test('the report carries the flags and merged percentiles of its runs', () => {
  const c = { id: 'p32', label: '32 B', params: { payload: 32 } };
  const run = (rep: number, msgs: number, serverCpu: number, clientCpu: number, us: number): RunResult => {
    const h = newHistogram();
    h.recordValueWithCount(us * 1000, 100);
    return {
      status: 'completed',
      library: 'ws',
      scenario: 'throughput',
      case: c,
      rep,
      startedAt: new Date().toISOString(),
      warnings: [],
      stats: {
        metrics: { msgsPerSec: msgs, serverCpuPct: serverCpu, clientCpuPct: clientCpu, p99Us: us },
        histograms: { latency: encodeHistogram(h) },
        clientBound: isClientBound(serverCpu, clientCpu),
      },
    };
  };
  const runs = [run(0, 100_000, 70, 98, 100), run(1, 130_000, 99, 80, 300), run(2, 101_000, 99, 80, 200)];
  const meta = {
    runId: 'x',
    startedAt: '',
    finishedAt: '',
    status: 'complete' as const,
    options: {
      libraries: ['ws'],
      scenarios: ['throughput'],
      runs: 3,
      warmupMs: 0,
      durationMs: 1,
      quick: false,
      baselineLib: 'ws',
      params: {},
    },
    environment: {
      node: '',
      v8: '',
      os: '',
      kernel: '',
      arch: '',
      cpuModel: '',
      cores: 2,
      memoryGiB: 1,
      pinning: { method: 'none', serverCpu: 'any', clientCpu: 'any', note: '' },
      wsbenchVersion: '',
      gitCommit: null,
      command: '',
    },
    libraries: [],
  };
  const report = buildReport(meta, [SCENARIOS.throughput], runs);
  const s = report.summaries[0];
  assert.equal(s.metrics.msgsPerSec.median, 101_000);
  assert.equal(s.noisy, true, '30 % spread of the headline metric');
  assert.equal(s.clientBound, true, 'one run was client-bound');
  // p99 of all 300 samples merged (a third of them at 300 µs), not the median of per-run p99s.
  near(s.metrics.p99Us.median, 300);
  near(s.latency.latency.p50, 200);
});
