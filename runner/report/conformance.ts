/**
 * The conformance matrix (case x library) from report.conformance, and its three renderings:
 * plain text for the console, GFM for Markdown, escaped markup for HTML. Every cell names a
 * verdict; what the server did (the raw observation) is listed under the matrix for every cell
 * that is not a plain pass, and kept whole in report.json.
 */
import type { ConformanceLibrary, Report } from './schema.js';
import { escapeMarkdown } from './markdown.js';
import { html, type SafeHtml } from './html-safe.js';

export interface MatrixRow {
  id: string;
  category: string;
  title: string;
  expected: string;
  cells: ({ verdict: string; seen: string } | null)[];
}

export interface Matrix {
  libraries: ConformanceLibrary[];
  rows: MatrixRow[];
}

export function conformanceMatrix(report: Report): Matrix | null {
  const libs = report.conformance ?? [];
  if (libs.length === 0) return null;
  const rows = new Map<string, MatrixRow>();
  libs.forEach((lib, i) => {
    for (const c of lib.cases) {
      const row = rows.get(c.id) ?? {
        id: c.id,
        category: c.category,
        title: c.title,
        expected: c.expected,
        cells: libs.map(() => null),
      };
      row.cells[i] = { verdict: c.verdict, seen: c.seen };
      rows.set(c.id, row);
    }
  });
  return { libraries: libs, rows: [...rows.values()] };
}

/** Every cell that is not a plain pass: library, case, verdict and what was seen. */
export function notPassing(m: Matrix): { library: string; row: MatrixRow; verdict: string; seen: string }[] {
  return m.rows.flatMap((row) =>
    row.cells.flatMap((c, i) =>
      c && c.verdict !== 'pass' ? [{ library: m.libraries[i].library, row, verdict: c.verdict, seen: c.seen }] : [],
    ),
  );
}

const LEGEND =
  'pass = as RFC 6455 asks; non-strict = the right outcome, late or with another code; fail = accepted what must be refused (or the reverse); ' +
  "informational = what the server did with hostile input; crashed = the server process died (a new one ran the next cases); errored = no result within the case's time limit";

const CELL: Record<string, string> = {
  pass: 'pass',
  'non-strict': 'non-strict',
  fail: 'FAIL',
  informational: 'info',
  crashed: 'CRASHED',
  errored: 'errored',
};

export function conformanceConsole(report: Report, indent = '  '): string[] {
  const m = conformanceMatrix(report);
  if (!m) return [];
  const head = ['case', ...m.libraries.map((l) => l.library)];
  const body = m.rows.map((r) => [r.id, ...r.cells.map((c) => (c ? CELL[c.verdict] : '–'))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => (indent + cells.map((c, i) => c.padEnd(widths[i])).join('  ')).trimEnd();
  return [
    'conformance matrix — RFC 6455 cases by library (details under the matrix; raw observations in report.json)',
    ...m.libraries.map((l) => `${indent}${l.library}: ${l.summary}. Tested at: ${l.layer ?? 'RFC 6455'}`),
    '',
    line(head),
    ...body.map(line),
    '',
    `${indent}not a plain pass:`,
    ...notPassing(m).map((x) => `${indent}${indent}${x.library} · ${x.row.id}: ${x.verdict} — ${x.seen}`),
    `${indent}${LEGEND}`,
  ];
}

export function conformanceMarkdown(report: Report): string[] {
  const m = conformanceMatrix(report);
  if (!m) return [];
  const head = ['Case', 'Expected', ...m.libraries.map((l) => escapeMarkdown(l.library))];
  const rows = m.rows.map((r) => [
    `${escapeMarkdown(r.title)} <code>${r.id}</code>`,
    escapeMarkdown(r.expected),
    ...r.cells.map((c) => (!c ? '–' : c.verdict === 'pass' ? 'pass' : `**${CELL[c.verdict]}**`)),
  ]);
  const table = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return [
    '## Conformance',
    '',
    ...m.libraries.map(
      (l) =>
        `- **${escapeMarkdown(l.library)}**: ${escapeMarkdown(l.summary)}. Tested at: ${escapeMarkdown(l.layer ?? 'RFC 6455')}`,
    ),
    '',
    ...table,
    '',
    'Not a plain pass:',
    '',
    ...notPassing(m).map(
      (x) =>
        `- **${escapeMarkdown(x.library)}** · ${escapeMarkdown(x.row.title)}: ${escapeMarkdown(x.verdict)} — ${escapeMarkdown(x.seen)}`,
    ),
    '',
    escapeMarkdown(LEGEND),
  ];
}

export function conformanceHtml(report: Report): SafeHtml {
  const m = conformanceMatrix(report);
  if (!m) return html``;
  const rows = m.rows.map(
    (r) =>
      html`<tr><th scope="row">${r.title} <code>${r.id}</code></th><td>${r.expected}</td>${r.cells.map((c) =>
        c
          ? html`<td class="verdict verdict-${c.verdict}" title="${c.seen}">${CELL[c.verdict]}${c.verdict === 'pass' ? '' : html`<div class="row-note">${c.seen}</div>`}</td>`
          : html`<td>–</td>`,
      )}</tr>`,
  );
  return html`<section id="conformance"><h2>Conformance</h2>
<ul class="findings">${m.libraries.map((l) => html`<li><strong>${l.library}</strong>: ${l.summary}. <span class="legend">Tested at: ${l.layer ?? 'RFC 6455'}</span></li>`)}</ul>
<div class="table-wrap"><table class="results conformance"><thead><tr><th>Case</th><th>Expected</th>${m.libraries.map((l) => html`<th>${l.library}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="legend">${LEGEND}. Hover a cell for what the server did; report.json keeps every observation.</p></section>`;
}

/** CSS for the matrix's verdict cells. */
export const CONFORMANCE_CSS = `
td.verdict-pass { color: #1a7f37; } td.verdict-non-strict { background: var(--warn); }
td.verdict-fail, td.verdict-crashed, td.verdict-errored { background: var(--bad); font-weight: 600; }
td.verdict-informational { color: var(--muted); } table.conformance td .row-note { max-width: 24em; }
`;
