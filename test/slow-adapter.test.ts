/**
 * The test-only slowed server (test/adapters/test-slow.ts) that proves the gate's power: the busy
 * loop set by WSBENCH_SLOW_US must cost server CPU per message, under the same library name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Report } from '../runner/report/schema.js';
import { startBench } from './helpers/bench.js';
import { tempDir } from './helpers/tmp.js';

async function cpuPerMessage(slowUs: string): Promise<{ usPerMsg: number; report: Report }> {
  const out = tempDir('wsbench-slow-');
  const args = [
    'bench',
    '--lib',
    'test-slow',
    '--scenario',
    'throughput',
    '--payload',
    '32',
    '--connections',
    '4',
    '--duration',
    '0.5',
    '--warmup',
    '0.2',
    '--runs',
    '1',
    '--out',
    out,
  ];
  const r = await startBench(args, { env: { WSBENCH_SLOW_US: slowUs } }).done;
  assert.equal(r.code, 0, r.stderr.slice(-1500));
  const report = Report.parse(JSON.parse(readFileSync(join(out, readdirSync(out)[0], 'report.json'), 'utf8')));
  const perCpuSec = report.summaries[0].metrics.msgsPerServerCpuSec.median;
  return { usPerMsg: 1e6 / perCpuSec, report };
}

test(
  'test-slow: WSBENCH_SLOW_US of busy loop per message costs server CPU, same library name',
  { timeout: 60_000 },
  async () => {
    const plain = await cpuPerMessage('0');
    const slowed = await cpuPerMessage('40');
    assert.deepEqual(
      [plain.report.summaries[0].library, slowed.report.summaries[0].library],
      ['test-slow', 'test-slow'],
    );
    assert.match(String(slowed.report.libraries[0].settings.busyLoop), /^40 µs per received message/);
    // 40 µs of spinning per message: CPU per message grows by at least 30 µs whatever the machine.
    assert.ok(
      slowed.usPerMsg - plain.usPerMsg > 30,
      `${plain.usPerMsg.toFixed(1)} -> ${slowed.usPerMsg.toFixed(1)} µs of server CPU per message`,
    );
  },
);
