/**
 * Shared by every reporter: number formatting, HTML escaping, and the table model (which rows,
 * which columns, which value is best, how each library compares to the baseline). Reporters only
 * decide how a model looks, so console, Markdown and HTML can never disagree on a number.
 */
import type { CaseRef, CaseSummary, MetricDef, Report, ScenarioInfo } from './schema.js';
import { formatPercent, formatValue } from './numbers.js';
import { directionWords } from './relative.js';
import { absoluteFloor } from '../compare/floors.js';
import { compareLibraries, comparisonText, type PairedComparison } from '../sidebyside/verdict.js';

export {
  escapeHtml,
  formatPercent,
  formatRatio,
  formatRate,
  formatUs,
  formatValue,
  formatWithUnit,
  groupThousands,
} from './numbers.js';

/** A row flag, shown in every format so a number is never read without its caveat. */
export type Flag = 'client-bound' | 'pacing-bound' | 'noisy';

/** One-line explanations of the flags, for legends. */
export const FLAG_LEGEND: Record<Flag, string> = {
  'client-bound':
    "the load generator saturated its core before the server did: the value is a floor, not the server's limit",
  'pacing-bound':
    "the load generator's sends left late (send-lag p99 above a tenth of latency p50, or 50 µs): part of the latency is ours, not the server's",
  noisy: 'run-to-run spread above the noise threshold: treat small differences as uncertain',
};

/** Row status: a summary's own, or `missing` when the bench never produced one. */
export type RowStatus = CaseSummary['status'] | 'missing';

/** A table column: one primary metric. */
export interface Column {
  key: string;
  label: string;
  unit: string;
  better: MetricDef['better'];
  /** The scenario's ranking metric. */
  headline: boolean;
}

/** One formatted value. `value` is null when the row has no such metric. */
export interface Cell {
  value: number | null;
  text: string;
  /** Best in its case by the metric's `better` direction (ties all marked). */
  best: boolean;
  /** Median, range and spread of the runs, for tooltips. */
  detail: string;
}

/** One library in one case. */
export interface Row {
  library: string;
  status: RowStatus;
  /** `ok`, `ok 2/3` (runs completed of total), `errored`, `skipped`, `missing`. */
  statusText: string;
  baseline: boolean;
  /** Same order as the table's columns; empty for rows that did not complete. */
  cells: Cell[];
  /**
   * Headline metric against the baseline's, worded from this row's side (`1.59x faster`,
   * `2.40x slower`, `same`; `baseline` on the baseline's own row); null when not comparable.
   */
  relative: string | null;
  /** The comparison behind `relative`: ratio, 95 % interval, test (sidebyside/verdict.ts). */
  comparison?: PairedComparison;
  flags: Flag[];
  /** Why runs errored or were skipped (also partial failures of a completed row). */
  errors: string[];
  /** What the runs warned about (offered rate not reached, ...), from the summary. */
  warnings: string[];
}

/** The rows of one case. */
export interface CaseTable {
  case: CaseRef;
  rows: Row[];
}

/** Everything a reporter needs to draw one scenario's table. */
export interface ScenarioTable {
  scenario: ScenarioInfo;
  columns: Column[];
  headline: MetricDef;
  baselineLib: string;
  cases: CaseTable[];
}

