/**
 * Distributed runs without a network: shard results made here from known samples are gathered
 * into a report (the merged histogram must equal one histogram of every sample, exactly); late,
 * failed, missing and client-bound shards are named and flag the merged row; results come back
 * from `kubectl logs`-style text; the Kubernetes objects validate against the batch/v1 and v1
 * schemas (kubernetes-models, offline), also after a round trip through their YAML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { decodeHistogram, encodeHistogram, newHistogram } from '../runner/loadgen/histogram.js';
import { makePlan } from '../runner/plan.js';
import { loadReport } from '../runner/outputs.js';
import { REPORTERS } from '../runner/report/index.js';
import { gather } from '../runner/distributed/gather.js';
import { manifests, renderManifests } from '../runner/distributed/k8s.js';
import { makeShardPlan, parseShardPlan, shardJob, type ShardPlan } from '../runner/distributed/plan-file.js';
import { parseResults, printable, SHARD_RESULT_SCHEMA, type ShardResult } from '../runner/distributed/result.js';
import { tempDir } from './helpers/bench.js';

async function planFor(scenario: string, params: Record<string, string>, shards: number): Promise<ShardPlan> {
  const raw = {
    scenario,
    target: 'ws://10.9.0.1:9000/echo',
    allowRemote: true,
    runs: '1',
    duration: '1',
    warmup: '0',
    out: tempDir('wsbench-dist-'),
    params,
  };
  return makeShardPlan(makePlan(raw), {
    shards,
    startAt: Date.parse('2026-12-04T03:00:00Z'),
    lateMs: 200,
    library: 'ws',
    command: 'test',
  });
}

/** A deterministic spread of latencies (ns): a body around 50 µs and a tail to 20 ms. */
function samples(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return Math.round(u < 0.99 ? 20_000 + u * 60_000 : 1_000_000 + u * 19_000_000);
  });
}

function shard(plan: ShardPlan, index: number, values: number[], extra: Partial<ShardResult> = {}): ShardResult {
  const h = newHistogram();
  for (const v of values) h.recordValue(v);
  const job = shardJob(plan, index) as { connections: number };
  return {
    schema: SHARD_RESULT_SCHEMA,
    version: 1,
    plan,
    index,
    status: 'completed',
    host: `node-${index}`,
    addresses: [`10.9.1.${index + 10}`],
    connections: job.connections,
    startDelayMs: 0.4,
    clock: { offsetMs: -0.3, rttMs: 0.2, source: 'ntp.test', samples: 5 },
    measured: {
      result: {
        measuredMs: 1000,
        counts: { messages: values.length, bytes: values.length * 32 },
        histograms: { latency: encodeHistogram(h) },
        timeline: [values.length],
        warnings: [],
      },
      serverCpu: null,
      clientCpu: 40,
      serverRss: null,
      clientRss: 1e8,
      serverUnmeasured: true,
    },
    clientBound: false,
    finishedAt: new Date().toISOString(),
    ...extra,
  } as ShardResult;
}

function writeShards(docs: ShardResult[]): string {
  const dir = tempDir('wsbench-shards-');
  for (const d of docs) fs.writeFileSync(path.join(dir, `shard-${d.index}.json`), JSON.stringify(d));
  return dir;
}

