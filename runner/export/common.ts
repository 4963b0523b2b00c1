/**
 * What every CI export shares: which numbers leave the report, and their stable names. Only
 * completed rows, and per scenario its headline plus primary metrics that have a direction —
 * a long-term dashboard with every percentile of every case would bury the signal.
 */
import type { Aggregate, CaseSummary, MetricDef, Report } from '../report/schema.js';

/** One exported number: a metric of one (scenario, case, library). */
export interface ExportedMetric {
  summary: CaseSummary;
  metric: MetricDef & { better: 'higher' | 'lower' };
  value: Aggregate;
}

/** An exporter: Report in, file content out. It never measures and never prints. */
export type Exporter = (report: Report) => string;

/** The exported metrics of a report, in report order. */
export function exportedMetrics(report: Report): ExportedMetric[] {
  const out: ExportedMetric[] = [];
  for (const summary of report.summaries) {
    if (summary.status !== 'completed') continue;
    const info = report.scenarios.find((s) => s.name === summary.scenario);
    if (!info) continue;
    for (const metric of info.metrics) {
      if (metric.better === 'none' || !(metric.primary || metric.key === info.headline)) continue;
      const value = summary.metrics[metric.key];
      if (!value || !Number.isFinite(value.median)) continue;
      out.push({ summary, metric: metric as ExportedMetric['metric'], value });
    }
  }
  return out;
}

/** `scenario/case-id/library`: stable across runs, so dashboards join the same series. */
export function benchmarkName(s: CaseSummary): string {
  return `${s.scenario}/${s.case.id}/${s.library}`;
}