/** Libraries in the order the user asked for, then any others that appear in results. */
export function libraryOrder(report: Report): string[] {
  const names = [...report.options.libraries];
  const micro = [...(report.micro ?? []), ...(report.microNotes ?? [])].map((m) => m.library);
  for (const name of [...report.libraries.map((l) => l.name), ...report.summaries.map((s) => s.library), ...micro]) {
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The MetricDef of a key, or a neutral stand-in so a schema gap never crashes a reporter. */
export function metricDef(scenario: ScenarioInfo, key: string): MetricDef {
  return scenario.metrics.find((m) => m.key === key) ?? { key, label: key, unit: '', better: 'none' };
}

/** The cases of a scenario in the order they first appear in the summaries. */
export function scenarioCases(report: Report, scenario: string): CaseRef[] {
  const cases = new Map<string, CaseRef>();
  for (const s of report.summaries) {
    if (s.scenario === scenario && !cases.has(s.case.id)) cases.set(s.case.id, s.case);
  }
  return [...cases.values()];
}

/** The summary of one library in one case, if the bench produced one. */
export function findSummary(
  report: Report,
  scenario: string,
  caseId: string,
  library: string,
): CaseSummary | undefined {
  return report.summaries.find((s) => s.scenario === scenario && s.case.id === caseId && s.library === library);
}

/** The median of a metric for a completed summary, or null. */
export function metricMedian(summary: CaseSummary | undefined, key: string): number | null {
  if (!summary || summary.status !== 'completed') return null;
  const agg = summary.metrics[key];
  return agg && Number.isFinite(agg.median) ? agg.median : null;
}

/** Whether `a` beats `b` in the metric's direction. */
function beats(better: MetricDef['better'], a: number, b: number): boolean {
  return better === 'higher' ? a > b : better === 'lower' ? a < b : false;
}

/**
 * The best value among those given, or null when the metric has no direction, fewer than two
 * values, or every value ties (marking every row "best" would say nothing).
 */
function bestOf(better: MetricDef['better'], values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (better === 'none' || present.length < 2) return null;
  const best = present.reduce((b, v) => (beats(better, v, b) ? v : b));
  return present.every((v) => v === best) ? null : best;
}

function statusText(summary: CaseSummary | undefined): string {
  if (!summary) return 'missing';
  if (summary.status !== 'completed') return summary.status;
  return summary.runsCompleted < summary.runsTotal ? `ok ${summary.runsCompleted}/${summary.runsTotal}` : 'ok';
}

function cellDetail(summary: CaseSummary, col: Column): string {
  const agg = summary.metrics[col.key];
  if (!agg) return '';
  const runs = summary.runsCompleted;
  if (runs <= 1) return `1 run`;
  const spread =
    agg.spreadKind === 'absolute'
      ? `${formatValue(agg.spread, col.unit)} (absolute: the median is 0)`
      : formatPercent(agg.spread * 100);
  return `median of ${runs} runs; range ${formatValue(agg.min, col.unit)}–${formatValue(agg.max, col.unit)}; spread ${spread}`;
}

/**
 * A per-connection memory figure (KiB) smaller than what the sampling resolves: two 256 KiB V8
 * heap pages over the case's connections (runner/compare/floors.ts). It reads `< resolution`,
 * never a negative KiB. Null when the value is resolved.
 */
function belowResolution(value: number | null, col: Column, c: CaseRef): string | null {
  if (value === null || col.unit !== 'KiB') return null;
  const floor = absoluteFloor({ key: col.key, label: col.label, unit: col.unit, better: col.better }, c, EMPTY_REPORT);
  return floor && Math.abs(value) < floor.value ? `the resolution, ${floor.why}` : null;
}

function buildRow(report: Report, table: Omit<ScenarioTable, 'cases'>, c: CaseRef, library: string): Row {
  const summary = findSummary(report, table.scenario.name, c.id, library);
  const completed = summary?.status === 'completed';
  // A running target without --server-pid: its server columns were not measured, and say so.
  const unmeasured = report.libraries.find((l) => l.name === library)?.facts.serverMeasured === false;
  const cells: Cell[] = completed
    ? table.columns.map((col) => {
        const value = metricMedian(summary, col.key);
        const empty = unmeasured && /^server|PerServer/.test(col.key) ? 'not measured' : '–';
        const floor = belowResolution(value, col, c);
        return {
          value,
          text: value === null ? empty : floor ? '< resolution' : formatValue(value, col.unit),
          best: false,
          detail: floor
            ? `${formatValue(value!, col.unit)} ${col.unit}: below ${floor}; ${cellDetail(summary, col)}`
            : cellDetail(summary, col),
        };
      })
    : [];
  const flags: Flag[] = [];
  if (summary?.clientBound) flags.push('client-bound');
  if (summary?.pacingBound) flags.push('pacing-bound');
  if (summary?.noisy) flags.push('noisy');
  const interrupted = report.status === 'interrupted';
  const errors = summary
    ? summary.errors
    : [interrupted ? 'no result: the bench was interrupted first' : 'no result recorded'];
  return {
    library,
    status: summary?.status ?? 'missing',
    statusText: statusText(summary),
    baseline: library === table.baselineLib,
    cells,
    relative: null,
    flags,
    errors,
    warnings: summary?.warnings ?? [],
  };
}

/** Marks best cells and fills the relative column, which both need every row of the case. */
function compareRows(report: Report, table: Omit<ScenarioTable, 'cases'>, c: CaseRef, rows: Row[]): void {
  table.columns.forEach((col, i) => {
    const best = bestOf(
      col.better,
      rows.map((r) => r.cells[i]?.value ?? null),
    );
    if (best === null) return;
    for (const r of rows) if (r.cells[i]?.value === best) r.cells[i]!.best = true;
  });
  const key = table.headline.key;
  const base = metricMedian(findSummary(report, table.scenario.name, c.id, table.baselineLib), key);
  if (base === null || base === 0) return;
  for (const r of rows) {
    const value = metricMedian(findSummary(report, table.scenario.name, c.id, r.library), key);
    if (value === null) continue;
    if (r.baseline) {
      r.relative = 'baseline';
      continue;
    }
    const cmp = compareLibraries(report, table.scenario.name, c.id, r.library, table.baselineLib, table.headline);
    r.comparison = cmp;
    r.relative = comparisonText(cmp, table.headline, directionWords(table.headline));
  }
}

/**
 * The table of one scenario: rows = cases x libraries, columns = its primary metrics (all of
 * them if none is marked primary), best value per case marked, and the headline metric relative
 * to `report.options.baselineLib`. Undefined when the report has no such scenario.
 */
export function scenarioTable(report: Report, scenarioName: string): ScenarioTable | undefined {
  const scenario = report.scenarios.find((s) => s.name === scenarioName);
  if (!scenario) return undefined;
  // Columns only some cases have (bytes on the wire, with compression) show only when some do.
  const present = (key: string): boolean =>
    report.summaries.some((x) => x.scenario === scenarioName && x.metrics[key] !== undefined);
  const primary = scenario.metrics.filter((m) => m.primary && (!OPTIONAL_COLUMNS.has(m.key) || present(m.key)));
  const columns = (primary.length > 0 ? primary : scenario.metrics).map((m) => ({
    key: m.key,
    label: m.label,
    unit: m.unit,
    better: m.better,
    headline: m.key === scenario.headline,
  }));
  const base = {
    scenario,
    columns,
    headline: metricDef(scenario, scenario.headline),
    baselineLib: report.options.baselineLib,
  };
  const cases = scenarioCases(report, scenarioName).map((c) => {
    const rows = libraryOrder(report).map((lib) => buildRow(report, base, c, lib));
    compareRows(report, base, c, rows);
    return { case: c, rows };
  });
  return { ...base, cases };
}

/** absoluteFloor reads the report only for CPU metrics' window; KiB floors need none of it. */
const EMPTY_REPORT = { options: { durationMs: 1000 } } as Report;

/** Primary metrics that are left out of a table when no case of it has them. */
const OPTIONAL_COLUMNS = new Set([
  'wireBytesPerMsg',
  'wireRatio',
  'clientDeflateUs',
  // --server-procs runs only (runner/topology).
  'serverProcs',
  'redisCpuPct',
  'redisCpuMsPer1kDeliveries',
]);

/** Tables of every scenario of the report, in report order. */
export function reportTables(report: Report): ScenarioTable[] {
  return report.scenarios.map((s) => scenarioTable(report, s.name)).filter((t): t is ScenarioTable => t !== undefined);
}

/** A column header: `p50 (µs)`; just the label when it already says the unit (`msgs/s`, `MB/s`). */
export function columnTitle(col: Pick<Column, 'label' | 'unit'>): string {
  const saysUnit = col.label.includes(col.unit) || (col.label.endsWith('/s') && col.unit.endsWith('/s'));
  return col.unit && !saysUnit ? `${col.label} (${col.unit})` : col.label;
}
