/**
 * The chart kit: chart spec types and the helpers that build one dataset per library. Scenarios
 * build their own charts with it (Scenario.charts); html-charts.ts adds the charts every
 * scenario gets and the micro-benchmark chart.
 */
import type { CaseSummary, Report } from './schema.js';
import { findSummary, libraryOrder, metricDef, metricMedian, scenarioCases } from './format.js';

/** Tableau 10: distinguishable, colour-blind-friendlier than Chart.js defaults. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** An x/y point, for charts whose x axis is numeric (percentile, offered rate). */
export interface Point {
  x: number;
  y: number;
}

/** One library's series. */
export interface ChartDataset {
  label: string;
  color: string;
  data: (number | null)[] | Point[];
  /** Bars: the whisker of each bar, [min, max] over the runs (windows) behind its median; null: none. */
  whiskers?: ([number, number] | null)[];
  /**
   * Percentile curves: the band the runs (windows) behind the curve span, the lowest and the
   * highest run's value at each percentile of the curve; absent with fewer than 2 runs.
   */
  band?: { lo: Point[]; hi: Point[] };
}

/**
 * How to draw a chart: `bar` and `line` use category `labels`; `percentile` is the HDR plot
 * (x = 1/(1-p) on a log axis); `xy` is a line over a numeric x axis.
 */
export interface ChartSpec {
  /** Canvas element id. */
  id: string;
  /** Stable name for tests and readers, e.g. `latency-curve:latency:c1:latency`. */
  name: string;
  /** Scenario name (or `micro`) whose section shows the chart. */
  section: string;
  title: string;
  /** Which libraries have no data here, and why. */
  caption: string;
  kind: 'bar' | 'line' | 'percentile' | 'xy';
  labels?: string[];
  xTitle: string;
  yTitle: string;
  yLog?: boolean;
  datasets: ChartDataset[];
}

export type ChartDraft = Omit<ChartSpec, 'id' | 'caption'>;

/** The colour of every library, fixed by its position in the report so charts agree. */
export function libraryColors(report: Report): Map<string, string> {
  return new Map(libraryOrder(report).map((lib, i) => [lib, PALETTE[i % PALETTE.length]!]));
}

/** `32 B`, `1 KiB`, `64 KiB`, `1 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** x position of a percentile on the HDR plot. Accepts 0–100, or fractions when `fraction`. */
export function percentileX(p: number, fraction: boolean): number {
  // p100 (the max) would sit at infinity; park it at 99.999 %, the axis's last mark.
  // Dividing by the percent complement keeps round percentiles exact (99 -> 100, not 99.99...).
  return fraction ? 1 / Math.max(1 - p, 1e-5) : 100 / Math.max(100 - p, 1e-3);
}

export function hasData(d: ChartDataset): boolean {
  return d.data.some((v) => v !== null && (typeof v === 'number' || Number.isFinite(v.y)));
}

/** One dataset per library from a per-summary value picker over category groups. */
export function groupedBars(
  report: Report,
  scenario: string,
  groups: {
    label: string;
    caseId: string;
    pick: (s: CaseSummary) => number | null | undefined;
    /** The metric whose runs' range is drawn as the bar's whisker. */
    key?: string;
  }[],
): ChartDataset[] {
  const colors = libraryColors(report);
  return libraryOrder(report).map((lib) => {
    const done = groups.map((g) => {
      const s = findSummary(report, scenario, g.caseId, lib);
      return s && s.status === 'completed' ? s : undefined;
    });
    const whiskers = groups.map((g, i): [number, number] | null => {
      const agg = g.key ? done[i]?.metrics[g.key] : undefined;
      return agg && (done[i]?.runsCompleted ?? 0) > 1 ? [agg.min, agg.max] : null;
    });
    return {
      label: lib,
      color: colors.get(lib)!,
      data: groups.map((g, i) => (done[i] ? (g.pick(done[i]) ?? null) : null)),
      ...(whiskers.some((w) => w !== null) ? { whiskers } : {}),
    };
  });
}

/** One dataset per library of x/y points, sorted by x. */
export function xyLines(report: Report, point: (lib: string) => (Point | null)[]): ChartDataset[] {
  const colors = libraryColors(report);
  return libraryOrder(report).map((lib) => ({
    label: lib,
    color: colors.get(lib)!,
    data: point(lib)
      .filter((p): p is Point => p !== null)
      .sort((a, b) => a.x - b.x),
  }));
}

function caseLabel(c: CaseSummary['case']): string {
  return typeof c.params.payload === 'number' ? formatBytes(c.params.payload) : c.label;
}

/** Bars of one metric across the cases of a scenario (x = case). */
export function metricAcrossCases(report: Report, scenario: string, key: string, xTitle: string): ChartDraft {
  const info = report.scenarios.find((s) => s.name === scenario)!;
  const def = metricDef(info, key);
  const groups = scenarioCases(report, scenario).map((c) => ({
    label: caseLabel(c),
    caseId: c.id,
    pick: (s: CaseSummary) => metricMedian(s, key),
    key,
  }));
  return {
    name: `bars:${scenario}:${key}`,
    section: scenario,
    title: `${def.label} by ${xTitle}`,
    kind: 'bar',
    labels: groups.map((g) => g.label),
    xTitle,
    yTitle: def.unit,
    datasets: groupedBars(report, scenario, groups),
  };
}
