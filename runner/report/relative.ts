/**
 * How one library compares with another on a metric, worded so it reads the same whichever way
 * the metric is better: `1.59x faster`, `2.40x slower`, `same`. The factor is always at least 1
 * and the word carries the direction, so nobody has to remember that a latency ratio below 1.00x
 * is the good one. Console, Markdown and HTML all use these words and this legend.
 */
import type { MetricDef } from './schema.js';
import { formatRatio } from './numbers.js';
import { NOISE_BAND } from '../sidebyside/paired.js';

type Metric = Pick<MetricDef, 'label' | 'unit' | 'better'>;

/** Units that are a duration (`µs`) or a rate (`msg/s`): "faster"/"slower" read naturally for them. */
function isTimeOrRate(unit: string): boolean {
  return /^(?:ns|µs|us|ms|s)$/.test(unit) || /^[^/]+\/s$/i.test(unit);
}

/** The words for better and worse on this metric: `faster`/`slower` for times and rates, else `better`/`worse`. */
export function directionWords(metric: Pick<MetricDef, 'unit'>): [better: string, worse: string] {
  return isTimeOrRate(metric.unit) ? ['faster', 'slower'] : ['better', 'worse'];
}

/**
 * A factor oriented so that above 1 is better, in words: `2.28x faster`, `1.50x slower` (the
 * inverse of 0.67), or `same` when it rounds to 1.00x either way.
 */
export function marginText(factor: number, metric: Pick<MetricDef, 'unit'>): string {
  const [up, down] = directionWords(metric);
  if (formatRatio(factor) === '1.00x' || formatRatio(1 / factor) === '1.00x') return 'same';
  return factor > 1 ? `${formatRatio(factor)} ${up}` : `${formatRatio(1 / factor)} ${down}`;
}

/**
 * `value` against `base` in the metric's better direction (`1.59x faster`, `2.40x slower`,
 * `same`); a plain ratio (`1.23x`) when the metric has no better direction. Null when the two
 * cannot be compared (a zero or non-finite value).
 */
export function relativeText(value: number, base: number, metric: Metric): string | null {
  if (metric.better === 'none') {
    const ratio = value / base;
    return Number.isFinite(ratio) ? formatRatio(ratio) : null;
  }
  const factor = metric.better === 'higher' ? value / base : base / value;
  return Number.isFinite(factor) && factor > 0 ? marginText(factor, metric) : null;
}

/**
 * What the "vs <baseline>" column means for a table ranked by `metric`, e.g. for a latency:
 * `vs ws: p50 compared with ws's, from each library's side: “2.00x faster” = half ws's p50,
 * “2.00x slower” = twice it.`
 */
export function relativeLegend(baselineLib: string, metric: Metric): string {
  const head = `vs ${baselineLib}: ${metric.label} compared with ${baselineLib}’s`;
  if (metric.better === 'none') return `${head}, as a plain ratio (${metric.label} ÷ ${baselineLib}’s).`;
  const [up, down] = directionWords(metric);
  const [more, less] = metric.better === 'higher' ? ['twice', 'half'] : ['half', 'twice'];
  return `${head}, from each library’s side: “2.00x ${up}” = ${more} ${baselineLib}’s ${metric.label}, “2.00x ${down}” = ${less} it. ${INTERVAL_LEGEND}`;
}

/** How the intervals and `~ same` read, in every format's legend. */
export const INTERVAL_LEGEND =
  '[a–b] is the 95 % interval of the factor over the windows measured side by side (geometric mean of the per-block ratios, t-interval on their logs); ' +
  `“~ same (p, n)” where the Wilcoxon signed-rank test over the n blocks gives p > 0.05, the interval holds 1, or the interval reaches into ±${NOISE_BAND * 100} %: a difference is called only when its whole interval lies beyond it (closer than that, two identical server processes are not told apart here).`;

/** The one-line version for a legend that covers every table (the console's). */
export function relativeLegendShort(baselineLib: string): string {
  return (
    `vs ${baselineLib}: each table's headline metric against ${baselineLib}'s, worded from the library's side ` +
    `(“faster”/“better” always means better than ${baselineLib}, whichever direction the metric improves in). ` +
    INTERVAL_LEGEND
  );
}
