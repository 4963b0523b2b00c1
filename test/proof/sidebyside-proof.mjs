#!/usr/bin/env node
// Proof of the side-by-side comparisons (docs/statistics.md), from the benches that
// test/proof/sidebyside-gate.sh wrote: each bench has four test-slow servers side by side,
// `test-slow` (the base), `test-slow@aa` (a second server of it, the gate's --aa), `test-slow@same`
// (the same code from a folder: an A/A head) and `test-slow@slow` (spinning SLOW_US µs per message).
//
// Per bench, as it ran (its --runs blocks):
//   A/A rows:  test-slow@aa and test-slow@same against test-slow, as bench words them (`~ same` or not);
//   power:     test-slow@slow against test-slow: `slower` with an interval excluding 1;
//   the gate:  `compare --within --base test-slow --head test-slow@slow|@same --aa test-slow@aa`, and
//              `--head test-slow@aa --aa test-slow@same` (an identical head next to the base).
// Then `--quick`'s 6 blocks: from each bench, RESAMPLES benches of 6 of its blocks, drawn uniformly
// without replacement (Mulberry32 PRNG, seed 20), renumbered 0..5 in their original order.
//
//   node test/proof/sidebyside-proof.mjs <bench folder>... [--blocks 6] [--resamples 10]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './mulberry32.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const { Report } = await import(`${dist}/runner/report/schema.js`);
const { compareLibraries, comparisonText } = await import(`${dist}/runner/sidebyside/verdict.js`);
const { directionWords } = await import(`${dist}/runner/report/relative.js`);
const { compareWithin } = await import(`${dist}/runner/compare/compare.js`);
const { buildReport } = await import(`${dist}/runner/aggregate.js`);
const { findScenario } = await import(`${dist}/scenarios/index.js`);

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const BLOCKS = flag('--blocks', 6);
const RESAMPLES = flag('--resamples', 10);
/** Bench sizes (blocks) resampled from the pool: --ks 6,10,16,20. */
const ksAt = args.indexOf('--ks');
const KS = ksAt < 0 ? [BLOCKS, 10] : args.splice(ksAt, 2)[1].split(',').map(Number);
const [BASE, AA, SAME, SLOW] = ['test-slow', 'test-slow@aa', 'test-slow@same', 'test-slow@slow'];
// Gates as the workflow runs them, [head, --aa]: the slowed head; an identical head two windows from
// the base; an identical head next to the base (where the workflow puts its head), @same as --aa.
const GATES = [
  [SLOW, AA],
  [SAME, AA],
  [AA, SAME],
];

const rand = mulberry32(20);

