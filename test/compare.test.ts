/**
 * The regression gate on hand-written reports (test/fixtures/compare-*.json): a report against
 * itself is `same` everywhere (exit 0); a 30 % slower head is `worse` (exit 1); a difference
 * inside the measured noise is `same`; one run per side falls back to a labelled assumed noise;
 * two libraries of one report are compared pair by pair. The CLI is run for real for exit codes,
 * $GITHUB_STEP_SUMMARY and --markdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Report } from '../runner/report/schema.js';
import { aggregate } from '../runner/stats.js';
import { UsageError } from '../runner/errors.js';
import { compareReports, compareWithin, gateExitCode, type CompareRow } from '../runner/compare/compare.js';
import { decide, roundsAgainstAa, type Evidence } from '../runner/compare/rules.js';
import { absoluteFloor, minEffect } from '../runner/compare/floors.js';
import { UNKNOWN_NOISE } from '../runner/compare/noise.js';
import { renderCompareMarkdown } from '../runner/compare/markdown.js';
import { parseThreshold } from '../runner/compare/command.js';
import { tempDir } from './helpers/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mkdtempSync = tempDir;
const fixturePath = (name: string): string => join(root, 'test/fixtures', `compare-${name}.json`);
const load = (name: string): Report => Report.parse(JSON.parse(readFileSync(fixturePath(name), 'utf8')));

function row(rows: CompareRow[], scenario: string, library: string, metric?: string): CompareRow {
  const r = rows.find(
    (x) => x.scenario === scenario && x.headLibrary === library && (metric ? x.metric === metric : x.headline),
  );
  assert.ok(
    r,
    `no row ${scenario}/${library}/${metric ?? 'headline'} in ${rows.map((x) => `${x.scenario}/${x.headLibrary}/${x.metric}`).join(', ')}`,
  );
  return r;
}

/** The report as if it had run once: rep 0 only, summaries re-aggregated from that run. */
function singleRun(report: Report, patch: (r: Report) => void = () => {}): Report {
  const r = structuredClone(report);
  r.runs = r.runs.filter((x) => x.rep === 0);
  r.options.runs = 1;
  patch(r);
  for (const s of r.summaries) {
    const run = r.runs.find((x) => x.scenario === s.scenario && x.case.id === s.case.id && x.library === s.library);
    if (run?.status !== 'completed') continue;
    s.runsCompleted = s.runsTotal = 1;
    for (const [k, v] of Object.entries(run.stats.metrics)) s.metrics[k] = aggregate([v]);
  }
  return Report.parse(r);
}

