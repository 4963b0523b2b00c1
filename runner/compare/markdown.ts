/**
 * A Comparison as GitHub-flavoured Markdown, fit for a PR comment or $GITHUB_STEP_SUMMARY:
 * the verdict first, then one table row per compared metric, then how to read it.
 */
import { gateExitCode, type CompareRow, type Comparison } from './compare.js';
import { EXIT } from '../errors.js';
import { NOISE_BAND } from '../sidebyside/paired.js';

/** Thousands grouped, decimals only for small values: 1,234,567 · 95.1 · 3.21 (units stay plain). */
export function formatNumber(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A relative value as a signed percentage: +12.3 %. */
export function formatPct(x: number | null, signed = true): string {
  if (x === null || !Number.isFinite(x)) return '–';
  const v = (x * 100).toFixed(1);
  return `${signed && x > 0 ? '+' : ''}${v} %`;
}

/** Escapes what would break a table cell (library names and case labels come from outside). */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\n/g, ' ');
}

const VERDICT_MARK: Record<CompareRow['verdict'], string> = {
  better: '🟢 better',
  worse: '🔴 worse',
  same: '⚪ same',
  'n/a': '⚠️ n/a',
};

function noiseCell(r: CompareRow): string {
  if (!r.noise) return '–';
  if (r.noise.kind === 'unknown')
    return `unknown (${r.noise.runs.join('/')} runs), assumed ${formatPct(r.noise.value, false)}`;
  // The spread is the full max - min range over the median, not a ± half-width.
  if (r.noise.kind === 'paired')
    return `${formatPct(r.noise.value, false)} (${r.noise.runs[0]} rounds${r.why?.includes('A/A') ? ', A/A' : ''})`;
  return `${formatPct(r.noise.value, false)} spread (${r.noise.runs.join('/')} runs)`;
}

function headline(c: Comparison): string {
  const worse = c.rows.filter((r) => r.verdict === 'worse').length;
  const better = c.rows.filter((r) => r.verdict === 'better').length;
  const failed = c.rows.filter((r) => r.headFailed).length;
  const code = gateExitCode(c);
  const parts = [`${worse} worse`, `${better} better`, `${c.rows.length - worse - better} same or n/a`];
  if (code === EXIT.runError)
    return `**❌ the head errored in ${failed} case(s) that ran on the base** (${parts.join(', ')})`;
  if (code === EXIT.regression)
    return `**❌ regression: ${worse} metric(s) worse beyond the threshold and the measured noise** (${parts.join(', ')})`;
  return `**✅ no regression beyond the threshold and the measured noise** (${parts.join(', ')})`;
}

function sides(c: Comparison): string {
  const side = (s: Comparison['base']): string =>
    c.mode === 'within'
      ? `\`${cell(s.library ?? '')}\``
      : `run \`${cell(s.runId)}\`${s.commit ? ` (commit \`${cell(s.commit)}\`)` : ''}`;
  const where = c.mode === 'within' ? ` in run \`${cell(c.base.runId)}\` (repetitions paired)` : '';
  return `Base: ${side(c.base)} · head: ${side(c.head)}${where} · threshold ${formatPct(c.threshold, false)}`;
}

function table(c: Comparison): string[] {
  const lib = c.mode === 'within' ? [] : ['library'];
  const head = ['scenario', 'case', ...lib, 'metric', 'base', 'head', 'change', 'noise', 'verdict'];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((h) => (['base', 'head', 'change'].includes(h) ? ' ---: ' : ' --- ')).join('|')}|`,
  ];
  // Regressions first, so a long table still shows what failed the gate at the top.
  const order: Record<CompareRow['verdict'], number> = { worse: 0, 'n/a': 1, better: 2, same: 3 };
  const rows = [...c.rows].sort((a, b) => order[a.verdict] - order[b.verdict]);
  for (const r of rows) {
    const metric = `${cell(r.label)} (${cell(r.unit)}, ${r.better} is better)${r.headline ? ' ★' : ''}`;
    const rule = r.rule && r.why ? ` (${r.rule}: ${cell(r.why)})` : '';
    const verdict = `${VERDICT_MARK[r.verdict]}${rule}${r.note ? ` — ${cell(r.note)}` : ''}`;
    const libCell = c.mode === 'within' ? [] : [cell(r.headLibrary)];
    const values = [formatNumber(r.base), formatNumber(r.head), formatPct(r.change), noiseCell(r), verdict];
    lines.push(`| ${[cell(r.scenario), cell(r.caseLabel), ...libCell, metric, ...values].join(' | ')} |`);
  }
  return lines;
}

function notes(c: Comparison): string[] {
  const out: string[] = [];
  const list = (title: string, items: string[]): void => {
    if (items.length) out.push(`${title}: ${items.map((i) => `\`${cell(i)}\``).join(', ')}`);
  };
  list('Only in the base (not compared)', c.onlyInBase);
  list('Only in the head (not compared)', c.onlyInHead);
  for (const w of c.warnings) out.push(`⚠️ ${cell(w)}`);
  return out.map((l) => `- ${l}`);
}

const HOW_TO_READ = [
  '<details><summary>How to read this</summary>',
  '',
  '- **change** is head ÷ base − 1 of the medians; when base and head were benched in turns (rounds), the median of the per-round ratios.',
  '- Every verdict names the rule that decided it, in order: **floor** (the difference is within what the instrument resolves),',
  "  **min-effect** (within `--threshold` or the metric's minimum effect: 25 % tail latency, 10 % median latency and CPU),",
  "  **noise** (within the measured noise: the A/A changes between rounds, or each side's runs), then **rounds** (every round",
  '  moves the same way beyond the bar and outranks the A/A changes: at most 1 % for identical code, printed in the verdict)',
  '  or **separation** (every head run beyond every base run); **assumed-noise** with one run a side; **windows** when base and',
  `  head were measured side by side in one bench (signed-rank p ≤ 1 % over the blocks, the 95 % interval beyond ±${NOISE_BAND * 100} %,`,
  '  beyond both the minimum effect and the A/A change of `--aa`; docs/statistics.md).',
  "  Words follow each metric's direction: higher msgs/s is better, higher latency is worse. ★ marks the scenario's headline metric.",
  '- Exit code: 0 no regression, 1 a regression, 2 bad input or a head run that errored where the base ran. See docs/ci.md.',
  '',
  '</details>',
];

/** The comparison as Markdown (a heading, the verdict, the table, notes, how to read it). */
export function renderCompareMarkdown(c: Comparison): string {
  const parts = ['## wsbench: base vs head', '', headline(c), '', sides(c), ''];
  if (c.rows.length) parts.push(...table(c), '');
  else parts.push('_Nothing to compare: no scenario, case and library is in both._', '');
  const n = notes(c);
  if (n.length) parts.push(...n, '');
  parts.push(...HOW_TO_READ, '');
  return parts.join('\n');
}
