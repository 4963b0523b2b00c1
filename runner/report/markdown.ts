/**
 * The Markdown reporter: GitHub-flavoured tables for a PR comment or $GITHUB_STEP_SUMMARY.
 * Every cell from outside is escaped: HTML-significant characters as entities, `|` as `&#124;`
 * (GFM splits cells before it parses code spans) and Markdown punctuation with backslashes.
 */
import type { Report } from './schema.js';
import {
  FLAG_LEGEND,
  columnTitle,
  escapeHtml,
  formatWithUnit,
  reportTables,
  type Flag,
  type Row,
  type ScenarioTable,
} from './format.js';
import { conformanceGlance, findings, leadText, leaders } from './glance.js';
import { conformanceMarkdown } from './conformance.js';
import { hasMicro, isMicroOnly, microNotes, microTables, runPlanText } from './micro.js';
import { costText, transportCosts, transportText } from './transport-cost.js';
import { relativeLegend } from './relative.js';

/** Escapes text for a GFM table cell or paragraph. */
export function escapeMarkdown(text: string): string {
  // Quotes need no escaping in Markdown, so only &, < and > become entities (raw text stays readable).
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]~])/g, '\\$1')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>');
}

/** Inline code that survives tables: `<code>` with entities, since backticks cannot hold `|`. */
function code(text: string): string {
  return `<code>${escapeHtml(text).replace(/\|/g, '&#124;').replace(/\r?\n/g, ' ')}</code>`;
}

