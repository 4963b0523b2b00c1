/**
 * Two installs of one library in one run: `--lib ws,ws@<folder>`. The folder gets a copy of this
 * project's ws with its version rewritten, so the test can tell which install each server
 * loaded. A real short bench must give both their own rows, the folder's version in the report
 * (from the plan and from the server process itself), and `compare --within` must read it.
 * Last, `bench --compare --export` on a real run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makePlan, type PlannedLibrary } from '../runner/plan.js';
import { UsageError } from '../runner/errors.js';
import { Report } from '../runner/report/schema.js';
import { tempDir } from './helpers/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const COPY_VERSION = '0.0.0-wsbench-copy';

const mkdtempSync = tempDir;

/** <tmp>/<name>/node_modules/ws: a copy of the project's ws, its version rewritten. */
function wsCopy(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'wsbench-libdir-')), name);
  const target = join(dir, 'node_modules', 'ws');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  cpSync(join(root, 'node_modules', 'ws'), target, { recursive: true });
  const pkgFile = join(target, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
  writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: COPY_VERSION }, null, 2));
  return dir;
}

const plan = (lib: string, out: string) => makePlan({ lib, out, params: {} });

test('plan: name@folder uses the same adapter, its own name, the folder and its version', () => {
  const dir = wsCopy('ws-next');
  const out = mkdtempSync(join(tmpdir(), 'wsbench-libdir-out-'));
  const libs: PlannedLibrary[] = plan(`ws,ws@${dir}`, out).libraries;
  assert.deepEqual(
    libs.map((l) => l.name),
    ['ws', 'ws@ws-next'],
  );
  assert.equal(libs[1].serverModule, libs[0].serverModule);
  assert.equal(libs[1].codecModule, libs[0].codecModule);
  assert.deepEqual([libs[1].libDir, libs[1].libVersion, libs[0].libDir], [dir, COPY_VERSION, undefined]);
  const empty = mkdtempSync(join(tmpdir(), 'wsbench-libdir-empty-'));
  assert.throws(
    () => plan(`ws@${empty}`, out),
    (e: Error) => e instanceof UsageError && /no ws in .*node_modules.*npm install --prefix/.test(e.message),
  );
  assert.throws(() => plan('ws@', out), UsageError);
  assert.throws(
    () => plan('nope@/tmp', out),
    (e: Error) => e instanceof UsageError && /unknown library 'nope'/.test(e.message),
  );
  const twin = wsCopy('ws-next');
  assert.throws(
    () => plan(`ws@${dir},ws@${twin}`, out),
    (e: Error) => e instanceof UsageError && /both named 'ws@ws-next'.*ws@base=<folder>/.test(e.message),
  );
  // Named rows: two folders of one basename, and a second copy of the project's own ws.
  const named = plan(`ws@base=ws@${dir},ws@head=ws@${twin},ws@aa=ws`, out).libraries;
  assert.deepEqual(
    named.map((l) => [l.name, l.libDir]),
    [
      ['ws@base', dir],
      ['ws@head', twin],
      ['ws@aa', undefined],
    ],
  );
  assert.throws(
    () => plan(`head=ws@${dir}`, out),
    (e: Error) => e instanceof UsageError && /name a ws entry ws@<label>, e.g. ws@head=/.test(e.message),
  );
  assert.throws(
    () => plan(`socket.io@x=ws`, out),
    (e: Error) => e instanceof UsageError && /name a ws entry/.test(e.message),
  );
});

