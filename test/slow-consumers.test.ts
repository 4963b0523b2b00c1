/**
 * The slow-consumers scenario end to end, through the real CLI, against three test-only servers
 * whose policy is known (test/adapters/slow-policy.ts): one that grows without bound is reported
 * so and stopped at the memory cap; one that closes a member past a limit is reported as
 * disconnecting, with its close code; one that drops past a limit is reported as dropping, with
 * the server's own count. And the room without slow members measures what broadcast measures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCENARIOS, SCENARIOS } from '../scenarios/index.js';
import { Report, type CaseSummary } from '../runner/report/schema.js';
import { parseProcNetTcp } from '../scenarios/slow-consumers/sampler.js';
import { policyOf } from '../scenarios/slow-consumers/verdict.js';
import { readReport, runBench, runFolder, tempDir } from './helpers/bench.js';

/** A small room with a heavy flow: 6.4 MB/s towards the slow member fills the kernel's buffers in a second. */
const ROOM = ['--clients', '6', '--slow', '1', '--senders', '2', '--post-rate', '100', '--payload', '64KiB'];
const SHORT = ['--duration', '3', '--warmup', '0', '--runs', '1'];

async function bench(lib: string, extra: string[]): Promise<CaseSummary & { dir: string }> {
  const out = tempDir('wsbench-slow-');
  const r = await runBench(['--lib', lib, '--scenario', 'slow-consumers', ...ROOM, ...SHORT, ...extra, '--out', out], {
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const report = Report.parse(readReport(runFolder(out)));
  const s = report.summaries.find((x) => x.scenario === 'slow-consumers')!;
  assert.equal(s.status, 'completed', s.errors.join('; '));
  return { ...s, dir: runFolder(out) };
}

const metric = (s: CaseSummary, k: string): number => s.metrics[k]?.median ?? Number.NaN;

/** The figures a test checks, for its diagnostic line. */
const figures = (s: CaseSummary): Record<string, number> =>
  Object.fromEntries(Object.entries(s.metrics).map(([k, a]) => [k, Math.round(a.median * 100) / 100]));

test('slow-consumers is registered, outside the default suite', () => {
  assert.ok(Object.hasOwn(SCENARIOS, 'slow-consumers'));
  assert.ok(!(DEFAULT_SCENARIOS as string[]).includes('slow-consumers'));
});

test('/proc/net/tcp rows of the server port: peer, state, send queue', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1',
    '   1: 0100007F:1F90 0200007F:C350 01 003B8A24:00000000 01:00000014 00000000  1000        0 2',
    '   2: 0100007F:1F90 0100007F:C351 04 00000010:00000000 01:00000014 00000000  1000        0 3',
    '   3: 0100007F:1F91 0200007F:C352 01 00000099:00000000 01:00000014 00000000  1000        0 4',
  ].join('\n');
  assert.deepEqual(parseProcNetTcp(text, 0x1f90), [
    { peer: '0200007F', peerPort: 0xc350, state: '01', txQueue: 0x3b8a24 },
    { peer: '0100007F', peerPort: 0xc351, state: '04', txQueue: 16 },
  ]);
});

test('the verdict follows what was observed', () => {
  const none = { capped: null, capMiB: 100, closes: [], dropped: 0, serverDropped: null, lagSeconds: 10 };
  assert.deepEqual(policyOf({ ...none, backlogBytes: 100, keptUpBelowBytes: 2 ** 20 }).kinds, ['kept up']);
  const held = policyOf({ ...none, backlogBytes: 20 * 2 ** 20, keptUpBelowBytes: 2 ** 20 });
  assert.deepEqual(held.kinds, ['buffers without bound']);
  assert.equal(held.growthMiBPerS, 2);
  const mixed = policyOf({
    ...none,
    closes: [{ atS: 3, code: 1008, bytes: 2 ** 21 }],
    dropped: 5,
    backlogBytes: 0,
    keptUpBelowBytes: 1,
  });
  assert.deepEqual(mixed.kinds, ['disconnects', 'drops']);
  assert.match(mixed.text, /after 3\.0 s, 2\.0 MiB delivered; 1008/);
  assert.match(mixed.text, /drops \(5, silent\)/);
});

test('a server that grows without bound is stopped at the cap and reported so', { timeout: 100_000 }, async (t) => {
  const s = await bench('test-unbounded', ['--memory-cap', '160MiB']);
  t.diagnostic(`${s.slowConsumers?.verdict} | ${JSON.stringify(figures(s))}`);
  assert.deepEqual(s.slowConsumers?.policy, ['buffers without bound']);
  assert.match(s.slowConsumers!.verdict, /grew past 160 MiB in \d+\.\d s; stopped/);
  assert.ok(metric(s, 'cappedAtS') > 0 && metric(s, 'cappedAtS') < 6, `stopped after ${metric(s, 'cappedAtS')} s`);
  assert.ok(metric(s, 'rssPeakMiB') >= 160, `RSS peak ${metric(s, 'rssPeakMiB')} MiB`);
  assert.ok(metric(s, 'growthMiBPerS') > 10, `grew ${metric(s, 'growthMiBPerS')} MiB/s`);
  assert.ok((s.warnings ?? []).some((w) => /grew past 160 MiB/.test(w)));
  assert.ok((s.slowConsumers!.series.rssMiB ?? []).length > 0, 'the memory timeline up to the cap is kept');
});

