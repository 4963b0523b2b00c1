/**
 * Writer and reader agree: whatever bench writes, `report` and `compare` read back. A zero
 * median (idle CPU) has a defined spread, a non-finite metric is left out with a warning rather
 * than written as null, and the writer refuses a non-finite number anywhere else. Last, a real
 * short bench of every scenario, with an errored and a skipped library, read back by both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildReport, type ReportMeta } from '../runner/aggregate.js';
import { finiteJson, NonFiniteError } from '../runner/finite.js';
import { writeReports } from '../runner/outputs.js';
import { Report, type RunResult } from '../runner/report/schema.js';
import { renderJson } from '../runner/report/json.js';
import { ResultsStore, readRuns } from '../runner/store.js';
import { SCENARIOS, SCENARIO_NAMES } from '../scenarios/index.js';
import { CLI, ROOT } from './helpers/bench.js';
import { tempDir } from './helpers/tmp.js';
import { REGISTER_MODULE } from './helpers/register.js';

const exec = promisify(execFile);
async function cli(args: string[], timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      timeout,
      maxBuffer: 64 << 20,
      env: { ...process.env, WSBENCH_TEST_ADAPTERS: '1', WSBENCH_REGISTER: REGISTER_MODULE },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

const fixture = (): Report =>
  Report.parse(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/compare-base.json'), 'utf8')));

/** The fixture's runs rebuilt through buildReport after `patch` changed them. */
function rebuilt(patch: (runs: RunResult[]) => void): Report {
  const f = fixture();
  const { schema: _s, version: _v, scenarios, runs, summaries: _m, highlights: _h, ...meta } = f;
  patch(runs);
  return buildReport(
    meta as ReportMeta,
    scenarios.map((s) => SCENARIOS[s.name as keyof typeof SCENARIOS]),
    runs,
  );
}

const setMetric = (runs: RunResult[], scenario: string, library: string, key: string, values: number[]): void => {
  for (const r of runs)
    if (r.status === 'completed' && r.scenario === scenario && r.library === library)
      r.stats.metrics[key] = values[r.rep];
};

test('a zero median has an absolute spread; a non-finite metric is left out with a warning', () => {
  const report = rebuilt((runs) => {
    setMetric(runs, 'latency', 'ws', 'serverCpuPct', [0, 0.4, 0]);
    setMetric(runs, 'latency', 'uwebsockets', 'serverCpuPct', [0, 0, 0]);
    setMetric(runs, 'latency', 'sockjs', 'serverCpuPct', [Number.NaN, 2, Number.POSITIVE_INFINITY]);
    setMetric(runs, 'latency', 'sockjs', 'serverRssMiB', [Number.NaN, Number.NaN, Number.NaN]);
  });
  const sum = (lib: string) => report.summaries.find((s) => s.scenario === 'latency' && s.library === lib)!;
  assert.deepEqual(sum('ws').metrics.serverCpuPct, {
    median: 0,
    min: 0,
    max: 0.4,
    spread: 0.4,
    spreadKind: 'absolute',
    noisy: true,
  });
  assert.deepEqual(sum('uwebsockets').metrics.serverCpuPct, { median: 0, min: 0, max: 0, spread: 0, noisy: false });
  assert.equal(sum('sockjs').metrics.serverCpuPct.median, 2, 'the finite run counts');
  assert.equal(sum('sockjs').metrics.serverRssMiB, undefined, 'no finite value: left out, not null');
  assert.ok(
    sum('sockjs').warnings?.some((w) => /serverCpuPct was not a finite number \(NaN\): left out/.test(w)),
    JSON.stringify(sum('sockjs').warnings),
  );
  const back = Report.parse(JSON.parse(renderJson(report)));
  assert.equal(back.summaries.length, report.summaries.length);
});

test('the writer refuses NaN and Infinity anywhere, naming the path; runs.jsonl gets finite lines', () => {
  assert.throws(
    () => finiteJson({ a: [1, { b: Number.NaN }] }),
    (e: Error) => e instanceof NonFiniteError && /NaN at a\.1\.b/.test(e.message),
  );
  assert.throws(
    () =>
      renderJson({
        ...fixture(),
        highlights: [{ scenario: 'rate', library: 'ws', label: 'x', value: Infinity, unit: 'msg/s' }],
      }),
    NonFiniteError,
  );
  assert.equal(finiteJson({ a: 1, b: [null, 2] }), JSON.stringify({ a: 1, b: [null, 2] }));
  const store = new ResultsStore(tempDir('wsbench-finite-'));
  const run = structuredClone(fixture().runs.find((r) => r.status === 'completed')!);
  if (run.status === 'completed') run.stats.metrics.p50Us = Number.NaN;
  store.appendRun(run);
  const [line] = readRuns(store.runsFile) as RunResult[];
  assert.ok(line.status === 'completed' && !('p50Us' in line.stats.metrics));
  assert.ok(line.status === 'completed' && line.warnings.some((w) => w.startsWith('p50Us was not a finite number')));
  // A capacity probe's figures are cleaned the same way: the run is written, the figure named.
  const probed = structuredClone(fixture().runs.find((r) => r.status === 'completed')!);
  if (probed.status === 'completed')
    probed.stats.probes = [{ offered: 100, pass: true, figures: { p99Us: 10, clientBusyPct: Number.NaN } }];
  store.appendRun(probed);
  const second = (readRuns(store.runsFile) as RunResult[])[1];
  assert.ok(
    second.status === 'completed' &&
      second.stats.probes?.[0].figures.p99Us === 10 &&
      !('clientBusyPct' in second.stats.probes[0].figures),
  );
  assert.ok(
    second.status === 'completed' &&
      second.warnings.some((w) => w === 'probe at 100: clientBusyPct was not a finite number (NaN): left out'),
  );
});