const cli = promisify(execFile);
async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await cli(process.execPath, [join(root, 'dist/runner/cli.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

test('every compare fixture is a valid Report', () => {
  const names = readdirSync(join(root, 'test/fixtures')).filter(
    (f) => /^compare-.*\.json$/.test(f) && !f.includes('.schema.'),
  );
  assert.ok(names.length >= 4, names.join(', '));
  for (const f of names) {
    const parsed = Report.safeParse(JSON.parse(readFileSync(join(root, 'test/fixtures', f), 'utf8')));
    assert.ok(parsed.success, `${f}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 2))}`);
  }
});

test('a report compared with itself is the same everywhere, exit 0', () => {
  const base = load('base');
  const c = compareReports(base, base);
  assert.equal(c.rows.length, 6);
  for (const r of c.rows) {
    if (r.verdict === 'n/a')
      assert.match(r.note ?? '', /base errored/, 'only the case that errored on the base is n/a');
    else assert.deepEqual([r.scenario, r.headLibrary, r.verdict, r.change], [r.scenario, r.headLibrary, 'same', 0]);
  }
  assert.equal(c.rows.filter((r) => r.verdict === 'same').length, 5);
  assert.equal(gateExitCode(c), 0);
  assert.deepEqual([c.onlyInBase, c.onlyInHead, c.warnings], [[], [], []]);
});

test('a 30 % slower head is worse (exit 1); a 30 % lower latency is better', () => {
  const c = compareReports(load('base'), load('head-slower'), { threshold: 0.05 });
  const thr = row(c.rows, 'throughput', 'ws');
  assert.equal(thr.verdict, 'worse');
  assert.ok(Math.abs(thr.change! + 0.3) < 1e-9, String(thr.change));
  assert.ok(Math.abs(thr.gain! - 0.7) < 1e-9, 'msgs/s gain is head/base');
  assert.equal(thr.noise?.kind, 'unpaired');
  assert.ok(thr.noise!.value > 0.03 && thr.noise!.value < 0.05, `measured noise ${thr.noise!.value}`);
  const lat = row(c.rows, 'latency', 'ws');
  assert.equal(lat.verdict, 'better', 'p50 fell: lower is better');
  assert.ok(lat.gain! > 1.4, 'latency gain is base/head');
  for (const lib of ['uwebsockets', 'sockjs']) assert.equal(row(c.rows, 'latency', lib).verdict, 'same');
  assert.equal(gateExitCode(c), 1);
  // A threshold above the change silences it: both bars must be passed.
  assert.equal(
    row(compareReports(load('base'), load('head-slower'), { threshold: 0.35 }).rows, 'throughput', 'ws').verdict,
    'same',
  );
});

test('a difference inside the measured noise is the same', () => {
  const c = compareReports(load('base'), load('head-noisy'));
  const r = row(c.rows, 'throughput', 'ws');
  assert.ok(r.change! < -0.1, `the change (${r.change}) is beyond the 5 % threshold`);
  assert.ok(r.noise!.value > Math.abs(r.change!), `but inside the noise (${r.noise!.value})`);
  assert.equal(r.verdict, 'same');
  assert.equal(gateExitCode(c), 0);
});

test('without per-run data the noise comes from the summaries: same verdicts', () => {
  const strip = (r: Report): Report => ({ ...r, runs: [] });
  for (const head of ['head-slower', 'head-noisy']) {
    const full = compareReports(load('base'), load(head));
    const stripped = compareReports(strip(load('base')), strip(load(head)));
    assert.deepEqual(
      stripped.rows.map((r) => r.verdict),
      full.rows.map((r) => r.verdict),
      head,
    );
    assert.ok(stripped.rows.every((r) => r.noise === null || r.noise.kind === 'unpaired'));
  }
});

test('one run per side: noise unknown, bar = threshold + assumed noise, labelled', () => {
  const base = singleRun(load('base'));
  const tenPctSlower = singleRun(load('base'), (r) => {
    for (const run of r.runs)
      if (run.status === 'completed' && run.scenario === 'throughput' && run.library === 'ws')
        run.stats.metrics.msgsPerSec *= 0.9;
  });
  const r = row(compareReports(base, tenPctSlower).rows, 'throughput', 'ws');
  assert.equal(r.noise?.kind, 'unknown');
  assert.equal(r.noise?.value, UNKNOWN_NOISE);
  assert.ok(Math.abs(r.bar! - (0.05 + UNKNOWN_NOISE)) < 1e-12);
  assert.equal(r.verdict, 'same', '-10 % is inside 5 % + 10 % assumed');
  assert.match(renderCompareMarkdown(compareReports(base, tenPctSlower)), /unknown \(1\/1 runs\), assumed 10\.0 %/);
  const slower = row(compareReports(base, singleRun(load('head-slower'))).rows, 'throughput', 'ws');
  assert.deepEqual([slower.noise?.kind, slower.verdict], ['unknown', 'worse']);
});

/** Evidence for decide(): medians from the runs, no floor, the 5 % threshold. */
function evidence(baseRuns: number[], headRuns: number[], o: Partial<Evidence> = {}): Evidence {
  const mm = (v: number[]) => ({ min: Math.min(...v), max: Math.max(...v), runs: v.length });
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
  return {
    base: med(baseRuns),
    head: med(headRuns),
    better: 'higher',
    baseRuns,
    headRuns,
    rounds: null,
    summary: { base: mm(baseRuns), head: mm(headRuns) },
    floor: null,
    effect: { value: 0.05, why: 'the 5 % threshold' },
    ...o,
  };
}

test('decide: each rule in order, and the rule that decided is named', () => {
  const d = (b: number[], h: number[], o?: Partial<Evidence>) => decide(evidence(b, h, o));
  assert.deepEqual(
    [d([100, 101, 99], [95.5, 96, 95]).verdict, d([100, 101, 99], [95.5, 96, 95]).rule],
    ['same', 'min-effect'],
    '-4 % is within 5 %',
  );
  assert.deepEqual(
    [d([100, 120, 90], [80, 110, 85]).verdict, d([100, 120, 90], [80, 110, 85]).rule],
    ['same', 'noise'],
    '-15 % within a 30 % spread',
  );
  const drift = d([100, 101, 99], [88, 89, 87]);
  assert.deepEqual(
    [drift.verdict, drift.rule],
    ['same', 'noise'],
    '-12 %: within 5 % plus 10 % assumed drift between two sessions',
  );
  assert.match(drift.why, /assumed 10\.0 % drift between two sessions/);
  const overlap = d([80, 100, 100], [50, 50, 80]);
  assert.deepEqual([overlap.verdict, overlap.rule], ['same', 'separation'], 'beyond the spread, but the runs overlap');
  const worse = d([100, 102, 99], [80, 82, 79]);
  assert.deepEqual([worse.verdict, worse.rule], ['worse', 'separation']);
  assert.match(worse.why, /every head run beyond every base run \(one-sided p = 0\.050\)/);
  assert.equal(
    d([100, 102, 99], [80, 82, 79], { better: 'lower' }).verdict,
    'better',
    'lower is better: down is better',
  );
  const floor = d([0.5, 0.51, 0.49], [0.7, 0.69, 0.71], { floor: { value: 0.5, why: '0.5 KiB per connection' } });
  assert.deepEqual([floor.verdict, floor.rule], ['same', 'floor'], '+40 % but 0.2 KiB: within the floor');
  const one = d([100], [80]);
  assert.deepEqual(
    [one.verdict, one.rule, one.noise?.kind],
    ['worse', 'assumed-noise', 'unknown'],
    '-20 % beyond 5 % + 10 % assumed',
  );
  assert.equal(d([100], [88]).verdict, 'same', '-12 % within 5 % + 10 % assumed');
});

test('decide: rounds benched in turns must all agree beyond the bar', () => {
  const rounds = (pairs: Array<[number, number]>) =>
    decide(
      evidence(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
        { rounds: pairs },
      ),
    );
  // The runs drift ±20 % between rounds, each round -10 %: pairing sees it, unpaired would not.
  const drift = rounds([
    [100, 90],
    [120, 108],
    [80, 72],
  ]);
  assert.deepEqual([drift.verdict, drift.rule, drift.noise?.kind], ['worse', 'rounds', 'paired']);
  assert.ok(Math.abs(drift.change! + 0.1) < 1e-9);
  const split = rounds([
    [100, 88],
    [100, 101],
    [100, 87],
  ]);
  assert.deepEqual([split.verdict, split.rule], ['same', 'noise'], 'one round disagrees: its spread covers the change');
  const weak = rounds([
    [100, 90],
    [100, 96],
    [100, 89],
  ]);
  assert.deepEqual([weak.verdict, weak.rule], ['same', 'rounds'], 'one round moved less than the 5 % bar');
  assert.match(weak.why, /not every round moved beyond 5\.0 %/);
  // Same-code (A/A) changes between adjacent runs of one side bound every round.
  const steady: Array<[number, number]> = [
    [100, 85],
    [100, 86],
    [100, 84],
  ];
  const withAa = (aa: number[]) =>
    decide(
      evidence(
        steady.map((p) => p[0]),
        steady.map((p) => p[1]),
        { rounds: steady, sameCode: aa },
      ),
    );
  assert.deepEqual(
    [withAa([0.02, -0.03]).verdict, withAa([0.02, -0.03]).rule],
    ['worse', 'rounds'],
    'A/A noise of 3 %: -15 % is called',
  );
  assert.deepEqual(
    [withAa([0.2, -0.03]).verdict, withAa([0.2, -0.03]).rule],
    ['same', 'noise'],
    'identical code moved 20 %: -15 % is not',
  );
  assert.equal(withAa([0.2, -0.03]).noise?.value, 0.2);
  assert.match(
    withAa([0.02, -0.03]).why,
    /chance of 2\.5 % \(over 0\.5 %: bench more rounds\)/,
    'three rounds cannot promise 1 in 100',
  );
});

test('decide: with five rounds, a rank test of the rounds against the A/A changes keeps identical code under 1 %', () => {
  // Three rounds above both A/A changes: the highest rank sum, 1 in 10, and all three one way, 1 in 4.
  const three = roundsAgainstAa([-0.15, -0.14, -0.16], [0.02, -0.03]);
  assert.deepEqual([three.w, three.p, three.bound, three.least], [12, 0.1, 0.025, 0.025]);
  // Five rounds ranked 3, 5, 6, 7, 9 of nine: 18 of the 126 ways rank as high (14 %), times 1/16.
  const five = roundsAgainstAa([-0.243, -0.149, -0.384, -0.121, -0.209], [0.086, 0.003, 0.246, 0.14]);
  assert.equal(five.w, 30);
  assert.ok(Math.abs(five.p - 18 / 126) < 1e-12 && five.bound <= 0.01, `p ${five.p}, bound ${five.bound}`);
  assert.equal(
    roundsAgainstAa([-0.1, -0.1], [0.1]).w,
    3,
    'a tie ranks the A/A change above the rounds (ranks 1 and 2, not 2 and 3)',
  );
  const run = (ratios: number[], aa: number[]) => {
    const pairs = ratios.map((r): [number, number] => [100, 100 * (1 + r)]);
    return decide(
      evidence(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
        { rounds: pairs, sameCode: aa },
      ),
    );
  };
  // Rank sum 30 gives 0.89 %: under the goal, but not under the half of it the rank test must
  // meet (its rounds and A/A changes share runs, which the bound does not count).
  const near = run([-0.243, -0.149, -0.384, -0.121, -0.209], [0.086, 0.003, 0.246, 0.14]);
  assert.deepEqual([near.verdict, near.rule], ['same', 'noise'], near.why);
  assert.match(near.why, /rank sum 30, chance 14 %; with every round one way 0\.89 %, over 0\.50 %$/);
  // Ranks 4, 5, 7, 8, 9: 4 of the 126 ways rank as high.
  const caught = run([-0.309, -0.159, -0.216, -0.245, -0.32], [-0.087, 0.228, -0.02, -0.01]);
  assert.deepEqual([caught.verdict, caught.rule], ['worse', 'rounds'], caught.why);
  assert.match(caught.why, /rank sum 33, chance 3\.2 %: identical code does this with a chance of 0\.20 %$/);
  assert.equal(caught.bar, 0.05, 'the bar |change| had to pass is the minimum effect: the rank test decided the rest');
  const shy = run([-0.07, -0.06, -0.08, -0.2, -0.09], [0.1, -0.05, 0.12, 0.02]);
  assert.deepEqual([shy.verdict, shy.rule], ['same', 'noise'], 'rounds no larger than identical code moved');
  assert.match(shy.why, /over 0\.50 %$/);
  const against = run([-0.2, -0.25, -0.3, 0.01, -0.22], [0.1, -0.05, 0.12, 0.02]);
  assert.deepEqual([against.verdict, against.rule], ['same', 'rounds'], 'one round moved the other way');
});

test('floors and minimum effects come from what is measured', () => {
  const report = load('base');
  const c = { id: 'n1000', label: '1000 connections', params: { connections: 1000 } };
  const m = (key: string, unit: string) => ({ key, label: key, unit, better: 'lower' as const });
  assert.equal(
    absoluteFloor(m('kibPerConnRss', 'KiB'), c, report)?.value,
    0.512,
    'two 256 KiB heap pages over 1000 connections',
  );
  assert.equal(
    absoluteFloor(m('serverCpuPct', '%'), c, { ...report, options: { ...report.options, durationMs: 1000 } })?.value,
    2,
    'two 10 ms ticks in 1 s',
  );
  assert.equal(absoluteFloor(m('deliveredPct', '%'), c, report), null, 'a share of messages is counted exactly');
  assert.equal(absoluteFloor(m('msgsPerSec', 'msg/s'), c, report), null);
  assert.equal(minEffect(m('p99Us', 'µs'), 0.05).value, 0.25);
  assert.equal(minEffect(m('p50Us', 'µs'), 0.05).value, 0.1);
  assert.equal(minEffect(m('msgsPerSec', 'msg/s'), 0.05).value, 0.05);
  assert.equal(minEffect(m('p99Us', 'µs'), 0.3).value, 0.3, 'a larger threshold wins');
});

test('within one report: two copies of a library compared pair by pair', () => {
  const report = load('within');
  const c = compareWithin(report, 'ws', 'ws@next', { metrics: 'primary' });
  assert.equal(c.mode, 'within');
  const thr = row(c.rows, 'throughput', 'ws@next');
  // Each repetition's ws@next is 0.9 of the ws run beside it, while the runs drift ±20 %:
  // pairing sees a clean -10 %, where unpaired spreads (40 %) would hide it.
  assert.equal(thr.noise?.kind, 'paired');
  assert.ok(thr.noise!.value < 1e-9);
  assert.ok(Math.abs(thr.change! + 0.1) < 1e-9);
  assert.equal(thr.verdict, 'worse');
  assert.equal(row(c.rows, 'throughput', 'ws@next', 'mbPerSec').verdict, 'worse');
  assert.equal(row(c.rows, 'latency', 'ws@next').verdict, 'same', '+1 % is under the threshold');
  assert.equal(gateExitCode(c), 1);
  assert.throws(
    () => compareWithin(report, 'ws', 'ws@nope'),
    (e: Error) => e instanceof UsageError && /--head ws@nope is not in the report/.test(e.message),
  );
});

test('a head that errored where the base ran is a run error (exit 2)', () => {
  const head = structuredClone(load('head-slower'));
  const s = head.summaries.find((x) => x.scenario === 'latency' && x.library === 'uwebsockets')!;
  Object.assign(s, {
    status: 'errored',
    runsCompleted: 0,
    metrics: {},
    errors: ['run 1: the server exited with code 1 [ESERVER_EXIT]'],
  });
  const c = compareReports(load('base'), Report.parse(head));
  const r = row(c.rows, 'latency', 'uwebsockets');
  assert.deepEqual([r.verdict, r.headFailed], ['n/a', true]);
  assert.equal(gateExitCode(c), 2);
  assert.match(renderCompareMarkdown(c), /the head errored in 1 case/);
});

test('Markdown: verdict first, regressions on top, table cells escaped', () => {
  const [base, head] = [structuredClone(load('base')), structuredClone(load('head-slower'))];
  for (const s of [...base.summaries, ...head.summaries]) if (s.scenario === 'throughput') s.case.label = 'a|b <i>';
  const md = renderCompareMarkdown(compareReports(Report.parse(base), Report.parse(head)));
  const lines = md.split('\n');
  assert.match(lines.find((l) => l.startsWith('**')) ?? '', /regression: 1 metric\(s\) worse/);
  const firstRow = lines.findIndex((l) => l.startsWith('| throughput') || l.startsWith('| latency'));
  assert.match(lines[firstRow], /\| ws \|.*🔴 worse/);
  assert.ok(md.includes('a\\|b &lt;i&gt;'), 'pipes and tags in labels are escaped');
  assert.ok(
    lines.filter((l) => l.startsWith('| ')).every((l) => l.split(/(?<!\\)\|/).length === 11),
    'every row has 9 cells',
  );
});

test('parseThreshold reads percentages', () => {
  assert.equal(parseThreshold('5'), 0.05);
  assert.equal(parseThreshold('2.5%'), 0.025);
  assert.equal(parseThreshold(undefined), 0.05);
  assert.throws(() => parseThreshold('five'), UsageError);
  assert.throws(() => parseThreshold('-1'), UsageError);
});

test('CLI: exit codes 0, 1, 2; Markdown appended to $GITHUB_STEP_SUMMARY and written by --markdown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsbench-compare-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const same = await runCli(['compare', fixturePath('base'), fixturePath('base')], { GITHUB_STEP_SUMMARY: summary });
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /no regression/);
  const md = join(dir, 'comment.md');
  const worse = await runCli(
    ['compare', fixturePath('base'), fixturePath('head-slower'), '--threshold', '5', '--markdown', md],
    { GITHUB_STEP_SUMMARY: summary },
  );
  assert.equal(worse.code, 1, worse.stderr);
  const appended = readFileSync(summary, 'utf8');
  assert.ok(appended.startsWith('# earlier step\n'), 'the summary file is appended to, not replaced');
  assert.equal(appended.split('## wsbench: base vs head').length, 3);
  assert.match(readFileSync(md, 'utf8'), /🔴 worse/);
  const within = await runCli([
    'compare',
    '--within',
    fixturePath('within'),
    '--base',
    'ws',
    '--head',
    'ws@next',
    '--json',
  ]);
  assert.equal(within.code, 1, within.stderr);
  assert.equal((JSON.parse(within.stdout) as { mode: string }).mode, 'within');
  for (const bad of [
    ['compare', fixturePath('base')],
    ['compare', fixturePath('base'), join(dir, 'missing.json')],
    ['compare', fixturePath('base'), fixturePath('base'), '--threshold', 'x'],
    ['compare', '--within', fixturePath('within'), '--base', 'ws'],
  ]) {
    const r = await runCli(bad);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^wsbench: error: .+\n$/, 'one line naming the problem');
  }
});
