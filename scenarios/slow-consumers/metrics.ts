/** The metrics of one slow-consumers run (baseline and slow room), and what the verdict needs. */
import type { Measured } from '../../runner/process/loadgen-process.js';
import type { Counts } from '../../runner/loadgen/result-names.js';
import type { ServerProbeReply } from '../../runner/process/server-process.js';
import type { Sample, ServerSampler } from './sampler.js';
import { slope, type Observed } from './verdict.js';

export interface RunPair {
  base: Measured;
  /** Null when the watchdog stopped the server during the slow room. */
  slow: Measured | null;
  samples: Sample[];
  sampler: ServerSampler;
  /** The server's last probe after the slow room (its own drop count), when it answered. */
  last: ServerProbeReply | null;
  capMiB: number;
}

const max = (xs: Array<number | null>): number | undefined => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : undefined;
};

export function slowMetrics(
  pair: RunPair,
  latencyMetrics: (encoded: string, prefix?: string) => Record<string, number>,
): { metrics: Record<string, number>; observed: Observed } {
  const metrics: Record<string, number> = {};
  const b = latencyMetrics(pair.base.result.histograms.fanout, 'fanout');
  if (b.fanoutP50Us !== undefined) metrics.baseFanoutP50Us = b.fanoutP50Us;
  if (b.fanoutP99Us !== undefined) metrics.baseFanoutP99Us = b.fanoutP99Us;
  metrics.baseLost = pair.base.result.counts.fastLost ?? 0;
  const r = pair.slow?.result;
  if (r) {
    const f = latencyMetrics(r.histograms.fanout, 'fanout');
    Object.assign(metrics, { fanoutP50Us: f.fanoutP50Us, fanoutP99Us: f.fanoutP99Us });
    if (metrics.baseFanoutP99Us > 0)
      metrics.fanoutP99ChangePct = (100 * (f.fanoutP99Us - metrics.baseFanoutP99Us)) / metrics.baseFanoutP99Us;
    for (const k of ['fastLost', 'fastDuplicates', 'slowDelivered', 'slowDuplicates', 'slowClosed'] as const)
      metrics[k] = r.counts[k] ?? 0;
    metrics.slowDropped = r.counts.slowLostOpen ?? 0;
  }
  const s = pair.samples;
  const rssPeak = max(s.map((x) => x.rssMiB));
  if (rssPeak !== undefined)
    metrics.rssPeakMiB = pair.sampler.capped ? Math.max(rssPeak, pair.sampler.capped.rssMiB) : rssPeak;
  const rssSlope = slope(s.flatMap((x) => (x.rssMiB === null ? [] : [[x.t, x.rssMiB] as [number, number]])));
  if (rssSlope !== null) metrics.rssSlopeMiBPerS = rssSlope;
  const q = max(s.map((x) => x.sendQSlow));
  if (q !== undefined) metrics.sendQSlowMaxKiB = q / 1024;
  const buffered = max(s.map((x) => x.bufferedBytes));
  if (buffered !== undefined) metrics.bufferedMaxMiB = buffered / 2 ** 20;
  if (pair.last?.dropped !== undefined) metrics.serverDropped = pair.last.dropped;
  if (pair.sampler.capped) metrics.cappedAtS = pair.sampler.capped.atS;
  const closes = (r?.closes ?? [])
    .filter((c) => c.slow)
    .map((c) => ({ ...c, atS: pair.sampler.slowClosedAt.get(c.port) ?? pair.sampler.firstClosedAtS ?? c.atS }));
  if (closes.length) {
    const first = closes.reduce((a, x) => (x.atS < a.atS ? x : a));
    metrics.slowClosedAtS = first.atS;
    metrics.slowCloseCode = first.code;
  }
  const c: Partial<Counts> = r?.counts ?? {};
  const observed: Observed = {
    capped: pair.sampler.capped,
    capMiB: pair.capMiB,
    closes,
    dropped: metrics.slowDropped ?? 0,
    serverDropped: pair.last?.dropped ?? null,
    backlogBytes: c.backlogBytes ?? 0,
    lagSeconds: c.lagSeconds ?? 0,
    // A member that keeps up leaves at most what is in flight: well under 1 MiB each.
    keptUpBelowBytes: (c.slowMembers ?? 1) * 2 ** 20,
  };
  return { metrics, observed };
}
