/**
 * The capacity search: a geometric ramp from a start value until a probe fails, then a bisection
 * (geometric midpoints) of the bracket [last pass, first fail] until its ends are within a
 * tolerance. A pure function of its probe: the scenario's probes measure a server.
 */
import type { Measured } from '../runner/process/loadgen-process.js';
import type { pacedMetrics } from './common.js';
import type { RunContext } from './types.js';

export interface ProbeOutcome {
  /** The load offered (msg/s, or clients in a room). */
  offered: number;
  pass: boolean;
  /** What was measured, for the report (achieved rate, p50/p99 in µs, ...). */
  figures: Record<string, number>;
  /** Why the probe failed, when it did. */
  why?: string;
}

export interface SearchOptions {
  start: number;
  /** Ramp factor (2: double each step). */
  factor: number;
  /** Stop bisecting when hi / lo - 1 is at most this (0.05: within 5 %). */
  tolerance: number;
  /** Never probe above this. */
  max: number;
  /** Round probed values (e.g. to whole clients). */
  round?: (x: number) => number;
  /** Stop early once this many probes ran (a time budget). */
  maxProbes?: number;
}

export interface SearchResult {
  /** The highest passing load, or null when even the start failed. */
  found: number | null;
  /** The bracket: last pass and first fail (null: none failed up to `max`). */
  low: number | null;
  high: number | null;
  probes: ProbeOutcome[];
}

export async function searchCapacity(
  probe: (offered: number) => Promise<ProbeOutcome>,
  o: SearchOptions,
): Promise<SearchResult> {
  const round = o.round ?? ((x: number) => x);
  const probes: ProbeOutcome[] = [];
  const budget = o.maxProbes ?? Number.POSITIVE_INFINITY;
  const run = async (x: number): Promise<boolean> => {
    const r = await probe(x);
    probes.push(r);
    return r.pass;
  };
  let low: number | null = null;
  let high: number | null = null;
  for (let x = round(o.start); probes.length < budget; x = round(Math.min(o.max, x * o.factor))) {
    if (await run(x)) low = x;
    else {
      high = x;
      break;
    }
    if (x >= o.max) break;
  }
  // The start already failed: ramp down the same way until a probe passes.
  for (
    let x = round((high ?? 0) / o.factor);
    low === null && high !== null && x >= 1 && x < high && probes.length < budget;
    x = round(x / o.factor)
  ) {
    if (await run(x)) low = x;
    else high = x;
  }
  if (low === null || high === null) return { found: low, low, high, probes };
  while (high / low - 1 > o.tolerance && probes.length < budget) {
    const mid = round(Math.sqrt(low * high));
    if (mid <= low || mid >= high) break;
    if (await run(mid)) low = mid;
    else high = mid;
  }
  return { found: low, low, high, probes };
}

/** A failed measurement is a failed probe (an overloaded server may stop answering). */
export async function measured(
  ctx: RunContext,
  run: () => Promise<Measured>,
): Promise<Measured | { error: string; code: string }> {
  try {
    return await run();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    // A dead server fails every later probe too: the whole search is then an errored run.
    if (e.code === 'ESERVER_EXIT') throw err;
    return { error: e.message ?? String(err), code: e.code ?? 'ERUN' };
  }
}

/**
 * A probe's limits of our own: late sends (pacing-bound), and a load generator busy to the full
 * while the server was not (client-bound, from the generator's own busy account and the server's
 * CPU), with the two CPU figures they were judged on.
 */
export function bounds(x: Measured, paced: ReturnType<typeof pacedMetrics>): Record<string, number> {
  const out: Record<string, number> = {
    pacingBound: paced.pacingBound ? 1 : 0,
    clientBound: paced.clientBound ? 1 : 0,
  };
  if (paced.metrics.clientBusyPct !== undefined) out.clientBusyPct = paced.metrics.clientBusyPct;
  if (x.serverCpu !== null) out.serverCpuPct = x.serverCpu;
  return out;
}
