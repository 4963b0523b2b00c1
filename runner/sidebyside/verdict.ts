/**
 * Comparisons as every output words them: one library against another on a metric, from the
 * report's runs. Runs of one repetition index are windows of one block, measured side by side
 * (windows.ts), so they pair; a pair's ratio cancels the drift both windows shared. The numbers
 * come from paired.ts; here they become words: `1.10x slower [1.07–1.13]`, `~ same (p=0.31, n=6)`.
 * A pure function of the report, so a report written before intervals existed reads the same way.
 */
import type { ComparisonSummary, MetricDef, Report, RunResult } from '../report/schema.js';
import { directionWords } from '../report/relative.js';
import { formatRatio } from '../report/numbers.js';
import { MIN_PAIRS, NOISE_BAND, pairedStats, unpairedStats, type PairedStats } from './paired.js';

type Metric = Pick<MetricDef, 'key' | 'label' | 'unit' | 'better'>;
type Completed = Extract<RunResult, { status: 'completed' }>;

/** One comparison: `library` against `base` on `metric`, in one case. */
export interface PairedComparison extends PairedStats {
  scenario: string;
  caseId: string;
  library: string;
  base: string;
  metric: string;
  /** The ratio oriented so that above 1 is better (value / base, or base / value for lower-is-better). */
  gain: number;
  gainLo: number;
  gainHi: number;
  /** `better`/`worse` for the library, `same` where the runs cannot tell. */
  verdict: 'better' | 'worse' | 'same';
}

/** A run's value of a metric by repetition, completed runs only. */
export function valuesByRep(
  report: Report,
  scenario: string,
  caseId: string,
  library: string,
  key: string,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of report.runs) {
    if (r.status !== 'completed' || r.scenario !== scenario || r.case.id !== caseId || r.library !== library) continue;
    const v = (r as Completed).stats.metrics[key];
    if (v !== undefined && Number.isFinite(v)) out.set(r.rep, v);
  }
  return out;
}

/** `library` against `base` in one case: paired by repetition (windows of one block). */
export function compareLibraries(
  report: Report,
  scenario: string,
  caseId: string,
  library: string,
  base: string,
  metric: Metric,
): PairedComparison {
  const bv = valuesByRep(report, scenario, caseId, base, metric.key);
  const lv = valuesByRep(report, scenario, caseId, library, metric.key);
  const pairs = [...bv.keys()].filter((k) => lv.has(k)).map((k): [number, number] => [bv.get(k)!, lv.get(k)!]);
  return orient(pairedStats(pairs), { scenario, caseId, library, base, metric: metric.key }, metric);
}

/** Two cases of one library (e.g. plain and TLS): independent runs, so an unpaired interval. */
export function compareCases(
  report: Report,
  scenario: string,
  plainCase: string,
  variantCase: string,
  library: string,
  metric: Metric,
): PairedComparison {
  const pv = [...valuesByRep(report, scenario, plainCase, library, metric.key).values()];
  const vv = [...valuesByRep(report, scenario, variantCase, library, metric.key).values()];
  return orient(
    unpairedStats(pv, vv),
    { scenario, caseId: variantCase, library, base: library, metric: metric.key },
    metric,
  );
}

function orient(
  s: PairedStats,
  at: Pick<PairedComparison, 'scenario' | 'caseId' | 'library' | 'base' | 'metric'>,
  metric: Metric,
): PairedComparison {
  const lower = metric.better === 'lower';
  const gain = lower ? 1 / s.ratio : s.ratio;
  const [gainLo, gainHi] = lower ? [1 / s.hi, 1 / s.lo] : [s.lo, s.hi];
  const up = s.call === 'higher';
  const verdict = s.call === 'same' || metric.better === 'none' ? 'same' : up !== lower ? 'better' : 'worse';
  return { ...s, ...at, gain, gainLo, gainHi, verdict };
}