function load(target) {
  const dir = fs.statSync(target).isDirectory() ? target : path.dirname(target);
  const run = fs.existsSync(path.join(dir, 'report.json'))
    ? dir
    : path.join(
        dir,
        fs.readdirSync(dir).find((d) => fs.existsSync(path.join(dir, d, 'report.json'))),
      );
  const file = path.join(run, 'report.json');
  return Report.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Blocks in which every library's window completed (an errored window leaves its block out). */
function completeBlocks(report) {
  const libs = report.options.libraries;
  const done = new Set(report.runs.filter((r) => r.status === 'completed').map((r) => `${r.rep}\0${r.library}`));
  return [...new Set(report.runs.map((r) => r.rep))]
    .filter((rep) => libs.every((l) => done.has(`${rep}\0${l}`)))
    .sort((a, b) => a - b);
}

/** A bench of k blocks drawn from the session, as a report of its own. */
function resample(report, k) {
  const reps = completeBlocks(report);
  const pool = [...reps];
  const chosen = [];
  for (let i = 0; i < Math.min(k, reps.length); i++) chosen.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  chosen.sort((a, b) => a - b);
  const renumber = new Map(chosen.map((rep, i) => [rep, i]));
  const runs = report.runs.filter((r) => renumber.has(r.rep)).map((r) => ({ ...r, rep: renumber.get(r.rep) }));
  const {
    schema: _s,
    version: _v,
    scenarios,
    runs: _r,
    summaries: _su,
    highlights: _h,
    comparisons: _c,
    ...meta
  } = report;
  const options = {
    ...meta.options,
    runs: k,
    baselineLib: BASE,
    sideBySide: { ...meta.options.sideBySide, blocks: k },
  };
  return buildReport(
    { ...meta, options },
    scenarios.map((s) => findScenario(s.name)),
    runs,
  );
}

const tally = {};
const count = (key, ok, example) => {
  tally[key] ??= { ok: 0, of: 0, examples: [] };
  tally[key].of++;
  if (ok) tally[key].ok++;
  if (example) tally[key].examples.push(example);
};
const wholeSlow = [];
for (const target of args) {
  const bench = load(target);
  const info = bench.scenarios.find((s) => s.name === 'throughput');
  const metric = info.metrics.find((m) => m.key === info.headline);
  const caseId = bench.summaries.find((x) => x.scenario === 'throughput').case.id;
  const words = (c) => comparisonText(c, metric, directionWords(metric));
  const blocks = completeBlocks(bench).length;
  const judge = (b, n) => {
    for (const lib of [AA, SAME]) {
      const c = compareLibraries(b, 'throughput', caseId, lib, BASE, metric);
      count(
        `bench of ${n} blocks, A/A (${lib} vs ${BASE}): ~ same`,
        c.verdict === 'same',
        c.verdict === 'same' ? '' : words(c),
      );
    }
    const slow = compareLibraries(b, 'throughput', caseId, SLOW, BASE, metric);
    count(
      `bench of ${n} blocks, ${SLOW}: slower, interval excluding 1`,
      slow.verdict === 'worse' && slow.gainHi < 1,
      words(slow),
    );
    return slow;
  };
  wholeSlow.push(judge(bench, blocks).ratio);
  for (const [head, aa] of GATES) {
    const row = compareWithin(bench, BASE, head, { aa }).rows.find((r) => r.scenario === 'throughput' && r.headline);
    const want = head === SLOW ? 'worse' : 'same';
    count(
      `gate of ${blocks} blocks, ${head} (--aa ${aa}): ${want}`,
      row.verdict === want,
      `${row.verdict}: ${row.why}`,
    );
  }
  for (let i = 0; i < RESAMPLES; i++) judge(resample(bench, BLOCKS), BLOCKS);
}
// The pool: every bench's complete blocks as blocks of one session (a block's ratios are its own:
// each pairs windows measured back to back), resampled into 100 benches of BLOCKS and of 10.
const benches = args.map(load);
let offset = 0;
const pooledRuns = [];
for (const b of benches) {
  const reps = completeBlocks(b);
  const map = new Map(reps.map((rep, i) => [rep, offset + i]));
  pooledRuns.push(...b.runs.filter((r) => map.has(r.rep)).map((r) => ({ ...r, rep: map.get(r.rep) })));
  offset += reps.length;
}
const pool = { ...benches[0], runs: pooledRuns, options: { ...benches[0].options, runs: offset } };
const info = pool.scenarios.find((x) => x.name === 'throughput');
const metric = info.metrics.find((m) => m.key === info.headline);
const caseId = pool.runs.find((r) => r.scenario === 'throughput').case.id;
for (const k of KS) {
  for (let i = 0; i < 100; i++) {
    const b = resample(pool, k);
    for (const lib of [AA, SAME]) {
      const c = compareLibraries(b, 'throughput', caseId, lib, BASE, metric);
      count(
        `pooled (${offset} blocks), 100 benches of ${k}, A/A ${lib}: ~ same`,
        c.verdict === 'same',
        c.verdict === 'same' ? '' : comparisonText(c, metric, directionWords(metric)),
      );
    }
    const slow = compareLibraries(b, 'throughput', caseId, SLOW, BASE, metric);
    count(
      `pooled, 100 benches of ${k}, ${SLOW}: slower, interval excluding 1`,
      slow.verdict === 'worse' && slow.gainHi < 1,
      slow.verdict === 'worse' ? '' : comparisonText(slow, metric, directionWords(metric)),
    );
    if (k < 8) continue;
    for (const [head, aa] of GATES) {
      const row = compareWithin(b, BASE, head, { aa }).rows.find((r) => r.scenario === 'throughput' && r.headline);
      const want = head === SLOW ? 'worse' : 'same';
      count(
        `pooled, 100 gates of ${k} blocks, ${head} (--aa ${aa}): ${want}`,
        row.verdict === want,
        row.verdict === want ? '' : `${row.verdict}: ${row.why}`,
      );
    }
  }
}
const gm = Math.exp(wholeSlow.reduce((a, r) => a + Math.log(r), 0) / wholeSlow.length);
console.log(
  `${SLOW} / ${BASE} msgs/s, geometric mean over ${wholeSlow.length} benches: ${gm.toFixed(3)} (${((1 - gm) * 100).toFixed(1)} % slower); per bench: ${wholeSlow.map((r) => r.toFixed(3)).join(' ')}`,
);
for (const [key, t] of Object.entries(tally)) {
  console.log(`${key}: ${t.ok} of ${t.of}`);
  for (const e of t.examples.filter(Boolean).slice(0, 3)) console.log(`    e.g. ${e}`);
}
