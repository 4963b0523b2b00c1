/** Metric definitions and conversions shared by the scenarios. */
import type { MetricDef } from '../runner/report/schema.js';
import type { Measured } from '../runner/loadgen-process.js';
import { decodeHistogram } from '../runner/loadgen/histogram.js';
import { isClientBound } from '../runner/stats.js';
import type { RunContext, ScenarioOptions, ScenarioOutcome } from './types.js';
import type { CaseRef } from '../runner/report/schema.js';
import type { EchoJob } from '../runner/loadgen/jobs.js';

export const m = (key: string, label: string, unit: string, better: MetricDef['better'], primary = false): MetricDef => ({
  key,
  label,
  unit,
  better,
  ...(primary ? { primary } : {}),
});

/** Latency percentile metrics of one histogram, keyed with a prefix (e.g. `fanout`). */
export function latencyDefs(prefix = '', primary: string[] = ['p50', 'p99']): MetricDef[] {
  const key = (p: string): string => (prefix ? `${prefix}${p[0].toUpperCase()}${p.slice(1)}Us` : `${p}Us`);
  const label = prefix ? `${prefix} ` : '';
  return [
    m(key('p50'), `${label}p50`, 'µs', 'lower', primary.includes('p50')),
    m(key('p90'), `${label}p90`, 'µs', 'lower', primary.includes('p90')),
    m(key('p99'), `${label}p99`, 'µs', 'lower', primary.includes('p99')),
    m(key('p999'), `${label}p99.9`, 'µs', 'lower', primary.includes('p999')),
    m(key('max'), `${label}max`, 'µs', 'lower', primary.includes('max')),
  ];
}

export const CPU_DEFS: MetricDef[] = [
  m('serverCpuPct', 'server CPU', '%', 'none', true),
  m('clientCpuPct', 'loadgen CPU', '%', 'none', true),
  m('serverRssMiB', 'server RSS', 'MiB', 'lower'),
];

/** Per-run latency percentiles (µs) of an encoded histogram, for the run's metrics. */
export function latencyMetrics(encoded: string, prefix = ''): Record<string, number> {
  const h = decodeHistogram(encoded);
  const key = (p: string): string => (prefix ? `${prefix}${p[0].toUpperCase()}${p.slice(1)}Us` : `${p}Us`);
  const at = (p: number): number => (h.totalCount ? h.getValueAtPercentile(p) / 1000 : 0);
  return {
    [key('p50')]: at(50),
    [key('p90')]: at(90),
    [key('p99')]: at(99),
    [key('p999')]: at(99.9),
    [key('max')]: h.totalCount ? h.maxValue / 1000 : 0,
  };
}

/** CPU and memory metrics, and the client-bound flag. */
export function cpuMetrics(x: Measured): { metrics: Record<string, number>; clientBound: boolean } {
  const metrics: Record<string, number> = {};
  if (x.serverCpu !== null) metrics.serverCpuPct = x.serverCpu;
  if (x.clientCpu !== null) metrics.clientCpuPct = x.clientCpu;
  if (x.serverRss !== null) metrics.serverRssMiB = x.serverRss / 2 ** 20;
  return { metrics, clientBound: isClientBound(x.serverCpu, x.clientCpu) };
}

/** Messages per CPU-second of the server: what a message costs the server, whatever the load. */
export function perServerCpuSecond(messagesPerSec: number, serverCpuPct: number | undefined): number | undefined {
  return serverCpuPct && serverCpuPct > 0 ? messagesPerSec / (serverCpuPct / 100) : undefined;
}

/** A byte count as people write it: 32 B, 16 KiB. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} B`;
}

/** Metrics of an echo job: rate, bandwidth, latency, CPU. */
export function echoOutcome(x: Measured, extra: Record<string, number> = {}): ScenarioOutcome {
  const r = x.result;
  const seconds = r.measuredMs / 1000;
  const msgsPerSec = r.counts.messages / seconds;
  const cpu = cpuMetrics(x);
  const metrics: Record<string, number> = {
    msgsPerSec,
    mbPerSec: r.counts.bytes / seconds / 1e6,
    ...latencyMetrics(r.histograms.latency),
    ...cpu.metrics,
    ...extra,
  };
  const perCpu = perServerCpuSecond(msgsPerSec, cpu.metrics.serverCpuPct);
  if (perCpu !== undefined) metrics.msgsPerServerCpuSec = perCpu;
  return {
    stats: { metrics, histograms: { latency: r.histograms.latency }, timeline: r.timeline, clientBound: cpu.clientBound },
    warnings: r.warnings,
  };
}

/** The echo job of a case: its connections and payload, the run's timing, binary frames. */
export function echoJob(ctx: RunContext, c: CaseRef, o: ScenarioOptions, extra: { inflight: number; rate?: number }): EchoJob {
  return {
    kind: 'echo',
    ...ctx.target,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    connections: c.params.connections as number,
    payloadBytes: c.params.payload as number,
    binary: true,
    ...extra,
  };
}
