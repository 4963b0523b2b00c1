/**
 * The static parts of the HTML report: its stylesheet, and the "Environment and settings"
 * section that lets a reader check the numbers came from a fair, comparable setup.
 */
import type { Report } from './schema.js';
import { html, type SafeHtml } from './html-safe.js';
import { runPlanText } from './micro.js';

/** Plain CSS, no framework: readable on a laptop, tables scroll sideways on narrow screens. */
export const REPORT_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#fff; --soft:#f6f8fa; --best:#dafbe1; --warn:#fff8c5; --bad:#ffebe9; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
code { font: 0.88em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; word-break: break-word; }
.meta, .desc, .legend, .chart-note { color: var(--muted); }
.legend, .chart-note { font-size: 0.85rem; }
.pacing { display: block; font-size: 0.85rem; }
.banner { background: var(--bad); border: 1px solid #ffcecb; padding: 8px 12px; border-radius: 6px; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; margin: 12px 0; }
.chart-box { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--bg); }
.chart-box figcaption { font-weight: 600; font-size: 0.92rem; margin-bottom: 6px; }
.canvas-wrap { position: relative; height: 300px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; vertical-align: bottom; }
thead th.num { max-width: 11em; white-space: normal; }
.results tbody th { white-space: nowrap; }
.row-note { font-weight: 400; font-size: 0.8rem; color: var(--muted); white-space: normal; }
th.headline { text-decoration: underline dotted; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { background: var(--best); font-weight: 600; }
.star { color: #1a7f37; margin-left: 3px; }
tr.case th { background: #eef1f4; font-weight: 600; }
tr.row-errored td, tr.row-errored th { background: var(--bad); }
tr.row-skipped td, tr.row-skipped th, tr.row-missing td, tr.row-missing th { background: var(--soft); color: var(--muted); }
td.reason { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; word-break: break-word; }
.badge { display: inline-block; font-size: 0.75rem; padding: 0 6px; border-radius: 10px; border: 1px solid var(--line); white-space: nowrap; }
.flag-client-bound { background: var(--warn); border-color: #d4a72c; }
.flag-pacing-bound { background: var(--warn); border-color: #d4a72c; }
.flag-noisy { background: #ddf4ff; border-color: #54aeff; }
.baseline { background: var(--soft); }
.status { font-weight: 600; }
.status-errored { color: #cf222e; } .status-skipped, .status-missing { color: var(--muted); } .status-completed { color: #1a7f37; }
td.leader { font-weight: 600; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.env dt { color: var(--muted); } dl.env dd { margin: 0; }
ul.kv { margin: 0; padding: 0; list-style: none; }
ul.findings { margin: 10px 0; padding-left: 20px; }
.warnings { background: var(--warn); border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 12px; margin: 8px 0; font-size: 0.85rem; }
.warnings p { margin: 0; font-weight: 600; } .warnings ul { margin: 4px 0; padding-left: 20px; }
.case-label { color: var(--muted); }
ul.micro-notes { color: var(--muted); font-size: 0.9rem; padding-left: 20px; }
`;

function keyValues(record: Record<string, string | number | boolean>): SafeHtml {
  const entries = Object.entries(record);
  if (entries.length === 0) return html`<span class="legend">none</span>`;
  return html`<ul class="kv">${entries.map(([k, v]) => html`<li><code>${k}=${String(v)}</code></li>`)}</ul>`;
}

function environmentList(report: Report): SafeHtml {
  const e = report.environment;
  const p = e.pinning;
  const items: [string, string | SafeHtml][] = [
    ['Node.js', `${e.node} (V8 ${e.v8})`],
    ['OS', `${e.os}, kernel ${e.kernel}, ${e.arch}`],
    ['CPU', `${e.cpuModel}, ${e.cores} cores, ${e.memoryGiB} GiB RAM`],
    [
      'Pinning',
      `${p.method}: server on CPU ${p.serverCpu}, client on CPU ${p.clientCpu}${p.note ? ` — ${p.note}` : ''}`,
    ],
    ['wsbench', e.wsbenchVersion],
    ['Git commit', html`<code>${e.gitCommit ?? 'unknown'}</code>`],
    ['Command', html`<code>${e.command}</code>`],
    ['Run options', runPlanText(report)],
    ['Parameters', keyValues(report.options.params)],
  ];
  return html`<dl class="env">${items.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Environment, run options, and each library's version, settings and facts. */
export function environmentSection(report: Report): SafeHtml {
  const libs = report.libraries.map(
    (l) =>
      html`<tr><th scope="row">${l.name}</th><td><code>${l.packageName}</code></td><td>${l.version}</td><td>${keyValues(l.settings)}</td><td>${keyValues(l.facts)}</td></tr>`,
  );
  return html`<section id="environment"><h2>Environment and settings</h2>
${environmentList(report)}
<h3>Libraries</h3>
<div class="table-wrap"><table class="libraries"><thead><tr><th>Library</th><th>Package</th><th>Version</th><th>Settings</th><th>Facts</th></tr></thead>
<tbody>${libs}</tbody></table></div></section>`;
}
