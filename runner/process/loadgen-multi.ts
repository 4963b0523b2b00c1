/**
 * `--loadgen-procs N`: one echo job split over N load-generator processes run side by side
 * (connections and any offered rate divided as evenly as they go), and their results merged:
 * histograms merged (never averaged), counts and timelines summed, rates summed, CPU reported
 * per process, client-bound when any process is. Jobs of other kinds run in one process.
 */
import type { ConnectionsJob, EchoJob, Job, JobResult } from '../loadgen/jobs.js';
import { encodeHistogram } from '../loadgen/histogram.js';
import { runLoadgen, type LoadgenHooks, type Measured } from './loadgen-process.js';
import { mergeHistograms } from '../stats.js';
import { decodeHistogram } from '../loadgen/histogram.js';
import {
  counts as asCounts,
  histograms as asHistograms,
  type CountName,
  type Counts,
  type HistogramName,
  type Histograms,
} from '../loadgen/result-names.js';

/**
 * The parts of a job for `n` processes or shards (fewer when there are fewer connections): an
 * echo job here, also a connections job for `wsbench worker` (runner/distributed).
 */
export function splitJob<J extends EchoJob | ConnectionsJob>(job: J, n: number): J[] {
  const parts = Math.max(1, Math.min(n, job.connections));
  return Array.from({ length: parts }, (_, i) => {
    const connections = Math.floor(job.connections / parts) + (i < job.connections % parts ? 1 : 0);
    const rate =
      job.kind !== 'echo' || job.rate === undefined ? {} : { rate: (job.rate * connections) / job.connections };
    return { ...job, connections, ...rate };
  });
}

function sumTimelines(timelines: number[][]): number[] {
  const out = new Array<number>(Math.max(0, ...timelines.map((t) => t.length))).fill(0);
  for (const t of timelines) t.forEach((v, i) => (out[i] += v));
  return out;
}

/** One result from the results of several processes measuring the same window side by side. */
export function mergeMeasured(parts: Measured[]): Measured {
  if (parts.length === 1) return parts[0];
  const results = parts.map((p) => p.result);
  const counts: Partial<Counts> = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.counts) as [CountName, number][]) counts[k] = (counts[k] ?? 0) + v;
  // A busy share is each process's own, of its own core: the busiest one, not their sum, says
  // whether the load generator was the limit (client-bound when any process is).
  const busy = results.flatMap((r) => (r.counts.busyPct !== undefined ? [r.counts.busyPct] : []));
  if (busy.length) counts.busyPct = Math.max(...busy);
  const histograms: Partial<Histograms> = {};
  for (const key of new Set(results.flatMap((r) => Object.keys(r.histograms) as HistogramName[]))) {
    histograms[key] = encodeHistogram(
      mergeHistograms(results.flatMap((r) => (r.histograms[key] ? [r.histograms[key]] : []))),
    );
  }
  // Each process timed its own window: the merged window is the one at which the summed
  // message count gives exactly the sum of the processes' rates.
  const rates = results.map((r) => (r.measuredMs > 0 ? (r.counts.messages ?? 0) / r.measuredMs : 0));
  const rateSum = rates.reduce((a, b) => a + b, 0);
  const meanMs = results.reduce((a, r) => a + r.measuredMs, 0) / results.length;
  const measuredMs = rateSum > 0 ? (counts.messages ?? 0) / rateSum : meanMs;
  const result: JobResult = {
    measuredMs,
    counts: asCounts(counts),
    histograms: asHistograms(histograms),
    timeline: sumTimelines(results.map((r) => r.timeline)),
    warnings: [...new Set(results.flatMap((r) => r.warnings))],
    ...(results[0]?.deflate ? { deflate: results[0].deflate } : {}),
  };
  const cpus = parts.map((p) => p.clientCpu);
  const known = cpus.filter((c): c is number => c !== null);
  return {
    result,
    serverCpu: parts[0].serverCpu,
    serverRss: parts[0].serverRss,
    clientCpu: known.length === cpus.length ? known.reduce((a, b) => a + b, 0) : null,
    clientRss: parts.every((p) => p.clientRss !== null) ? parts.reduce((a, p) => a + (p.clientRss ?? 0), 0) : null,
    ...(parts[0].serverUnmeasured ? { serverUnmeasured: true } : {}),
    perProcess: parts.map((p, i) => ({
      cpu: p.clientCpu,
      msgsPerSec: rates[i] * 1000,
      latencyCount: p.result.histograms.latency ? decodeHistogram(p.result.histograms.latency).totalCount : 0,
    })),
  };
}

/**
 * Runs `job` in `cpus.length` load-generator processes (process i on cpus[i]). The server is
 * sampled by the first one; the progress display follows the first one. When one fails, the
 * others are stopped too, and every process is gone before this returns.
 */
export async function runLoadgens(job: Job, hooks: LoadgenHooks, cpus: string[]): Promise<Measured> {
  if (cpus.length <= 1 || job.kind !== 'echo') return runLoadgen(job, { ...hooks, cpu: cpus[0] ?? hooks.cpu });
  const jobs = splitJob(job, cpus.length);
  let abort!: (err: unknown) => void;
  const aborted = new Promise<never>((_, reject) => (abort = reject));
  aborted.catch(() => {});
  const gone = Promise.race([hooks.serverGone, aborted]);
  gone.catch(() => {});
  // A barrier: every process has connected before any starts its warm-up and window.
  let ramped = 0;
  let allRamped!: () => void;
  const together = new Promise<void>((resolve) => (allRamped = resolve));
  const onRamped = (): Promise<void> => {
    if (++ramped === jobs.length) allRamped();
    return together;
  };
  const runs = jobs.map((j, i) =>
    runLoadgen(
      { ...j, barrier: true },
      {
        ...hooks,
        onRamped,
        cpu: cpus[i],
        serverGone: gone,
        // Only the first samples the server; the others report 0 as "no server to sample".
        serverPid: i === 0 ? hooks.serverPid : 0,
        onTick: i === 0 ? hooks.onTick : undefined,
      },
    ).catch((err: unknown) => {
      abort(err);
      throw err;
    }),
  );
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const parts = settled.map((s) => (s as PromiseFulfilledResult<Measured>).value);
  // serverUnmeasured is set on the others because they sampled no server: only the first counts.
  return mergeMeasured(parts.map((p, i) => (i === 0 ? p : { ...p, serverUnmeasured: undefined })));
}
