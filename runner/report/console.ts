/**
 * The console reporter: aligned plain-text tables, one per scenario case and one per
 * micro-benchmark task, a row per library, with each case's run warnings under its table.
 * Colour is opt-in (`color: true`) so piped output and CI logs stay clean.
 */
import type { Report } from './schema.js';
import {
  FLAG_LEGEND,
  columnTitle,
  formatWithUnit,
  reportTables,
  type Flag,
  type Row,
  type ScenarioTable,
} from './format.js';
import { conformanceGlance, findings, leadText, leaders } from './glance.js';
import { conformanceConsole } from './conformance.js';
import { hasMicro, isMicroOnly, microNotes, microTables, runPlanText, type MicroRow } from './micro.js';
import { relativeLegend, relativeLegendShort } from './relative.js';
import { costText, transportCosts, transportText } from './transport-cost.js';

/** Options of the console reporter. */
export interface ConsoleOptions {
  /** Wrap best values, errors and flags in ANSI colours (for a TTY). */
  color?: boolean;
}

type Paint = (text: string, code: number) => string;

const BEST_MARK = '*';
const INDENT = '  ';
const GAP = '  ';

const join = (cells: string[]): string => (INDENT + cells.join(GAP)).trimEnd();

function painter(color: boolean | undefined): Paint {
  return color ? (text, code) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
}

function flagText(flags: Flag[]): string {
  return flags.map((f) => `[${f}]`).join(' ');
}

function libraryText(row: Row): string {
  return row.library + (row.baseline ? ' (baseline)' : '');
}

/** Text cells of one completed row: best values get a trailing mark, others a space, so digits line up. */
function rowCells(row: Row): string[] {
  const notes = [flagText(row.flags), ...row.errors].filter(Boolean).join(' ');
  return [
    libraryText(row),
    row.statusText,
    ...row.cells.map((c) => c.text + (c.best ? BEST_MARK : ' ')),
    row.relative ?? '–',
    notes,
  ];
}

/** Column widths over every case; library and status over every row, errored, skipped and missing ones too. */
function columnWidths(table: ScenarioTable, header: string[]): number[] {
  const rows = table.cases.flatMap((ct) => ct.rows);
  const completed = rows.filter((r) => r.status === 'completed').map(rowCells);
  const lead = rows.map((r) => [libraryText(r), r.statusText]);
  return header.map((h, i) => Math.max(h.length, ...(i < 2 ? lead : completed).map((cells) => cells[i]!.length)));
}

/** The warnings of a case's runs, under its table. */
function warningLines(rows: Row[], paint: Paint): string[] {
  const items = rows.flatMap((r) => r.warnings.map((w) => `${INDENT}${INDENT}${paint(`${r.library}: ${w}`, 33)}`));
  return items.length ? [`${INDENT}warnings:`, ...items] : [];
}

/** Lines of one scenario table, columns sized over all of its cases. */
function scenarioLines(table: ScenarioTable, paint: Paint): string[] {
  const header = [
    'library',
    'status',
    ...table.columns.map((c) => columnTitle(c) + ' '),
    `vs ${table.baselineLib}`,
    'flags',
  ];
  const numeric = (i: number) => i >= 2 && i < header.length - 1;
  const widths = columnWidths(table, header);
  const fit = (cells: string[]) => cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)));
  const h = table.headline;
  const lines = [
    `${table.scenario.name} — ${table.scenario.description}`,
    `${INDENT}pacing: ${table.scenario.pacing}`,
    `${INDENT}ranked by ${h.label}${h.better === 'none' ? '' : ` (${h.better} is better)`}; ${relativeLegend(table.baselineLib, h)}`,
  ];
  for (const ct of table.cases) {
    lines.push('', `${INDENT}[${ct.case.label}]`, join(fit(header)));
    for (const row of ct.rows) {
      if (row.status !== 'completed') {
        const [lib, status] = fit([libraryText(row), row.statusText]);
        const reason = row.errors.length ? row.errors.join('; ') : row.status;
        lines.push(
          join([
            lib!,
            paint(status!, row.status === 'errored' ? 31 : 2),
            paint(reason, row.status === 'errored' ? 31 : 2),
          ]),
        );
        continue;
      }
      const cells = fit(rowCells(row)).map((text, i) => {
        if (numeric(i) && row.cells[i - 2]?.best) return paint(text, 32);
        if (i === header.length - 1 && text.trim()) return paint(text, 33);
        return text;
      });
      lines.push(join(cells));
    }
    lines.push(...warningLines(ct.rows, paint));
  }
  return lines;
}

