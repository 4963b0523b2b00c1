/**
 * The HTML report: one self-contained file that works offline from file:// — Chart.js, the
 * renderer, the CSS and the data are all inlined, nothing is fetched. Every string that came from
 * outside (library names, error messages, settings, the command line) is escaped by the `html`
 * template tag, so no interpolation can inject markup.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
import { CONFORMANCE_CSS, conformanceHtml } from './conformance.js';
import { hasMicro, isMicroOnly, microNotes, microTables, runPlanText } from './micro.js';
import { costText, transportCosts, transportText } from './transport-cost.js';
import { relativeLegend } from './relative.js';
import { buildChartSpecs, type ChartSpec } from './html-charts.js';
import { CLIENT_SCRIPT } from './html-client.js';
import { REPORT_CSS, environmentSection } from './html-sections.js';
import { SafeHtml, html, jsonForScript } from './html-safe.js';

/** Inline script text may not close its element early, whatever the code contains. */
function inlineScript(js: string): SafeHtml {
  return new SafeHtml(js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--'));
}

let chartJsSource: string | undefined;

/** Chart.js's UMD build, read once. Its package exports do not list the file, so resolve beside the main entry. */
function chartJs(): string {
  if (chartJsSource === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    chartJsSource = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  }
  return chartJsSource;
}

function flagBadges(flags: Flag[]): SafeHtml {
  return html`${flags.map((f) => html`<span class="badge flag-${f}" title="${FLAG_LEGEND[f]}">${f}</span> `)}`;
}

function rowHtml(table: ScenarioTable, row: Row): SafeHtml {
  const status = html`<span class="status status-${row.status}">${row.statusText}</span>`;
  // Flags sit beside the name, not in a trailing column, so a wide table can never scroll them out of view.
  const partial =
    row.status === 'completed' && row.errors.length ? html`<div class="row-note">${row.errors.join('; ')}</div>` : '';
  const lib = html`<th scope="row">${row.library}${row.baseline ? html` <span class="badge baseline">baseline</span>` : ''} ${flagBadges(row.flags)}${partial}</th>`;
  if (row.status !== 'completed') {
    const reason = row.errors.length ? row.errors.join('; ') : row.status;
    return html`<tr class="row-${row.status}">${lib}<td>${status}</td><td class="reason" colspan="${table.columns.length + 1}">${reason}</td></tr>`;
  }
  const cells = row.cells.map(
    (c) =>
      html`<td class="num${c.best ? ' best' : ''}" title="${c.detail}">${c.text}${c.best ? html`<span class="star" aria-label="best">★</span>` : ''}</td>`,
  );
  return html`<tr>${lib}<td>${status}</td>${cells}<td class="num">${row.relative ?? '–'}</td></tr>`;
}

/** The warnings of every case's runs, under the scenario's table. */
function warningsHtml(table: ScenarioTable): SafeHtml {
  const items = table.cases.flatMap((ct) =>
    ct.rows.flatMap((r) =>
      r.warnings.map(
        (w) => html`<li><span class="case-label">${ct.case.label}</span> · <strong>${r.library}</strong>: ${w}</li>`,
      ),
    ),
  );
  return items.length ? html`<div class="warnings"><p>Warnings</p><ul>${items}</ul></div>` : html``;
}

function tableHtml(table: ScenarioTable): SafeHtml {
  const head = table.columns.map(
    (c) =>
      html`<th class="num${c.headline ? ' headline' : ''}" title="${c.better === 'none' ? '' : c.better + ' is better'}">${columnTitle(c)}</th>`,
  );
  const span = table.columns.length + 3;
  const body = table.cases.map(
    (ct) =>
      html`<tr class="case"><th colspan="${span}">${ct.case.label}</th></tr>${ct.rows.map((r) => rowHtml(table, r))}`,
  );
  const h = table.headline;
  const legend = relativeLegend(table.baselineLib, h);
  return html`<div class="table-wrap"><table class="results">
<thead><tr><th>Library</th><th>Status</th>${head}<th class="num" title="${legend}">vs ${table.baselineLib}</th></tr></thead>
<tbody>${body}</tbody></table></div>
${warningsHtml(table)}
<p class="legend">Ranked by <strong>${h.label}</strong>${h.better === 'none' ? '' : ` (${h.better} is better)`}. ★ best in case. ${legend}</p>`;
}

function chartFigure(spec: ChartSpec): SafeHtml {
  return html`<figure class="chart-box"><figcaption>${spec.title}</figcaption>
<div class="canvas-wrap"><canvas class="chart" id="${spec.id}" data-chart="${spec.name}" role="img" aria-label="${spec.title}"></canvas></div>
${spec.caption ? html`<p class="chart-note">${spec.caption}</p>` : ''}</figure>`;
}

function scenarioSection(table: ScenarioTable, specs: ChartSpec[]): SafeHtml {
  const charts = specs.filter((s) => s.section === table.scenario.name);
  return html`<section class="scenario" id="scenario-${table.scenario.name.replace(/[^\w-]/g, '_')}">
<h2>${table.scenario.name}</h2>
<p class="desc">${table.scenario.description} <span class="pacing">Pacing: ${table.scenario.pacing}</span></p>
${charts.length ? html`<div class="charts">${charts.map(chartFigure)}</div>` : ''}
${tableHtml(table)}</section>`;
}

function glanceSection(report: Report): SafeHtml {
  const rows = leaders(report).map((l) => {
    const unit = l.metric.unit;
    const runner = leadText(l);
    return html`<tr><td>${l.scenario}</td><td>${l.caseLabel}</td>${l.noLeader === null ? html`<td class="leader">${l.leader.library} ${flagBadges(l.leader.flags)}</td>` : html`<td>no clear leader</td>`}
<td>${l.metric.label}: ${formatWithUnit(l.leader.value, unit)}${l.noLeader === null ? '' : ` (best median: ${l.leader.library})`}</td><td>${runner}</td></tr>`;
  });
  const found = findings(report).map(
    (f) =>
      html`<li><strong>${f.scenario}</strong>, ${f.label}: ${f.values.map((v, i) => html`${i ? ', ' : ''}${v.library} <strong>${v.text}</strong>`)}</li>`,
  );
  const conformance = conformanceGlance(report).map(
    (c) => html`<li><strong>${c.scenario}</strong>, ${c.library}: ${c.summary}</li>`,
  );
  if (rows.length === 0 && found.length === 0 && conformance.length === 0) return html``;
  return html`<section id="glance"><h2>At a glance</h2>
${
  rows.length
    ? html`<div class="table-wrap"><table class="glance">
<thead><tr><th>Scenario</th><th>Case</th><th>Leader</th><th>Headline metric</th><th>Lead over runner-up</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : ''
}
${found.length || conformance.length ? html`<ul class="findings">${conformance}${found}</ul>` : ''}</section>`;
}

function microSection(report: Report, specs: ChartSpec[]): SafeHtml {
  if (!hasMicro(report)) return html``;
  const tables = microTables(report);
  const libs = [...new Set(tables.flatMap((t) => t.rows.map((r) => r.library)))];
  const rows = tables.map(
    (t) =>
      html`<tr><th scope="row">${t.task}</th>${libs.map((lib) => {
        const m = t.rows.find((r) => r.library === lib);
        if (!m) return html`<td class="num">–</td>`;
        return html`<td class="num${m.best ? ' best' : ''}" title="${m.meanNs} ns per operation, ${m.samples} samples">${m.ops} ops/s ${m.margin}</td>`;
      })}</tr>`,
  );
  const notes = microNotes(report).map(
    (n) => html`<li><strong>${n.library}</strong>: no micro-benchmarks — ${n.reason}</li>`,
  );
  return html`<section id="micro"><h2>Micro-benchmarks</h2>
<div class="charts">${specs.filter((s) => s.section === 'micro').map(chartFigure)}</div>
${
  rows.length
    ? html`<div class="table-wrap"><table class="results"><thead><tr><th>Task</th>${libs.map((l) => html`<th class="num">${l}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>`
    : ''
}
${notes.length ? html`<ul class="micro-notes">${notes}</ul>` : ''}</section>`;
}

function headerHtml(report: Report): SafeHtml {
  const o = report.options;
  const interrupted = report.status === 'interrupted';
  const microOnly = isMicroOnly(report);
  return html`<header><h1>wsbench report</h1>
<p class="meta">Run <code>${report.runId}</code> · ${report.startedAt} → ${report.finishedAt} ·
<span class="status status-${interrupted ? 'errored' : 'completed'}">${interrupted ? 'INTERRUPTED' : 'complete'}</span> ·
${runPlanText(report)}${microOnly ? '' : ` · baseline ${o.baselineLib}`}</p>
${transportText(report) ? html`<p class="meta transport">${transportText(report)}</p>` : ''}
${interrupted ? html`<p class="banner">This bench was interrupted before its plan finished: rows marked “missing” have no result.</p>` : ''}
${microOnly ? '' : html`<p class="legend">Flags: ${(Object.keys(FLAG_LEGEND) as Flag[]).map((f) => html`${flagBadges([f])} ${FLAG_LEGEND[f]}. `)}</p>`}</header>`;
}

/** What TLS and compression cost each library, from cases that differ only by them. */
function costSection(report: Report): SafeHtml | '' {
  const costs = transportCosts(report);
  if (!costs.length) return '';
  return html`<section id="transport-cost"><h2>What TLS and compression cost</h2><p>Same case, same library, medians.</p>
<ul>${costs.map((c) => html`<li>${costText(c)}</li>`)}</ul></section>`;
}

/** Renders the Report as one self-contained, offline HTML document. */
export function renderHtml(report: Report): string {
  const specs = buildChartSpecs(report);
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>wsbench report ${report.runId}</title><style>${new SafeHtml(REPORT_CSS + CONFORMANCE_CSS)}</style></head>
<body><main>
${headerHtml(report)}
${glanceSection(report)}
${costSection(report)}
${reportTables(report).map((t) => scenarioSection(t, specs))}
${conformanceHtml(report)}
${microSection(report, specs)}
${environmentSection(report)}
</main>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script type="application/json" id="chart-specs">${jsonForScript(specs)}</script>
<script>${inlineScript(chartJs())}</script>
<script>${inlineScript(CLIENT_SCRIPT)}</script>
</body></html>
`;
  return page.value;
}