function tableLines(header: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function flagText(flags: Flag[]): string[] {
  return flags.map((f) => `⚠️ ${f}`);
}

function rowCells(table: ScenarioTable, row: Row): string[] {
  // Flags go beside the name: a trailing column can scroll out of view in a wide GitHub table.
  const lib = [escapeMarkdown(row.library) + (row.baseline ? ' (baseline)' : ''), ...flagText(row.flags)].join(' ');
  const notes = row.errors.map(escapeMarkdown).join('; ');
  if (row.status !== 'completed') {
    return [lib, `**${row.statusText}**`, ...table.columns.map(() => '–'), '–', notes || row.status];
  }
  const cells = row.cells.map((c) => (c.best ? `**${c.text}**` : c.text));
  return [lib, row.statusText, ...cells, row.relative ?? '–', notes];
}

function scenarioBlock(table: ScenarioTable): string[] {
  const s = table.scenario;
  const lines = [
    `## ${escapeMarkdown(s.name)}`,
    '',
    `${escapeMarkdown(s.description)} Pacing: ${escapeMarkdown(s.pacing)}`,
  ];
  const header = [
    'Library',
    'Status',
    ...table.columns.map((c) => escapeMarkdown(columnTitle(c))),
    `vs ${escapeMarkdown(table.baselineLib)}`,
    'Notes',
  ];
  const align = header.map((_, i) => (i >= 2 && i < header.length - 1 ? 'r' : 'l') as 'l' | 'r');
  for (const ct of table.cases) {
    lines.push(
      '',
      `### ${escapeMarkdown(ct.case.label)}`,
      '',
      ...tableLines(
        header,
        align,
        ct.rows.map((r) => rowCells(table, r)),
      ),
    );
    lines.push(...warningLines(ct.rows));
  }
  const h = table.headline;
  lines.push(
    '',
    `Ranked by **${escapeMarkdown(h.label)}**${h.better === 'none' ? '' : ` (${h.better} is better)`}; **bold** = best in case; ` +
      escapeMarkdown(relativeLegend(table.baselineLib, h)),
  );
  return lines;
}

/** The warnings of a case's runs, as a list under its table. */
function warningLines(rows: Row[]): string[] {
  const items = rows.flatMap((r) =>
    r.warnings.map((w) => `- ⚠️ **${escapeMarkdown(r.library)}**: ${escapeMarkdown(w)}`),
  );
  return items.length ? ['', 'Warnings:', '', ...items] : [];
}

function glanceBlock(report: Report): string[] {
  const rows = leaders(report).map((l) => [
    escapeMarkdown(l.scenario),
    escapeMarkdown(l.caseLabel),
    l.noLeader === null
      ? `**${escapeMarkdown(l.leader.library)}**${l.leader.flags.length ? ' ' + flagText(l.leader.flags).join(' ') : ''}`
      : 'no clear leader',
    `${escapeMarkdown(l.metric.label)}: ${escapeMarkdown(formatWithUnit(l.leader.value, l.metric.unit))}${l.noLeader === null ? '' : ` (best median: ${escapeMarkdown(l.leader.library)})`}`,
    escapeMarkdown(leadText(l)),
  ]);
  const found = findings(report).map(
    (f) =>
      `**${escapeMarkdown(f.scenario)}**, ${escapeMarkdown(f.label)}: ${f.values.map((v) => `${escapeMarkdown(v.library)} ${escapeMarkdown(v.text)}`).join(', ')}`,
  );
  const conformance = conformanceGlance(report).map(
    (c) => `**${escapeMarkdown(c.scenario)}**, ${escapeMarkdown(c.library)}: ${escapeMarkdown(c.summary)}`,
  );
  if (rows.length === 0 && found.length === 0 && conformance.length === 0) return [];
  return [
    '## At a glance',
    '',
    ...(rows.length
      ? tableLines(
          ['Scenario', 'Case', 'Leader', 'Headline metric', 'Lead over runner-up'],
          ['l', 'l', 'l', 'l', 'l'],
          rows,
        )
      : []),
    ...(found.length || conformance.length
      ? [...(rows.length ? [''] : []), ...[...conformance, ...found].map((f) => `- ${f}`)]
      : []),
  ];
}

function environmentBlock(report: Report): string[] {
  const e = report.environment;
  const p = e.pinning;
  const rows: [string, string][] = [
    ['Node.js', `${e.node} (V8 ${e.v8})`],
    ['OS', `${e.os}, kernel ${e.kernel}, ${e.arch}`],
    ['CPU', `${e.cpuModel}, ${e.cores} cores, ${e.memoryGiB} GiB RAM`],
    [
      'Pinning',
      `${p.method}: server on CPU ${p.serverCpu}, client on CPU ${p.clientCpu}${p.note ? ` — ${p.note}` : ''}`,
    ],
    ['wsbench', e.wsbenchVersion],
    ['Run options', runPlanText(report)],
  ];
  const cells = rows.map(([k, v]) => [k, escapeMarkdown(v)]);
  cells.push(['Git commit', e.gitCommit ? code(e.gitCommit) : 'unknown'], ['Command', code(e.command)]);
  const settings = (r: Record<string, string | number | boolean>) =>
    Object.entries(r)
      .map(([k, v]) => code(`${k}=${String(v)}`))
      .join(' ') || '–';
  const libs = report.libraries.map((l) => [
    escapeMarkdown(l.name),
    code(l.packageName),
    escapeMarkdown(l.version),
    settings(l.settings),
    settings(l.facts),
  ]);
  return [
    '## Environment',
    '',
    ...tableLines(['', ''], ['l', 'l'], cells),
    '',
    '## Libraries',
    '',
    ...tableLines(['Library', 'Package', 'Version', 'Settings', 'Facts'], ['l', 'l', 'l', 'l', 'l'], libs),
  ];
}

function microBlock(report: Report): string[] {
  if (!hasMicro(report)) return [];
  const tables = microTables(report);
  const libs = [...new Set(tables.flatMap((t) => t.rows.map((r) => r.library)))];
  const rows = tables.map((t) => [
    escapeMarkdown(t.task),
    ...libs.map((lib) => {
      const m = t.rows.find((r) => r.library === lib);
      const text = m ? `${m.ops} ops/s ${m.margin}` : '–';
      return m?.best ? `**${text}**` : text;
    }),
  ]);
  const notes = microNotes(report).map(
    (n) => `- **${escapeMarkdown(n.library)}**: no micro-benchmarks — ${escapeMarkdown(n.reason)}`,
  );
  return [
    '## Micro-benchmarks',
    '',
    ...(rows.length
      ? tableLines(['Task', ...libs.map(escapeMarkdown)], ['l', ...libs.map(() => 'r' as const)], rows)
      : []),
    ...(rows.length && notes.length ? [''] : []),
    ...notes,
  ];
}

/** Renders the Report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: Report): string {
  const baseline = isMicroOnly(report) ? '' : ` · baseline ${escapeMarkdown(report.options.baselineLib)}`;
  const title = [
    `# wsbench report ${code(report.runId)}`,
    '',
    `${report.status === 'interrupted' ? '**INTERRUPTED** — the bench stopped before its plan finished; missing rows have no result. ' : ''}` +
      `Status: ${report.status} · ${escapeMarkdown(report.startedAt)} → ${escapeMarkdown(report.finishedAt)} · ${escapeMarkdown(runPlanText(report))}${baseline}`,
  ];
  const transport = transportText(report);
  if (transport) title.push('', escapeMarkdown(transport));
  const costs = transportCosts(report);
  const costBlock = costs.length
    ? [
        '## What TLS and compression cost',
        '',
        'Same case, same library, medians.',
        '',
        ...costs.map((c) => `- ${escapeMarkdown(costText(c))}`),
      ]
    : [];
  const tables = reportTables(report);
  const legend = tables.length
    ? [
        `Flags: ${(Object.keys(FLAG_LEGEND) as Flag[]).map((f) => `⚠️ ${f}: ${escapeMarkdown(FLAG_LEGEND[f])}.`).join(' ')}`,
      ]
    : [];
  const blocks = [
    title,
    glanceBlock(report),
    costBlock,
    ...tables.map(scenarioBlock),
    conformanceMarkdown(report),
    legend,
    microBlock(report),
    environmentBlock(report),
  ];
  return (
    blocks
      .filter((b) => b.length > 0)
      .map((b) => b.join('\n'))
      .join('\n\n') + '\n'
  );
}
