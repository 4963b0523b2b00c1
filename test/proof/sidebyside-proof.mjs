#!/usr/bin/env node
// Proof of the side-by-side comparisons (docs/statistics.md), from stored window sets.
//
// A session is one bench of three servers side by side, e.g.
//   WSBENCH_TEST_ADAPTERS=1 WSBENCH_SLOW_US_LIBDIR=1.5 WSBENCH_SLOW_US_LIBDIR_ONLY=slow \
//     node dist/runner/cli.js bench --lib test-slow,test-slow@<dir>/aa,test-slow@<dir>/slow \
//     --scenario throughput --payload 1024 --runs 30 --out <out>
// where <dir>/aa and <dir>/slow each hold a node_modules link to this project's: `test-slow`
// and `test-slow@aa` are identical servers, `test-slow@slow` spins WSBENCH_SLOW_US_LIBDIR µs
// per received message. Every block measured all three in alternating order (A B C | C B A).
//
// Resampling, exactly: for each headline row of each session report, a bench of k blocks is k of
// the session's complete blocks (every library's window completed) drawn uniformly without replacement (Mulberry32 PRNG, seed 20), renumbered
// 0..k-1 in their original order; benches are drawn independently of each other (they may share
// blocks). From each bench:
//   A/A rows:  test-slow@aa against test-slow, the row's text as bench prints it (`~ same` or not);
//   power:     test-slow@slow against test-slow: `slower` with an interval excluding 1;
//   the gate:  `compare --within --base test-slow --head test-slow@slow --aa test-slow@aa` on the
//              bench (rule `windows`), and the same with head test-slow@aa (A/A, gate);
//
//   node test/proof/sidebyside-proof.mjs <report.json|results dir>... [--blocks 6] [--gate-blocks 10]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const { Report } = await import(`${dist}/runner/report/schema.js`);
const { compareLibraries, comparisonText } = await import(`${dist}/runner/sidebyside/verdict.js`);
const { directionWords } = await import(`${dist}/runner/report/relative.js`);
const { compareWithin } = await import(`${dist}/runner/compare/compare.js`);
const { buildReport } = await import(`${dist}/runner/aggregate.js`);
const { SCENARIOS } = await import(`${dist}/scenarios/index.js`);

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const BLOCKS = flag('--blocks', 6);
const GATE_BLOCKS = flag('--gate-blocks', 10);
const [BASE, AA] = ['test-slow', 'test-slow@aa'];
/** Every slowed copy in the session: test-slow@slow, test-slow@slow2, ... */
const slowsOf = (report) => report.options.libraries.filter((l) => l.startsWith('test-slow@slow'));

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20);

function load(target) {
  const file = fs.statSync(target).isDirectory() ? path.join(target, 'report.json') : target;
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
    scenarios.map((s) => SCENARIOS[s.name]),
    runs,
  );
}

const tally = {};
const count = (key, ok) => {
  tally[key] ??= { ok: 0, of: 0, examples: [] };
  tally[key].of++;
  if (ok) tally[key].ok++;
  return tally[key];
};
for (const target of args) {
  const session = load(target);
  const blocks = completeBlocks(session).length;
  for (const info of session.scenarios) {
    const metric = info.metrics.find((m) => m.key === info.headline);
    for (const c of [
      ...new Map(session.summaries.filter((s) => s.scenario === info.name).map((s) => [s.case.id, s.case])).values(),
    ]) {
      const row = `${info.name} [${c.label}] ${metric.label} (session of ${blocks} complete blocks)`;
      // The whole session, as one bench: the slowed copies' effect against the base.
      for (const SLOW of slowsOf(session)) {
        const all = compareLibraries(session, info.name, c.id, SLOW, BASE, metric);
        console.log(`${SLOW} over the whole session, ${row}: ${comparisonText(all, metric, directionWords(metric))}`);
      }
      const whole = compareLibraries(session, info.name, c.id, AA, BASE, metric);
      console.log(
        `${AA} over the whole session, ${row}: ${comparisonText(whole, metric, directionWords(metric))} (ratio ${whole.ratio.toFixed(4)})`,
      );
      for (let i = 0; i < 100; i++) {
        const bench = resample(session, BLOCKS);
        const aa = compareLibraries(bench, info.name, c.id, AA, BASE, metric);
        const t = count(`A/A ${row}: ~ same, of 100 benches of ${BLOCKS}`, aa.verdict === 'same');
        if (aa.verdict !== 'same') t.examples.push(comparisonText(aa, metric, directionWords(metric)));
        for (const SLOW of i < 10 ? slowsOf(session) : []) {
          const slow = compareLibraries(bench, info.name, c.id, SLOW, BASE, metric);
          const s = count(
            `${SLOW} ${row}: slower, interval excluding 1, of 10 benches of ${BLOCKS}`,
            slow.verdict === 'worse' && slow.gainHi < 1,
          );
          s.examples.push(comparisonText(slow, metric, directionWords(metric)));
        }
      }
      for (let i = 0; i < 100; i++) {
        const bench = resample(session, GATE_BLOCKS);
        const rowOf = (head) =>
          compareWithin(bench, BASE, head, { aa: head === AA ? undefined : AA }).rows.find(
            (r) => r.scenario === info.name && r.caseId === c.id && r.headline,
          );
        const aa = rowOf(AA);
        const g = count(
          `gate A/A ${row}: no change called, of 100 comparisons of ${GATE_BLOCKS}`,
          aa.verdict === 'same',
        );
        if (aa.verdict !== 'same') g.examples.push(aa.why);
        for (const SLOW of i < 10 ? slowsOf(session) : []) {
          const slow = rowOf(SLOW);
          const w = count(`gate ${SLOW} ${row}: worse, of 10 comparisons of ${GATE_BLOCKS}`, slow.verdict === 'worse');
          w.examples.push(`${slow.verdict}: ${slow.why}`);
        }
      }
    }
  }
}
for (const [key, t] of Object.entries(tally)) {
  console.log(`${key}: ${t.ok} of ${t.of}`);
  for (const e of t.examples.slice(0, 3)) console.log(`    e.g. ${e}`);
}