/** Micro-benchmark tables (one per task) and why some libraries have none. */
function microLines(report: Report, paint: Paint): string[] {
  if (!hasMicro(report)) return [];
  const tables = microTables(report);
  const header = ['library', 'ops/s ', 'mean (ns)', '±margin', 'samples'];
  const cells = (r: MicroRow) => [r.library, r.ops + (r.best ? BEST_MARK : ' '), r.meanNs, r.margin, r.samples];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...tables.flatMap((t) => t.rows.map((r) => cells(r)[i]!.length))),
  );
  const fit = (c: string[]) => c.map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!)));
  const lines = [
    "micro-benchmarks — per-operation cost of each library's own code (tinybench; higher ops/s is better)",
  ];
  for (const t of tables) {
    lines.push('', `${INDENT}[${t.task}]`, join(fit(header)));
    for (const r of t.rows)
      lines.push(join(fit(cells(r)).map((text, i) => (i === 1 && r.best ? paint(text, 32) : text))));
  }
  const notes = microNotes(report);
  if (notes.length)
    lines.push('', ...notes.map((n) => `${INDENT}${paint(`${n.library}: no micro-benchmarks — ${n.reason}`, 2)}`));
  return lines;
}

function headerLines(report: Report, paint: Paint): string[] {
  const o = report.options;
  const status = report.status === 'interrupted' ? paint('INTERRUPTED', 31) : 'complete';
  const lines = [
    `wsbench run ${report.runId}  status: ${status}  (${report.startedAt} → ${report.finishedAt})`,
    isMicroOnly(report) ? runPlanText(report) : `${runPlanText(report)}; baseline ${o.baselineLib}`,
  ];
  const transport = transportText(report);
  if (transport) lines.push(transport);
  if (report.status === 'interrupted')
    lines.push(paint('The bench was interrupted before its plan finished: some rows are missing.', 31));
  return lines;
}

/** What TLS and compression cost each library, from cases that differ only by them. */
function costLines(report: Report): string[] {
  const costs = transportCosts(report);
  return costs.length
    ? [
        'What TLS and compression cost (same case, same library, medians):',
        ...costs.map((c) => `${INDENT}${costText(c)}`),
      ]
    : [];
}

function findingLines(report: Report): string[] {
  const found = findings(report);
  if (found.length === 0) return [];
  return [
    'Findings:',
    ...found.map(
      (f) => `${INDENT}${f.scenario}, ${f.label}: ${f.values.map((v) => `${v.library} ${v.text}`).join(', ')}`,
    ),
  ];
}

function glanceLines(report: Report): string[] {
  const leads = leaders(report);
  const conformance = conformanceGlance(report).map((c) => `${INDENT}${c.scenario}, ${c.library}: ${c.summary}`);
  if (leads.length === 0)
    return conformance.length ? ['At a glance:', ...conformance, ...findingLines(report)] : findingLines(report);
  return [
    'At a glance (headline metric):',
    ...leads.map((l) => {
      const lead =
        l.noLeader === null
          ? `${l.leader.library} ${formatWithUnit(l.leader.value, l.metric.unit)}${l.leader.flags.length ? ' ' + flagText(l.leader.flags) : ''}`
          : `best median ${l.leader.library} ${formatWithUnit(l.leader.value, l.metric.unit)}`;
      const over = l.runnerUp ? `, ${leadText(l)}` : '';
      return `${INDENT}${l.scenario} [${l.caseLabel}] ${l.metric.label}: ${lead}${over}`;
    }),
    ...conformance,
    ...findingLines(report),
  ];
}

function legendLines(report: Report, hasTables: boolean): string[] {
  if (!hasTables) return report.micro?.length ? [`${BEST_MARK} highest ops/s of the task`] : [];
  return [
    `${BEST_MARK} best in case · ${relativeLegendShort(report.options.baselineLib)}`,
    ...(Object.keys(FLAG_LEGEND) as Flag[]).map((f) => `[${f}] ${FLAG_LEGEND[f]}`),
  ];
}

/** Each library's `fairness` setting: where its default would move the numbers, and what was set. */
function fairnessLines(report: Report): string[] {
  const notes = report.libraries.filter((l) => typeof l.settings.fairness === 'string');
  if (notes.length === 0) return [];
  return [
    'Fairness (library defaults that would move the numbers, and what wsbench set):',
    ...notes.map((l) => `${INDENT}${l.name}: ${String(l.settings.fairness)}`),
  ];
}

/** Renders the Report as aligned plain-text tables for a terminal or a log. */
export function renderConsole(report: Report, options: ConsoleOptions = {}): string {
  const paint = painter(options.color);
  const tables = reportTables(report);
  const blocks = [
    headerLines(report, paint),
    ...tables.map((t) => scenarioLines(t, paint)),
    conformanceConsole(report),
    glanceLines(report),
    costLines(report),
    microLines(report, paint),
    fairnessLines(report),
    legendLines(report, tables.length > 0),
  ];
  return (
    blocks
      .filter((b) => b.length > 0)
      .map((b) => b.join('\n'))
      .join('\n\n') + '\n'
  );
}
