/**
 * CI exports against their published shapes, offline: github-action-benchmark's custom
 * (bigger|smaller)-is-better JSON and the Bencher Metric Format, each validated with a JSON
 * Schema kept in test/fixtures (compare-*.schema.json) plus the rules a schema cannot say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { Report } from '../runner/report/schema.js';
import { UsageError } from '../runner/errors.js';
import { EXPORTERS, parseExportSpecs, writeExports } from '../runner/export/index.js';
import { measureSlug } from '../runner/export/bencher.js';
import { tempDir } from './helpers/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mkdtempSync = tempDir;
const fixtures = join(root, 'test/fixtures');
const load = (name: string): Report =>
  Report.parse(JSON.parse(readFileSync(join(fixtures, `compare-${name}.json`), 'utf8')));
const schema = (name: string): z.ZodType =>
  z.fromJSONSchema(JSON.parse(readFileSync(join(fixtures, `compare-${name}.schema.json`), 'utf8')));

/** The range parser of github-action-benchmark (src/extractRangeInfo.ts): `±` or `+-`, then a number. */
const ACTION_RANGE = /(?<prefix>(\+-|±)\s*)(?<value>\d.+)/;

interface GithubEntry {
  name: string;
  value: number;
  unit: string;
  range?: string;
  extra?: string;
}

function checkGithub(text: string): GithubEntry[] {
  const data: unknown = JSON.parse(text);
  const parsed = schema('github-benchmark').safeParse(data);
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3)));
  const entries = data as GithubEntry[];
  assert.equal(
    new Set(entries.map((e) => e.name)).size,
    entries.length,
    'names are unique: the action keys series by name',
  );
  for (const e of entries) {
    assert.ok(Number.isFinite(e.value), `${e.name}: finite value`);
    if (e.range !== undefined) {
      const m = ACTION_RANGE.exec(e.range);
      assert.ok(
        m && Number.isFinite(Number(m.groups!.value)),
        `${e.name}: range '${e.range}' must parse as the action parses it`,
      );
    }
  }
  return entries;
}

test('the schemas reject what the formats forbid (so the checks below can fail)', () => {
  const gh = schema('github-benchmark');
  assert.equal(gh.safeParse([{ name: 'a', value: 1, unit: 'us' }]).success, true);
  assert.equal(gh.safeParse([{ name: 'a', value: '1', unit: 'us' }]).success, false);
  assert.equal(gh.safeParse([{ name: 'a', value: 1 }]).success, false);
  assert.equal(gh.safeParse([{ name: 'a', value: 1, unit: 'us', series: 'x' }]).success, false);
  assert.equal(gh.safeParse({ name: 'a', value: 1, unit: 'us' }).success, false);
  const bmf = schema('bmf');
  assert.equal(bmf.safeParse({ b: { latency: { value: 1, lower_value: 0.5 } } }).success, true);
  assert.equal(bmf.safeParse({ b: { latency: { lower_value: 0.5 } } }).success, false);
  assert.equal(bmf.safeParse({ b: { latency: { value: null } } }).success, false, 'NaN serializes as null');
  assert.equal(bmf.safeParse({ b: { latency: 3 } }).success, false);
});

test('github-bigger: the higher-is-better headline and primary metrics, with ranges', () => {
  const report = load('base');
  const entries = checkGithub(EXPORTERS['github-bigger'](report));
  // latency: msgs/s for 3 libraries; throughput: msgs/s and MB/s for 2 (sockjs errored).
  assert.equal(entries.length, 3 + 2 * 2);
  const ws = entries.find((e) => e.name === 'throughput/p32/ws/msgsPerSec');
  assert.ok(ws);
  assert.deepEqual([ws.value, ws.unit, ws.range], [204000, 'msg/s', '± 4000.0']);
  assert.match(ws.extra ?? '', /median of 3 run\(s\), min 200000\.0, max 208000\.0/);
  assert.ok(
    !entries.some((e) => e.name.includes('/sockjs/') && e.name.startsWith('throughput')),
    'errored rows are not exported',
  );
});

test('github-smaller: lower-is-better primary metrics, µs spelled as the action knows it', () => {
  const entries = checkGithub(EXPORTERS['github-smaller'](load('base')));
  assert.deepEqual(
    entries.map((e) => e.name).sort(),
    ['sockjs', 'uwebsockets', 'ws'].flatMap((l) => [`latency/c1-p32/${l}/p50Us`, `latency/c1-p32/${l}/p99Us`]).sort(),
  );
  assert.ok(entries.every((e) => e.unit === 'us'));
  const one = checkGithub(
    EXPORTERS['github-smaller']({
      ...load('base'),
      summaries: load('base').summaries.map((s) => ({ ...s, runsCompleted: 1 })),
    }),
  );
  assert.ok(
    one.every((e) => e.range === undefined),
    'no range from a single run',
  );
});

