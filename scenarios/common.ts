/** Metric definitions and conversions shared by the scenarios. */
import type { MetricDef } from '../runner/report/schema.js';
import type { Measured } from '../runner/process/loadgen-process.js';
import { decodeHistogram } from '../runner/loadgen/histogram.js';
import {
  CLIENT_FULL_PCT,
  isClientBound,
  isPacingBound,
  percentileKey,
  percentileMetrics,
  PERCENTILES,
  summarizeHistogram,
  type Percentile,
} from '../runner/stats.js';
import type { Case, ParamDef, RunContext, ScenarioOptions, ScenarioOutcome, TargetDeclares } from './types.js';
import type { EchoJob } from '../runner/loadgen/jobs.js';

export const m = (
  key: string,
  label: string,
  unit: string,
  better: MetricDef['better'],
  primary = false,
): MetricDef => ({
  key,
  label,
  unit,
  better,
  ...(primary ? { primary } : {}),
});

/** Latency percentile metrics of one histogram, keyed with a prefix (e.g. `fanout`). */
export function latencyDefs(prefix = '', primary: Percentile[] = ['p50', 'p99']): MetricDef[] {
  const label = prefix ? `${prefix} ` : '';
  return PERCENTILES.map((p) =>
    m(percentileKey(prefix, p), `${label}${p === 'p999' ? 'p99.9' : p}`, 'µs', 'lower', primary.includes(p)),
  );
}

export const CPU_DEFS: MetricDef[] = [
  m('serverCpuPct', 'server CPU', '%', 'none', true),
  m('clientCpuPct', 'loadgen CPU', '%', 'none', true),
  m('serverRssMiB', 'server RSS', 'MiB', 'lower'),
];

/**
 * Bytes on the wire per message and their ratio to the payload, with compression: present only
 * when the load generator counted `wireBytes` (the measured messages' bytes on the wire).
 */
export const WIRE_DEFS: MetricDef[] = [
  m('wireBytesPerMsg', 'wire bytes/msg', 'B', 'lower', true),
  m('wireRatio', 'wire/payload', 'x', 'lower', true),
  m('clientDeflateUs', 'loadgen deflate µs/msg', 'µs', 'none', true),
];

/** Wire metrics of an echo result, when it counted wireBytes. */
export function wireMetrics(counts: Record<string, number>): Record<string, number> {
  const wire = counts.wireBytes;
  const messages = counts.measured ?? counts.messages;
  if (wire === undefined || !messages) return {};
  const perMsg = wire / messages;
  const payload = counts.messages ? counts.bytes / counts.messages : 0;
  // The client's own compression cost (context kept: a zlib call per send), per message sent.
  const deflate: Record<string, number> =
    counts.clientDeflateMs !== undefined && counts.sent
      ? { clientDeflateUs: (counts.clientDeflateMs * 1000) / counts.sent }
      : {};
  return payload > 0
    ? { wireBytesPerMsg: perMsg, wireRatio: perMsg / payload, ...deflate }
    : { wireBytesPerMsg: perMsg, ...deflate };
}

/** Per-run latency percentiles (µs) of an encoded histogram, for the run's metrics. */
export function latencyMetrics(encoded: string, prefix = ''): Record<string, number> {
  return percentileMetrics(summarizeHistogram(decodeHistogram(encoded)), prefix);
}

/** CPU and memory metrics, and the client-bound flag. */
export function cpuMetrics(x: Measured): { metrics: Record<string, number>; clientBound: boolean } {
  const metrics: Record<string, number> = {};
  if (x.serverCpu !== null) metrics.serverCpuPct = x.serverCpu;
  if (x.clientCpu !== null) metrics.clientCpuPct = x.clientCpu;
  if (x.serverRss !== null) metrics.serverRssMiB = x.serverRss / 2 ** 20;
  // Several load-generator processes (--loadgen-procs): each one's figures; bound when any is.
  x.perProcess?.forEach((p, i) => {
    if (p.cpu !== null) metrics[`loadgenCpuPct${i + 1}`] = p.cpu;
    metrics[`loadgenMsgsPerSec${i + 1}`] = p.msgsPerSec;
    metrics[`loadgenLatencyCount${i + 1}`] = p.latencyCount;
  });
  const clientCpus = x.perProcess ? x.perProcess.map((p) => p.cpu) : [x.clientCpu];
  // No server to sample (a --target without --server-pid): the client side alone is checked.
  const bound = x.serverUnmeasured
    ? clientCpus.some((c) => c !== null && c >= CLIENT_FULL_PCT)
    : clientCpus.some((c) => isClientBound(x.serverCpu, c));
  return { metrics, clientBound: bound };
}

