/**
 * Bencher Metric Format (BMF): `{ "<benchmark>": { "<measure slug>": { value, lower_value?,
 * upper_value? } } }`. A benchmark is `scenario/case/library`; each metric is a measure whose
 * slug is its key in kebab case (`p50Us` -> `p50-us`), which Bencher creates on first upload.
 */
import type { Report } from '../report/schema.js';
import { benchmarkName, exportedMetrics } from './common.js';

/** One BMF metric. */
export interface BencherMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}

/** `msgsPerSec` -> `msgs-per-sec`: Bencher slugs are lower-case words joined by hyphens (max 64). */
export function measureSlug(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64);
}

/** The report as BMF JSON; lower/upper are the min and max over the repetitions. */
export function renderBencher(report: Report): string {
  const doc: Record<string, Record<string, BencherMetric>> = {};
  for (const { summary, metric, value } of exportedMetrics(report)) {
    const bench = (doc[benchmarkName(summary)] ??= {});
    const m: BencherMetric = { value: value.median };
    // Latency medians come from the merged histogram and can sit just outside the per-run
    // min..max; widen the bounds so lower <= value <= upper always holds.
    if (summary.runsCompleted > 1 && Number.isFinite(value.min) && Number.isFinite(value.max)) {
      m.lower_value = Math.min(value.min, value.median);
      m.upper_value = Math.max(value.max, value.median);
    }
    bench[measureSlug(metric.key)] = m;
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}
