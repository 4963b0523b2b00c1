/**
 * Reporters on a hand-written fixture: every format shows every library, the right numbers, the
 * best marks, the errored/skipped reasons and the flags; HTML escapes what came from outside and
 * fetches nothing; JSON round-trips; the published JSON Schema matches the zod schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Report, type RunResult } from '../runner/report/schema.js';
import { buildReport, runWarnings, type ReportMeta } from '../runner/aggregate.js';
import { SCENARIOS } from '../scenarios/index.js';
import { OUTPUT_FILES, REPORTERS, isReporterName } from '../runner/report/index.js';
import { renderConsole } from '../runner/report/console.js';
import { renderMarkdown } from '../runner/report/markdown.js';
import { renderHtml } from '../runner/report/html.js';
import { jsonForScript } from '../runner/report/html-safe.js';
import { renderJson } from '../runner/report/json.js';
import { buildChartSpecs, percentileX } from '../runner/report/html-charts.js';
import {
  formatRate,
  formatRatio,
  formatUs,
  formatValue,
  reportTables,
  scenarioTable,
} from '../runner/report/format.js';
import { reportJsonSchema } from '../runner/report/schema-export.js';
import { encodeHistogram, newHistogram } from '../runner/loadgen/histogram.js';
import { findings, leaders } from '../runner/report/glance.js';
import { relativeText } from '../runner/report/relative.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LIBS = ['ws', 'socket.io', 'sockjs', 'websocket', 'uwebsockets'];
const XSS = 'server crashed: <script>alert(1)</script>';

function fixture(): Report {
  return Report.parse(JSON.parse(readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8')));
}

/** The lines of the block that starts at the line containing `marker`, up to the next blank line. */
function block(text: string, marker: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(marker));
  assert.ok(start >= 0, `no line contains ${marker}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

function lineOf(lines: string[], library: string): string {
  const line = lines.find((l) => l.trimStart().startsWith(library + ' ') || l.startsWith(`| ${library} `));
  assert.ok(line, `no row for ${library} in:\n${lines.join('\n')}`);
  return line;
}

test('the fixture is a valid Report with the cases the reporters must handle', () => {
  const raw: unknown = JSON.parse(readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8'));
  const parsed = Report.safeParse(raw);
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3)));
  const r = parsed.data;
  assert.deepEqual(
    r.libraries.map((l) => l.name),
    LIBS,
  );
  assert.deepEqual(
    r.scenarios.map((s) => s.name),
    ['latency', 'throughput', 'broadcast', 'connections', 'rate'],
  );
  const errored = r.summaries.find((s) => s.status === 'errored');
  assert.deepEqual([errored?.library, errored?.scenario, errored?.errors], ['sockjs', 'throughput', [XSS]]);
  assert.ok(r.summaries.some((s) => s.status === 'skipped' && s.errors.length > 0));
  assert.ok(r.summaries.some((s) => s.clientBound) && r.summaries.some((s) => s.noisy));
});

test('number formatting', () => {
  assert.equal(formatUs(3.214), '3.21');
  assert.equal(formatUs(95.14), '95.1');
  assert.equal(formatUs(12345.6), '12,346');
  assert.equal(formatRate(950), '950');
  assert.equal(formatRate(45_678), '45.7k');
  assert.equal(formatRate(999_700), '1.00M');
  assert.equal(formatRate(1_480_000), '1.48M');
  assert.equal(formatRatio(0.8), '0.80x');
  assert.equal(formatValue(87.25, '%'), '87.3');
  assert.equal(formatValue(1_897_436, 'msg/cpu-s'), '1.90M');
  assert.equal(formatValue(6850, '1/s'), '6.85k');
  assert.equal(formatValue(3, 'msg'), '3', 'counts stay whole');
  assert.equal(formatValue(10_000, 'conn'), '10,000');
  assert.equal(formatValue(41, '%'), '41.0', 'a measured value keeps its precision');
});

test('table model: best per case, relative to baseline, flags, errored rows', () => {
  const t = scenarioTable(fixture(), 'throughput');
  assert.ok(t);
  assert.deepEqual(
    t.cases.map((c) => c.case.id),
    ['p32', 'p1024'],
  );
  const [small, big] = t.cases;
  const uws = small!.rows.find((r) => r.library === 'uwebsockets')!;
  assert.equal(uws.cells[0]!.text, '1.48M');
  assert.equal(uws.cells[0]!.best, true);
  // Three runs a side: no rank test (it could not reach p ≤ 0.05); the t-interval decides, and the
  // fixture's runs agree to the digit.
  assert.equal(uws.relative, '6.41x faster [6.41–6.41]');
  assert.equal(uws.comparison?.ratio.toFixed(2), '6.41');
  assert.deepEqual(uws.flags, ['client-bound']);
  assert.equal(small!.rows.find((r) => r.library === 'ws')!.relative, 'baseline');
  assert.equal(
    small!.rows.find((r) => r.library === 'socket.io')!.relative,
    '1.91x slower [1.91–1.91]',
    'the interval of the factor (above 1 = better), with the test that cannot call it',
  );
  const sockjs = big!.rows.find((r) => r.library === 'sockjs')!;
  assert.deepEqual([sockjs.status, sockjs.errors, sockjs.relative], ['errored', [XSS], null]);
  // Every library delivers 99k/s in broadcast: a tie marks nobody best.
  const b = scenarioTable(fixture(), 'broadcast')!;
  const col = b.columns.findIndex((c) => c.key === 'deliveredPerSec');
  assert.ok(b.cases[0]!.rows.every((r) => !r.cells[col]?.best));
  const lead = leaders(fixture()).find((l) => l.scenario === 'latency')!;
  assert.deepEqual(
    [lead.leader.library, lead.runnerUp?.library, lead.margin?.toFixed(2), lead.noLeader],
    ['uwebsockets', 'ws', '2.28', null],
  );
  const [finding] = findings(fixture());
  assert.deepEqual(
    finding?.values.map((v) => `${v.library} ${v.text}`),
    [
      'ws 5.00k msg/s (every run, n=3)',
      'socket.io none (every run, n=3)',
      'sockjs none (every run, n=3)',
      'websocket 1.00k msg/s (every run, n=3)',
      'uwebsockets 5.00k msg/s (every run, n=3)',
    ],
  );
});

test('console: aligned tables with values, best marks, reasons, flags and a legend', () => {
  const out = renderConsole(fixture());
  assert.match(out.split('\n')[0]!, /^wsbench run 2025-11-20T10-00-00Z-fixture +status: complete/);
  const latency = block(out, '[10 connections × 32 B]');
  for (const lib of LIBS) lineOf(latency, lib);
  assert.match(lineOf(latency, 'uwebsockets'), /41\.8\*\s+88\.4\*\s+231k\*/);
  assert.match(lineOf(latency, 'ws'), /ws \(baseline\)\s+ok\s+95\.1 .*baseline$/);
  assert.match(lineOf(latency, 'websocket'), /\[noisy\]$/);
  const small = block(out, '[32 B payload]');
  assert.match(lineOf(small, 'uwebsockets'), /1\.48M\*.*6\.41x faster \[6\.41–6\.41\]\s+\[client-bound\]$/);
  assert.match(
    lineOf(block(out, '[1 KiB payload]'), 'sockjs'),
    /errored\s+server crashed: <script>alert\(1\)<\/script>$/,
  );
  assert.match(
    lineOf(block(out, '[100 clients'), 'websocket'),
    /skipped\s+the websocket adapter has no broadcast relay yet/,
  );
  // Right-aligned: on every row the p50 value's last digit sits just before the header's column end.
  const end = latency[1]!.indexOf('p50 (µs) ') + 'p50 (µs) '.length;
  for (const row of latency.slice(2)) assert.match(row.slice(end - 2, end + 1), /^\d[* ] $/, row);
  assert.match(out, /\[client-bound\] the load generator saturated its core/);
  assert.match(
    out,
    /^ {2}latency \[10 connections × 32 B\] p50: uwebsockets 41\.8 µs, 2\.28x faster \[2\.28–2\.28\] than ws \(95\.1 µs\)$/m,
  );
  assert.match(
    out,
    /^ {2}rate, highest offered rate with p99 ≤ 0\.25 ms: ws 5\.00k msg\/s \(every run, n=3\), socket\.io none/m,
  );
  assert.match(out, /\* best in case/);
  // eslint-disable-next-line no-control-regex -- the ANSI escape is what is checked
  assert.doesNotMatch(out, /\u001b\[/, 'no ANSI colours unless asked');
  // eslint-disable-next-line no-control-regex -- the ANSI escape is what is checked
  assert.match(renderConsole(fixture(), { color: true }), /\u001b\[32m/);
});

test('console and markdown: an interrupted report says so and shows missing rows', () => {
  const r = fixture();
  r.status = 'interrupted';
  r.summaries = r.summaries.filter(
    (s) => !(s.scenario === 'rate' && s.case.id === 'r5000' && s.library === 'socket.io'),
  );
  const out = renderConsole(r);
  assert.match(out.split('\n')[0]!, /status: INTERRUPTED/);
  assert.match(
    lineOf(block(out, '[5,000 msg/s offered]'), 'socket.io'),
    /missing\s+no result: the bench was interrupted first/,
  );
  assert.match(renderMarkdown(r), /\*\*INTERRUPTED\*\*/);
});

test('markdown: one table row per library, escaped cells, flags, environment', () => {
  const md = renderMarkdown(fixture());
  const small = block(md, '| Library | Status | throughput (msg/s)');
  assert.equal(small.length, 2 + LIBS.length);
  for (const lib of LIBS) lineOf(small, lib);
  assert.match(lineOf(small, 'uwebsockets'), /^\| uwebsockets ⚠️ client-bound \| ok \| \*\*1\.48M\*\* \|/);
  // Every row of every table has as many cells as its header: no stray `|` from escaped content.
  const cells = (l: string) => l.split('|').length;
  let width = 0;
  md.split('\n').forEach((line, i, all) => {
    if (!line.startsWith('|')) return;
    if (all[i + 1]?.startsWith('| ---')) width = cells(line);
    else assert.equal(cells(line), width, line);
  });
  const sockjs = lineOf(block(md.slice(md.indexOf('### 1 KiB payload')), '| Library |'), 'sockjs');
  assert.ok(sockjs.includes('server crashed: &lt;script&gt;alert(1)&lt;/script&gt;'), sockjs);
  assert.equal(cells(sockjs), cells(small[0]!));
  assert.ok(!md.includes('<script'), 'raw markup from an error message leaked');
  assert.match(lineOf(block(md.slice(md.indexOf('### 10 connections')), '| Library |'), 'websocket'), /⚠️ noisy/);
  assert.match(md, /\| Command \| <code>wsbench bench .*--label &quot;a&#124;b &amp; &lt;c&gt;&quot;<\/code> \|/);
  assert.match(md, /\| uwebsockets \| <code>uWebSockets\.js<\/code> \| 20\.30\.0-unofficial\.0 \|/);
  assert.match(
    md,
    /^- \*\*rate\*\*, highest offered rate with p99 ≤ 0\.25 ms: ws 5\.00k msg\/s \(every run, n=3\), socket\.io none/m,
  );
  assert.match(
    md,
    /\| latency \| 10 connections × 32 B \| \*\*uwebsockets\*\* \| p50: 41\.8 µs \| 2\.28x faster \\\[2\.28–2\.28\\\] than ws \(95\.1 µs\) \|/,
  );
});

test('html: escaped, self-contained, with embedded data and one canvas per chart', () => {
  const report = fixture();
  const page = renderHtml(report);
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!page.includes('<script>alert(1)'), 'raw <script>alert(1) in the HTML');
  assert.doesNotMatch(page, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'external resource reference');
  assert.doesNotMatch(page, /<(?:link|img|iframe)\b|<script\b[^>]*\bsrc=/i, 'nothing may be loaded from elsewhere');
  assert.equal(
    page.match(/<script\b/gi)?.length,
    page.match(/<\/script/gi)?.length,
    'an inlined script closes its element early',
  );
  const data = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page);
  assert.ok(data, 'report-data script missing');
  assert.deepEqual(JSON.parse(data[1]!), report);
  const canvases = [...page.matchAll(/<canvas class="chart" id="(chart-\d+)" data-chart="([^"]+)"/g)].map((m) => m[2]);
  assert.deepEqual(
    canvases,
    buildChartSpecs(report).map((s) => s.name),
  );
  for (const name of [
    'latency-curve:latency:c10-p32:latency',
    'bars:throughput:msgsPerSec',
    'bars:throughput:mbPerSec',
    'fanout:broadcast:c100-p64',
    'latency-curve:broadcast:c100-p64:fanout',
    'memory:connections:c1000',
    'bars:connections:handshakesPerSec',
    'latency-curve:connections:c1000:handshake',
    'rate-latency:rate',
    'timeline:throughput:p32',
    'micro',
  ]) {
    assert.ok(canvases.includes(name), `missing chart ${name}`);
  }
  assert.match(page, /<span class="badge flag-client-bound"/);
  assert.match(page, /<span class="badge flag-noisy"/);
  assert.match(page, /<code>wsbench bench [^<]*--label &quot;a\|b &amp; &lt;c&gt;&quot;<\/code>/);
  assert.match(page, /<td>no clear leader<\/td>/);
  assert.match(
    page,
    /<li><strong>rate<\/strong>, highest offered rate with p99 ≤ 0\.25 ms: ws <strong>5\.00k msg\/s \(every run, n=3\)<\/strong>/,
  );
});

test('html charts: one dataset per library, in report order; HDR x positions', () => {
  for (const spec of buildChartSpecs(fixture()))
    assert.deepEqual(
      spec.datasets.map((d) => d.label),
      LIBS,
      spec.name,
    );
  // A curve over several runs has the band they span: ws's three windows at 100, 200 and 300 µs.
  const report = fixture();
  let k = 0;
  for (const r of report.runs) {
    if (r.scenario !== 'latency' || r.library !== 'ws' || r.status !== 'completed') continue;
    const h = newHistogram();
    const us = 100 * ++k;
    for (let i = 0; i < 1000; i++) h.recordValue(us * 1000 + i);
    r.stats.histograms.latency = encodeHistogram(h);
  }
  const curve = buildChartSpecs(report).find((s) => s.name === 'latency-curve:latency:c10-p32:latency')!;
  const ws = curve.datasets.find((d) => d.label === 'ws')!;
  assert.ok(ws.band, 'ws: a band over its 3 windows');
  assert.equal(ws.band.lo.length, (ws.data as unknown[]).length, 'a band point at every point of the curve');
  for (const [i, lo] of ws.band.lo.entries()) {
    assert.ok(Math.abs(lo.y - 100) < 2 && Math.abs(ws.band.hi[i].y - 301) < 2, `${lo.y}–${ws.band.hi[i].y} µs`);
  }
  assert.equal(curve.datasets.find((d) => d.label === 'socket.io')!.band, undefined, 'no histograms: no band');
  assert.equal(percentileX(99, false), 100);
  assert.equal(percentileX(0.5, true), 2);
  assert.equal(Math.round(percentileX(100, false)), 1e5, 'p100 is parked at 99.999 %, not at infinity');
});

test('html: JSON in a script element cannot end it or break parsing', () => {
  const text = jsonForScript({ s: '</script><!-- & \u2028\u2029' }).value;
  assert.ok(!/[<>&\u2028\u2029]/.test(text), text);
  assert.deepEqual(JSON.parse(text), { s: '</script><!-- & \u2028\u2029' });
});

test('json: round-trips and validates', () => {
  const report = fixture();
  const text = renderJson(report);
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(Report.parse(JSON.parse(text)), report);
});

test('registry: every reporter renders, file names are fixed', () => {
  assert.deepEqual(Object.keys(REPORTERS).sort(), ['console', 'html', 'json', 'markdown']);
  assert.deepEqual(OUTPUT_FILES, { json: 'report.json', markdown: 'report.md', html: 'report.html' });
  assert.ok(isReporterName('html') && !isReporterName('toString'));
  for (const render of Object.values(REPORTERS)) assert.ok(render(fixture()).includes('uwebsockets'));
});

test('schema/report.schema.json is the JSON Schema of the zod Report', () => {
  const onDisk: unknown = JSON.parse(readFileSync(`${root}schema/report.schema.json`, 'utf8'));
  assert.deepEqual(
    onDisk,
    reportJsonSchema(),
    'schema drifted: run `node dist/runner/report/write-schema.js` after building',
  );
  const schema = reportJsonSchema();
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual((schema.properties as Record<string, unknown>).schema, { type: 'string', const: 'wsbench/report' });
});

test('console: one aligned micro-benchmark table per task; microNotes in every format, escaped, optional', () => {
  const decode = block(renderConsole(fixture()), '[decode 32 B message]');
  assert.match(decode[1]!, /^ {2}library +ops\/s +mean \(ns\) +±margin +samples$/);
  assert.match(lineOf(decode, 'ws'), /^ {2}ws +2\.10M\* +476 +±0\.8% +2,000$/);
  assert.match(lineOf(decode, 'socket.io'), /^ {2}socket\.io +620k +1,613 +±0\.9% +2,000$/);
  assert.equal(new Set(decode.slice(1).map((l) => l.length)).size, 1, 'right-aligned columns end together');
  assert.equal(block(renderConsole(fixture()), '[encode 32 B message]')[1], decode[1], 'one width for every task');
  const old = JSON.parse(readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8')) as Record<string, unknown>;
  delete old.microNotes;
  assert.ok(Report.safeParse(old).success, 'reports without microNotes stay valid');
  assert.ok(!Report.safeParse({ ...old, microNotes: [{ library: 'x' }] }).success);
  assert.ok(!(reportJsonSchema().required as string[]).includes('microNotes'));
  const r = fixture();
  r.microNotes = [{ library: 'uwebsockets', reason: 'no <JS> framing API' }];
  assert.match(renderConsole(r), /^ {2}uwebsockets: no micro-benchmarks — no <JS> framing API$/m);
  assert.match(renderMarkdown(r), /^- \*\*uwebsockets\*\*: no micro-benchmarks — no &lt;JS&gt; framing API$/m);
  assert.ok(
    renderHtml(r).includes('<li><strong>uwebsockets</strong>: no micro-benchmarks — no &lt;JS&gt; framing API</li>'),
  );
  assert.match(
    buildChartSpecs(r).find((c) => c.name === 'micro')!.caption,
    /No data: uwebsockets \(no <JS> framing API\)/,
  );
  r.micro = [];
  assert.match(
    renderMarkdown(r),
    /## Micro-benchmarks\n\n- \*\*uwebsockets\*\*: no micro/,
    'notes alone still make a section',
  );
});

test('run warnings: aggregated per case, deduplicated, run-prefixed when runs differ; shown under the table', () => {
  const c = { id: 'p32', label: '32 B', params: { payload: 32 } };
  const run = (rep: number, warnings: string[]): Extract<RunResult, { status: 'completed' }> => ({
    status: 'completed',
    library: 'ws',
    scenario: 'throughput',
    case: c,
    rep,
    startedAt: '',
    warnings,
    stats: { metrics: { msgsPerSec: 1000 }, histograms: {}, clientBound: false },
  });
  assert.deepEqual(runWarnings([run(0, ['a', 'b', 'b', 'd']), run(1, ['a', 'c']), run(2, ['a', 'd'])]), [
    'a',
    'run 1: b',
    'runs 1, 3: d',
    'run 2: c',
  ]);
  const { schema: _s, version: _v, scenarios: _sc, runs: _r, summaries: _su, highlights: _h, ...meta } = fixture();
  const built = (runs: RunResult[]) => buildReport(meta as ReportMeta, [SCENARIOS.throughput], runs).summaries[0]!;
  const skipped: RunResult = {
    status: 'skipped',
    library: 'ws',
    scenario: 'throughput',
    case: c,
    rep: 2,
    startedAt: '',
    reason: 'x',
  };
  assert.deepEqual(built([run(0, ['slow', 'slow']), run(1, ['slow']), skipped]).warnings, ['slow']);
  assert.equal(built([run(0, []), run(1, [])]).warnings, undefined, 'no warnings, no field');
  const warned = 'run 3: 2 of 1000 handshakes failed (first: Unexpected server response: 502 <html>)';
  assert.match(
    block(renderConsole(fixture()), '[1,000 connections]').join('\n'),
    new RegExp(`\\n {2}warnings:\\n {4}socket\\.io: ${warned.replace(/[().]/g, '\\$&')}\\n`),
  );
  const md = renderMarkdown(fixture());
  const connections = md.slice(md.indexOf('### 1,000 connections'), md.indexOf('## rate'));
  assert.ok(
    connections.includes(
      '- ⚠️ **socket.io**: run 3: 2 of 1000 handshakes failed (first: Unexpected server response: 502 &lt;html&gt;)',
    ),
    connections,
  );
  const page = renderHtml(fixture());
  assert.ok(
    page.includes(
      '· <strong>socket.io</strong>: run 3: 2 of 1000 handshakes failed (first: Unexpected server response: 502 &lt;html&gt;)</li>',
    ),
  );
  assert.ok(!page.includes('502 <html>'), 'a warning is escaped in HTML');
});

test('console: the library and status columns align on errored, skipped and missing rows too', () => {
  const long = 'websocket-node-with-a-long-name';
  const r = JSON.parse(
    readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8').replaceAll('"websocket"', `"${long}"`),
  ) as Report;
  r.summaries = r.summaries.filter((s) => !(s.scenario === 'rate' && s.case.id === 'r1000' && s.library === long));
  for (const marker of ['[100 clients', '[1,000 msg/s offered]']) {
    const lines = block(renderConsole(r), marker).filter((l) => !/^ {2}(?:warnings:| )/.test(l));
    const col = lines[1]!.indexOf('status');
    for (const row of lines.slice(2)) assert.match(row.slice(col - 2), /^ {2}(?:ok|errored|skipped|missing)\b/, row);
  }
});

test('a micro-only report gets a header that fits it, without runs, warm-up or baseline', () => {
  const r = fixture();
  Object.assign(r, { runs: [], summaries: [], scenarios: [], highlights: undefined });
  const out = renderConsole(r);
  assert.equal(
    out.split('\n')[1],
    'micro-benchmarks only (tinybench; no servers, no load generator): 2 tasks, 4 libraries',
  );
  assert.doesNotMatch(out, /warm-up|run\(s\)|baseline|client-bound/);
  const md = renderMarkdown(r);
  assert.match(
    md,
    /^Status: complete · .* · micro-benchmarks only \(tinybench; no servers, no load generator\): 2 tasks, 4 libraries$/m,
  );
  assert.doesNotMatch(md, /warm-up|run\(s\)|baseline|Flags:/);
  const page = renderHtml(r);
  assert.match(page, /<p class="meta">[^]*micro-benchmarks only \(tinybench[^]*<\/p>/);
  assert.doesNotMatch(page.slice(0, page.indexOf('<script')), /warm-up|run\(s\)|baseline ws/);
  assert.match(
    renderConsole(fixture()).split('\n')[1]!,
    /^3 run\(s\) per case, 1000 ms warm-up, 5000 ms measured; baseline ws$/,
  );
});

test('"vs baseline" reads the same way in every format: faster/slower from the library\'s side, never a bare 0.44x', () => {
  const µs = { label: 'p50', unit: 'µs', better: 'lower' } as const;
  const rate = { label: 'throughput', unit: 'msg/s', better: 'higher' } as const;
  assert.deepEqual(
    [relativeText(50, 100, µs), relativeText(200, 100, µs), relativeText(200, 100, rate), relativeText(50, 100, rate)],
    ['2.00x faster', '2.00x slower', '2.00x faster', '2.00x slower'],
  );
  assert.deepEqual(
    [
      relativeText(100.2, 100, rate),
      relativeText(5, 10, { label: 'RSS', unit: 'KiB', better: 'lower' }),
      relativeText(5, 10, { ...rate, better: 'none' }),
    ],
    ['same', '2.00x better', '0.50x'],
  );
  const [console, md, page] = [renderConsole(fixture()), renderMarkdown(fixture()), renderHtml(fixture())];
  const legend =
    'vs ws: p50 compared with ws’s, from each library’s side: “2.00x faster” = half ws’s p50, “2.00x slower” = twice it.';
  for (const text of [console, md, page]) assert.ok(text.includes(legend), 'the same legend in every format');
  assert.match(console, /^\* best in case · vs ws: .*“faster”\/“better” always means better than ws/m);
  for (const table of reportTables(fixture())) {
    for (const row of table.cases.flatMap((ct) => ct.rows).filter((r) => r.relative)) {
      assert.match(
        row.relative!,
        /^(?:\d+\.\d\dx (?:faster|slower) \[[\d.]+–[\d.]+\]|~ same \(.*n=\d+(?:; the rank test needs 6)?\)|baseline)$/,
      );
      assert.ok(
        md.includes(` | ${row.relative} | `) && page.includes(`<td class="num">${row.relative}</td>`),
        row.relative!,
      );
    }
  }
  assert.match(lineOf(block(console, '[10 connections × 32 B]'), 'socket.io'), / 1\.69x slower \[1\.69–1\.69\]$/);
});