/** Metrics of the pacer (open loop): how late sends left, and the generator's busy share. */
export const PACED_DEFS: MetricDef[] = [
  m('sendLagP50Us', 'send lag p50', 'µs', 'lower', true),
  m('sendLagP99Us', 'send lag p99', 'µs', 'lower', true),
  m('sendLagMaxUs', 'send lag max', 'µs', 'lower', true),
  m('serviceP50Us', 'service p50', 'µs', 'lower'),
  m('serviceP99Us', 'service p99', 'µs', 'lower'),
  m('clientBusyPct', 'loadgen busy', '%', 'none', true),
];

/** CPU metrics of a paced scenario: /proc CPU is kept but not primary (a spinning core reads 100 %). */
export const PACED_CPU_DEFS: MetricDef[] = CPU_DEFS.map((d) =>
  d.key === 'clientCpuPct' ? m(d.key, 'loadgen CPU (spins)', d.unit, d.better) : d,
);

/**
 * Send lag and service time of an open-loop run, its pacing-bound flag (against `latencyP50Us`,
 * the run's headline latency), and its client-bound flag from the generator's own busy share
 * (its /proc CPU reads 100 % while it spins).
 */
export function pacedMetrics(
  x: Measured,
  latencyP50Us: number,
): { metrics: Record<string, number>; pacingBound: boolean; clientBound: boolean } {
  const r = x.result;
  const metrics: Record<string, number> = {};
  if (r.histograms.sendLag) Object.assign(metrics, latencyMetrics(r.histograms.sendLag, 'sendLag'));
  if (r.histograms.service) Object.assign(metrics, latencyMetrics(r.histograms.service, 'service'));
  const busy = r.counts.busyPct;
  if (busy !== undefined) metrics.clientBusyPct = busy;
  return {
    metrics,
    pacingBound: metrics.sendLagP99Us !== undefined && isPacingBound(metrics.sendLagP99Us, latencyP50Us),
    clientBound: busy !== undefined && isClientBound(x.serverCpu, busy),
  };
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

/** What several load-generator processes each used, for the run's warnings (shown in every output). */
function loadgenNote(parts: NonNullable<Measured['perProcess']>): string {
  const cpu = parts.map((p) => (p.cpu === null ? '?' : `${Math.round(p.cpu)} %`)).join(' + ');
  return `${parts.length} load-generator processes, CPU ${cpu} (the loadgen CPU column is their sum)`;
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
    ...wireMetrics(r.counts),
    ...extra,
  };
  const perCpu = perServerCpuSecond(msgsPerSec, cpu.metrics.serverCpuPct);
  if (perCpu !== undefined) metrics.msgsPerServerCpuSec = perCpu;
  return {
    stats: {
      metrics,
      histograms: { latency: r.histograms.latency },
      timeline: r.timeline,
      clientBound: cpu.clientBound,
    },
    warnings: x.perProcess ? [...r.warnings, loadgenNote(x.perProcess)] : r.warnings,
  };
}

/** The echo job of a case: its connections and payload, the run's timing, its frame type (text unless binary). */
export function echoJob(
  ctx: RunContext,
  c: Case<{ connections: number; payload: number }>,
  o: Pick<ScenarioOptions, 'warmupMs' | 'durationMs'>,
  extra: { inflight: number; rate?: number },
): EchoJob {
  return {
    kind: 'echo',
    ...ctx.target,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    connections: c.params.connections,
    payloadBytes: c.params.payload,
    binary: c.params.frames === 'binary',
    ...extra,
  };
}

/** The `--payload` parameter: message sizes, a list being a sweep. */
export function payloadParam(sizes: number[], quick?: number[]): ParamDef {
  return {
    name: 'payload',
    description: 'message sizes in bytes, at least 8 (a list is a sweep)',
    kind: 'list',
    default: sizes,
    ...(quick ? { quick } : {}),
    min: 8,
    sizes: true,
  };
}

/** Open files a run with `connections` sockets needs in each process: one each, plus Node's own. */
export function nofileFor(connections: number): number {
  return Math.max(4096, connections + 256);
}

/** A scenario of a room (`target` in its file): a running target must name its broadcast endpoint. */
export const roomTarget = (t: TargetDeclares): string | null =>
  t.broadcastPath ? null : 'the target declares no broadcast endpoint (--target-broadcast <path>)';