test(
  'a server that closes a slow member past a limit is reported as disconnecting',
  { timeout: 100_000 },
  async (t) => {
    const s = await bench('test-closer', ['--backpressure-limit', '1MiB']);
    t.diagnostic(`${s.slowConsumers?.verdict} | ${JSON.stringify(figures(s))}`);
    assert.deepEqual(s.slowConsumers?.policy, ['disconnects']);
    assert.equal(metric(s, 'slowClosed'), 1);
    assert.equal(metric(s, 'slowCloseCode'), 1008);
    const close = s.slowConsumers!.closes.find((c) => c.slow)!;
    // It held at least its limit (ws's buffer) before closing: more than 1 MiB reached the member.
    assert.ok(close.bytes > 2 ** 20, `${close.bytes} bytes before the close`);
    assert.ok(metric(s, 'slowClosedAtS') < 4, `closed after ${metric(s, 'slowClosedAtS')} s`);
    assert.equal(metric(s, 'fastLost'), 0);
    assert.equal(metric(s, 'slowDropped'), 0);
  },
);

test(
  'a server that drops past a limit is reported as dropping, with its own count',
  { timeout: 100_000 },
  async (t) => {
    const s = await bench('test-dropper', ['--backpressure-limit', '1MiB']);
    t.diagnostic(`${s.slowConsumers?.verdict} | ${JSON.stringify(figures(s))}`);
    assert.deepEqual(s.slowConsumers?.policy, ['drops']);
    const dropped = metric(s, 'slowDropped');
    assert.ok(dropped > 50, `${dropped} dropped`);
    assert.equal(dropped, metric(s, 'serverDropped'), "the members' count is the server's");
    assert.match(s.slowConsumers!.verdict, /signalled/);
    // Every output says it: "At a glance" in report.md, and the HTML's two timelines.
    assert.match(
      fs.readFileSync(path.join(s.dir, 'report.md'), 'utf8'),
      /\*\*slow-consumers\*\*, test-dropper: drops \(/,
    );
    const page = fs.readFileSync(path.join(s.dir, 'report.html'), 'utf8');
    assert.ok(page.includes('slow-memory:slow-consumers') && page.includes('slow-p99:slow-consumers'));
    assert.equal(metric(s, 'fastLost'), 0);
    assert.equal(metric(s, 'slowClosed'), 0);
  },
);

test(
  'without slow members, the room measures what broadcast measures, and nothing is lost',
  { timeout: 100_000 },
  async (t) => {
    const out = tempDir('wsbench-slow-');
    const room = ['--clients', '20', '--senders', '4', '--post-rate', '200', '--payload', '1024'];
    const r = await runBench(
      [
        '--lib',
        'ws',
        '--scenario',
        'broadcast,slow-consumers',
        ...room,
        '--duration',
        '3',
        '--warmup',
        '1',
        '--runs',
        '1',
        '--out',
        out,
      ],
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = Report.parse(readReport(runFolder(out)));
    const b = report.summaries.find((x) => x.scenario === 'broadcast')!;
    const s = report.summaries.find((x) => x.scenario === 'slow-consumers')!;
    assert.equal(metric(b, 'lost'), 0);
    assert.equal(metric(s, 'baseLost'), 0);
    assert.equal(metric(s, 'fastLost'), 0);
    t.diagnostic(
      `fan-out p50/p99 µs: broadcast ${metric(b, 'fanoutP50Us')}/${metric(b, 'fanoutP99Us')}, ` +
        `slow-consumers baseline ${metric(s, 'baseFanoutP50Us')}/${metric(s, 'baseFanoutP99Us')}`,
    );
    // Within noise on a shared 2-core VM: the same order of magnitude, p50 within 3x.
    const ratio = metric(s, 'baseFanoutP50Us') / metric(b, 'fanoutP50Us');
    assert.ok(
      ratio > 1 / 3 && ratio < 3,
      `baseline p50 ${metric(s, 'baseFanoutP50Us')} µs vs broadcast ${metric(b, 'fanoutP50Us')} µs`,
    );
    const ratio99 = metric(s, 'baseFanoutP99Us') / metric(b, 'fanoutP99Us');
    assert.ok(
      ratio99 > 1 / 5 && ratio99 < 5,
      `baseline p99 ${metric(s, 'baseFanoutP99Us')} µs vs broadcast ${metric(b, 'fanoutP99Us')} µs`,
    );
  },
);

test('the echo variant: a member that sends faster than it reads its echoes', { timeout: 100_000 }, async (t) => {
  const s = await bench('ws', ['--slow-echo', 'true']);
  t.diagnostic(`${s.slowConsumers?.verdict} | ${JSON.stringify(figures(s))}`);
  assert.match(s.case.id, /-echo$/);
  // ws queues the echoes without bound, and delivers every one when the member reads again.
  assert.deepEqual(s.slowConsumers?.policy, ['buffers without bound']);
  assert.ok(metric(s, 'slowDelivered') >= 100, `${metric(s, 'slowDelivered')} echoes delivered`);
  assert.equal(metric(s, 'slowDropped'), 0);
  assert.equal(metric(s, 'fastLost'), 0);
  assert.ok(metric(s, 'sendQSlowMaxKiB') > 64, `Send-Q towards the member: ${metric(s, 'sendQSlowMaxKiB')} KiB`);
});
