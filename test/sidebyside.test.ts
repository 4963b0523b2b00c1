/**
 * Side by side: the paired interval and test (known values), the alternating block order, the
 * steady-state check, and "At a glance" crowning a leader only where the windows earned it
 * (never on a pacing-bound or client-bound row, never within noise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Report, type RunResult } from '../runner/report/schema.js';
import { buildReport, type ReportMeta } from '../runner/aggregate.js';
import { SCENARIOS } from '../scenarios/index.js';
import { pairedStats, signedRankP, t975 } from '../runner/sidebyside/paired.js';
import { blockOrder, MAX_WARMUPS, runCaseSideBySide, sideOrder, steady } from '../runner/sidebyside/windows.js';
import type { PlannedLibrary, PlannedScenario } from '../runner/plan.js';
import { leaders, leadText } from '../runner/report/glance.js';
import { renderConsole } from '../runner/report/console.js';
import { renderMarkdown } from '../runner/report/markdown.js';
import { renderHtml } from '../runner/report/html.js';
import { decide } from '../runner/compare/rules.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('Wilcoxon signed-rank p, exact, two-sided: table values', () => {
  // n = 6, all one way: 2 / 2^6.
  assert.equal(signedRankP([1, 2, 3, 4, 5, 6]), 2 / 64);
  // n = 6, T- = 4 (one negative of rank 4): 7 of 64 patterns as extreme on each side.
  assert.equal(signedRankP([1, 2, 3, -4, 5, 6]), 14 / 64);
  // n = 5 cannot reach 0.05: its least p is 2 / 32.
  assert.equal(signedRankP([0.1, 0.2, 0.3, 0.4, 0.5]), 0.0625);
  // Zeros are dropped; nothing left: no evidence at all.
  assert.equal(signedRankP([0, 0]), 1);
  // Ties share a mid-rank: |d| = 1, 1 -> ranks 1.5, 1.5.
  assert.equal(signedRankP([1, -1]), 1);
  assert.equal(t975(5), 2.571);
});

test('paired stats: an interval of the ratio, `same` within noise, a call beyond it', () => {
  const aa = pairedStats([
    [100, 101],
    [100, 99],
    [100, 102],
    [100, 98.5],
    [100, 100.5],
    [100, 99.2],
  ]);
  assert.equal(aa.call, 'same');
  assert.ok(aa.lo! < 1 && aa.hi! > 1, 'the A/A interval holds 1');
  // A steady 1.5 % offset, every block one way: significant, but inside the ±2 % band.
  const offset = pairedStats(
    Array.from({ length: 8 }, (_, i): [number, number] => [100, 101.5 + (i % 2 ? 0.3 : -0.3)]),
  );
  assert.deepEqual([offset.call, offset.sameBy], ['same', 'band']);
  assert.ok(offset.p! < 0.05);
  // 4.5 % faster: called where the whole interval clears 1.02, not where it reaches into the band.
  const steady = (spread: number) =>
    pairedStats(Array.from({ length: 10 }, (_, i): [number, number] => [100, 104.5 + (i % 2 ? spread : -spread)]));
  const tight = steady(0.5);
  assert.ok(tight.lo > 1.02, `${tight.lo}`);
  assert.equal(tight.call, 'higher');
  const wide = steady(4);
  assert.ok(wide.lo > 1 && wide.lo < 1.02 && wide.p! < 0.05, `${wide.lo}–${wide.hi}, p ${wide.p}`);
  assert.deepEqual([wide.call, wide.sameBy], ['same', 'band'], 'significant, but the interval reaches into ±2 %');
  // 10 % slower in every block, with 2 % noise: called, the interval excludes 1.
  const slow = pairedStats(
    Array.from({ length: 6 }, (_, i): [number, number] => [
      100 * (1 + i / 10),
      90 * (1 + i / 10) * (1 + (i % 3) / 100),
    ]),
  );
  assert.equal(slow.call, 'lower');
  assert.ok(slow.hi < 1 && slow.lo > 0.85, `${slow.lo}–${slow.hi}`);
  assert.equal(pairedStats([[1, 2]]).sameBy, 'n', 'one block has no interval');
  // Fewer than 6 pairs: no rank test (it could not reach 0.05); the t-interval alone decides.
  const three = pairedStats(Array.from({ length: 3 }, (_, i): [number, number] => [100 + i, 200 + i]));
  assert.deepEqual([three.call, three.p], ['higher', null], 'three runs 2x apart, every one: called');
  const loose = pairedStats([
    [100, 60],
    [100, 190],
    [100, 80],
  ]);
  assert.deepEqual([loose.call, loose.sameBy], ['same', 'few'], 'three runs that disagree: the interval holds 1');
});

test('alternating blocks: A B C | C B A | A B C; a warm-up window is steady within 10 %', () => {
  assert.deepEqual(
    [0, 1, 2].map((b) => blockOrder(['a', 'b', 'c'], b).join('')),
    ['abc', 'cba', 'abc'],
  );
  // The baseline in the middle, the others in their order around it; absent: the order given.
  const named = (...n: string[]) => n.map((name) => ({ name }));
  const order = (libs: string[], base: string) =>
    sideOrder(named(...libs), base)
      .map((l) => l.name)
      .join(' ');
  assert.equal(order(['ws', 'a', 'b', 'c', 'd'], 'ws'), 'a b ws c d');
  assert.equal(order(['a', 'b', 'ws', 'c'], 'ws'), 'a ws b c');
  assert.equal(order(['a', 'ws'], 'ws'), 'a ws', 'two: A B | B A, adjacent in any order');
  assert.equal(order(['x@head', 'x@base', 'x@aa'], 'ws'), 'x@head x@base x@aa', 'no baseline among them');
  assert.deepEqual(steady([100, 108]).steady, true);
  assert.deepEqual(steady([100, 130]).steady, false);
  assert.deepEqual(steady([100]).steady, false, 'one second shows no trend');
});

/** A throughput bench of two libraries measured in `n` blocks: `fast` runs `factor` times ws. */
function bench(factor: number, opts: { n?: number; jitter?: number; flag?: 'client' | 'pacing' } = {}): Report {
  const fixture = Report.parse(JSON.parse(readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8')));
  const { schema: _s, version: _v, scenarios: _sc, runs: _r, summaries: _su, highlights: _h, ...rest } = fixture;
  const meta = { ...rest, options: { ...rest.options, libraries: ['ws', 'fast'] }, libraries: [] } as ReportMeta;
  const runs: RunResult[] = [];
  const c = { id: 'p1024', label: '1 KiB', params: { payload: 1024 } };
  for (let rep = 0; rep < (opts.n ?? 6); rep++) {
    // Drift moves both windows of a block alike, by up to 2x over the case.
    const drift = 1 + rep / 6;
    const noise = opts.jitter ?? 0.01;
    for (const [library, f] of [
      ['ws', 1],
      ['fast', factor * (1 + (rep % 2 ? noise : -noise))],
    ] as const) {
      runs.push({
        library,
        scenario: 'throughput',
        case: c,
        rep,
        startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, rep * 4 + (library === 'ws' ? 0 : 2))).toISOString(),
        status: 'completed',
        warnings: [],
        stats: {
          metrics: { msgsPerSec: 50_000 * drift * f },
          histograms: {},
          clientBound: opts.flag === 'client' && library === 'fast',
          ...(opts.flag === 'pacing' ? { pacingBound: true } : {}),
        },
      });
    }
  }
  return buildReport(meta, [SCENARIOS.throughput], runs);
}

