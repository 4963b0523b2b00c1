/**
 * The HTML report in a real browser (Chromium via playwright-core), opened from file:// with the
 * network blocked: it must draw every chart, list every library in each legend, and log no error.
 * One test renders the fixture; the other runs a real short bench of all five libraries (or uses
 * the report.html named by WSBENCH_BROWSER_REPORT).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { Report } from '../runner/report/schema.js';
import { renderHtml } from '../runner/report/html.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(root, 'test-artifacts');
const LIBS = 'ws,socket.io,sockjs,websocket,uwebsockets';

/** True (and the test skipped or failed) when there is no browser to run. */
function noBrowser(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return false;
  const msg = `Chromium not found at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\``;
  // In CI a missing browser must not pass silently as a skip.
  if (process.env.CI === 'true') assert.fail(msg);
  t.skip(msg);
  return true;
}

/** The single report.html a bench wrote under `out` (in <run-id>/ or results/<run-id>/). */
function findReport(out: string): string {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile() && e.name === 'report.html' && depth > 0) found.push(join(dir, e.name));
      else if (e.isDirectory() && depth < 2) walk(join(dir, e.name), depth + 1);
    }
  };
  walk(out, 0);
  assert.equal(found.length, 1, `expected one <run-id>/report.html under ${out}, found: ${found.join(', ') || 'none'}`);
  return found[0]!;
}

/** A report.html from WSBENCH_BROWSER_REPORT, else from a real short bench of all five libraries. */
async function benchReport(t: TestContext): Promise<string> {
  const given = process.env.WSBENCH_BROWSER_REPORT;
  if (given && existsSync(given)) return given;
  const cli = join(root, 'dist/runner/cli.js');
  assert.ok(
    existsSync(cli),
    `${cli} not found: build with \`npm run build\`, or set WSBENCH_BROWSER_REPORT to an existing report.html`,
  );
  const out = mkdtempSync(join(tmpdir(), 'wsbench-browser-'));
  const args = [
    cli,
    'bench',
    '--lib',
    LIBS,
    '--scenario',
    'latency,throughput',
    '--duration',
    '1',
    '--warmup',
    '0.5',
    '--runs',
    '1',
    '--out',
    out,
  ];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: root, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    // A run that errored still yields a report (with errored rows) and a non-zero exit: render it.
    const e = err as { stderr?: string; message: string };
    t.diagnostic(`bench exited with an error: ${e.message.split('\n')[0]}`);
    assert.doesNotThrow(() => findReport(out), `bench failed without a report: ${e.message}\n${e.stderr ?? ''}`);
  }
  return findReport(out);
}

/** What the page says about one chart canvas. */
interface CanvasState {
  name: string;
  hasChart: boolean;
  pixels: number;
  painted: number;
  points: number;
  legend: string[];
}

/** Reads every canvas.chart in the page: Chart.js instance, painted pixels, legend texts. */
function inspectCharts(): { libraries: string[]; charts: CanvasState[] } {
  type LegendChart = { data: { datasets: { data: unknown[] }[] }; legend?: { legendItems?: { text: string }[] } };
  // Chart may be missing if its script failed; report that as undrawn charts, not a crash here.
  const ChartGlobal = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): LegendChart | undefined } })
    .Chart;
  const report = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as {
    libraries: { name: string }[];
  };
  const charts = [...document.querySelectorAll<HTMLCanvasElement>('canvas.chart')].map((canvas) => {
    const chart = ChartGlobal?.getChart(canvas);
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
    return {
      name: canvas.dataset.chart ?? canvas.id,
      hasChart: chart !== undefined,
      pixels: canvas.width * canvas.height,
      painted,
      points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : 0,
      legend: chart?.legend?.legendItems?.map((item) => item.text) ?? [],
    };
  });
  return { libraries: report.libraries.map((l) => l.name), charts };
}

/** Opens the report offline and asserts it drew every chart cleanly; saves a full-page screenshot. */
async function checkReportInBrowser(htmlPath: string, screenshot: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const external: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const { libraries, charts } = await page.evaluate(inspectCharts);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });

    assert.deepEqual(errors, [], 'the page logged errors');
    assert.deepEqual(external, [], 'the page tried to fetch from the network');
    assert.ok(libraries.length > 0, 'no libraries in the embedded report data');
    assert.ok(charts.length > 0, 'no canvas.chart in the page');
    for (const c of charts) {
      assert.ok(c.hasChart, `${c.name}: no Chart.js instance`);
      assert.ok(c.points > 0, `${c.name}: no data points`);
      assert.ok(c.painted > c.pixels * 0.01, `${c.name}: only ${c.painted} of ${c.pixels} pixels drawn`);
      for (const lib of libraries)
        assert.ok(c.legend.includes(lib), `${c.name}: legend ${JSON.stringify(c.legend)} lacks ${lib}`);
    }
  } finally {
    await browser.close();
  }
}

test('fixture report.html renders in a browser offline', { timeout: 120_000 }, async (t) => {
  if (noBrowser(t)) return;
  const report = Report.parse(JSON.parse(readFileSync(join(root, 'test/fixtures/report-fixture.json'), 'utf8')));
  const dir = mkdtempSync(join(tmpdir(), 'wsbench-fixture-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(report));
  await checkReportInBrowser(file, 'report-fixture.png');
});

test('report.html of a real five-library bench renders in a browser offline', { timeout: 900_000 }, async (t) => {
  if (noBrowser(t)) return;
  const file = await benchReport(t);
  // Kept on purpose: the bench's results folder is what one inspects when this test fails.
  t.diagnostic(`report: ${file}`);
  await checkReportInBrowser(file, 'report.png');
});
