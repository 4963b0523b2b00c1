/**
 * rate: open loop at a fixed total rate; latency from when each message was due, so a stalled
 * server cannot hide its stalls (coordinated omission corrected, as wrk2 does). A list of rates
 * is a sweep: a latency-versus-load curve.
 */
import type { Measured } from '../runner/process/loadgen-process.js';
import type { CaseSummary, Report } from '../runner/report/schema.js';
import { findSummary, formatWithUnit, metricMedian, scenarioCases } from '../runner/report/format.js';
import { xyLines, type ChartDraft, type Point } from '../runner/report/chart-kit.js';
import type { Highlight, Scenario, ScenarioOutcome } from './types.js';
import { echoJob, echoOutcome, latencyDefs, m, PACED_CPU_DEFS, PACED_DEFS, pacedMetrics, WIRE_DEFS } from './common.js';

type RateParams = { rates: number[]; connections: number; payload: number[]; 'p99-max': number };
type RateCase = { rate: number; connections: number; payload: number };

/** The p99 bound (ms) of the highlight "highest offered rate with p99 ≤ bound", unless --p99-max. */
const P99_MAX_MS = 10;

export const rate: Scenario<RateParams, RateCase> = {
  name: 'rate',
  description: "Open loop: a fixed total rate spread over N connections; latency measured from each send's due time.",
  pacing:
    'open loop: each message leaves at its due time (a spin that still reads sockets; a timer sleep only while no answer is awaited); latency counts from the due time, ' +
    'service time from the actual send; send lag = actual send − due',
  params: [
    {
      name: 'rates',
      description: 'offered rates in messages/s (a sweep)',
      kind: 'list',
      default: [5000, 20000],
      quick: [5000],
      min: 1,
      sizes: true,
    },
    {
      name: 'connections',
      description: 'connections sharing the rate',
      kind: 'int',
      default: 10,
      min: 1,
      sizes: true,
    },
    {
      name: 'payload',
      description: 'message size in bytes, at least 8 (the first of a list)',
      kind: 'list',
      default: [32],
      min: 8,
      sizes: true,
    },
    {
      name: 'p99-max',
      description: 'p99 bound in ms for the highest sustainable rate',
      kind: 'number',
      default: P99_MAX_MS,
      min: 0,
    },
  ],
  metrics: [
    m('offeredRate', 'offered', 'msg/s', 'none', true),
    m('achievedRate', 'achieved', 'msg/s', 'higher', true),
    ...latencyDefs('', ['p50', 'p99', 'max']),
    ...PACED_DEFS,
    ...PACED_CPU_DEFS,
    ...WIRE_DEFS,
  ],
  headline: 'p99Us',
  shardable: true,
  transports: { frames: true, compression: true, messages: true },
  cases(o) {
    const connections = o.params.connections;
    const payload = o.params.payload[0];
    return o.params.rates.map((r) => ({
      id: `r${r}`,
      label: `${r} msg/s over ${connections} conn`,
      params: { rate: r, connections, payload },
    }));
  },
  async run(ctx, c, o) {
    const offered = c.params.rate;
    const x = await ctx.measure(echoJob(ctx, c, o, { inflight: 1, rate: offered }));
    const out = echoOutcome(x, { offeredRate: offered });
    out.stats.metrics.achievedRate = out.stats.metrics.msgsPerSec;
    return withPacing(out, x);
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 800,
  highlights: (summaries, given) => rateHighlights(summaries, Number(given['p99-max'] ?? P99_MAX_MS)),
  findingRange: perRunRange,
  charts: rateCharts,
};

/** For rate sweeps: the highest offered rate whose merged p99 stayed within the bound. */
function rateHighlights(summaries: CaseSummary[], p99MaxMs: number): Highlight[] {
  const byLib = new Map<string, CaseSummary[]>();
  for (const s of summaries) byLib.set(s.library, [...(byLib.get(s.library) ?? []), s]);
  return [...byLib].map(([library, rows]) => {
    const ok = rows.filter((r) => r.status === 'completed' && (r.latency.latency?.p99 ?? Infinity) <= p99MaxMs * 1000);
    const best = ok.length ? Math.max(...ok.map((r) => Number(r.case.params.rate))) : null;
    return {
      scenario: rows[0].scenario,
      library,
      label: `highest offered rate with p99 ≤ ${p99MaxMs} ms`,
      value: best,
      unit: 'msg/s',
    };
  });
}

/** Latency versus offered load, and achieved versus offered rate, for rate sweeps. */
function rateCharts(report: Report, scenario: string): ChartDraft[] {
  const cases = scenarioCases(report, scenario);
  const offered = (s: CaseSummary | undefined, c: CaseSummary['case']): number | null =>
    metricMedian(s, 'offeredRate') ?? (typeof c.params.rate === 'number' ? c.params.rate : null);
  const points = (lib: string, y: (s: CaseSummary) => number | null | undefined): (Point | null)[] =>
    cases.map((c) => {
      const s = findSummary(report, scenario, c.id, lib);
      const x = offered(s, c);
      const v = s?.status === 'completed' ? y(s) : null;
      return x !== null && v !== null && v !== undefined ? { x, y: v } : null;
    });
  return [
    {
      name: `rate-latency:${scenario}`,
      section: scenario,
      title: 'p99 latency versus offered load',
      kind: 'xy',
      xTitle: 'offered rate (msgs/s)',
      yTitle: 'p99 µs (log)',
      yLog: true,
      datasets: xyLines(report, (lib) => points(lib, (s) => s.latency.latency?.p99)),
    },
    {
      name: `rate-achieved:${scenario}`,
      section: scenario,
      title: 'Achieved versus offered rate',
      kind: 'xy',
      xTitle: 'offered rate (msgs/s)',
      yTitle: 'achieved msgs/s',
      datasets: xyLines(report, (lib) => points(lib, (s) => metricMedian(s, 'achievedRate'))),
    },
  ];
}

/** Adds the pacer's metrics and flags to an open-loop echo outcome. */
export function withPacing(out: ScenarioOutcome, x: Measured): ScenarioOutcome {
  const paced = pacedMetrics(x, out.stats.metrics.p50Us ?? 0);
  Object.assign(out.stats.metrics, paced.metrics);
  out.stats.clientBound = paced.clientBound;
  out.stats.pacingBound = paced.pacingBound;
  for (const name of ['sendLag', 'service'] as const)
    if (x.result.histograms[name]) out.stats.histograms[name] = x.result.histograms[name];
  return out;
}

/**
 * How far the finding moves from run to run: ` (runs: 1.00k–5.00k, n=3)` — each run's own highest
 * rate whose p99 stayed within the bound (a run with none counts as none). '' with one run, or for
 * a finding of another kind.
 */
function perRunRange(report: Report, h: NonNullable<Report['highlights']>[number]): string {
  const bound = /p99 ≤ ([\d.]+) ms/.exec(h.label);
  if (h.scenario !== 'rate' || !bound) return '';
  const limitUs = Number(bound[1]) * 1000;
  const best = new Map<number, number | null>();
  for (const r of report.runs) {
    if (r.scenario !== 'rate' || r.library !== h.library || r.status !== 'completed') continue;
    const rate = Number(r.case.params.rate);
    const p99 = r.stats.metrics.p99Us;
    const prev = best.get(r.rep) ?? null;
    best.set(r.rep, p99 !== undefined && p99 <= limitUs && rate > (prev ?? -1) ? rate : prev);
  }
  if (best.size < 2) return '';
  const values = [...best.values()];
  const fmt = (v: number | null): string => (v === null ? 'none' : formatWithUnit(v, h.unit));
  const nums = values.filter((v): v is number => v !== null);
  const lo = values.includes(null) ? null : Math.min(...nums);
  const hi = nums.length ? Math.max(...nums) : null;
  return lo === hi ? ` (every run, n=${values.length})` : ` (runs: ${fmt(lo)}–${fmt(hi)}, n=${values.length})`;
}