test('a real bench of ws and ws@<folder>: two rows, the folder version, compare --within', async () => {
  const dir = wsCopy('ws-copy');
  const out = mkdtempSync(join(tmpdir(), 'wsbench-libdir-run-'));
  const cli = join(root, 'dist/runner/cli.js');
  const args = [
    cli,
    'bench',
    '--scenario',
    'latency',
    '--duration',
    '0.5',
    '--warmup',
    '0',
    '--runs',
    '1',
    '--lib',
    `ws,ws@${dir}`,
    '--out',
    out,
  ];
  await promisify(execFile)(process.execPath, args, { cwd: root, timeout: 120_000 });
  const runDir = readdirSync(out).find((d) => !d.startsWith('.'));
  assert.ok(runDir, `no run folder in ${out}`);
  const reportFile = join(out, runDir, 'report.json');
  const report = Report.parse(JSON.parse(readFileSync(reportFile, 'utf8')));
  assert.deepEqual(report.options.libraries, ['ws', 'ws@ws-copy']);
  const rows = report.summaries.filter((s) => s.scenario === 'latency');
  assert.deepEqual(rows.map((s) => [s.library, s.status]).sort(), [
    ['ws', 'completed'],
    ['ws@ws-copy', 'completed'],
  ]);
  const info = (name: string) => report.libraries.find((l) => l.name === name);
  assert.equal(info('ws@ws-copy')?.version, COPY_VERSION, 'version read from the folder');
  assert.equal(info('ws@ws-copy')?.facts.version, COPY_VERSION, 'the server process loaded ws from the folder');
  assert.notEqual(info('ws')?.facts.version, COPY_VERSION, 'plain ws still loads the project copy');
  // One run each: the gate may say same or worse on a shared machine, but must compare.
  const compare = await promisify(execFile)(
    process.execPath,
    [cli, 'compare', '--within', reportFile, '--base', 'ws', '--head', 'ws@ws-copy', '--json'],
    { cwd: root },
  ).catch((e: { code: number; stdout: string; stderr: string }) => {
    assert.equal(e.code, 1, e.stderr);
    return e;
  });
  const c = JSON.parse(compare.stdout) as {
    rows: Array<{ headLibrary: string; rule: string; noise: { kind: string } | null }>;
  };
  assert.equal(c.rows.length, 1);
  // One round: within the latency floor (no noise needed), else judged against an assumed noise.
  const [row] = c.rows;
  assert.ok(
    row.rule === 'floor' ? row.noise === null : row.rule === 'assumed-noise' && row.noise?.kind === 'unknown',
    JSON.stringify(row),
  );
  assert.equal(row.headLibrary, 'ws@ws-copy');
});

test('bench --compare <baseline> --export: the fresh run is compared and exported', async () => {
  const out = mkdtempSync(join(tmpdir(), 'wsbench-bench-compare-'));
  const cli = join(root, 'dist/runner/cli.js');
  const bench = ['bench', '--scenario', 'latency', '--duration', '0.5', '--warmup', '0', '--runs', '1', '--lib', 'ws'];
  await promisify(execFile)(process.execPath, [cli, ...bench, '--out', join(out, 'base')], {
    cwd: root,
    timeout: 60_000,
  });
  const baseline = join(out, 'base', readdirSync(join(out, 'base'))[0], 'report.json');
  const bmf = join(out, 'bmf.json');
  const summary = join(out, 'summary.md');
  const args = [
    cli,
    ...bench,
    '--out',
    join(out, 'head'),
    '--compare',
    baseline,
    '--threshold',
    '5',
    '--export',
    `bencher=${bmf}`,
    '--json',
  ];
  const run = await promisify(execFile)(process.execPath, args, {
    cwd: root,
    timeout: 60_000,
    env: { ...process.env, GITHUB_STEP_SUMMARY: summary },
  }).catch((e: { code: number; stdout: string; stderr: string }) => {
    assert.equal(e.code, 1, `only a regression may fail this run: ${e.stderr}`);
    return e;
  });
  Report.parse(JSON.parse(run.stdout)); // --json keeps stdout pure JSON: the Markdown goes to stderr
  assert.match(run.stderr, /## wsbench: base vs head/);
  assert.match(readFileSync(summary, 'utf8'), /\| latency \| 1 conn, 32 B, text \| ws \|/);
  assert.ok(Object.keys(JSON.parse(readFileSync(bmf, 'utf8')) as object).includes('latency/c1-p32-text/ws'));
  // A bad baseline fails before anything is measured, naming the flag.
  const bad = await promisify(execFile)(
    process.execPath,
    [cli, ...bench, '--out', join(out, 'never'), '--compare', join(out, 'missing')],
    { cwd: root },
  ).catch((e: { code: number; stderr: string }) => e);
  assert.deepEqual([(bad as { code?: number }).code, readdirSync(out).includes('never')], [2, false]);
  assert.match((bad as { stderr: string }).stderr, /--compare: no report/);
});
