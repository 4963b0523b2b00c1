/**
 * The http-vs-ws scenario end to end, through the real CLI: every mode reports numbers, the HTTP
 * modes are driven from the load generator (its CPU is sampled), the handshake case compares the
 * two opening costs, and the scenario stays out of the default suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCENARIOS, SCENARIOS } from '../scenarios/index.js';
import { Report } from '../runner/report/schema.js';
import { readReport, runBench, runFolder, SHORT, tempDir } from './helpers/bench.js';

test('http-vs-ws is registered but not in the default suite', () => {
  assert.ok(Object.hasOwn(SCENARIOS, 'http-vs-ws'));
  assert.ok(!(DEFAULT_SCENARIOS as string[]).includes('http-vs-ws'));
  const cases = SCENARIOS['http-vs-ws'].cases({
    params: { connections: 4, payload: [32, 1024] },
    warmupMs: 0,
    durationMs: 1,
    quick: false,
  });
  assert.deepEqual(
    cases.map((c) => c.id),
    [
      'keepalive-p32',
      'no-keepalive-p32',
      'websocket-p32',
      'keepalive-p1024',
      'no-keepalive-p1024',
      'websocket-p1024',
      'handshake-p32',
    ],
  );
});

test('--scenario http-vs-ws reports every mode for ws and uwebsockets', { timeout: 120_000 }, async () => {
  const out = tempDir('wsbench-http-');
  const r = await runBench(
    ['--lib', 'ws,uwebsockets', '--scenario', 'http-vs-ws', '--connections', '4', ...SHORT, '--out', out],
    { timeoutMs: 110_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const report = Report.parse(readReport(runFolder(out)));
  assert.equal(report.summaries.length, 8);
  for (const s of report.summaries) {
    assert.equal(s.status, 'completed', `${s.library} ${s.case.id}: ${s.errors.join('; ')}`);
    const metric = (k: string): number => s.metrics[k]?.median ?? Number.NaN;
    if (s.case.params.mode === 'handshake') {
      assert.ok(metric('handshakeP50Us') > 0 && metric('p50Us') > 0, `${s.library}: both opening costs measured`);
      assert.ok(
        Math.abs(metric('upgradeVsHttp') - metric('handshakeP50Us') / metric('p50Us')) <
          1e-6 * metric('upgradeVsHttp') + 0.05,
      );
      assert.ok(s.latency.handshake.count > 0 && s.latency.latency.count === s.latency.handshake.count);
    } else {
      assert.ok(
        metric('msgsPerSec') > 0 && metric('p50Us') > 0 && metric('p99Us') >= metric('p50Us'),
        `${s.library} ${s.case.id}: rate and latency`,
      );
      assert.ok(metric('clientCpuPct') > 0, `${s.library} ${s.case.id}: the load generator's CPU was sampled`);
      assert.ok(s.latency.latency.count > 0);
    }
  }
  const info = report.scenarios.find((x) => x.name === 'http-vs-ws')!;
  assert.ok(info.metrics.some((m) => m.key === 'msgsPerSec' && m.primary));
  assert.match(r.stdout, /HTTP POST, new connection per request/);
  assert.ok(
    report.libraries.every((l) => typeof l.settings.httpEcho === 'string'),
    'each library says how it serves the HTTP echo',
  );
});
