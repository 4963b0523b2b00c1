/**
 * The micro-benchmark model shared by every reporter (one table per task, libraries as rows,
 * the notes on libraries without rows), and the one-line description of what a report ran,
 * which differs for a micro-only report: it has no runs, warm-up or measured window.
 */
import type { MicroNote, Report } from './schema.js';
import { formatRate, groupThousands, formatValue } from './numbers.js';
import { libraryOrder } from './format.js';

/** One library's result in one micro-benchmark task, formatted. */
export interface MicroRow {
  library: string;
  opsPerSec: number;
  /** `2.10M` (operations per second). */
  ops: string;
  /** Mean time per operation in nanoseconds: `476`. */
  meanNs: string;
  /** Relative margin of error: `±0.8%`. */
  margin: string;
  /** `2,000`. */
  samples: string;
  /** Highest ops/s of the task (ties and single rows mark nobody). */
  best: boolean;
}

/** The rows of one task, libraries in report order. */
export interface MicroTable {
  task: string;
  rows: MicroRow[];
}

/** A micro-only report: micro-benchmarks (or notes on them) and no load-generator runs. */
export function isMicroOnly(report: Report): boolean {
  const micro = (report.micro?.length ?? 0) + (report.microNotes?.length ?? 0);
  return micro > 0 && report.runs.length === 0 && report.summaries.length === 0;
}

/** Micro-benchmark tables, one per task in first-seen order. Empty without micro rows. */
export function microTables(report: Report): MicroTable[] {
  const micro = report.micro ?? [];
  const order = libraryOrder(report);
  const tasks = [...new Set(micro.map((m) => m.task))];
  return tasks.map((task) => {
    const results = micro
      .filter((m) => m.task === task)
      .sort((a, b) => order.indexOf(a.library) - order.indexOf(b.library));
    const top = Math.max(...results.map((m) => m.opsPerSec));
    const marks = results.length > 1 && results.some((m) => m.opsPerSec !== top);
    const rows = results.map((m) => ({
      library: m.library,
      opsPerSec: m.opsPerSec,
      ops: formatRate(m.opsPerSec),
      meanNs: formatValue(m.meanNs, 'ns'),
      margin: `±${m.marginPct.toFixed(1)}%`,
      samples: groupThousands(m.samples),
      best: marks && m.opsPerSec === top,
    }));
    return { task, rows };
  });
}

/** Why libraries have no micro-benchmark rows, in report library order. */
export function microNotes(report: Report): MicroNote[] {
  const order = libraryOrder(report);
  return [...(report.microNotes ?? [])].sort((a, b) => order.indexOf(a.library) - order.indexOf(b.library));
}

/** Whether the report has a micro-benchmark section to show (rows or notes). */
export function hasMicro(report: Report): boolean {
  return (report.micro?.length ?? 0) > 0 || (report.microNotes?.length ?? 0) > 0;
}

/**
 * What the report ran, for its header: `3 run(s) per case, 1000 ms warm-up, 5000 ms measured`,
 * or for a micro-only report `micro-benchmarks only (tinybench; no servers, no load
 * generator): 2 tasks, 4 libraries`.
 */
export function runPlanText(report: Report): string {
  const o = report.options;
  if (!isMicroOnly(report)) {
    const runs = `${o.runs} run(s) per case, ${o.warmupMs} ms warm-up, ${o.durationMs} ms measured${o.quick ? ' (quick)' : ''}`;
    const sbs = o.sideBySide;
    if (!sbs || sbs.scenarios.length === 0) return runs;
    const windows = `${sbs.scenarios.join(', ')} side by side: every server kept warm, ${sbs.blocks} blocks of alternating ${sbs.windowMs} ms windows (${sbs.settleMs} ms settle each)`;
    const others = o.scenarios.filter((n) => !sbs.scenarios.includes(n));
    return others.length ? `${windows}; ${others.join(', ')}: ${runs}` : windows;
  }
  const micro = report.micro ?? [];
  const tasks = new Set(micro.map((m) => m.task)).size;
  const libs = new Set(micro.map((m) => m.library)).size;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `micro-benchmarks only (tinybench; no servers, no load generator): ${plural(tasks, 'task', 'tasks')}, ${plural(libs, 'library', 'libraries')}`;
}