test('gather: the merged histogram is exactly the histogram of every shard sample; counters are summed', async () => {
  const plan = await planFor('throughput', { payload: '32', connections: '30' }, 3);
  const parts = [samples(1, 5000), samples(2, 7000), samples(3, 3001)];
  const { report } = await gather([writeShards(parts.map((v, i) => shard(plan, i, v)))], tempDir('wsbench-gathered-'), [
    'gather',
  ]);
  const all = newHistogram();
  for (const v of parts.flat()) all.recordValue(v);
  const run = report.runs[0];
  assert.equal(run.status, 'completed');
  if (run.status !== 'completed') return;
  const merged = decodeHistogram(run.stats.histograms.latency);
  // Both as stored (encoded), so that both carry the same bucket-precision minimum.
  const ref = decodeHistogram(encodeHistogram(all));
  assert.equal(merged.totalCount, 15_001);
  for (const k of ['minNonZeroValue', 'maxValue', 'mean', 'stdDeviation'] as const) assert.equal(merged[k], ref[k], k);
  for (let p = 0; p <= 100; p += 0.5)
    assert.equal(merged.getValueAtPercentile(p), all.getValueAtPercentile(p), `p${p}`);
  // The whole distribution, every bucket to HDR's 3 significant digits.
  assert.equal(merged.outputPercentileDistribution(1000), ref.outputPercentileDistribution(1000));
  assert.equal(run.stats.metrics.msgsPerSec, 15_001, 'messages summed over one common 1 s window');
  assert.equal(run.stats.metrics.shardsMissing, 0);
  assert.equal(run.stats.metrics.shards, 3);
  assert.deepEqual(
    [1, 2, 3].map((i) => run.stats.metrics[`loadgenLatencyCount${i}`]),
    [5000, 7000, 3001],
    'per-shard rows kept',
  );
  assert.equal(run.warnings.filter((w) => /^shard \d\/3 \(node-\d/.test(w)).length, 3, 'one note per shard');
});

test('gather: late, failed, missing and client-bound shards are named and flag the merged row', async () => {
  const plan = await planFor('throughput', { payload: '32', connections: '50' }, 5);
  const docs = [
    shard(plan, 0, samples(1, 100)),
    shard(plan, 1, samples(2, 100), { startDelayMs: 912.5 }),
    {
      ...shard(plan, 2, []),
      status: 'failed',
      measured: undefined,
      error: { code: 'ECONNECT', message: 'connect ECONNREFUSED 10.9.0.1:9000' },
    } as ShardResult,
    // shard 4 (index 3) never reported
    shard(plan, 4, samples(5, 100), { clientBound: true }),
  ];
  const out = tempDir('wsbench-gathered-');
  const { report, store } = await gather([writeShards(docs)], out, ['gather']);
  const summary = report.summaries[0];
  assert.equal(summary.status, 'completed');
  assert.equal(summary.metrics.shardsMissing.median, 1);
  assert.equal(summary.metrics.shardsLate.median, 1);
  assert.equal(summary.metrics.shardsFailed.median, 1);
  assert.equal(summary.clientBound, true, 'a client-bound shard makes the merged row client-bound');
  const w = (summary.warnings ?? []).join('\n');
  assert.match(w, /INCOMPLETE: 1 of 5 shards never reported \(shard 4\)/);
  assert.match(w, /LATE: shard 2\/5 on node-1 started \+912\.5 ms after the barrier/);
  assert.match(w, /FAILED: shard 3\/5 on node-2: connect ECONNREFUSED/);
  assert.match(w, /CLIENT-BOUND: shard 5\/5 on node-4/);
  // An ordinary report: `report` reads and validates it, and the Markdown names the shards.
  assert.match(REPORTERS.markdown(report), /INCOMPLETE: 1 of 5 shards never reported/);
  const { report: again } = loadReport(store.dir);
  assert.equal(again.summaries[0].metrics.shardsMissing.median, 1);
});

test('gather: results from kubectl logs with prefixes; a block cut short is reported, never guessed at', async () => {
  const plan = await planFor('throughput', { payload: '32', connections: '4' }, 2);
  // `kubectl logs --prefix`: every line of a pod carries `[pod/<name>/<container>] `.
  const pod = (i: number): string =>
    `[pod/w-${i}/worker] progress line\n${printable(shard(plan, i, samples(i + 1, 10)))
      .trimEnd()
      .split('\n')
      .map((l) => `[pod/w-${i}/worker] ${l}`)
      .join('\n')}\n`;
  const logs = pod(0) + pod(1);
  const ok = parseResults(logs, 'logs');
  assert.deepEqual(
    ok.docs.map((d) => d.index),
    [0, 1],
  );
  assert.deepEqual(ok.broken, []);
  const cut = parseResults(logs.split('\n').slice(0, -3).join('\n'), 'cut.log');
  assert.equal(cut.docs.length, 1);
  assert.match(cut.broken[0], /cut\.log line \d+: a result block without its end marker/);
});

test('k8s: the ConfigMap and the Indexed Job for 20 shards and 1,000,000 connections validate against the Kubernetes schemas', async () => {
  const plan = await planFor('connections', { connections: '1000000' }, 20);
  const yaml = renderManifests(manifests(plan, { image: 'registry.example/wsbench-worker:1', cpu: 2 }));
  const docs = parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, unknown>);
  assert.equal(docs.length, 2);
  const [cm, job] = docs;
  new ConfigMap(cm).validate();
  new Job(job).validate();
  const spec = (job as { spec: Record<string, unknown> }).spec as {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimit: number;
    template: { spec: Record<string, unknown> };
  };
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.completions, 20);
  assert.equal(spec.parallelism, 20);
  assert.equal(spec.backoffLimit, 0);
  const pod = spec.template.spec as {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: Array<{ topologyKey: string }> } };
    securityContext?: { sysctls: Array<{ name: string; value: string }> };
  };
  assert.equal(
    pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey,
    'kubernetes.io/hostname',
  );
  // 50,000 connections per shard are more than one address's default ephemeral ports.
  assert.deepEqual(pod.securityContext?.sysctls, [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]);
  // The plan survives the YAML block scalar whole.
  const back = parseShardPlan((cm as { data: Record<string, string> }).data['plan.json'], 'configmap');
  assert.deepEqual(back, plan);
  assert.equal((shardJob(back, 19) as { connections: number }).connections, 50_000);
  // The check can fail: a Job whose completions is not an integer is refused.
  assert.throws(
    () => new Job({ ...job, spec: { ...spec, completions: 'twenty' } } as never).validate(),
    /completions must be integer/,
  );
});

test('a shard index outside the plan, or a plan that is not one, is a one-line usage error', async () => {
  const plan = await planFor('latency', { connections: '2' }, 2);
  assert.throws(() => shardJob(plan, 2), /shard index 2 is outside the plan's 2 shards \(0-1\)/);
  assert.throws(() => parseShardPlan('{"schema":"nope"}', 'p.json'), /p\.json is not a wsbench shard plan: schema/);
  await assert.rejects(planFor('broadcast', {}, 2), /scenario broadcast cannot be sharded/);
  await assert.rejects(planFor('latency', { connections: '2' }, 3), /--shards 3 is more than the 2 connections/);
});
