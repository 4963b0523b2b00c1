/**
 * "At a glance": which library leads each workload on its headline metric and by how much, plus
 * the sweep findings (`report.highlights`) — the first thing a reader of any format sees.
 */
import type { MetricDef, Report } from './schema.js';
import {
  findSummary,
  formatWithUnit,
  libraryOrder,
  metricMedian,
  reportTables,
  type Flag,
  type Row,
} from './format.js';
import { directionWords, marginText } from './relative.js';
import { compareLibraries, comparisonText, sameText, type PairedComparison } from '../sidebyside/verdict.js';
import { findScenario } from '../../scenarios/index.js';

/** Who leads one case on the headline metric, and by how much over the runner-up. */
export interface Lead {
  scenario: string;
  caseLabel: string;
  metric: MetricDef;
  leader: { library: string; value: number; flags: Flag[] };
  runnerUp: { library: string; value: number } | null;
  /** How many times better the leader is (always >= 1, whichever the direction). */
  margin: number | null;
  /** The margin in the relative column's words: `2.28x faster`, `same`; null without a runner-up. */
  marginText: string | null;
  /** Leader against runner-up over the windows measured side by side; null without a runner-up. */
  comparison: PairedComparison | null;
  /**
   * Null when the leader earned the lead: it beats the runner-up significantly and neither row is
   * client-bound or pacing-bound. Otherwise why there is no clear leader.
   */
  noLeader: string | null;
}

/** Why a case has no clear leader, or null when the leader earned it. */
function noLeaderReason(
  leader: Row,
  runnerUp: Row | undefined,
  cmp: PairedComparison | null,
  metric: MetricDef,
): string | null {
  if (!runnerUp || !cmp) return null;
  // Our load generator limits rates and times (client-bound) and our send lag shapes latencies
  // (pacing-bound); a memory figure is neither's.
  const timed = metric.unit === 'µs' || /\/s$/.test(metric.unit);
  const bound = [leader, runnerUp].flatMap((r) =>
    r.flags.filter((f) => f !== 'noisy' && timed).map((f) => `${r.library} is ${f}`),
  );
  if (bound.length)
    return `${bound.join(', ')}: the ${metric.label} measures ${bound.some((b) => b.endsWith('pacing-bound')) ? 'our send lag' : 'our load generator'} as much as the server`;
  if (cmp.verdict !== 'better') return `${leader.library} and ${runnerUp.library} ${sameText(cmp)}`;
  return null;
}

/** The "at a glance" answer: per scenario and case, the leader on the headline metric. */
export function leaders(report: Report): Lead[] {
  const leads: Lead[] = [];
  for (const table of reportTables(report)) {
    const metric = table.headline;
    if (metric.better === 'none') continue;
    for (const ct of table.cases) {
      const ranked = ct.rows
        .map((r) => ({
          row: r,
          value: metricMedian(findSummary(report, table.scenario.name, ct.case.id, r.library), metric.key),
        }))
        .filter((x): x is { row: Row; value: number } => x.value !== null)
        .sort((a, b) => (metric.better === 'higher' ? b.value - a.value : a.value - b.value));
      const [first, second] = ranked;
      if (!first) continue;
      const cmp = second
        ? compareLibraries(report, table.scenario.name, ct.case.id, first.row.library, second.row.library, metric)
        : null;
      const margin = !second
        ? null
        : metric.better === 'higher'
          ? first.value / second.value
          : second.value / first.value;
      leads.push({
        scenario: table.scenario.name,
        caseLabel: ct.case.label,
        metric,
        leader: { library: first.row.library, value: first.value, flags: first.row.flags },
        runnerUp: second ? { library: second.row.library, value: second.value } : null,
        margin: margin !== null && Number.isFinite(margin) ? margin : null,
        marginText: margin !== null && Number.isFinite(margin) ? marginText(margin, metric) : null,
        comparison: cmp,
        noLeader: noLeaderReason(first.row, second?.row, cmp, metric),
      });
    }
  }
  return leads;
}

/** One-line summaries per library for "At a glance": each scenario's own (Scenario.glance: conformance's verdicts, slow-consumers' policies). */
export function conformanceGlance(report: Report): { scenario: string; library: string; summary: string }[] {
  return [...report.scenarios.flatMap((s) => findScenario(s.name)?.glance?.(report) ?? [])];
}

/** One sweep finding (e.g. the highest rate with p99 under a bound) across libraries. */
export interface Finding {
  scenario: string;
  label: string;
  /** Formatted per library: `5.00k msg/s`, or `none` when no case qualified. */
  values: { library: string; text: string }[];
}

/** The report's sweep findings, grouped by scenario and label, libraries in report order. */
export function findings(report: Report): Finding[] {
  const groups = new Map<string, Finding>();
  const order = libraryOrder(report);
  for (const h of report.highlights ?? []) {
    const key = JSON.stringify([h.scenario, h.label]);
    const group = groups.get(key) ?? { scenario: h.scenario, label: h.label, values: [] };
    const base = h.value === null ? 'none' : formatWithUnit(h.value, h.unit);
    group.values.push({
      library: h.library,
      text: `${base}${findScenario(h.scenario)?.findingRange?.(report, h) ?? ''}`,
    });
    groups.set(key, group);
  }
  for (const g of groups.values()) g.values.sort((a, b) => order.indexOf(a.library) - order.indexOf(b.library));
  return [...groups.values()];
}

/**
 * The leader's lead in the relative column's words, as plain text each format escapes:
 * `2.28x faster than ws (95.1 µs)`, `level with ws (95.1 µs)`, `only library with a result`.
 */
export function leadText(lead: Lead): string {
  if (!lead.runnerUp) return 'only library with a result';
  const against = `${lead.runnerUp.library} (${formatWithUnit(lead.runnerUp.value, lead.metric.unit)})`;
  if (lead.noLeader !== null) return `no clear leader: ${lead.noLeader}`;
  if (!lead.comparison) return `ahead of ${against}`;
  return `${comparisonText(lead.comparison, lead.metric, directionWords(lead.metric))} than ${against}`;
}

/** Who leads, as the first column shows it: the leader, or `no clear leader` when it was not earned. */
export function leaderName(lead: Lead): string {
  return lead.noLeader === null ? lead.leader.library : 'no clear leader';
}