test('bencher: BMF shape, slugs, lower <= value <= upper', () => {
  const text = EXPORTERS.bencher(load('base'));
  const doc = JSON.parse(text) as Record<
    string,
    Record<string, { value: number; lower_value?: number; upper_value?: number }>
  >;
  const parsed = schema('bmf').safeParse(doc);
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3)));
  assert.deepEqual(Object.keys(doc).sort(), [
    'latency/c1-p32/sockjs',
    'latency/c1-p32/uwebsockets',
    'latency/c1-p32/ws',
    'throughput/p32/uwebsockets',
    'throughput/p32/ws',
  ]);
  assert.deepEqual(Object.keys(doc['latency/c1-p32/ws']).sort(), ['msgs-per-sec', 'p50-us', 'p99-us']);
  assert.deepEqual(doc['throughput/p32/ws']['msgs-per-sec'], {
    value: 204000,
    lower_value: 200000,
    upper_value: 208000,
  });
  for (const [name, measures] of Object.entries(doc)) {
    assert.ok(name.length <= 1024, 'benchmark names are at most 1024 characters');
    for (const [slug, m] of Object.entries(measures)) {
      assert.match(slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(slug.length <= 64, 'measure slugs are at most 64 characters');
      if (m.lower_value !== undefined)
        assert.ok(m.lower_value <= m.value && m.value <= m.upper_value!, `${name} ${slug}`);
    }
  }
  assert.equal(measureSlug('fanoutP999Us'), 'fanout-p999-us');
  assert.equal(measureSlug('kibPerConnRss'), 'kib-per-conn-rss');
});

test('the shared fixture exports validly too (errored, skipped, client-bound rows)', () => {
  const report = Report.parse(JSON.parse(readFileSync(join(fixtures, 'report-fixture.json'), 'utf8')));
  checkGithub(EXPORTERS['github-bigger'](report));
  checkGithub(EXPORTERS['github-smaller'](report));
  assert.ok(schema('bmf').safeParse(JSON.parse(EXPORTERS.bencher(report))).success);
});

test('--export specs: format=file, errors name the valid formats', () => {
  assert.deepEqual(parseExportSpecs(['bencher=out/b.json', 'github-bigger=a=b.json']), [
    { format: 'bencher', file: 'out/b.json' },
    { format: 'github-bigger', file: 'a=b.json' },
  ]);
  assert.throws(
    () => parseExportSpecs(['csv=x']),
    (e: Error) => e instanceof UsageError && /choose from github-bigger, github-smaller, bencher/.test(e.message),
  );
  assert.throws(
    () => parseExportSpecs(['bencher']),
    (e: Error) => e instanceof UsageError && /bencher=<file>/.test(e.message),
  );
  const dir = mkdtempSync(join(tmpdir(), 'wsbench-export-'));
  const files = writeExports(load('base'), parseExportSpecs([`bencher=${join(dir, 'sub/bmf.json')}`]));
  assert.ok(existsSync(files[0]));
});

test('CLI: compare --export writes the head report in each format', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsbench-export-cli-'));
  const args = [
    join(root, 'dist/runner/cli.js'),
    'compare',
    join(fixtures, 'compare-base.json'),
    join(fixtures, 'compare-head-slower.json'),
  ];
  for (const f of Object.keys(EXPORTERS)) args.push('--export', `${f}=${join(dir, `${f}.json`)}`);
  await promisify(execFile)(process.execPath, args, { cwd: root }).catch((e: { code?: number }) =>
    assert.equal(e.code, 1, 'a regression, not an error'),
  );
  const bigger = checkGithub(readFileSync(join(dir, 'github-bigger.json'), 'utf8'));
  assert.equal(
    bigger.find((e) => e.name === 'throughput/p32/ws/msgsPerSec')?.value,
    142800,
    'the head report is exported',
  );
  checkGithub(readFileSync(join(dir, 'github-smaller.json'), 'utf8'));
  assert.ok(schema('bmf').safeParse(JSON.parse(readFileSync(join(dir, 'bencher.json'), 'utf8'))).success);
});
