/**
 * Reporters on hand-built runs: a pacing-bound run is flagged in every format (console, Markdown,
 * HTML, JSON summary), and a capacity search gets its table, every probe in report.json and a
 * latency-versus-offered-load chart per library with the capacity marked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Report, type RunResult } from '../runner/report/schema.js';
import { buildReport, type ReportMeta } from '../runner/aggregate.js';
import { DEFAULT_SCENARIOS, SCENARIOS } from '../scenarios/index.js';
import { renderConsole } from '../runner/report/console.js';
import { renderMarkdown } from '../runner/report/markdown.js';
import { renderHtml } from '../runner/report/html.js';
import { buildChartSpecs } from '../runner/report/html-charts.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function meta(): ReportMeta {
  const r = Report.parse(JSON.parse(readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8')));
  const { schema: _s, version: _v, scenarios: _sc, runs: _r, summaries: _su, highlights: _h, ...rest } = r;
  return { ...rest, options: { ...rest.options, libraries: ['ws', 'uwebsockets'], baselineLib: 'ws' } } as ReportMeta;
}

const done = (
  library: string,
  scenario: string,
  c: RunResult['case'],
  stats: Extract<RunResult, { status: 'completed' }>['stats'],
): RunResult => ({
  status: 'completed',
  library,
  scenario,
  case: c,
  rep: 0,
  startedAt: '',
  warnings: [],
  stats,
});

test('pacing-bound: flagged in the summary, console, Markdown and HTML; a clean run is not', () => {
  const c = { id: 'r1000', label: '1000 msg/s over 1 conn', params: { rate: 1000, connections: 1, payload: 32 } };
  const runs = [
    done('ws', 'rate', c, {
      metrics: { p99Us: 100, sendLagP99Us: 5000 },
      histograms: {},
      clientBound: false,
      pacingBound: true,
    }),
    done('uwebsockets', 'rate', c, {
      metrics: { p99Us: 90, sendLagP99Us: 2 },
      histograms: {},
      clientBound: false,
      pacingBound: false,
    }),
  ];
  const report = buildReport(meta(), [SCENARIOS.rate], runs);
  const by = (lib: string) => report.summaries.find((s) => s.library === lib)!;
  assert.equal(by('ws').pacingBound, true);
  assert.equal(by('uwebsockets').pacingBound, false);
  const line = (text: string, lib: string) =>
    text.split('\n').find((l) => l.includes(lib) && /\d/.test(l) && !l.includes('p99:'))!;
  assert.match(line(renderConsole(report), 'ws (baseline)'), /\[pacing-bound\]/);
  assert.doesNotMatch(line(renderConsole(report), 'uwebsockets  '), /pacing-bound/);
  assert.match(renderConsole(report), /\[pacing-bound\] the load generator's sends left late/);
  assert.match(renderMarkdown(report), /\| ws \(baseline\) ⚠️ pacing-bound \|/);
  assert.match(renderHtml(report), /<span class="badge flag-pacing-bound"/);
});

test('capacity: table, every probe in the report, a chart per library with the capacity marked', () => {
  const c = {
    id: 'rate-p99-10ms',
    label: 'echo rate with p99 ≤ 10 ms',
    params: { search: 'rate', bound: 10, connections: 10, payload: 32, probe: 1, start: 2000 },
  };
  const probe = (offered: number, pass: boolean, p99Us: number) => ({
    offered,
    pass,
    figures: { achieved: offered, p50Us: p99Us / 3, p99Us },
  });
  const probes = [
    probe(2000, true, 300),
    probe(4000, true, 900),
    probe(8000, false, 40_000),
    probe(5657, true, 2000),
    probe(6727, false, 12_000),
    probe(6169, true, 5000),
    probe(6442, false, 11_000),
  ];
  const runs = [
    done('ws', 'capacity', c, {
      metrics: { maxRate: 6169, bracketLow: 6169, bracketHigh: 6442, p50AtUs: 1666, p99AtUs: 5000, probeCount: 7 },
      histograms: {},
      clientBound: false,
      pacingBound: false,
      probes,
    }),
  ];
  const report = Report.parse(JSON.parse(JSON.stringify(buildReport(meta(), [SCENARIOS.capacity], runs))));
  const s = report.summaries.find((x) => x.library === 'ws')!;
  assert.equal(s.probes?.length, 7, 'every probe survives the schema');
  assert.equal(s.probes?.[2]?.rep, 0);
  assert.match(renderConsole(report), /ws \(baseline\)\s+ok\s+6\.17k\s.*\s7\s+baseline/);
  assert.ok(renderMarkdown(report).includes('| ws (baseline) | ok | 6.17k | – | 6,169 | 6,442 |'));
  const chart = buildChartSpecs(report).find((x) => x.name === 'capacity:capacity:rate-p99-10ms:ws');
  assert.ok(chart, 'a capacity chart for ws');
  assert.deepEqual(
    chart.datasets.map((d) => d.label),
    ['p50', 'p99', 'bound 10 ms', 'capacity 6169'],
  );
  const marker = chart.datasets[3]!.data as Array<{ x: number; y: number }>;
  assert.ok(
    marker.every((p) => p.x === 6169),
    'the capacity is a vertical line at the found rate',
  );
  assert.equal(
    (chart.datasets[1]!.data as Array<{ x: number }>).map((p) => p.x).join(','),
    '2000,4000,5657,6169,6442,6727,8000',
    'probes sorted by offered rate',
  );
});

test('capacity runs only when named: it is not in the default suite (which it would push past 15 minutes)', () => {
  assert.ok(!(DEFAULT_SCENARIOS as string[]).includes('capacity'));
  assert.ok('capacity' in SCENARIOS);
});
