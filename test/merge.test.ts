/**
 * `merge` and benching in turns: --runs 1 reports of one side merge into one report whose
 * repetitions are theirs in order; compare sees that base and head alternated (A B, B A, A B)
 * and judges round by round. Unit tests on the compare fixture, plus the CLI on files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compareReports } from '../runner/compare/compare.js';
import { mergeReports } from '../runner/compare/merge.js';
import { UsageError } from '../runner/errors.js';
import { Report } from '../runner/report/schema.js';
import { CLI, ROOT } from './helpers/bench.js';
import { tempDir } from './helpers/tmp.js';

const fixture = (): Report =>
  Report.parse(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/compare-base.json'), 'utf8')));

/** Repetition `rep` of the fixture as a --runs 1 report started at minute `minute`, msgs/s scaled. */
function oneRound(rep: number, minute: number, scale = 1): Report {
  const r = fixture();
  const at = new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString();
  r.runId = `round-${minute}`;
  r.options.runs = 1;
  r.runs = r.runs.filter((x) => x.rep === rep).map((x) => ({ ...x, rep: 0, startedAt: at }));
  for (const x of r.runs)
    if (x.status === 'completed' && x.stats.metrics.msgsPerSec !== undefined) x.stats.metrics.msgsPerSec *= scale;
  return r;
}

test('merge: repetitions renumbered in order, summaries rebuilt, settings must match', () => {
  const parts = [oneRound(0, 0), oneRound(1, 2), oneRound(2, 4)];
  const merged = mergeReports(parts);
  assert.equal(merged.options.runs, 3);
  assert.deepEqual([...new Set(merged.runs.map((x) => x.rep))], [0, 1, 2]);
  const ws = merged.summaries.find((s) => s.scenario === 'throughput' && s.library === 'ws')!;
  const orig = fixture().summaries.find((s) => s.scenario === 'throughput' && s.library === 'ws')!;
  assert.deepEqual(
    [ws.runsCompleted, ws.metrics.msgsPerSec.median],
    [3, orig.metrics.msgsPerSec.median],
    'the same three runs, the same median',
  );
  assert.equal(merged.summaries.find((s) => s.library === 'sockjs' && s.scenario === 'throughput')?.status, 'errored');
  assert.match(merged.environment.command, /merged from 3 reports: round-0, round-2, round-4/);
  const other = oneRound(1, 9);
  other.options.durationMs = 500;
  assert.throws(
    () => mergeReports([parts[0], other], ['a', 'b']),
    (e: Error) => e instanceof UsageError && /b has other settings than a/.test(e.message),
  );
});

test('benched in turns, compare pairs the rounds: drift cancels, a steady -12 % is called', () => {
  // Rounds A B, B A, A B (one minute a slot) while the machine drifts 2 % a minute.
  const at = (rep: number, minute: number, scale = 1): Report => oneRound(rep, minute, scale * (1 + 0.02 * minute));
  const base = mergeReports([at(0, 0), at(1, 3), at(2, 4)]);
  const head = mergeReports([at(0, 1, 0.88), at(1, 2, 0.88), at(2, 5, 0.88)]);
  const row = compareReports(base, head).rows.find((r) => r.scenario === 'throughput' && r.headLibrary === 'ws')!;
  assert.deepEqual([row.verdict, row.rule, row.noise?.kind], ['worse', 'rounds', 'paired'], row.why);
  assert.match(
    row.why ?? '',
    /larger than the A\/A changes/,
    'the same-code changes between adjacent runs of one side count',
  );
  // The A/A changes (B B and A A side by side) bound every round: a round that moved less is not enough.
  const shaky = mergeReports([at(0, 1, 0.88), at(1, 2, 0.7), at(2, 5, 0.88)]);
  const aaRow = compareReports(base, shaky).rows.find((r) => r.scenario === 'throughput' && r.headLibrary === 'ws')!;
  assert.deepEqual([aaRow.verdict, aaRow.rule], ['same', 'noise'], aaRow.why);
  // The same head benched after the whole base: not in turns, so unpaired, and the drift (+20 % by then) hides the -12 %.
  const late = mergeReports([at(0, 10, 0.88), at(1, 11, 0.88), at(2, 12, 0.88)]);
  const unpaired = compareReports(base, late).rows.find((r) => r.scenario === 'throughput' && r.headLibrary === 'ws')!;
  assert.deepEqual([unpaired.verdict, unpaired.noise?.kind], ['same', 'unpaired']);
  const aa = compareReports(base, mergeReports([at(0, 1), at(1, 2), at(2, 5)]));
  assert.ok(
    aa.rows.every((r) => r.verdict === 'same' || r.verdict === 'n/a'),
    'A/A in turns: nothing called',
  );
});

test('CLI merge writes a results folder that compare reads', async () => {
  const dir = tempDir('wsbench-merge-');
  const files = [oneRound(0, 0), oneRound(1, 2)].map((r, i) => {
    const f = join(dir, `part${i}.json`);
    writeFileSync(f, JSON.stringify(r));
    return f;
  });
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, [CLI, 'merge', '--out', join(dir, 'merged'), ...files]);
  const merged = Report.parse(JSON.parse(readFileSync(join(stdout.trim(), 'report.json'), 'utf8')));
  assert.equal(merged.options.runs, 2);
  const cmp = await run(process.execPath, [CLI, 'compare', stdout.trim(), stdout.trim()]);
  assert.match(cmp.stdout, /no regression/);
  const bad = await run(process.execPath, [CLI, 'merge', '--out', join(dir, 'x'), join(dir, 'missing.json')]).catch(
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal((bad as { code: number }).code, 2);
  assert.match((bad as { stderr: string }).stderr, /^wsbench: error: no report at .+\n$/);
});
