#!/usr/bin/env node
// How the noise band of the side-by-side comparisons was chosen (docs/statistics.md): candidate
// rules judged on proof sets stored by test/proof/sidebyside-gate.sh, each set a folder of benches
// b1..b10 of four test-slow servers side by side (base, @aa, @same, @slow). For every rule, per
// set: the A/A rows (@aa and @same against the base) it calls, bench by bench and in 100 benches
// of 30 blocks resampled from the set's pool of blocks (Mulberry32, seed 30, without replacement
// within a bench), and how often it calls @slow.
//
//   node test/proof/band-choice.mjs <set folder>...
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './mulberry32.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const { signedRankP, t975 } = await import(`${dist}/runner/sidebyside/paired.js`);

const [BASE, AA, SAME, SLOW] = ['test-slow', 'test-slow@aa', 'test-slow@same', 'test-slow@slow'];
const K = 30;

/** mean, standard error and 95 % half-width of the log ratios. */
function stats(d) {
  const n = d.length;
  const m = d.reduce((a, b) => a + b, 0) / n;
  const se = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) / n);
  return { m, half: t975(n - 1) * se };
}
const beyond = (band) => (d) => {
  const s = stats(d);
  return signedRankP(d) <= 0.05 && Math.abs(s.m) - s.half > Math.log(1 + band);
};
const RULES = {
  'old: p <= 0.05, interval clear of 1, ratio beyond 5 %': (d) => {
    const s = stats(d);
    return signedRankP(d) <= 0.05 && Math.abs(s.m) > s.half && Math.abs(Math.exp(s.m) - 1) > 0.05;
  },
  'interval beyond 2 %': beyond(0.02),
  'interval beyond 2.5 %': beyond(0.025),
  'interval beyond 3 %': beyond(0.03),
};

/** A bench's blocks, in order: msgs/s of every library, blocks where all four completed. */
function blocksOf(dir) {
  const run = fs.readdirSync(dir).find((d) => fs.existsSync(path.join(dir, d, 'report.json')));
  if (!run) return null;
  const report = JSON.parse(fs.readFileSync(path.join(dir, run, 'report.json'), 'utf8'));
  const byRep = new Map();
  for (const r of report.runs) {
    if (r.status !== 'completed' || r.scenario !== 'throughput') continue;
    const b = byRep.get(r.rep) ?? {};
    b[r.library] = r.stats.metrics.msgsPerSec;
    byRep.set(r.rep, b);
  }
  return [...byRep.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([, b]) => b)
    .filter((b) => [BASE, AA, SAME, SLOW].every((l) => b[l] > 0));
}

const logRatios = (blocks, lib) => blocks.map((b) => Math.log(b[lib] / b[BASE]));

for (const set of process.argv.slice(2)) {
  const benches = fs
    .readdirSync(set)
    .filter((d) => /^b\d+$/.test(d))
    .map((d) => blocksOf(path.join(set, d)))
    .filter(Boolean);
  const pool = benches.flat();
  const rand = mulberry32(30);
  const resampled = Array.from({ length: 100 }, () => {
    const left = [...pool];
    return Array.from({ length: K }, () => left.splice(Math.floor(rand() * left.length), 1)[0]);
  });
  console.log(`${set}: ${benches.length} benches of ${benches[0]?.length} blocks, ${pool.length} blocks`);
  for (const [name, rule] of Object.entries(RULES)) {
    const called = (sets, lib) => sets.filter((b) => rule(logRatios(b, lib))).length;
    console.log(
      `  ${name}: A/A called per bench ${called(benches, AA)} + ${called(benches, SAME)} of ${2 * benches.length}, ` +
        `resampled ${called(resampled, AA)} + ${called(resampled, SAME)} of 200; ` +
        `@slow called per bench ${called(benches, SLOW)} of ${benches.length}, resampled ${called(resampled, SLOW)} of 100`,
    );
  }
}
