/**
 * A distributed run rehearsed for real: 3 network namespaces as 3 hosts (each its own address on
 * a veth pair, runner/distributed/netns.ts), each running `wsbench worker` as a pod would
 * (JOB_COMPLETION_INDEX, the plan file), against a ws server in the root namespace, then
 * `wsbench gather`. The merged histogram must hold every shard's samples, and the connections
 * must add up. Where namespaces cannot be made, the test skips with the reason; with CI=true it
 * fails instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CLI, readReport, runFolder, tempDir } from './helpers/bench.js';
import { netnsUnavailable } from '../runner/distributed/netns.js';
import { rehearse } from '../runner/distributed/rehearse.js';
import { readResults } from '../runner/distributed/result.js';
import { decodeHistogram, encodeHistogram, newHistogram } from '../runner/loadgen/histogram.js';

const why = netnsUnavailable();
if (why && process.env.CI === 'true') {
  test('network namespaces are available (CI=true)', () =>
    assert.fail(`cannot run the distributed rehearsal in CI: ${why}`));
}

test(
  '3 shards in 3 network namespaces: gather merges them exactly and their connections add up',
  { skip: why && process.env.CI !== 'true' ? why : false, timeout: 120_000 },
  async () => {
    const workDir = tempDir('wsbench-rehearsal-');
    const args = [
      '--scenario',
      'throughput',
      '--payload',
      '32',
      '--connections',
      '7',
      '--inflight',
      '4',
      '--duration',
      '0.5',
      '--warmup',
      '0.2',
    ];
    const r = await rehearse({ libs: ['ws'], shards: 3, planArgs: args, startIn: 6, workDir });
    const lib = r.libraries[0];
    // The stdout of the workers (what `kubectl logs` would return) and their files agree.
    const fromLogs = readResults([lib.log]);
    const fromFiles = readResults([lib.resultsDir]);
    assert.deepEqual(fromLogs.broken, []);
    assert.equal(fromLogs.docs.length, 3);
    assert.deepEqual(fromFiles.docs.map((d) => d.index).sort(), [0, 1, 2]);
    const docs = fromLogs.docs.sort((a, b) => a.index - b.index);
    for (const d of docs) assert.equal(d.status, 'completed', `shard ${d.index}: ${JSON.stringify(d.error)}`);
    // Three hosts: three distinct addresses, none of them the server's.
    const addresses = docs.map((d) => d.addresses[0]);
    assert.equal(new Set(addresses).size, 3, `addresses ${addresses.join(', ')}`);
    assert.deepEqual(
      docs.map((d) => d.connections),
      [3, 2, 2],
      '7 connections split 3 + 2 + 2',
    );
    for (const d of docs) {
      assert.ok(
        d.clock && Math.abs(d.clock.offsetMs) < 50,
        `shard ${d.index}: clock offset measured against the rehearsal's NTP: ${JSON.stringify(d.clock)}`,
      );
      assert.equal(typeof d.startDelayMs, 'number', `shard ${d.index}: its start delay is recorded`);
    }
    // A shard later than the plan's tolerance is counted late (this busy machine decides which).
    const late = docs.filter((d) => d.startDelayMs! > d.plan.lateMs).length;
    const out = tempDir('wsbench-gathered-');
    execFileSync(process.execPath, [CLI, 'gather', lib.log, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30_000,
    });
    const report = readReport(runFolder(out)) as unknown as {
      runs: Array<{ status: string; stats: { histograms: Record<string, string>; metrics: Record<string, number> } }>;
    };
    const run = report.runs[0];
    assert.equal(run.status, 'completed');
    // The merged histogram holds exactly every shard's samples.
    const all = newHistogram();
    for (const d of docs) all.add(decodeHistogram(d.measured!.result.histograms.latency));
    const merged = decodeHistogram(run.stats.histograms.latency);
    assert.ok(merged.totalCount > 0);
    assert.equal(
      merged.totalCount,
      docs.reduce((n, d) => n + decodeHistogram(d.measured!.result.histograms.latency).totalCount, 0),
    );
    assert.equal(
      merged.outputPercentileDistribution(1000),
      decodeHistogram(encodeHistogram(all)).outputPercentileDistribution(1000),
    );
    assert.equal(run.stats.metrics.shards, 3);
    assert.equal(run.stats.metrics.shardsMissing, 0);
    assert.equal(run.stats.metrics.shardsLate, late);
    assert.ok(run.stats.metrics.serverCpuPct > 0, 'shard 0 sampled the server (same host here)');
    assert.ok(fs.existsSync(path.join(runFolder(out), 'report.html')));
  },
);
