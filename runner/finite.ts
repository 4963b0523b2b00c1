/**
 * Writer and reader agree: JSON has no NaN or Infinity (JSON.stringify writes them as null) and
 * the report schema accepts neither null nor a non-finite number where it wants a number. So no
 * non-finite number may reach report.json or runs.jsonl. At the sources, a metric that is not a
 * finite number is left out with a warning that names it; at the writer, finiteJson() refuses
 * (throws, naming the path) anything that got past them, instead of writing a file no reader takes.
 */
import type { Report, RunResult } from './report/schema.js';

/** Thrown by finiteJson: a non-finite number would have been written as null. */
export class NonFiniteError extends Error {
  constructor(
    readonly path: string,
    readonly value: number,
  ) {
    super(
      `refusing to write ${String(value)} at ${path || '(root)'}: JSON has no such number and the report schema takes none`,
    );
    this.name = 'NonFiniteError';
  }
}

/** JSON.stringify that throws NonFiniteError on NaN or ±Infinity, naming where it was. */
export function finiteJson(value: unknown, space?: number): string {
  const paths = new WeakMap<object, string>();
  return JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      const parent = paths.get(this as object) ?? '';
      const at = key === '' ? '' : parent ? `${parent}.${key}` : key;
      if (typeof v === 'number' && !Number.isFinite(v)) throw new NonFiniteError(at, v);
      if (v !== null && typeof v === 'object') paths.set(v, at);
      return v;
    },
    space,
  );
}

/** A metrics record without its non-finite entries, and the keys that were left out. */
export function finiteMetrics<T>(
  metrics: Record<string, T>,
  valueOf: (v: T) => number[],
): { metrics: Record<string, T>; dropped: string[] } {
  const kept: Record<string, T> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(metrics)) {
    if (valueOf(v).every(Number.isFinite)) kept[k] = v;
    else dropped.push(k);
  }
  return { metrics: kept, dropped };
}

/** A completed run whose non-finite metrics (and capacity probes' figures) are left out, each named in a warning. */
export function finiteRun(run: RunResult): RunResult {
  if (run.status !== 'completed') return run;
  const { metrics, dropped } = finiteMetrics(run.stats.metrics, (v) => [v]);
  const why = dropped.map((k) => `${k} was not a finite number (${String(run.stats.metrics[k])}): left out`);
  const probes = run.stats.probes?.map((p) => {
    const f = finiteMetrics(p.figures, (v) => [v]);
    why.push(
      ...f.dropped.map(
        (k) => `probe at ${p.offered}: ${k} was not a finite number (${String(p.figures[k])}): left out`,
      ),
    );
    return f.dropped.length ? { ...p, figures: f.metrics } : p;
  });
  if (why.length === 0) return run;
  return {
    ...run,
    stats: { ...run.stats, metrics, ...(probes ? { probes } : {}) },
    warnings: [...run.warnings, ...why],
  };
}

/**
 * The report with every non-finite value that a source can produce removed: summary metrics
 * (left out; the summary's warnings say so) and micro rows (moved to microNotes with the reason).
 */
export function finiteReport(report: Report): Report {
  const summaries = report.summaries.map((s) => {
    const { metrics, dropped } = finiteMetrics(s.metrics, (a) => [a.median, a.min, a.max, a.spread]);
    if (dropped.length === 0) return s;
    const warnings = [...(s.warnings ?? []), ...dropped.map((k) => `${k}: no finite value over the runs: left out`)];
    return { ...s, metrics, warnings };
  });
  const runs = report.runs.map(finiteRun);
  if (!report.micro) return { ...report, runs, summaries };
  const bad = report.micro.filter((m) => ![m.opsPerSec, m.meanNs, m.marginPct, m.samples].every(Number.isFinite));
  if (bad.length === 0) return { ...report, runs, summaries };
  const notes = bad.map((m) => ({
    library: m.library,
    reason: `${m.task}: tinybench gave a non-finite result (${m.opsPerSec} ops/s, ±${m.marginPct} %): left out`,
  }));
  return {
    ...report,
    runs,
    summaries,
    micro: report.micro.filter((m) => !bad.includes(m)),
    microNotes: [...(report.microNotes ?? []), ...notes],
  };
}
