/**
 * Statistics over runs: median with spread, the noisy and client-bound flags, and latency
 * percentiles from HDR histograms merged across connections, processes and runs (never averaged).
 */
import type { Aggregate, LatencySummary } from './report/schema.js';
import { decodeHistogram, newHistogram, type Histogram } from './loadgen/histogram.js';

/** A result whose runs spread more than this (max - min, relative to the median) is noisy. */
export const NOISY_SPREAD = 0.1;
/** The load generator's core counts as full at this CPU %... */
export const CLIENT_FULL_PCT = 90;
/** ...and the server as not the limit below this one. */
export const SERVER_NOT_FULL_PCT = 90;

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Median, min, max, spread and the noisy flag of one metric over the runs (finite values only).
 * The spread is (max - min) / |median|; around a median of 0 a relative spread is undefined, so it
 * is then the absolute max - min in the metric's unit, marked `spreadKind: 'absolute'`. Every
 * number it returns is finite except for an empty input (median NaN): callers leave such a metric
 * out rather than write it (see finiteMetrics in runner/finite.ts).
 */
export function aggregate(values: number[]): Aggregate {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: 0, noisy: false };
  const m = median(finite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (m === 0 && max !== min) return { median: m, min, max, spread: max - min, spreadKind: 'absolute', noisy: true };
  const spread = m === 0 ? 0 : (max - min) / Math.abs(m);
  return { median: m, min, max, spread, noisy: finite.length > 1 && spread > NOISY_SPREAD };
}

/**
 * True when the load generator, not the server, was the limit: its core was (nearly) full while
 * the server's was not. Unknown CPU figures never raise the flag.
 */
export function isClientBound(serverCpuPct: number | null, clientCpuPct: number | null): boolean {
  if (serverCpuPct === null || clientCpuPct === null) return false;
  return clientCpuPct >= CLIENT_FULL_PCT && serverCpuPct < SERVER_NOT_FULL_PCT;
}

/** Send lag above which an open-loop run is pacing-bound, at the least (µs)... */
export const PACING_LAG_FLOOR_US = 50;
/** ...or above this share of its latency p50, whichever is larger. */
export const PACING_LAG_SHARE = 0.1;

/**
 * True when the load generator's sends left so late that they, not the server, shape the
 * latency: send-lag p99 above max(latency p50 / 10, 50 µs).
 */
export function isPacingBound(sendLagP99Us: number, latencyP50Us: number): boolean {
  return sendLagP99Us > Math.max(latencyP50Us * PACING_LAG_SHARE, PACING_LAG_FLOOR_US);
}

/** The percentiles every latency histogram is reported at, as LatencySummary fields. */
export const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;
export type Percentile = (typeof PERCENTILES)[number];

/** Metric key of a percentile of a histogram: `p99Us`, or with a prefix `fanoutP99Us`. */
export function percentileKey(prefix: string, p: Percentile): string {
  return prefix ? `${prefix}${p[0].toUpperCase()}${p.slice(1)}Us` : `${p}Us`;
}

/** The percentiles of a summary as metrics keyed by percentileKey. */
export function percentileMetrics(s: LatencySummary, prefix = ''): Record<string, number> {
  return Object.fromEntries(PERCENTILES.map((p) => [percentileKey(prefix, p), s[p]]));
}

/** Merges encoded histograms (from any number of processes or runs) into one. */
export function mergeHistograms(encoded: string[]): Histogram {
  const merged = newHistogram();
  for (const e of encoded) merged.add(decodeHistogram(e));
  return merged;
}

/** Percentiles at which the HDR plot is drawn: 50, 75, 87.5, ... 99.9985, then the max. */
const CURVE_PERCENTILES = [0, ...Array.from({ length: 16 }, (_, k) => 100 * (1 - 2 ** -(k + 1)))];

const us = (ns: number): number => Math.round(ns) / 1000;

/** Percentiles of a histogram of nanoseconds, in microseconds. */
export function summarizeHistogram(h: Histogram): LatencySummary {
  const count = h.totalCount;
  // HDR reports a bucket's highest equivalent value, which can exceed the true max: clamp.
  const at = (p: number): number => (count === 0 ? 0 : us(Math.min(h.getValueAtPercentile(p), h.maxValue)));
  const curve: Array<[number, number]> = [];
  if (count > 0) {
    for (const p of CURVE_PERCENTILES) {
      curve.push([p, at(p)]);
      if (h.getValueAtPercentile(p) >= h.maxValue) break;
    }
    curve.push([100, us(h.maxValue)]);
  }
  return {
    count,
    mean: count === 0 ? 0 : Math.round(h.mean) / 1000,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: count === 0 ? 0 : us(h.maxValue),
    curve,
  };
}
