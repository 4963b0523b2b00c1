/**
 * Chart specs for the HTML report: plain data (no functions) built here, in Node, where it is
 * typed and testable, then embedded as JSON and handed to Chart.js by the page's small renderer
 * (html-client.ts). A chart is only specified when at least one library has data for it, and
 * every chart carries one dataset per library so each legend lists all of them.
 */
import type { CaseRef, CaseSummary, Report } from './schema.js';
import { findSummary, libraryOrder, metricDef, metricMedian, scenarioCases } from './format.js';
import { capacityCharts } from './html-capacity.js';
import { slowConsumersCharts } from './slow-consumers.js';

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

type Draft = Omit<ChartSpec, 'id' | 'caption'>;

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

function hasData(d: ChartDataset): boolean {
  return d.data.some((v) => v !== null && (typeof v === 'number' || Number.isFinite(v.y)));
}

/** One dataset per library from a per-summary value picker over category groups. */
function groupedBars(
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
function xyLines(report: Report, point: (lib: string) => (Point | null)[]): ChartDataset[] {
  const colors = libraryColors(report);
  return libraryOrder(report).map((lib) => ({
    label: lib,
    color: colors.get(lib)!,
    data: point(lib)
      .filter((p): p is Point => p !== null)
      .sort((a, b) => a.x - b.x),
  }));
}

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
    datasets: xyLines(report, (lib) => {
      const s = findSummary(report, scenario, c.id, lib);
      const curve = s?.status === 'completed' ? (s.latency[hist]?.curve ?? []) : [];
      // Curves are 0–100 by convention; a curve that never exceeds 1 was written as fractions.
      const fraction = curve.every(([p]) => p <= 1);
      return curve.map(([p, us]) => ({ x: percentileX(p, fraction), y: us }));
    }),
  }));
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

function caseLabel(c: CaseRef): string {
  return typeof c.params.payload === 'number' ? formatBytes(c.params.payload) : c.label;
}

/** Bars of one metric across the cases of a scenario (x = case). */
function metricAcrossCases(report: Report, scenario: string, key: string, xTitle: string): Draft {
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

/** Scenario-specific charts beyond curves and timelines. */
function scenarioCharts(report: Report, scenario: string): Draft[] {
  const cases = scenarioCases(report, scenario);
  switch (scenario) {
    case 'throughput':
      return ['msgsPerSec', 'mbPerSec'].map((k) => metricAcrossCases(report, scenario, k, 'payload size'));
    case 'slow-consumers':
      return slowConsumersCharts(report, libraryColors(report));
    case 'broadcast':
      return cases.map((c) => ({
        name: `fanout:${scenario}:${c.id}`,
        section: scenario,
        title: `Fan-out latency — ${c.label}`,
        kind: 'bar' as const,
        labels: ['p50', 'p99', 'max'],
        xTitle: 'percentile',
        yTitle: 'µs',
        datasets: groupedBars(
          report,
          scenario,
          (['p50', 'p99', 'max'] as const).map((p) => ({ label: p, caseId: c.id, pick: (s) => s.latency.fanout?.[p] })),
        ),
      }));
    case 'connections':
      return [
        ...cases.map((c) => ({
          name: `memory:${scenario}:${c.id}`,
          section: scenario,
          title: `Memory per connection — ${c.label}`,
          kind: 'bar' as const,
          labels: ['RSS', 'JS heap'],
          xTitle: 'memory',
          yTitle: 'KiB per connection',
          datasets: groupedBars(
            report,
            scenario,
            ['kibPerConnRss', 'kibPerConnHeap'].map((k, i) => ({
              label: i ? 'JS heap' : 'RSS',
              caseId: c.id,
              pick: (s) => metricMedian(s, k),
              key: k,
            })),
          ),
        })),
        metricAcrossCases(report, scenario, 'handshakesPerSec', 'case'),
      ];
    case 'rate':
      return rateCharts(report, scenario);
    case 'capacity':
      return capacityCharts(report, scenario);
    default:
      return [];
  }
}

/** Latency versus offered load, and achieved versus offered rate, for rate sweeps. */
function rateCharts(report: Report, scenario: string): Draft[] {
  const cases = scenarioCases(report, scenario);
  const offered = (s: CaseSummary | undefined, c: CaseRef): number | null =>
    metricMedian(s, 'offeredRate') ?? (typeof c.params.rate === 'number' ? c.params.rate : null);
  const points = (lib: string, y: (s: CaseSummary) => number | null | undefined): (Point | null)[] =>
    cases.map((c) => {
      const s = findSummary(report, scenario, c.id, lib);
      const x = offered(s, c);
      const v = s?.status === 'completed' ? y(s) : null;
      return x !== null && v !== null && v !== undefined ? { x, y: v } : null;
    });
  return [
    {
      name: `rate-latency:${scenario}`,
      section: scenario,
      title: 'p99 latency versus offered load',
      kind: 'xy',
      xTitle: 'offered rate (msgs/s)',
      yTitle: 'p99 µs (log)',
      yLog: true,
      datasets: xyLines(report, (lib) => points(lib, (s) => s.latency.latency?.p99)),
    },
    {
      name: `rate-achieved:${scenario}`,
      section: scenario,
      title: 'Achieved versus offered rate',
      kind: 'xy',
      xTitle: 'offered rate (msgs/s)',
      yTitle: 'achieved msgs/s',
      datasets: xyLines(report, (lib) => points(lib, (s) => metricMedian(s, 'achievedRate'))),
    },
  ];
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