const fixed2 = (x: number): string => (x >= 100 ? formatRatio(x).slice(0, -1) : x.toFixed(2));

/** `p=0.031, n=6` (`n=6` alone for an unpaired interval). */
export function testText(c: Pick<PairedStats, 'p' | 'n'>): string {
  return c.p === null ? `n=${c.n}` : `p=${c.p < 0.001 ? '<0.001' : c.p.toPrecision(2)}, n=${c.n}`;
}

/** `[1.07–1.13]`: the 95 % interval of the factor in the words' direction; '' when unknown. */
function intervalText(c: PairedComparison, worse: boolean): string {
  if (!Number.isFinite(c.gainLo) || !Number.isFinite(c.gainHi)) return '';
  const [lo, hi] = worse ? [1 / c.gainHi, 1 / c.gainLo] : [c.gainLo, c.gainHi];
  return ` [${fixed2(lo)}–${fixed2(hi)}]`;
}

/**
 * Why the runs cannot tell: `~ same (0.91–1.06x, p=0.31, n=6)`, `~ same (1.01–1.06x reaches into ±2 %, p=0.01,
 * n=30)`, `~ same (n=1: no interval)`, `~ same (0.6–1.9x, n=3; the rank test needs 6)`.
 */
export function sameText(c: PairedComparison): string {
  if (c.sameBy === 'n') return `~ same (n=${c.n}: no interval)`;
  const band = c.sameBy === 'band' ? ` reaches into ±${NOISE_BAND * 100} %` : '';
  const interval = Number.isFinite(c.gainLo) ? `${fixed2(c.gainLo)}–${fixed2(c.gainHi)}x${band}, ` : '';
  const few = c.sameBy === 'few' ? `; the rank test needs ${MIN_PAIRS}` : '';
  return `~ same (${interval}${testText(c)}${few})`;
}

/**
 * The comparison from the library's side: `1.10x slower [1.07–1.13]`, `2.28x faster [2.1–2.5]`,
 * `~ same (p=0.31, n=6)`; a plain ratio with its interval when the metric has no direction.
 */
export function comparisonText(
  c: PairedComparison,
  metric: Pick<MetricDef, 'unit' | 'better'>,
  words: [string, string],
): string {
  if (!Number.isFinite(c.ratio)) return '–';
  if (metric.better === 'none') {
    const iv = Number.isFinite(c.lo) ? ` [${fixed2(c.lo)}–${fixed2(c.hi)}]` : '';
    return `${formatRatio(c.ratio)}${iv}`;
  }
  if (c.verdict === 'same') return sameText(c);
  const worse = c.verdict === 'worse';
  const factor = worse ? 1 / c.gain : c.gain;
  return `${formatRatio(factor)} ${worse ? words[1] : words[0]}${intervalText(c, worse)}`;
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Every library against the baseline on each case's headline metric, for report.json. */
export function baselineComparisons(report: Report): ComparisonSummary[] {
  const base = report.options.baselineLib;
  const out: ComparisonSummary[] = [];
  for (const info of report.scenarios) {
    const metric = info.metrics.find((m) => m.key === info.headline);
    if (!metric) continue;
    const done = report.summaries.filter((s) => s.scenario === info.name && s.status === 'completed');
    for (const s of done) {
      if (s.library === base || !done.some((b) => b.library === base && b.case.id === s.case.id)) continue;
      const c = compareLibraries(report, info.name, s.case.id, s.library, base, metric);
      out.push({
        scenario: c.scenario,
        caseId: c.caseId,
        library: c.library,
        base: c.base,
        metric: c.metric,
        n: c.n,
        ratio: orNull(c.ratio),
        lo: orNull(c.lo),
        hi: orNull(c.hi),
        p: c.p,
        method: c.method,
        verdict: c.verdict,
        text: comparisonText(c, metric, directionWords(metric)),
      });
    }
  }
  return out;
}
