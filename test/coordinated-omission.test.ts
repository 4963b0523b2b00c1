/**
 * Proof of the coordinated-omission correction. A test server freezes for 200 ms once a second.
 * Closed-loop ping-pong (`latency`) only ever has one message waiting during a freeze, so its p99
 * stays low; the open-loop `rate` scenario keeps sending on schedule and counts from each due
 * time, so the freezes show up in its p99, as they would for real users.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../runner/report/schema.js';
import { REGISTER_MODULE } from './helpers/register.js';

const CLI = fileURLToPath(new URL('../runner/cli.js', import.meta.url));

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'bench', ...args],
      { env: { ...process.env, WSBENCH_TEST_ADAPTERS: '1', WSBENCH_REGISTER: REGISTER_MODULE }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('rate (open loop) sees a stalling server that latency (closed loop) hides', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'wsbench-co-'));
  try {
    const r = await bench([
      '--lib',
      'test-stall',
      '--scenario',
      'latency,rate',
      '--connections',
      '1',
      '--rates',
      '1000',
      '--duration',
      '3',
      '--warmup',
      '0.5',
      '--runs',
      '1',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const get = (scenario: string) =>
      report.summaries.find((s) => s.scenario === scenario && s.library === 'test-stall');
    const closed = get('latency');
    const open = get('rate');
    assert.equal(closed?.status, 'completed');
    assert.equal(open?.status, 'completed');
    const closedP99 = closed!.latency.latency.p99;
    const openP99 = open!.latency.latency.p99;
    const closedRate = closed!.metrics.msgsPerSec.median;
    // The closed loop ran at least at the open loop's load, and still saw no stall in its p99.
    assert.ok(closedRate >= 1000, `closed-loop load ${closedRate} msg/s`);
    assert.ok(closedP99 < 100_000, `closed-loop p99 ${closedP99} µs should hide the stalls`);
    assert.ok(openP99 >= 100_000, `open-loop p99 ${openP99} µs should show the 200 ms stalls`);
    // Both saw the stalls in their max: the difference is what the percentiles admit.
    assert.ok(closed!.latency.latency.max >= 150_000, 'the closed loop did meet a stall');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
