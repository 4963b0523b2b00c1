/**
 * Base versus head: for every (scenario, case, library) in both, the headline metric (and, on
 * request, the other primary metrics) with its ratio, its measured noise and a verdict decided by
 * the rules of rules.ts (floor, minimum effect, noise, rounds or separation), each row naming the
 * rule that decided it. Pure functions of the reports.
 *
 * Verdict words are `better` / `worse` / `same` for every metric, whichever way it points
 * (throughput up is better, latency up is worse); `n/a` when a side has no number.
 */
import { EXIT, UsageError } from '../errors.js';
import type { CaseSummary, MetricDef, Report, ScenarioInfo } from '../report/schema.js';
import { pairedRounds, repValues, sameCodeChanges, turnOrder, type Noise } from './noise.js';
import { absoluteFloor, minEffect } from './floors.js';
import { decide, type Rule } from './rules.js';

/** The default threshold: a change must be at least 5 % to be called. */
export const DEFAULT_THRESHOLD = 0.05;

/** One word pair for every metric, oriented by its direction; `n/a` when a side has no number. */
export type Verdict = 'better' | 'worse' | 'same' | 'n/a';

/** How strict the gate is and which metrics it looks at. */
export interface CompareOptions {
  /** Smallest relative change that may be called (0.05 = 5 %). */
  threshold?: number;
  /** `headline` (default): each scenario's headline metric; `primary`: every primary metric too. */
  metrics?: 'headline' | 'primary';
  /** Within one report: a second copy of the base, whose change against the base is same-code noise. */
  aa?: string;
}

/** One metric of one (scenario, case) compared between a base and a head library. */
export interface CompareRow {
  scenario: string;
  caseId: string;
  caseLabel: string;
  /** The same name on both sides, except within one report (`ws` versus `ws@next`). */
  baseLibrary: string;
  headLibrary: string;
  metric: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  headline: boolean;
  /** Summary medians, as every report shows them. */
  base: number | null;
  head: number | null;
  /** head / base, plainly. */
  ratio: number | null;
  /** The ratio oriented so that above 1 is better (1 / ratio for lower-is-better metrics). */
  gain: number | null;
  /** The relative change judged: ratio - 1, or the median per-repetition ratio - 1 when paired. */
  change: number | null;
  noise: Noise | null;
  /** The |change| that had to be exceeded: max(minimum effect, noise), or minimum effect + assumed noise. */
  bar: number | null;
  verdict: Verdict;
  /** The rule that decided the verdict (rules.ts), and why, in words. */
  rule?: Rule;
  why?: string;
  /** Why a row is n/a, or a flag worth knowing (client-bound). */
  note?: string;
  /** The head errored where the base completed: the gate reports a run error. */
  headFailed: boolean;
}

/** Which run a side of the comparison is. */
export interface SideInfo {
  runId: string;
  commit: string | null;
  /** Within one report: the library this side is. */
  library?: string;
}

/** Everything a comparison found; the Markdown and the exit code are functions of it. */
export interface Comparison {
  /** `reports`: two reports, same libraries; `within`: two libraries of one report, paired. */
  mode: 'reports' | 'within';
  base: SideInfo;
  head: SideInfo;
  threshold: number;
  rows: CompareRow[];
  /** `scenario / case / library` keys found on one side only. */
  onlyInBase: string[];
  onlyInHead: string[];
  /** Differences in settings or machine that make the numbers less comparable. */
  warnings: string[];
}

/** The metrics compared in a scenario: its headline first, then (optionally) primary ones. */
function metricsOf(
  info: ScenarioInfo,
  which: CompareOptions['metrics'],
): Array<MetricDef & { better: 'higher' | 'lower' }> {
  const directional = (m: MetricDef): m is MetricDef & { better: 'higher' | 'lower' } => m.better !== 'none';
  const headline = info.metrics.find((m) => m.key === info.headline);
  const rest = which === 'primary' ? info.metrics.filter((m) => m.primary && m.key !== info.headline) : [];
  return [headline, ...rest].filter((m): m is MetricDef => m !== undefined).filter(directional);
}

const key = (s: CaseSummary, library = s.library): string => `${s.scenario} / ${s.case.id} / ${library}`;

function statusNote(side: 'base' | 'head', s: CaseSummary): string {
  return `${side} ${s.status}${s.errors[0] ? `: ${s.errors[0]}` : ''}`;
}

interface Pair {
  base: Report;
  head: Report;
  b: CaseSummary;
  h: CaseSummary;
  paired: boolean;
  /** Within one report, measured side by side in windows: the A/A copy's summary, if any (null: none). */
  windows?: { aa: CaseSummary | null };
}

