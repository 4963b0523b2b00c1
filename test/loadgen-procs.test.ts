/**
 * `--loadgen-procs N`: the merge of several load-generator processes' results (histograms
 * merged, counts, rates and timelines summed, client-bound when any process is), checked on
 * its own and on a real two-process run against ws; CPU lists are checked before anything runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHistogram, newHistogram, decodeHistogram } from '../runner/loadgen/histogram.js';
import { mergeMeasured, splitJob } from '../runner/process/loadgen-multi.js';
import type { Measured } from '../runner/process/loadgen-process.js';
import type { EchoJob } from '../runner/loadgen/jobs.js';
import { cpuMetrics } from '../scenarios/common.js';
import { parseCpuList } from '../runner/process/loadgen-placement.js';
import { UsageError } from '../runner/errors.js';
import { readReport, runBench, runFolder, tempDir } from './helpers/bench.js';
import { counts, histograms } from '../runner/loadgen/result-names.js';

function part(values: number[], measuredMs: number, clientCpu: number, timeline: number[]): Measured {
  const h = newHistogram();
  for (const v of values) h.recordValue(v);
  return {
    result: {
      measuredMs,
      counts: counts({ messages: values.length * 100, bytes: values.length * 3200 }),
      histograms: histograms({ latency: encodeHistogram(h) }),
      timeline,
      warnings: [],
    },
    serverCpu: 80,
    clientCpu,
    serverRss: 50 * 2 ** 20,
    clientRss: 40 * 2 ** 20,
  };
}

test('merging processes: histogram counts and msgs/s are the sums, timelines summed, CPU per process', () => {
  const a = part([1000, 2000, 3000], 1000, 95, [100, 200]);
  const b = part([5000, 6000], 1010, 40, [50, 60, 70]);
  const m = mergeMeasured([a, b]);
  const merged = decodeHistogram(m.result.histograms.latency);
  assert.equal(merged.totalCount, 5, 'merged count = 3 + 2');
  assert.equal(
    merged.maxValue >= 6000 && merged.minNonZeroValue <= 1000,
    true,
    'both processes\u2019 values are in it',
  );
  const rate = (x: Measured): number => x.result.counts.messages / (x.result.measuredMs / 1000);
  assert.ok(Math.abs(rate(m) - (rate(a) + rate(b))) < 1e-6, `merged ${rate(m)} = ${rate(a)} + ${rate(b)}`);
  assert.deepEqual(m.result.timeline, [150, 260, 70]);
  assert.equal(m.clientCpu, 135, 'the loadgen CPU column is the sum');
  assert.deepEqual(
    m.perProcess?.map((p) => p.cpu),
    [95, 40],
  );
  assert.deepEqual(
    m.perProcess?.map((p) => p.latencyCount),
    [3, 2],
  );
  // Process 1 is at 95 % with the server at 80 %: client-bound, although the mean is not.
  assert.equal(cpuMetrics(m).clientBound, true);
  assert.equal(cpuMetrics(mergeMeasured([part([1], 1000, 50, []), part([1], 1000, 60, [])])).clientBound, false);
});

test('splitting a job: connections and rate divided, never an empty process', () => {
  const job = {
    kind: 'echo',
    host: '127.0.0.1',
    port: 1,
    codecModule: 'ws/codec.js',
    warmupMs: 0,
    durationMs: 1,
    connections: 5,
    inflight: 4,
    payloadBytes: 32,
    binary: true,
    rate: 1000,
  } satisfies EchoJob;
  const parts = splitJob(job, 2);
  assert.deepEqual(
    parts.map((p) => p.connections),
    [3, 2],
  );
  assert.deepEqual(
    parts.map((p) => p.rate),
    [600, 400],
  );
  assert.equal(splitJob({ ...job, connections: 1 }, 4).length, 1, 'one connection: one process');
});

test('CPU lists: checked against this machine', () => {
  assert.deepEqual(parseCpuList('0-1', '--loadgen-cpus', 2), [0, 1]);
  assert.deepEqual(parseCpuList('1,0,1', '--loadgen-cpus', 2), [1, 0]);
  assert.throws(
    () => parseCpuList('2', '--loadgen-cpus', 2),
    (e: unknown) => e instanceof UsageError && /CPU 2 does not exist here/.test(e.message),
  );
  assert.throws(
    () => parseCpuList('a', '--server-cpus', 2),
    (e: unknown) => e instanceof UsageError && /CPU list like/.test(e.message),
  );
});

test(
  '--loadgen-procs 2 against ws: the run histogram holds both processes\u2019 messages and msgs/s is their sum',
  { timeout: 120_000 },
  async () => {
    const out = tempDir('wsbench-procs-');
    const r = await runBench(
      [
        'bench',
        '--lib',
        'ws',
        '--scenario',
        'throughput',
        '--payload',
        '32',
        '--loadgen-procs',
        '2',
        '--duration',
        '0.5',
        '--warmup',
        '0.2',
        '--runs',
        '1',
        '--out',
        out,
      ],
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    const report = readReport(runFolder(out)) as unknown as {
      runs: Array<{
        status: string;
        warnings: string[];
        stats: { metrics: Record<string, number>; histograms: Record<string, string> };
      }>;
      environment: { pinning: { note: string } };
    };
    const run = report.runs[0];
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const m = run.stats.metrics;
    assert.ok(m.loadgenMsgsPerSec1 > 0 && m.loadgenMsgsPerSec2 > 0, 'both processes carried load');
    assert.equal(m.loadgenMsgsPerSec3, undefined);
    assert.equal(
      decodeHistogram(run.stats.histograms.latency).totalCount,
      m.loadgenLatencyCount1 + m.loadgenLatencyCount2,
    );
    assert.ok(
      Math.abs(m.msgsPerSec - (m.loadgenMsgsPerSec1 + m.loadgenMsgsPerSec2)) < 1e-6 * m.msgsPerSec,
      `${m.msgsPerSec} vs ${m.loadgenMsgsPerSec1} + ${m.loadgenMsgsPerSec2}`,
    );
    assert.ok(Math.abs(m.clientCpuPct - (m.loadgenCpuPct1 + m.loadgenCpuPct2)) < 1e-9);
    assert.ok(
      run.warnings.some((w) => /^2 load-generator processes, CPU \d+ % \+ \d+ %/.test(w)),
      JSON.stringify(run.warnings),
    );
    assert.match(report.environment.pinning.note, /2 load-generator processes/);
  },
);
