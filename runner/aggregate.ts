/**
 * Runs -> Report: groups the runs of each library in each case, takes the median of every metric
 * with its spread, merges latency histograms across runs, and raises the noisy and client-bound
 * flags. A pure function of its inputs.
 */
import type { Scenario } from '../scenarios/types.js';
import { REPORT_SCHEMA_ID, REPORT_VERSION, type CaseSummary, type Report, type RunResult } from './report/schema.js';
import { finiteReport, finiteRun } from './finite.js';
import { aggregate, mergeHistograms, percentileKey, PERCENTILES, summarizeHistogram } from './stats.js';
import { conformanceSection } from './conformance/summary.js';
import { baselineComparisons } from './sidebyside/verdict.js';

/** Metric key prefix of each histogram's percentiles (see scenarios/common.ts). */
const HISTOGRAM_PREFIX: Record<string, string> = {
  latency: '',
  fanout: 'fanout',
  handshake: 'handshake',
  sendLag: 'sendLag',
  service: 'service',
};

/** Everything of the Report that the runs do not determine (options, environment, micro rows and notes, ...). */
export type ReportMeta = Omit<
  Report,
  'schema' | 'version' | 'scenarios' | 'runs' | 'summaries' | 'highlights' | 'conformance'
>;

type Completed = Extract<RunResult, { status: 'completed' }>;

/**
 * The completed runs' warnings, deduplicated in first-seen order: as is when every completed run
 * gave it, else prefixed with the runs that did (`run 2: ...`, `runs 1, 3: ...`).
 */
export function runWarnings(done: Completed[]): string[] {
  const runsOf = new Map<string, number[]>();
  for (const r of done) {
    for (const w of new Set(r.warnings)) runsOf.set(w, [...(runsOf.get(w) ?? []), r.rep + 1]);
  }
  return [...runsOf].map(([w, reps]) =>
    reps.length === done.length ? w : `${reps.length > 1 ? 'runs' : 'run'} ${reps.join(', ')}: ${w}`,
  );
}

function summarize(scenario: Scenario, group: RunResult[]): CaseSummary {
  const first = group[0];
  const done = group.filter((r): r is Completed => r.status === 'completed');
  const errors = group.flatMap((r) =>
    r.status === 'errored'
      ? [`run ${r.rep + 1}: ${r.error.message} [${r.error.code}]`]
      : r.status === 'skipped'
        ? [`run ${r.rep + 1}: skipped: ${r.reason}`]
        : [],
  );
  const metrics: CaseSummary['metrics'] = {};
  const keys = new Set(done.flatMap((r) => Object.keys(r.stats.metrics)));
  for (const k of keys) {
    // A metric no run measured as a finite number is left out (finite.ts), never written as null.
    const values = done.map((r) => r.stats.metrics[k]).filter((v) => v !== undefined && Number.isFinite(v));
    if (values.length > 0) metrics[k] = aggregate(values);
  }
  const latency: CaseSummary['latency'] = {};
  const names = new Set(done.flatMap((r) => Object.keys(r.stats.histograms)));
  for (const name of names) {
    const merged = summarizeHistogram(mergeHistograms(done.map((r) => r.stats.histograms[name]).filter(Boolean)));
    latency[name] = merged;
    // Percentiles of the merged histogram, never an average of per-run percentiles.
    const prefix = HISTOGRAM_PREFIX[name];
    if (prefix === undefined) continue;
    for (const p of PERCENTILES) {
      const key = percentileKey(prefix, p);
      if (metrics[key]) metrics[key] = { ...metrics[key], median: merged[p] };
    }
  }
  const warnings = runWarnings(done);
  const headline = metrics[scenario.headline];
  const medianRun = headline
    ? [...done].sort(
        (a, b) =>
          Math.abs(a.stats.metrics[scenario.headline] - headline.median) -
          Math.abs(b.stats.metrics[scenario.headline] - headline.median),
      )[0]
    : done[0];
  return {
    scenario: first.scenario,
    case: first.case,
    library: first.library,
    status: done.length > 0 ? 'completed' : group.some((r) => r.status === 'errored') ? 'errored' : 'skipped',
    runsCompleted: done.length,
    runsTotal: group.length,
    metrics,
    latency,
    ...(medianRun?.stats.timeline ? { timeline: medianRun.stats.timeline } : {}),
    ...(medianRun?.stats.slowConsumers ? { slowConsumers: medianRun.stats.slowConsumers } : {}),
    clientBound: done.some((r) => r.stats.clientBound),
    ...(done.some((r) => r.stats.pacingBound !== undefined)
      ? { pacingBound: done.some((r) => r.stats.pacingBound === true) }
      : {}),
    ...(done.some((r) => r.stats.probes)
      ? { probes: done.flatMap((r) => (r.stats.probes ?? []).map((p) => ({ ...p, rep: r.rep }))) }
      : {}),
    noisy: headline?.noisy ?? false,
    errors,
    ...(warnings.length ? { warnings } : {}),
  };
}

/** Each scenario's findings over its sweep (Scenario.highlights), from the parameters the user gave. */
function highlightsOf(scenarios: Scenario[], summaries: CaseSummary[], given: ReportMeta['options']['params']) {
  return scenarios.flatMap(
    (s) =>
      s.highlights?.(
        summaries.filter((x) => x.scenario === s.name),
        given,
      ) ?? [],
  );
}

/** The Report of a bench: one summary per (scenario, case, library) group of runs, plus sweep highlights. */
export function buildReport(meta: ReportMeta, scenarios: Scenario[], rawRuns: RunResult[]): Report {
  // Non-finite metrics are left out of each run, with a warning, before anything is aggregated.
  const runs = rawRuns.map(finiteRun);
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) {
    const key = JSON.stringify([r.scenario, r.case.id, r.library]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const summaries = [...groups.values()].flatMap((g) => {
    const s = byName.get(g[0].scenario);
    return s ? [summarize(s, g)] : [];
  });
  const highlights = highlightsOf(scenarios, summaries, meta.options.params);
  const conformance = conformanceSection(runs, meta.options.libraries);
  const report = finiteReport({
    schema: REPORT_SCHEMA_ID,
    version: REPORT_VERSION,
    ...meta,
    scenarios: scenarios.map((s) => ({
      name: s.name,
      description: s.description,
      metrics: s.metrics,
      headline: s.headline,
      pacing: s.pacing,
    })),
    runs,
    summaries,
    ...(highlights.length ? { highlights } : {}),
    ...(conformance.length ? { conformance } : {}),
  });
  const comparisons = baselineComparisons(report);
  return comparisons.length ? { ...report, comparisons } : report;
}
