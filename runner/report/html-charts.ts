/**
 * Chart specs for the HTML report: plain data (no functions) built here, in Node, where it is
 * typed and testable, then embedded as JSON and handed to Chart.js by the page's small renderer
 * (html-client.ts). A chart is only specified when at least one library has data for it, and
 * every chart carries one dataset per library so each legend lists all of them.
 */
import type { CaseRef, Report } from './schema.js';
import { findSummary, libraryOrder, scenarioCases } from './format.js';
import { findScenario } from '../../scenarios/index.js';
import {
  hasData,
  libraryColors,
  percentileX,
  xyLines,
  type ChartDataset,
  type ChartDraft as Draft,
  type ChartSpec,
  type Point,
} from './chart-kit.js';
import { decodeHistogram } from '../loadgen/histogram.js';

export type { ChartDataset, ChartSpec, Point } from './chart-kit.js';
export { formatBytes, libraryColors, percentileX } from './chart-kit.js';

/** Chart titles of the histograms scenarios record; any other name is shown as is. */
const HISTOGRAM_TITLES: Record<string, string> = {
  latency: 'Round-trip latency',
  fanout: 'Fan-out latency',
  handshake: 'Handshake latency',
};

/** HDR percentile curves: one chart per case and histogram name that has a curve. */
function latencyCurves(report: Report, scenario: string, c: CaseRef): Draft[] {
  const names = new Set<string>();
  for (const s of report.summaries) {
    if (s.scenario === scenario && s.case.id === c.id && s.status === 'completed') {
      for (const [name, l] of Object.entries(s.latency)) if (l.curve.length > 0) names.add(name);
    }
  }
  return [...names].map((hist) => ({
    name: `latency-curve:${scenario}:${c.id}:${hist}`,
    section: scenario,
    title: `${HISTOGRAM_TITLES[hist] ?? `${hist} latency`} by percentile — ${c.label}`,
    kind: 'percentile',
    xTitle: 'percentile',
    yTitle: 'µs (log)',
    yLog: true,
    datasets: xyLines(report, (lib) => curveOf(report, scenario, c, lib, hist)).map((d) => {
      const band = curveBand(report, scenario, c, d.label, hist);
      return band ? { ...d, band } : d;
    }),
  }));
}

function curveOf(report: Report, scenario: string, c: CaseRef, lib: string, hist: string): Point[] {
  const s = findSummary(report, scenario, c.id, lib);
  const curve = s?.status === 'completed' ? (s.latency[hist]?.curve ?? []) : [];
  // Curves are 0–100 by convention; a curve that never exceeds 1 was written as fractions.
  const fraction = curve.every(([p]) => p <= 1);
  return curve.map(([p, us]) => ({ x: percentileX(p, fraction), y: us }));
}

/**
 * The band around a library's curve: at each percentile of its curve, the lowest and the highest
 * value among its runs (each window's own histogram); null with fewer than 2 runs to span.
 */
function curveBand(
  report: Report,
  scenario: string,
  c: CaseRef,
  lib: string,
  hist: string,
): ChartDataset['band'] | null {
  const s = findSummary(report, scenario, c.id, lib);
  const curve = s?.status === 'completed' ? (s.latency[hist]?.curve ?? []) : [];
  const runs = report.runs
    .flatMap((r) =>
      r.status === 'completed' &&
      r.scenario === scenario &&
      r.case.id === c.id &&
      r.library === lib &&
      r.stats.histograms[hist]
        ? [decodeHistogram(r.stats.histograms[hist])]
        : [],
    )
    .filter((h) => h.totalCount > 0);
  if (runs.length < 2 || curve.length === 0) return null;
  const fraction = curve.every(([p]) => p <= 1);
  const lo: Point[] = [];
  const hi: Point[] = [];
  for (const [p] of curve) {
    const pct = fraction ? p * 100 : p;
    const values = runs.map((h) => Math.min(h.getValueAtPercentile(pct), h.maxValue) / 1000);
    const x = percentileX(p, fraction);
    lo.push({ x, y: Math.min(...values) });
    hi.push({ x, y: Math.max(...values) });
  }
  return { lo, hi };
}

/** Messages per second over each second of the median run (a single second shows no trend: no chart). */
function timeline(report: Report, scenario: string, c: CaseRef): Draft[] {
  const lines = libraryOrder(report).map((lib) => findSummary(report, scenario, c.id, lib)?.timeline ?? []);
  const seconds = Math.max(0, ...lines.map((t) => t.length));
  if (seconds < 2) return [];
  const colors = libraryColors(report);
  return [
    {
      name: `timeline:${scenario}:${c.id}`,
      section: scenario,
      title: `Throughput over time — ${c.label}`,
      kind: 'line',
      labels: Array.from({ length: seconds }, (_, i) => `${i + 1}s`),
      xTitle: 'second of the measured window',
      yTitle: 'msgs/s',
      datasets: libraryOrder(report).map((lib, i) => ({ label: lib, color: colors.get(lib)!, data: lines[i]! })),
    },
  ];
}

/** Scenario-specific charts beyond curves and timelines: the scenario's own (Scenario.charts). */
function scenarioCharts(report: Report, scenario: string): Draft[] {
  return findScenario(scenario)?.charts?.(report, scenario) ?? [];
}

/** Operations per second per micro-benchmark task and library. */
function microChart(report: Report): Draft[] {
  if (!report.micro?.length) return [];
  const tasks = [...new Set(report.micro.map((m) => m.task))];
  const colors = libraryColors(report);
  return [
    {
      name: 'micro',
      section: 'micro',
      title: 'Micro-benchmarks',
      kind: 'bar',
      labels: tasks,
      xTitle: 'task',
      yTitle: 'ops/s (log)',
      yLog: true,
      datasets: libraryOrder(report).map((lib) => ({
        label: lib,
        color: colors.get(lib)!,
        data: tasks.map((t) => report.micro!.find((m) => m.library === lib && m.task === t)?.opsPerSec ?? null),
      })),
    },
  ];
}

/** Why a library has no data in a chart: its status in the chart's scenario. */
function caption(report: Report, d: Draft): string {
  const missing = d.datasets
    .filter((ds) => !hasData(ds))
    .map((ds) => {
      const note = d.section === 'micro' ? report.microNotes?.find((n) => n.library === ds.label) : undefined;
      if (note) return `${ds.label} (${note.reason})`;
      const statuses = new Set(
        report.summaries
          .filter((s) => s.scenario === d.section && s.library === ds.label && s.status !== 'completed')
          .map((s) => s.status),
      );
      return statuses.size ? `${ds.label} (${[...statuses].join(', ')})` : ds.label;
    });
  const whiskers = d.datasets.some((ds) => ds.whiskers)
    ? 'Whiskers: the lowest and highest of the runs (windows) behind each median. '
    : '';
  return `${whiskers}${missing.length ? `No data: ${missing.join(', ')}.` : ''}`.trim();
}

/** Every chart the report has data for, in scenario order, then micro-benchmarks. */
export function buildChartSpecs(report: Report): ChartSpec[] {
  const drafts: Draft[] = [];
  for (const info of report.scenarios) {
    drafts.push(...scenarioCharts(report, info.name));
    for (const c of scenarioCases(report, info.name)) drafts.push(...latencyCurves(report, info.name, c));
    for (const c of scenarioCases(report, info.name)) drafts.push(...timeline(report, info.name, c));
  }
  drafts.push(...microChart(report));
  return drafts
    .filter((d) => d.datasets.some(hasData))
    .map((d, i) => ({ ...d, id: `chart-${i + 1}`, caption: caption(report, d) }));
}