test('a report with zero-median metrics round-trips through report and compare', async () => {
  const zero = rebuilt((runs) => {
    setMetric(runs, 'latency', 'ws', 'serverCpuPct', [0, 0.4, 0]);
    // A zero-median headline on both sides, and against a non-zero one.
    setMetric(runs, 'throughput', 'uwebsockets', 'msgsPerSec', [0, 10, 0]);
  });
  const other = rebuilt((runs) => setMetric(runs, 'latency', 'ws', 'serverCpuPct', [0, 0, 0.2]));
  const dirs = [zero, other].map((r) => {
    const store = new ResultsStore(tempDir('wsbench-zero-'));
    writeReports({ ...r, runId: store.runId }, store);
    return store.dir;
  });
  const rebuiltRun = await cli(['report', dirs[0]]);
  assert.equal(rebuiltRun.code, 0, rebuiltRun.stderr);
  assert.match(readFileSync(join(dirs[0], 'report.html'), 'utf8'), /absolute: the median is 0/);
  type Row = {
    verdict: string;
    rule?: string;
    why?: string;
    scenario: string;
    headLibrary: string;
    metric: string;
    note?: string;
  };
  const compare = async (b: string, h: string, code: number): Promise<Row[]> => {
    const c = await cli(['compare', b, h, '--metrics', 'primary', '--json']);
    assert.equal(c.code, code, c.stderr);
    const rows = (JSON.parse(c.stdout) as { rows: Row[] }).rows;
    for (const r of rows) {
      // n/a only where a side has no number: the case errored on the base, or the fixture lacks the metric.
      if (r.verdict === 'n/a')
        assert.match(
          `${r.rule}: ${r.note}`,
          /^(status: base errored|missing: no .+ on base)/,
          `${r.scenario}/${r.headLibrary}/${r.metric}`,
        );
      else assert.ok(r.rule && r.why, `${r.scenario}/${r.headLibrary}/${r.metric} names its rule`);
    }
    return rows;
  };
  const zeroRow = (rows: Row[]): Row =>
    rows.find((r) => r.scenario === 'throughput' && r.headLibrary === 'uwebsockets' && r.metric === 'msgsPerSec')!;
  const same = zeroRow(await compare(dirs[0], dirs[0], 0));
  assert.deepEqual(
    [same.verdict, same.rule, same.why],
    ['same', 'floor', 'head and base are equal (0.0)'],
    'a zero median against itself',
  );
  assert.equal(zeroRow(await compare(dirs[0], dirs[1], 0)).verdict, 'better', 'from 0 to ~1M msg/s, every run beyond');
  const drop = zeroRow(await compare(dirs[1], dirs[0], 1));
  assert.deepEqual([drop.verdict, drop.rule], ['worse', 'separation'], 'to a zero median: -100 %, a regression');
});

test(
  'a real bench of every scenario, with errored and skipped rows, reads back in report and compare',
  { timeout: 240_000 },
  async () => {
    const out = tempDir('wsbench-every-');
    const args = [
      'bench',
      '--quick',
      '--scenario',
      SCENARIO_NAMES.join(','),
      '--lib',
      'ws,test-crash',
      '--duration',
      '0.3',
      '--warmup',
      '0',
      '--runs',
      '1',
      '--connections',
      '200',
      '--out',
      out,
    ];
    const bench = await cli(args, 200_000);
    assert.equal(bench.code, 2, `a library errored: exit 2\n${bench.stderr.slice(-2000)}`);
    const [dir] = readdirSync(out).map((d) => join(out, d));
    const report = Report.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    const statuses = new Set(report.summaries.map((s) => s.status));
    assert.deepEqual([...statuses].sort(), ['completed', 'errored', 'skipped'], 'every kind of row');
    assert.deepEqual(
      [...new Set(report.summaries.map((s) => s.scenario))].sort(),
      [...SCENARIO_NAMES].sort(),
      'every scenario',
    );
    const conns = report.summaries.find(
      (s) => s.scenario === 'connections' && s.library === 'ws' && s.status === 'completed',
    );
    assert.ok(conns, 'the idle connections window');
    // Who limited the handshakes: both processes' CPU over the ramp, not only the idle window's.
    const ramp = [conns.metrics.rampServerCpuPct?.median, conns.metrics.rampClientCpuPct?.median];
    assert.ok(
      ramp.every((v) => v !== undefined && v >= 0 && v <= 110),
      `ramp CPU server/loadgen ${ramp}`,
    );
    for (const line of readFileSync(join(dir, 'runs.jsonl'), 'utf8').trim().split('\n'))
      assert.ok(!/\bnull\b|NaN|Infinity/.test(line.replace(/"[^"]*"/g, '""')), line);
    const rebuiltRun = await cli(['report', dir]);
    assert.equal(rebuiltRun.code, 0, rebuiltRun.stderr);
    const c = await cli(['compare', dir, dir, '--metrics', 'primary']);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /no regression/);
  },
);
