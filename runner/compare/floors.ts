/**
 * What the gate can resolve, per metric: an absolute floor at the resolution of the measurement
 * (a difference below it is a step of the instrument, not of the server) and a minimum relative
 * effect for metrics whose run-to-run noise on a shared 2-core machine is larger than the
 * threshold (tail latencies, CPU-derived ratios). Both were set from measured A/A comparisons:
 * docs/ci.md, "The noise model".
 */
import type { CaseRef, MetricDef, Report } from '../report/schema.js';

/** An amount a difference must exceed, and why (shown in the verdict). */
export interface Limit {
  value: number;
  why: string;
}

/** Clock ticks per second of /proc/<pid>/stat CPU times (runner/procstat.ts). */
const CLK_TCK = 100;
/** V8 commits heap in pages of 256 KiB: RSS moves in such steps, whatever one connection costs. */
const HEAP_PAGE_KIB = 256;
/** Loopback latencies below this are scheduler wake-ups and timer granularity, not the server. */
const LATENCY_FLOOR_US = 5;
/** Server RSS in MiB: allocator arenas and heap pages move it by about this much between runs. */
const RSS_FLOOR_MIB = 1;

const isTail = (key: string): boolean => /(p90|p99|p999|max)Us$/i.test(key);
const isCpu = (m: MetricDef): boolean => /Cpu/.test(m.key);

/**
 * The absolute floor of a metric in its own unit, or null where none applies (rates of
 * messages are counted exactly). A change of at most the floor is `same` (rule `floor`).
 */
export function absoluteFloor(m: MetricDef, c: CaseRef, report: Report): Limit | null {
  if (m.unit === 'µs')
    return { value: LATENCY_FLOOR_US, why: `${LATENCY_FLOOR_US} µs, near the timer and wake-up resolution` };
  if (m.unit === '%' && isCpu(m)) {
    // Two clock ticks over the measured window: CPU time is counted in 10 ms ticks.
    const seconds = Math.max(report.options.durationMs / 1000, 0.001);
    const value = (2 * 100) / (CLK_TCK * seconds);
    return { value, why: `${round(value)} % CPU, two 10 ms clock ticks over the ${round(seconds)} s window` };
  }
  if (m.unit === 'KiB') {
    const n = Number(c.params.connections);
    if (!Number.isFinite(n) || n <= 0) return null;
    const value = (2 * HEAP_PAGE_KIB) / n;
    return { value, why: `${round(value)} KiB per connection, two 256 KiB heap pages over ${n} connections` };
  }
  if (m.unit === 'MiB') return { value: RSS_FLOOR_MIB, why: `${RSS_FLOOR_MIB} MiB of RSS, an allocator step` };
  return null;
}

/** Minimum relative effect per kind of metric, on top of --threshold (the larger counts). */
export const MIN_EFFECT = { tailLatency: 0.25, medianLatency: 0.1, cpu: 0.1 } as const;

/** The smallest relative change that may be called for this metric: max(threshold, its kind's). */
export function minEffect(m: MetricDef, threshold: number): Limit {
  const kind = m.unit === 'µs' ? (isTail(m.key) ? 'tailLatency' : 'medianLatency') : isCpu(m) ? 'cpu' : null;
  const own = kind ? MIN_EFFECT[kind] : 0;
  if (own > threshold) {
    const what =
      kind === 'tailLatency' ? 'tail latency' : kind === 'medianLatency' ? 'median latency' : 'CPU-derived metrics';
    return { value: own, why: `the ${round(own * 100)} % minimum effect for ${what}` };
  }
  return { value: threshold, why: `the ${round(threshold * 100)} % threshold` };
}

function round(x: number): string {
  return x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1).replace(/\.0$/, '') : x.toPrecision(2);
}