test('At a glance crowns a leader that beat the runner-up in every block beyond noise', () => {
  const [lead] = leaders(bench(1.2));
  assert.equal(lead!.noLeader, null);
  assert.equal(lead!.leader.library, 'fast');
  assert.match(leadText(lead!), /^1\.20x faster \[1\.1\d–1\.2\d\] than ws/);
  const report = bench(1.2);
  assert.equal(report.comparisons?.[0]?.verdict, 'better', 'report.json carries the interval and the call');
  assert.ok(report.comparisons![0]!.lo! > 1);
});

test('At a glance crowns no leader on a pacing-bound or client-bound row, nor within noise', () => {
  for (const [name, report, why] of [
    ['pacing-bound', bench(1.2, { flag: 'pacing' }), /fast is pacing-bound, ws is pacing-bound: .* our send lag/],
    ['client-bound', bench(1.2, { flag: 'client' }), /fast is client-bound: .* our load generator/],
    ['within noise', bench(1.02), /fast and ws ~ same \(1\.0\d–1\.0\dx reaches into ±2 %, p=/],
    [
      'too few blocks',
      bench(1.2, { n: 3, jitter: 0.15 }),
      /(?:fast and ws|ws and fast) ~ same \(.*n=3; the rank test needs 6\)/,
    ],
    ['noisy blocks', bench(1.1, { jitter: 0.2 }), /fast and ws ~ same \(.*p=0\.\d+, n=6\)/],
  ] as const) {
    const [lead] = leaders(report);
    assert.match(lead!.noLeader ?? '', why, name);
    assert.match(renderConsole(report), /throughput \[1 KiB\] msgs\/s: best median fast .*, no clear leader: /, name);
    assert.match(renderMarkdown(report), /\| no clear leader \|/, name);
    assert.match(renderHtml(report), /<td>no clear leader<\/td>/, name);
  }
});

test('the gate on windows side by side: a 10 % slowdown is worse, a steady 2.5 % A/A offset is not', () => {
  const blocks = (f: number): Array<[number, number]> =>
    Array.from({ length: 10 }, (_, i) => [1000 * (1 + i / 5), 1000 * (1 + i / 5) * f * (1 + ((i % 3) - 1) / 100)]);
  const evidence = (rounds: Array<[number, number]>, aa: number | null = null) => ({
    base: 1,
    head: 1,
    better: 'higher' as const,
    baseRuns: [],
    headRuns: [],
    rounds,
    summary: { base: { min: 1, max: 1, runs: 10 }, head: { min: 1, max: 1, runs: 10 } },
    floor: null,
    effect: { value: 0.05, why: 'the 5 % threshold' },
    windows: { aa },
  });
  const slow = decide({ ...evidence(blocks(0.9)), head: 0.9 });
  assert.deepEqual([slow.verdict, slow.rule], ['worse', 'windows']);
  assert.match(slow.why, /^-10\.\d % \(95 % -1\d\.\d % to -\d\.\d %\), signed-rank p = 0\.0020 over 10 blocks/);
  const offset = decide({ ...evidence(blocks(1.025)), head: 1.025 });
  assert.deepEqual([offset.verdict, offset.rule], ['same', 'windows']);
  // A second copy of the base moved 6 % in the same bench: a 10 % change passes the larger of
  // 5 % and 6 %, a 5.5 % change does not (it passes the threshold, not what identical code did).
  const noisy = decide({ ...evidence(blocks(0.9), -0.06), head: 0.9 });
  assert.equal(noisy.verdict, 'worse');
  assert.match(noisy.why, /beyond the 5 % threshold and the 6\.0 % A\/A change/);
  const within = decide({ ...evidence(blocks(0.945), -0.06), head: 0.945 });
  assert.equal(within.verdict, 'same');
  assert.match(within.why, /is within the 5 % threshold and the 6\.0 % A\/A change/);
  // A 6 % change, every block one way (p = 0.002), but noisy blocks: its interval reaches into
  // ±2 %, closer than which identical server processes are not told apart, so it is not called.
  const loose = Array.from({ length: 10 }, (_, i): [number, number] => [1000, 940 * (i % 2 ? 1.06 : 0.94)]);
  const wide = decide({ ...evidence(loose), head: 0.94 });
  assert.equal(wide.verdict, 'same');
  assert.match(
    wide.why,
    /^-6\.\d % \(95 % -1\d\.\d % to -1\.\d %\): the interval reaches into ±2\.0 %, closer than which identical/,
  );
  // Identical code that moved 3 %: the 5 % threshold is the bar.
  const calm = decide({ ...evidence(blocks(0.94), -0.03), head: 0.94 });
  assert.equal(calm.verdict, 'worse');
});

test('a case side by side: warm-ups until steady, then blocks in alternating order, the unsteady flagged', async () => {
  const libs = [{ name: 'a' }, { name: 'b' }] as unknown as PlannedLibrary[];
  const ps = {
    scenario: SCENARIOS.throughput,
    options: { params: {}, warmupMs: 2000, durationMs: 3000, quick: false },
    cases: [],
  };
  const seen: string[] = [];
  const done = (library: string, rep: number, timeline: number[]): RunResult => ({
    library,
    scenario: 'throughput',
    case: { id: 'x', label: 'x', params: {} },
    rep,
    startedAt: '',
    status: 'completed',
    warnings: [],
    stats: { metrics: {}, histograms: {}, timeline, clientBound: false },
  });
  await runCaseSideBySide(
    libs,
    ps,
    { blocks: 3, windowMs: 1000, settleMs: 500 },
    {
      // `a` is steady at once; `b` keeps climbing 50 % within every warm-up window.
      warmup: async (lib, timed, rep) => {
        seen.push(`warmup ${lib.name} ${timed.options.warmupMs}+${timed.options.durationMs}`);
        return done(lib.name, rep, lib.name === 'a' ? [100, 101] : [100, 150]);
      },
      window: async (lib, timed, rep, notes) => {
        seen.push(
          `${lib.name}${rep} ${timed.options.warmupMs}+${timed.options.durationMs}${notes.length ? ' flagged' : ''}`,
        );
        return done(lib.name, rep, []);
      },
      failed: async () => assert.fail('no warm-up window errored'),
    },
  );
  assert.deepEqual(seen, [
    'warmup a 500+2000',
    // `b` never gets steady: it takes every warm-up window there is, then its windows are flagged.
    ...Array.from({ length: MAX_WARMUPS }, () => 'warmup b 500+2000'),
    'a0 500+1000',
    'b0 500+1000 flagged',
    'b1 500+1000 flagged',
    'a1 500+1000',
    'a2 500+1000',
    'b2 500+1000 flagged',
  ]);
});

test('a warm-up window that errors (a wrong echo) is the library’s row of the case: recorded once, no windows', async () => {
  const libs = [{ name: 'a' }, { name: 'b' }] as unknown as PlannedLibrary[];
  const ps = { scenario: { name: 'latency' }, options: { warmupMs: 0, durationMs: 0 } } as unknown as PlannedScenario;
  const seen: string[] = [];
  const row = (library: string, rep: number, status: 'completed' | 'errored'): RunResult =>
    (status === 'completed'
      ? {
          library,
          scenario: 'latency',
          case: { id: 'x', label: 'x', params: {} },
          rep,
          startedAt: '',
          status,
          warnings: [],
          stats: { metrics: {}, histograms: {}, timeline: [100, 100], clientBound: false },
        }
      : {
          library,
          scenario: 'latency',
          case: { id: 'x', label: 'x', params: {} },
          rep,
          startedAt: '',
          status,
          error: { code: 'EECHO', message: 'duplicated echo' },
        }) as RunResult;
  await runCaseSideBySide(
    libs,
    ps,
    { blocks: 2, windowMs: 1000, settleMs: 500 },
    {
      warmup: async (lib, _t, rep) => row(lib.name, rep, lib.name === 'b' ? 'errored' : 'completed'),
      window: async (lib, _t, rep) => {
        seen.push(`${lib.name}${rep}`);
        return row(lib.name, rep, 'completed');
      },
      failed: async (lib, _t, result) => {
        seen.push(`${lib.name} failed ${result.rep} ${result.status === 'errored' ? result.error.code : ''}`);
        return result;
      },
    },
  );
  assert.deepEqual(seen, ['b failed 0 EECHO', 'a0', 'a1']);
});

test('a memory figure is not barred by the client-bound flag (it limits rates and times, not memory)', () => {
  const report = bench(1.2, { flag: 'client' });
  const memory = { key: 'msgsPerSec', label: 'RSS per conn', unit: 'KiB', better: 'higher' as const };
  const scenarios = report.scenarios.map((s) => ({
    ...s,
    metrics: s.metrics.map((m) => (m.key === 'msgsPerSec' ? { ...m, ...memory } : m)),
  }));
  const [lead] = leaders({ ...report, scenarios });
  assert.equal(lead!.noLeader, null, 'the leader beat the runner-up in every block');
});
