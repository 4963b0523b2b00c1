/**
 * The gate's rules, applied in order; the first that decides names itself in the verdict:
 *
 *   floor          same: |head - base| is within the metric's absolute floor (floors.ts), or 0
 *   min-effect     same: |change| is within --threshold or the metric's minimum effect
 *   noise          same: |change| is within the same-code noise measured in this comparison
 *   windows        windows of one bench side by side: the paired interval and signed-rank test
 *                  (p ≤ 1 %), the interval wholly beyond the ±2 % band of two identical server
 *                  processes, the change beyond the minimum effect and a measured A/A change (byWindows)
 *   rounds         paired rounds (base and head benched in turns): better/worse only when every
 *                  round moved the same way beyond the minimum effect and the rounds' changes
 *                  are larger than the A/A changes by a rank test, together a chance of at most
 *                  1 % for identical code (roundsAgainstAa), else same
 *   separation     two separate sets of runs: better/worse only when the change passes the bar
 *                  plus an assumed drift between the sessions (SESSION_DRIFT) and every head run
 *                  lies beyond every base run (a rank test at its extreme: Mann-Whitney U = 0)
 *   assumed-noise  one run on a side: noise unknown, the bar is the effect plus an assumed 10 %
 *
 * A pure function of the numbers; compare.ts gathers them, markdown.ts shows `rule` and `why`.
 */
import { median } from '../stats.js';
import type { Limit } from './floors.js';
import { UNKNOWN_NOISE, type Noise } from './noise.js';
import { beyondBand, NOISE_BAND, pairedStats } from '../sidebyside/paired.js';

/** Level of the gate's signed-rank test over side-by-side blocks: 1 % (at least 8 blocks can reach it). */
export const WINDOWS_ALPHA = 0.01;

export type Rule =
  'status' | 'missing' | 'floor' | 'min-effect' | 'noise' | 'rounds' | 'windows' | 'separation' | 'assumed-noise';

/** Everything one row is decided on. */
export interface Evidence {
  /** Summary medians. */
  base: number;
  head: number;
  better: 'higher' | 'lower';
  /** Per-repetition values of each side (empty when the report was trimmed of its runs). */
  baseRuns: number[];
  headRuns: number[];
  /** [base, head] per round when the two sides were benched in turns, else null. */
  rounds: Array<[number, number]> | null;
  /** Same-code (A/A) changes between adjacent runs of one side, when benched in turns (noise.ts). */
  sameCode?: number[];
  /**
   * The rounds are windows of one bench measured side by side (runner/sidebyside): judged by the
   * paired interval and signed-rank test (rule `windows`). `aa`: the change of a second copy of
   * the base against the base over the same blocks (`compare --within --aa`), same-code noise
   * measured in the same run.
   */
  windows?: { aa: number | null };
  /** The summaries' min and max, for reports without runs. */
  summary: { base: { min: number; max: number; runs: number }; head: { min: number; max: number; runs: number } };
  floor: Limit | null;
  effect: Limit;
}

export interface Decision {
  verdict: 'better' | 'worse' | 'same';
  rule: Rule;
  why: string;
  change: number | null;
  noise: Noise | null;
  bar: number | null;
}

/**
 * Between two sessions that were not benched in turns the machine drifts by an amount no run of
 * either session measures; it is assumed to be the project's "noisy" bar (stats.ts), as for an
 * unknown noise, and added to the bar of unpaired comparisons.
 */
export const SESSION_DRIFT = UNKNOWN_NOISE;

