/**
 * The console reporter: aligned plain-text tables, one per scenario, libraries side by side.
 * Colour is opt-in (`color: true`) so piped output and CI logs stay clean.
 */
import type { Report } from './schema.js';
import { FLAG_LEGEND, columnTitle, formatRatio, formatWithUnit, reportTables, type Flag, type Row, type ScenarioTable } from './format.js';
import { findings, leaders } from './glance.js';

/** Options of the console reporter. */
export interface ConsoleOptions {
  /** Wrap best values, errors and flags in ANSI colours (for a TTY). */
  color?: boolean;
}

type Paint = (text: string, code: number) => string;

const BEST_MARK = '*';
const INDENT = '  ';
const GAP = '  ';

function painter(color: boolean | undefined): Paint {
  return color ? (text, code) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
}

function flagText(flags: Flag[]): string {
  return flags.map((f) => `[${f}]`).join(' ');
}

/** Text cells of one completed row: best values get a trailing mark, others a space, so digits line up. */
function rowCells(row: Row): string[] {
  const notes = [flagText(row.flags), ...row.errors].filter(Boolean).join(' ');
  return [
    row.library + (row.baseline ? ' (baseline)' : ''),
    row.statusText,
    ...row.cells.map((c) => c.text + (c.best ? BEST_MARK : ' ')),
    row.relative ?? '–',
    notes,
  ];
}

/** Lines of one scenario table, columns sized over all of its cases. */
function scenarioLines(table: ScenarioTable, paint: Paint): string[] {
  const header = ['library', 'status', ...table.columns.map((c) => columnTitle(c) + ' '), `vs ${table.baselineLib}`, 'flags'];
  const numeric = (i: number) => i >= 2 && i < header.length - 1;
  const allRows = table.cases.flatMap((ct) => ct.rows);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...allRows.filter((r) => r.status === 'completed').map((r) => rowCells(r)[i]!.length)),
  );
  const fit = (cells: string[]) => cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)));
  const join = (cells: string[]) => (INDENT + cells.join(GAP)).trimEnd();
  const lines = [`${table.scenario.name} — ${table.scenario.description}`, `${INDENT}pacing: ${table.scenario.pacing}`];
  for (const ct of table.cases) {
    lines.push('', `${INDENT}[${ct.case.label}]`, join(fit(header)));
    for (const row of ct.rows) {
      if (row.status !== 'completed') {
        const [lib, status] = fit(rowCells(row)).slice(0, 2);
        const reason = row.errors.length ? row.errors.join('; ') : row.status;
        lines.push(join([lib!, paint(status!, row.status === 'errored' ? 31 : 2), paint(reason, row.status === 'errored' ? 31 : 2)]));
        continue;
      }
      const cells = fit(rowCells(row)).map((text, i) => {
        if (numeric(i) && row.cells[i - 2]?.best) return paint(text, 32);
        if (i === header.length - 1 && text.trim()) return paint(text, 33);
        return text;
      });
      lines.push(join(cells));
    }
  }
  return lines;
}

function headerLines(report: Report, paint: Paint): string[] {
  const o = report.options;
  const status = report.status === 'interrupted' ? paint('INTERRUPTED', 31) : 'complete';
  const lines = [
    `wsbench run ${report.runId}  status: ${status}  (${report.startedAt} → ${report.finishedAt})`,
    `${o.runs} run(s) per case, ${o.warmupMs} ms warm-up, ${o.durationMs} ms measured${o.quick ? ' (quick)' : ''}; baseline ${o.baselineLib}`,
  ];
  if (report.status === 'interrupted') lines.push(paint('The bench was interrupted before its plan finished: some rows are missing.', 31));
  return lines;
}

function findingLines(report: Report): string[] {
  const found = findings(report);
  if (found.length === 0) return [];
  return ['Findings:', ...found.map((f) => `${INDENT}${f.scenario}, ${f.label}: ${f.values.map((v) => `${v.library} ${v.text}`).join(', ')}`)];
}

function glanceLines(report: Report): string[] {
  const leads = leaders(report);
  if (leads.length === 0) return findingLines(report);
  return [
    'At a glance (headline metric):',
    ...leads.map((l) => {
      const lead = `${l.leader.library} ${formatWithUnit(l.leader.value, l.metric.unit)}${l.leader.flags.length ? ' ' + flagText(l.leader.flags) : ''}`;
      const over = l.runnerUp ? `, ${formatRatio(l.margin ?? 1)} better than ${l.runnerUp.library} (${formatWithUnit(l.runnerUp.value, l.metric.unit)})` : '';
      return `${INDENT}${l.scenario} [${l.caseLabel}] ${l.metric.label}: ${lead}${over}`;
    }),
    ...findingLines(report),
  ];
}

/** Renders the Report as aligned plain-text tables for a terminal or a log. */
export function renderConsole(report: Report, options: ConsoleOptions = {}): string {
  const paint = painter(options.color);
  const blocks = [headerLines(report, paint), ...reportTables(report).map((t) => scenarioLines(t, paint)), glanceLines(report)];
  const legend = [
    `${BEST_MARK} best in case · vs ${report.options.baselineLib}: headline metric divided by ${report.options.baselineLib}'s (for lower-is-better metrics, below 1.00x is better)`,
    ...(Object.keys(FLAG_LEGEND) as Flag[]).map((f) => `[${f}] ${FLAG_LEGEND[f]}`),
  ];
  return [...blocks.filter((b) => b.length > 0), legend].map((b) => b.join('\n')).join('\n\n') + '\n';
}
