/**
 * The slow-consumers scenario in the reports: its observed policy per library for "At a glance",
 * and two charts per case (HTML): the server's memory (RSS) over time, and the fast members'
 * fan-out p99 over time, one line per library, from the median run's timelines.
 */
import type { ChartDataset, ChartDraft, Point } from '../../runner/report/chart-kit.js';
import type { Report } from '../../runner/report/schema.js';
import { findSummary, libraryOrder, metricMedian, scenarioCases } from '../../runner/report/format.js';

const SCENARIO = 'slow-consumers';

/** One line per library and case: the policy seen, and what the fast members felt. */
export function slowConsumersGlance(report: Report): { scenario: string; library: string; summary: string }[] {
  const out: { scenario: string; library: string; summary: string }[] = [];
  const cases = scenarioCases(report, SCENARIO);
  for (const c of cases)
    for (const lib of libraryOrder(report)) {
      const s = findSummary(report, SCENARIO, c.id, lib);
      if (!s?.slowConsumers) continue;
      const p99 = metricMedian(s, 'fanoutP99Us') ?? null;
      const change = metricMedian(s, 'fanoutP99ChangePct') ?? null;
      const vs = change !== null ? ` (${change >= 0 ? '+' : ''}${change.toFixed(0)} % vs no slow member)` : '';
      const fast = p99 !== null ? `; fast fan-out p99 ${(p99 / 1000).toFixed(1)} ms${vs}` : '';
      out.push({
        scenario: cases.length > 1 ? `${SCENARIO} [${c.label}]` : SCENARIO,
        library: lib,
        summary: `${s.slowConsumers.verdict}${fast}`,
      });
    }
  return out;
}

/** Memory and fast p99 over time, per case, one dataset per library (x: seconds). */
export function slowConsumersCharts(report: Report, colors: Map<string, string>): ChartDraft[] {
  const drafts: ChartDraft[] = [];
  for (const c of scenarioCases(report, SCENARIO)) {
    const series = libraryOrder(report).map((lib) => ({
      lib,
      s: findSummary(report, SCENARIO, c.id, lib)?.slowConsumers?.series,
    }));
    const line = (pick: (s: Record<string, (number | null)[]>) => Point[]): ChartDataset[] =>
      series.map(({ lib, s }) => ({ label: lib, color: colors.get(lib) ?? '#888', data: s ? pick(s) : [] }));
    const xy = (xs: (number | null)[] | undefined, ys: (number | null)[] | undefined): Point[] =>
      (ys ?? []).flatMap((y, i) => (y === null || xs?.[i] == null ? [] : [{ x: xs[i]!, y }]));
    drafts.push(
      {
        name: `slow-memory:${SCENARIO}:${c.id}`,
        section: SCENARIO,
        title: `Server memory (RSS) with slow members — ${c.label}`,
        kind: 'xy',
        xTitle: 'seconds since the slow room began',
        yTitle: 'MiB',
        datasets: line((s) => xy(s.t, s.rssMiB)),
      },
      {
        name: `slow-p99:${SCENARIO}:${c.id}`,
        section: SCENARIO,
        title: `Fast members' fan-out p99 over time — ${c.label}`,
        kind: 'xy',
        xTitle: 'second since the first post',
        yTitle: 'µs',
        datasets: line((s) =>
          xy(
            s.fastP99Us?.map((_, i) => i + 1),
            s.fastP99Us,
          ),
        ),
      },
    );
  }
  return drafts;
}
