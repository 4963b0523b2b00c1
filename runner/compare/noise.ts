/**
 * Noise: how far a metric moves between repetitions when nothing changed. The regression gate
 * only calls a change that exceeds it, so it must be measured from the runs, never assumed —
 * except when there is a single run per side, where it is unknowable and a labelled default
 * stands in for it.
 */
import type { CaseSummary, Report, RunResult } from '../report/schema.js';
import { median, NOISY_SPREAD } from '../stats.js';

/**
 * Stand-in noise when a side has one run: the project's own "noisy" bar (stats.ts). Shared
 * machines routinely move 5-10 % run to run, so the gate adds this to the threshold.
 */
export const UNKNOWN_NOISE = NOISY_SPREAD;

/** The noise of one comparison, relative to the median (0.08 = 8 %). */
export interface Noise {
  /**
   * `unpaired`: the larger of the two sides' ranges (max - min), relative to the base median.
   * `paired`: relative spread of the per-round ratios head/base (rounds benched in turns, so
   * drift over the session cancels out).
   * `unknown`: a single run on a side; `value` is then UNKNOWN_NOISE, assumed.
   */
  kind: 'unpaired' | 'paired' | 'unknown';
  value: number;
  /** Repetitions that fed the estimate: [base, head] (paired: both are the number of pairs). */
  runs: [number, number];
}

type Completed = Extract<RunResult, { status: 'completed' }>;

/** (max - min) / |median| of the finite values; null when fewer than two. */
export function relativeSpread(values: number[]): number | null {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return null;
  const m = Math.abs(median(v));
  const range = Math.max(...v) - Math.min(...v);
  if (m === 0) return range === 0 ? 0 : Number.POSITIVE_INFINITY;
  return range / m;
}

/** The completed runs of one summary's (scenario, case, library), by repetition index. */
export function runsOf(report: Report, s: CaseSummary): Map<number, Completed> {
  const out = new Map<number, Completed>();
  for (const r of report.runs) {
    if (r.status === 'completed' && r.scenario === s.scenario && r.case.id === s.case.id && r.library === s.library)
      out.set(r.rep, r);
  }
  return out;
}

/** One side's per-repetition values of a metric, by repetition. */
export function repValues(report: Report, s: CaseSummary, key: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [rep, r] of runsOf(report, s)) {
    const v = r.stats.metrics[key];
    if (v !== undefined && Number.isFinite(v)) out.set(rep, v);
  }
  return out;
}

/** [base, head] per repetition present on both sides, in repetition order. */
export function pairedRounds(
  base: Report,
  b: CaseSummary,
  head: Report,
  h: CaseSummary,
  key: string,
): Array<[number, number]> {
  const bv = repValues(base, b, key);
  const hv = repValues(head, h, key);
  return [...bv.keys()]
    .sort((x, y) => x - y)
    .flatMap((rep): Array<[number, number]> => (hv.has(rep) ? [[bv.get(rep)!, hv.get(rep)!]] : []));
}

/** One run in the time order of a comparison: which side, which repetition. */
export interface Turn {
  side: 'base' | 'head';
  rep: number;
}

/**
 * The runs of one case of both sides in start-time order, when they were benched in turns
 * (`merge`d `--runs 1` benches in the workflow: A B, B A, A B; or libraries interleaved in one
 * run): ordered by time they come in adjacent pairs, each one base and one head of the same
 * repetition, so each round's head/base ratio is a like-for-like pair. Null otherwise.
 */
export function turnOrder(base: Report, b: CaseSummary, head: Report, h: CaseSummary): Turn[] | null {
  const br = runsOf(base, b);
  const hr = runsOf(head, h);
  if (br.size < 2 || br.size !== hr.size) return null;
  const all = [
    ...[...br.values()].map((r) => ({ side: 'base' as const, r })),
    ...[...hr.values()].map((r) => ({ side: 'head' as const, r })),
  ];
  all.sort((x, y) => Date.parse(x.r.startedAt) - Date.parse(y.r.startedAt));
  for (let i = 0; i < all.length; i += 2) {
    const [x, y] = [all[i], all[i + 1]];
    // Equal start times: not two runs of one machine in turn (a copied or hand-written report).
    if (x.side === y.side || x.r.rep !== y.r.rep || x.r.startedAt === y.r.startedAt) return null;
  }
  return all.map((t) => ({ side: t.side, rep: t.r.rep }));
}

/**
 * Same-code (A/A) changes inside a comparison benched in turns: where two runs of one side are
 * adjacent in time (A B | B A | A B puts B B and A A side by side), the later over the earlier - 1.
 * They are as far apart as a round's base and head, so they measure what a round's change would be
 * with no change at all (uWebSockets.js's compare.js measures its noise the same way).
 */
export function sameCodeChanges(order: Turn[], value: (t: Turn) => number | undefined): number[] {
  const out: number[] = [];
  for (let i = 1; i < order.length; i++) {
    const [x, y] = [order[i - 1], order[i]];
    if (x.side !== y.side) continue;
    const [vx, vy] = [value(x), value(y)];
    if (vx !== undefined && vy !== undefined && vx !== 0) out.push(vy / vx - 1);
  }
  return out;
}