/** All rows of one (scenario, case) pair of summaries. */
function compareSummaries(p: Pair, info: ScenarioInfo, opts: Required<Omit<CompareOptions, 'aa'>>): CompareRow[] {
  const { b, h } = p;
  return metricsOf(info, opts.metrics).map((m) => {
    const row: CompareRow = {
      scenario: b.scenario,
      caseId: b.case.id,
      caseLabel: b.case.label,
      baseLibrary: b.library,
      headLibrary: h.library,
      metric: m.key,
      label: m.label,
      unit: m.unit,
      better: m.better,
      headline: m.key === info.headline,
      base: b.metrics[m.key]?.median ?? null,
      head: h.metrics[m.key]?.median ?? null,
      ratio: null,
      gain: null,
      change: null,
      noise: null,
      bar: null,
      verdict: 'n/a',
      headFailed: b.status === 'completed' && h.status === 'errored',
    };
    if (b.status !== 'completed') return { ...row, rule: 'status', note: statusNote('base', b) };
    if (h.status !== 'completed') return { ...row, rule: 'status', note: statusNote('head', h) };
    if (row.base === null || row.head === null || !Number.isFinite(row.base) || !Number.isFinite(row.head)) {
      return {
        ...row,
        rule: 'missing',
        note: `no ${m.label} on ${row.base === null || !Number.isFinite(row.base) ? 'base' : 'head'}`,
      };
    }
    const side = (s: CaseSummary) => ({
      min: s.metrics[m.key]?.min ?? Number.NaN,
      max: s.metrics[m.key]?.max ?? Number.NaN,
      runs: s.runsCompleted,
    });
    const order = turnOrder(p.base, b, p.head, h);
    const inTurns = p.paired || order !== null;
    const values = { base: repValues(p.base, b, m.key), head: repValues(p.head, h, m.key) };
    const d = decide({
      base: row.base,
      head: row.head,
      better: m.better,
      baseRuns: [...values.base.values()],
      headRuns: [...values.head.values()],
      rounds: inTurns ? pairedRounds(p.base, b, p.head, h, m.key) : null,
      sameCode: order ? sameCodeChanges(order, (t) => values[t.side].get(t.rep)) : [],
      ...(p.windows ? { windows: { aa: aaChange(p, m.key) } } : {}),
      summary: { base: side(b), head: side(h) },
      floor: absoluteFloor(m, b.case, p.head),
      effect: minEffect(m, opts.threshold),
    });
    const ratio = row.base !== 0 ? row.head / row.base : null;
    const gain = ratio === null || ratio === 0 ? null : m.better === 'higher' ? ratio : 1 / ratio;
    const note = b.clientBound || h.clientBound ? 'client-bound: the load generator was the limit' : undefined;
    return {
      ...row,
      ratio,
      gain,
      change: d.change,
      noise: d.noise,
      bar: d.bar,
      verdict: d.verdict,
      rule: d.rule,
      why: d.why,
      ...(note ? { note } : {}),
    };
  });
}

/** The A/A copy's change against the base over the same blocks (geometric mean of the ratios), or null. */
function aaChange(p: Pair, key: string): number | null {
  const aa = p.windows?.aa;
  if (!aa || aa.status !== 'completed') return null;
  const rounds = pairedRounds(p.base, p.b, p.base, aa, key);
  if (rounds.length < 2 || !rounds.every(([x, y]) => x > 0 && y > 0)) return null;
  return Math.exp(rounds.reduce((s, [x, y]) => s + Math.log(y / x), 0) / rounds.length) - 1;
}

function resolved(opts: CompareOptions): Required<Omit<CompareOptions, 'aa'>> {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0)
    throw new UsageError(`--threshold must be a percentage of 0 or more, got ${threshold * 100}`);
  return { threshold, metrics: opts.metrics ?? 'headline' };
}

function scenarioInfo(head: Report, base: Report, name: string): ScenarioInfo | undefined {
  return head.scenarios.find((s) => s.name === name) ?? base.scenarios.find((s) => s.name === name);
}

/** What differs between the two runs' settings or machines. */
function differences(base: Report, head: Report): string[] {
  const out: string[] = [];
  const opt = (k: 'runs' | 'warmupMs' | 'durationMs' | 'quick'): void => {
    if (base.options[k] !== head.options[k]) out.push(`${k} differs: base ${base.options[k]}, head ${head.options[k]}`);
  };
  (['runs', 'warmupMs', 'durationMs', 'quick'] as const).forEach(opt);
  if (JSON.stringify(base.options.params) !== JSON.stringify(head.options.params))
    out.push('scenario parameters differ');
  for (const k of ['node', 'cpuModel', 'cores'] as const) {
    if (base.environment[k] !== head.environment[k])
      out.push(`${k} differs: base ${base.environment[k]}, head ${head.environment[k]}`);
  }
  for (const hl of head.libraries) {
    const bl = base.libraries.find((l) => l.name === hl.name);
    if (bl && bl.version !== hl.version) out.push(`${hl.name} version: base ${bl.version}, head ${hl.version}`);
  }
  return out;
}

