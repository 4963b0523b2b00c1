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
   * `unpaired`: max of the two sides' relative spreads (max - min) / median.
   * `paired`: relative spread of the per-repetition ratios head/base (same report, runs taken
   * back to back, so drift over the session cancels out).
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
    if (r.status === 'completed' && r.scenario === s.scenario && r.case.id === s.case.id && r.library === s.library) out.set(r.rep, r);
  }
  return out;
}

/** A side's spread of one metric: from its runs when the report has them, else from the summary. */
function sideSpread(report: Report, s: CaseSummary, key: string): { spread: number | null; runs: number } {
  const values = [...runsOf(report, s).values()].map((r) => r.stats.metrics[key]).filter((v): v is number => v !== undefined);
  if (values.length > 0) return { spread: relativeSpread(values), runs: values.length };
  // A report trimmed of its runs still carries min/max per metric in the summary.
  const agg = s.metrics[key];
  if (!agg || s.runsCompleted < 2) return { spread: null, runs: s.runsCompleted };
  // Around a zero median the summary's spread is absolute (spreadKind): relatively, unbounded.
  return { spread: agg.spreadKind === 'absolute' ? Number.POSITIVE_INFINITY : agg.spread, runs: s.runsCompleted };
}

/** Noise of two independent sides (two reports, or one report without pairing). */
export function unpairedNoise(base: Report, b: CaseSummary, head: Report, h: CaseSummary, key: string): Noise {
  const sb = sideSpread(base, b, key);
  const sh = sideSpread(head, h, key);
  if (sb.spread === null || sh.spread === null) return { kind: 'unknown', value: UNKNOWN_NOISE, runs: [sb.runs, sh.runs] };
  return { kind: 'unpaired', value: Math.max(sb.spread, sh.spread), runs: [sb.runs, sh.runs] };
}

/**
 * Per-repetition ratios head/base of one metric, for two libraries in the same report: rep i of
 * both ran back to back (libraries are interleaved), so each ratio is a like-for-like pair.
 */
export function pairedRatios(report: Report, b: CaseSummary, h: CaseSummary, key: string): number[] {
  const baseRuns = runsOf(report, b);
  const ratios: number[] = [];
  for (const [rep, hr] of runsOf(report, h)) {
    const bv = baseRuns.get(rep)?.stats.metrics[key];
    const hv = hr.stats.metrics[key];
    if (bv !== undefined && hv !== undefined && bv !== 0 && Number.isFinite(bv) && Number.isFinite(hv)) ratios.push(hv / bv);
  }
  return ratios;
}

/** Noise of paired ratios: their relative spread; unknown with a single pair. */
export function pairedNoise(ratios: number[]): Noise {
  const spread = relativeSpread(ratios);
  const n = ratios.length;
  return spread === null ? { kind: 'unknown', value: UNKNOWN_NOISE, runs: [n, n] } : { kind: 'paired', value: spread, runs: [n, n] };
}
