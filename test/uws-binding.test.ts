/**
 * uWebSockets.js is measured only through its native binding. When the binding cannot load, the
 * uWS row is an error that says so and nothing is measured; the pure-JS fallback that the
 * package's own entry point would substitute is never benchmarked as uWS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../runner/report/schema.js';

const CLI = fileURLToPath(new URL('../runner/cli.js', import.meta.url));

test('a missing uWS native binding makes an errored row, and ws still runs', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'wsbench-uws-'));
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          CLI,
          'bench',
          '--lib',
          'uwebsockets,ws',
          '--scenario',
          'latency',
          '--duration',
          '0.5',
          '--warmup',
          '0',
          '--runs',
          '1',
          '--out',
          out,
        ],
        { env: { ...process.env, WSBENCH_UWS_BINDING: path.join(out, 'uws_linux_x64_missing.node') } },
        (err, so, se) => resolve({ code: err ? Number(err.code) : 0, stdout: so, stderr: se }),
      ),
    );
    assert.equal(code, 2, 'an errored run makes the bench exit 2');
    const [runId] = readdirSync(out);
    const report = JSON.parse(readFileSync(path.join(out, runId, 'report.json'), 'utf8')) as Report;
    const uws = report.runs.filter((r) => r.library === 'uwebsockets');
    assert.equal(uws.length, 1);
    const run = uws[0];
    assert.equal(run.status, 'errored');
    if (run.status !== 'errored') return;
    assert.equal(run.error.code, 'ENATIVE');
    assert.match(run.error.message, /native binding did not load/);
    assert.match(run.error.message, /fallback is not uWS and is never benchmarked/);
    assert.ok(!('stats' in run), 'nothing was measured');
    assert.equal(report.runs.find((r) => r.library === 'ws')?.status, 'completed', 'the other library went on');
    assert.match(stdout, /uwebsockets\s+errored/);
    assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