/**
 * Compares two reports (e.g. the base and the head of a pull request): every (scenario, case,
 * library) present in both. Noise is the larger relative spread of the two sides' repetitions.
 */
export function compareReports(base: Report, head: Report, options: CompareOptions = {}): Comparison {
  const opts = resolved(options);
  const headByKey = new Map(head.summaries.map((s) => [key(s), s]));
  const baseKeys = new Set(base.summaries.map((s) => key(s)));
  const rows: CompareRow[] = [];
  for (const b of base.summaries) {
    const h = headByKey.get(key(b));
    const info = scenarioInfo(head, base, b.scenario);
    if (h && info) rows.push(...compareSummaries({ base, head, b, h, paired: false }, info, opts));
  }
  return {
    mode: 'reports',
    base: { runId: base.runId, commit: base.environment.gitCommit },
    head: { runId: head.runId, commit: head.environment.gitCommit },
    threshold: opts.threshold,
    rows,
    onlyInBase: [...baseKeys].filter((k) => !headByKey.has(k)),
    onlyInHead: [...headByKey.keys()].filter((k) => !baseKeys.has(k)),
    warnings: differences(base, head),
  };
}

/**
 * Compares two libraries of one report — typically two versions of one library (`--lib
 * ws,ws@<folder>`). Their repetitions were interleaved, so each repetition's head/base ratio is
 * a pair taken under the same conditions; the noise is the spread of those ratios.
 */
export function compareWithin(
  report: Report,
  baseLib: string,
  headLib: string,
  options: CompareOptions = {},
): Comparison {
  const opts = resolved(options);
  const names = report.libraries.map((l) => l.name);
  for (const [flag, lib] of [
    ['--base', baseLib],
    ['--head', headLib],
    ...(options.aa ? ([['--aa', options.aa]] as const) : []),
  ] as const) {
    if (!names.includes(lib))
      throw new UsageError(`${flag} ${lib} is not in the report (libraries: ${names.join(', ')})`);
  }
  const rows: CompareRow[] = [];
  const onlyInBase: string[] = [];
  const onlyInHead: string[] = [];
  const caseKey = (s: CaseSummary): string => `${s.scenario}\0${s.case.id}`;
  const heads = new Map(report.summaries.filter((s) => s.library === headLib).map((s) => [caseKey(s), s]));
  const bases = report.summaries.filter((s) => s.library === baseLib);
  for (const b of bases) {
    const h = heads.get(caseKey(b));
    const info = scenarioInfo(report, report, b.scenario);
    if (!h) onlyInBase.push(key(b));
    else if (info) {
      // Side by side in alternating windows (runner/sidebyside): the windows rule, with the A/A copy if named.
      const sideBySide = report.options.sideBySide?.scenarios.includes(b.scenario) === true;
      const aa = options.aa
        ? (report.summaries.find((s) => s.library === options.aa && caseKey(s) === caseKey(b)) ?? null)
        : null;
      const windows = sideBySide ? { windows: { aa } } : {};
      rows.push(...compareSummaries({ base: report, head: report, b, h, paired: true, ...windows }, info, opts));
    }
  }
  const baseCases = new Set(bases.map(caseKey));
  for (const [k, h] of heads) if (!baseCases.has(k)) onlyInHead.push(key(h));
  const version = (lib: string): string => report.libraries.find((l) => l.name === lib)?.version ?? 'unknown';
  return {
    mode: 'within',
    base: { runId: report.runId, commit: report.environment.gitCommit, library: baseLib },
    head: { runId: report.runId, commit: report.environment.gitCommit, library: headLib },
    threshold: opts.threshold,
    rows,
    onlyInBase,
    onlyInHead,
    warnings:
      version(baseLib) === version(headLib)
        ? [`${baseLib} and ${headLib} are the same version (${version(baseLib)})`]
        : [],
  };
}

/** The gate: 2 when the head errored where the base ran, 1 on any `worse` row, else 0. */
export function gateExitCode(c: Comparison): number {
  if (c.rows.some((r) => r.headFailed)) return EXIT.runError;
  if (c.rows.some((r) => r.verdict === 'worse')) return EXIT.regression;
  return EXIT.ok;
}