const pct = (x: number, signed = true): string => `${signed && x > 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const num = (x: number): string =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2);

function direction(change: number, better: 'higher' | 'lower'): 'better' | 'worse' {
  return (better === 'higher') === change > 0 ? 'better' : 'worse';
}

/** The most often a comparison in turns may call a change in a row of identical code. */
export const FALSE_ALARM_GOAL = 0.01;
/**
 * The bound the rank test must meet: half the goal. The bound below treats the rounds' signs and
 * the A/A changes as independent, but each A/A change shares its runs with the rounds beside it
 * (when every round went one way, each side's runs were the high or the low of their pairs, and
 * the A/A changes between them come out smaller). Simulated with Gaussian run noise in the
 * workflow's order (5 rounds, A B | B A | ...), a nominal 1 % called identical code 1.08 % of the
 * time at 20 % noise; a nominal 0.5 %, 0.58 % at 20 % and 0.67 % at 50 %.
 */
const NOMINAL = FALSE_ALARM_GOAL / 2;

/**
 * Ways to choose `m` of the ranks 1..total with each possible rank sum: counts[sum].
 * (Wilcoxon rank-sum null distribution, exact, by dynamic programming.)
 */
function rankSumCounts(total: number, m: number): number[] {
  const maxSum = (m * (2 * total - m + 1)) / 2;
  // ways[j][s]: j ranks chosen so far, summing to s.
  const ways = Array.from({ length: m + 1 }, () => new Array<number>(maxSum + 1).fill(0));
  ways[0][0] = 1;
  for (let rank = 1; rank <= total; rank++) {
    for (let j = Math.min(m, rank); j >= 1; j--) {
      for (let x = maxSum; x >= rank; x--) ways[j][x] += ways[j - 1][x - rank];
    }
  }
  return ways[m];
}

/**
 * The rounds of a comparison in turns against its A/A changes, under the hypothesis that the code
 * did not change: then the noise of the n rounds and of the k A/A changes is exchangeable and
 * sign-symmetric, so every round moves one way with a chance of 2^(1-n), and, independently, the
 * sizes of the rounds' changes rank among the n + k sizes as n values drawn at random. `p` is the
 * exact chance that their rank sum (ties ranked against the rounds) is at least the one seen
 * (a one-sided Wilcoxon-Mann-Whitney test), and `bound` = 2^(1-n) x p the chance that identical
 * code looks like this, were signs and ranks independent (they are not quite: see NOMINAL). Where even the highest rank sum cannot bring `bound` to the goal (3 rounds:
 * 2.5 %), `least` is that bound, and only that highest rank sum is called.
 */
export function roundsAgainstAa(
  rounds: number[],
  aa: number[],
): { w: number; p: number; bound: number; least: number } {
  const n = rounds.length;
  const tagged = [
    ...rounds.map((v) => ({ v: Math.abs(v), round: 1 })),
    ...aa.map((v) => ({ v: Math.abs(v), round: 0 })),
  ];
  // Ascending; at a tie the A/A change ranks higher, so the rounds never gain from a tie.
  tagged.sort((x, y) => x.v - y.v || y.round - x.round);
  const w = tagged.reduce((sum, t, i) => sum + (t.round ? i + 1 : 0), 0);
  const counts = rankSumCounts(tagged.length, n);
  const all = counts.reduce((x, y) => x + y, 0);
  const p = counts.slice(w).reduce((x, y) => x + y, 0) / all;
  const sign = 2 ** (1 - n);
  return { w, p, bound: sign * p, least: sign / all };
}

/**
 * Paired rounds. Every round must move the same way beyond the minimum effect; then, where A/A
 * changes were measured (benched in turns, A B | B A | ...), the rounds' changes must be larger
 * than the A/A changes by a rank test that keeps identical code under FALSE_ALARM_GOAL (NOMINAL)
 * (roundsAgainstAa). Without A/A changes (libraries interleaved in one run, --within), the
 * spread of the rounds' ratios is the noise the change must pass.
 */
function byRounds(e: Evidence, rounds: Array<[number, number]>, effect: Limit): Decision {
  const ratios = rounds.map(([b, h]) => h / b);
  const change = median(ratios) - 1;
  const n = ratios.length;
  // The ratios are already relative to the base: their range is the spread (a median ratio of 0,
  // a head that fell to nothing, must not make it infinite).
  const spread = Math.max(...ratios) - Math.min(...ratios);
  const list = ratios.map((r) => pct(r - 1)).join(', ');
  const aaList = e.sameCode ?? [];
  const aa = Math.max(0, ...aaList.map(Math.abs));
  const noise: Noise = { kind: 'paired', value: aaList.length ? aa : spread, runs: [n, n] };
  // What |change| had to exceed: with A/A changes the rank test decides, beyond the minimum effect.
  const bar = aaList.length ? effect.value : Math.max(effect.value, spread);
  if (Math.abs(change) <= effect.value)
    return { verdict: 'same', rule: 'min-effect', why: `${pct(change)} is within ${effect.why}`, change, noise, bar };
  if (!aaList.length && Math.abs(change) <= spread) {
    return {
      verdict: 'same',
      rule: 'noise',
      why: `${pct(change)} is within the ${pct(spread, false)} spread of the ${n} rounds (${list})`,
      change,
      noise,
      bar,
    };
  }
  // Every round one way (the sign test) and, beyond what the bound needs, each beyond the minimum
  // effect: a round that hardly moved is read as no change (tried without it, one A/A comparison
  // of ten was called worse: rounds -9.0, -12.8, -6.4, -0.3, -14.4 %).
  const agree = ratios.every((r) => Math.sign(r - 1) === Math.sign(change) && Math.abs(r - 1) > effect.value);
  if (!agree)
    return {
      verdict: 'same',
      rule: 'rounds',
      why: `not every round moved beyond ${pct(effect.value, false)} the same way (${list})`,
      change,
      noise,
      bar,
    };
  if (!aaList.length) {
    const why = `all ${n} rounds agree (${list}), beyond ${effect.why} and the ${pct(spread, false)} round spread (no A/A change measured)`;
    return { verdict: direction(change, e.better), rule: 'rounds', why, change, noise, bar };
  }
  const t = roundsAgainstAa(
    ratios.map((r) => r - 1),
    aaList,
  );
  const goal = Math.max(NOMINAL, t.least);
  const chance = (x: number): string => `${(x * 100).toPrecision(2)} %`;
  const against = `the A/A changes (${aaList.map((x) => pct(x)).join(', ')}): rank sum ${t.w}, chance ${chance(t.p)}`;
  if (t.bound > goal * (1 + 1e-9)) {
    return {
      verdict: 'same',
      rule: 'noise',
      why: `the ${n} rounds (${list}) are not larger than ${against}; with every round one way ${chance(t.bound)}, over ${chance(goal)}`,
      change,
      noise,
      bar,
    };
  }
  const more = t.least > NOMINAL ? ` (over ${pct(NOMINAL, false)}: bench more rounds)` : '';
  const why = `all ${n} rounds moved one way beyond ${effect.why} (${list}), larger than ${against}: identical code does this with a chance of ${chance(t.bound)}${more}`;
  return { verdict: direction(change, e.better), rule: 'rounds', why, change, noise, bar };
}

/**
 * Windows measured side by side (one bench, servers warm, blocks A B | B A ...): the change is the
 * geometric mean of the blocks' head / base, with its 95 % t-interval on log ratios and an exact
 * Wilcoxon signed-rank test over the blocks (sidebyside/paired.ts). Called only when p ≤ 1 %, the
 * whole interval lies beyond ±NOISE_BAND (closer than that, identical servers are not told
 * apart), and the change passes both the minimum effect and the same-code (A/A) change measured
 * in the same bench, when there is one.
 */
function byWindows(e: Evidence, rounds: Array<[number, number]>, effect: Limit): Decision {
  const s = pairedStats(rounds, 0);
  const change = s.ratio - 1;
  const aa = e.windows?.aa ?? null;
  // Beyond the minimum effect and beyond what identical code moved in this bench, not their sum:
  // both bound the same no-change (with the sum, a 9.4 % slowdown was called in 66 of 100
  // resampled gates of 20 blocks; with the larger, 81-83: docs/statistics.md).
  const bar = Math.max(effect.value, aa === null ? 0 : Math.abs(aa));
  const noise: Noise = { kind: 'paired', value: aa === null ? (s.hi - s.lo) / 2 : Math.abs(aa), runs: [s.n, s.n] };
  const interval = `${pct(s.lo - 1)} to ${pct(s.hi - 1)}`;
  const test = `signed-rank p = ${(s.p ?? 1).toPrecision(2)} over ${s.n} blocks`;
  const aaText = aa === null ? '' : ` and the ${pct(Math.abs(aa), false)} A/A change of a second copy of the base`;
  const base = { change, noise, bar, rule: 'windows' as const };
  if ((s.p ?? 1) > WINDOWS_ALPHA || !(s.lo > 1 || s.hi < 1))
    return {
      ...base,
      verdict: 'same',
      why: `${pct(change)} (95 % ${interval}): ${test}, over ${pct(WINDOWS_ALPHA, false)}`,
    };
  // As bench words it (sidebyside/paired.ts): the whole interval beyond ±NOISE_BAND, closer than
  // which two identical server processes are not told apart (docs/statistics.md, the proofs).
  if (!beyondBand(s.lo, s.hi, NOISE_BAND))
    return {
      ...base,
      verdict: 'same',
      why: `${pct(change)} (95 % ${interval}): the interval reaches into ±${pct(NOISE_BAND, false)}, closer than which identical server processes are not told apart`,
    };
  if (Math.abs(change) <= bar)
    return { ...base, verdict: 'same', why: `${pct(change)} (95 % ${interval}) is within ${effect.why}${aaText}` };
  const why = `${pct(change)} (95 % ${interval}), ${test}, beyond ${effect.why}${aaText}`;
  return { ...base, verdict: direction(change, e.better), why };
}

/** Two separate sets of runs: beyond the bar and completely separated. */
function bySeparation(e: Evidence, change: number, effect: Limit): Decision {
  const { base: sb, head: sh } = e.summary;
  const withRuns = e.baseRuns.length >= 2 && e.headRuns.length >= 2;
  // Each side's range (max - min) relative to the base median: a head that fell to 0 is not "infinitely noisy".
  const range = (runs: number[], s: { min: number; max: number; runs: number }): number | null =>
    runs.length >= 2
      ? (Math.max(...runs) - Math.min(...runs)) / Math.abs(e.base)
      : !withRuns && s.runs >= 2
        ? (s.max - s.min) / Math.abs(e.base)
        : null;
  const spreadB = range(e.baseRuns, sb);
  const spreadH = range(e.headRuns, sh);
  const runs: [number, number] = withRuns ? [e.baseRuns.length, e.headRuns.length] : [sb.runs, sh.runs];
  if (spreadB === null || spreadH === null) {
    const noise: Noise = { kind: 'unknown', value: UNKNOWN_NOISE, runs };
    const bar = effect.value + UNKNOWN_NOISE;
    if (Math.abs(change) <= bar)
      return {
        verdict: 'same',
        rule: 'assumed-noise',
        why: `one run on a side: ${pct(change)} is within ${effect.why} plus an assumed ${pct(UNKNOWN_NOISE, false)} noise`,
        change,
        noise,
        bar,
      };
    return {
      verdict: direction(change, e.better),
      rule: 'assumed-noise',
      why: `one run on a side: ${pct(change)} is beyond ${effect.why} plus an assumed ${pct(UNKNOWN_NOISE, false)} noise`,
      change,
      noise,
      bar,
    };
  }
  const spread = Math.max(spreadB, spreadH);
  const noise: Noise = { kind: 'unpaired', value: spread, runs };
  // Two sessions not benched in turns: the machine's drift between them is not measured, so it is assumed.
  const bar = Math.max(effect.value, spread) + SESSION_DRIFT;
  if (Math.abs(change) <= effect.value)
    return { verdict: 'same', rule: 'min-effect', why: `${pct(change)} is within ${effect.why}`, change, noise, bar };
  if (Math.abs(change) <= bar) {
    const why = `${pct(change)} is within the ${pct(spread, false)} run-to-run spread (or ${effect.why}) plus an assumed ${pct(SESSION_DRIFT, false)} drift between two sessions not benched in turns`;
    return { verdict: 'same', rule: 'noise', why, change, noise, bar };
  }
  const [bMin, bMax] = withRuns ? [Math.min(...e.baseRuns), Math.max(...e.baseRuns)] : [sb.min, sb.max];
  const [hMin, hMax] = withRuns ? [Math.min(...e.headRuns), Math.max(...e.headRuns)] : [sh.min, sh.max];
  const separated = change > 0 ? hMin > bMax : hMax < bMin;
  const p = 1 / binomial(runs[0] + runs[1], runs[0]);
  if (!separated)
    return {
      verdict: 'same',
      rule: 'separation',
      why: `${pct(change)}, but the base and head runs overlap`,
      change,
      noise,
      bar,
    };
  const why = `every head run beyond every base run (one-sided p = ${p.toPrecision(2)}), ${pct(change)} beyond the ${pct(bar, false)} bar (spread or minimum effect, plus ${pct(SESSION_DRIFT, false)} session drift)`;
  return { verdict: direction(change, e.better), rule: 'separation', why, change, noise, bar };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** The verdict of one row, with the rule that decided it and why. */
export function decide(e: Evidence): Decision {
  const diff = e.head - e.base;
  const relative = e.base !== 0 ? e.head / e.base - 1 : null;
  if (diff === 0 && !e.floor)
    return {
      verdict: 'same',
      rule: 'floor',
      why: `head and base are equal (${num(e.head)})`,
      change: relative,
      noise: null,
      bar: null,
    };
  if (e.floor && Math.abs(diff) <= e.floor.value) {
    return {
      verdict: 'same',
      rule: 'floor',
      why: `|head − base| = ${num(Math.abs(diff))} is within the floor of ${e.floor.why}`,
      change: relative,
      noise: null,
      bar: null,
    };
  }
  if (relative === null) {
    // A zero base has no relative change: only complete separation of the runs calls it.
    const up = diff > 0;
    const separated =
      e.baseRuns.length > 0 &&
      e.headRuns.length > 0 &&
      (up ? Math.min(...e.headRuns) > Math.max(...e.baseRuns) : Math.max(...e.headRuns) < Math.min(...e.baseRuns));
    const verdict =
      separated && e.baseRuns.length + e.headRuns.length >= 4
        ? (e.better === 'higher') === up
          ? 'better'
          : 'worse'
        : 'same';
    const why = `the base median is 0 (no relative change); head ${num(e.head)}: ${verdict === 'same' ? 'the runs overlap or are too few' : 'every head run beyond every base run'}`;
    return { verdict, rule: 'separation', why, change: null, noise: null, bar: null };
  }
  const effect = e.effect;
  if (e.windows && e.rounds && e.rounds.length >= 2 && e.rounds.every(([b, h]) => b > 0 && h > 0))
    return byWindows(e, e.rounds, effect);
  if (e.rounds && e.rounds.length >= 2 && e.rounds.every(([b]) => b !== 0)) return byRounds(e, e.rounds, effect);
  if (e.rounds && e.rounds.length === 1) {
    const r = e.rounds[0];
    return bySeparation({ ...e, baseRuns: [r[0]], headRuns: [r[1]] }, r[1] / r[0] - 1, effect);
  }
  return bySeparation(e, relative, effect);
}
