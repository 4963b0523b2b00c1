/**
 * The fallback scenario: which libraries and transports apply (and why not), the socket.io
 * server's polling switch (off under fair settings, on in the scenario's server mode), and a
 * real short run through the CLI with the libraries' own clients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADAPTERS } from '../adapters/index.js';
import { fallback } from '../scenarios/fallback.js';
import { DEFAULT_SCENARIOS } from '../scenarios/index.js';
import { Report } from '../runner/report/schema.js';
import { startServer } from '../runner/process/server-process.js';
import { readReport, runBench, runFolder, SHORT, tempDir } from './helpers/bench.js';

const caseOf = (transport: string) =>
  fallback
    .cases({ params: { connections: 2, payload: [32] }, warmupMs: 0, durationMs: 1, quick: false })
    .find((c) => c.params.transport === transport)!;

test('supports: socket.io and sockjs only, and only their own transports', () => {
  assert.ok(!(DEFAULT_SCENARIOS as string[]).includes('fallback'));
  for (const lib of ['ws', 'websocket', 'uwebsockets'])
    assert.match(fallback.supports!(lib, caseOf('polling')) ?? '', /no HTTP fallback/);
  assert.equal(fallback.supports!('socket.io', caseOf('polling')), null);
  assert.equal(fallback.supports!('socket.io', caseOf('websocket')), null);
  assert.match(fallback.supports!('socket.io', caseOf('streaming')) ?? '', /no streaming transport/);
  for (const t of ['polling', 'streaming', 'websocket']) assert.equal(fallback.supports!('sockjs', caseOf(t)), null);
  assert.equal(
    fallback.supports!('socket.io@next', caseOf('polling')),
    null,
    'another install of socket.io is still socket.io',
  );
});

test('socket.io serves polling only in the fallback server mode', async () => {
  const url = (port: number) => `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
  for (const [mode, polling] of [
    [undefined, false],
    ['fallback', true],
  ] as const) {
    const s = await startServer({
      adapter: ADAPTERS['socket.io'],
      cpu: 'any',
      readyTimeoutMs: 15_000,
      env: mode ? { WSBENCH_SERVER_MODE: mode } : {},
    });
    try {
      const res = await fetch(url(s.port));
      const text = await res.text();
      assert.equal(
        res.status === 200 && text.startsWith('0{'),
        polling,
        `mode ${mode ?? 'default'}: ${res.status} ${text.slice(0, 60)}`,
      );
      assert.equal(s.settings.transports, polling ? 'polling,websocket' : 'websocket');
    } finally {
      await s.stop();
    }
  }
});

test(
  '--scenario fallback: numbers for every transport a library has, reasons for the rest',
  { timeout: 120_000 },
  async () => {
    const out = tempDir('wsbench-fallback-');
    const r = await runBench(
      ['--lib', 'socket.io,sockjs,ws', '--scenario', 'fallback', '--connections', '2', ...SHORT, '--out', out],
      { timeoutMs: 110_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = Report.parse(readReport(runFolder(out)));
    const status = (lib: string, transport: string) =>
      report.summaries.find((s) => s.library === lib && s.case.params.transport === transport);
    for (const [lib, transport] of [
      ['socket.io', 'polling'],
      ['socket.io', 'websocket'],
      ['sockjs', 'polling'],
      ['sockjs', 'streaming'],
      ['sockjs', 'websocket'],
    ]) {
      const s = status(lib, transport)!;
      assert.equal(s.status, 'completed', `${lib} ${transport}: ${s.errors.join('; ')}`);
      assert.ok(s.metrics.msgsPerSec.median > 0 && s.metrics.p50Us.median > 0, `${lib} ${transport}: numbers`);
    }
    assert.equal(status('socket.io', 'streaming')?.status, 'skipped');
    assert.match(status('ws', 'polling')?.errors.join() ?? '', /no HTTP fallback/);
    // The report says socket.io ran with polling allowed here.
    const sio = report.libraries.find((l) => l.name === 'socket.io')!;
    assert.equal(sio.settings.transports, 'polling,websocket');
    assert.equal(sio.settings.serverMode, 'fallback');
  },
);
