/**
 * slow-consumers: the broadcast room with S members that stop reading (or read at a fixed byte
 * rate). What does the server do with what it cannot deliver: buffer it without bound, drop it,
 * or close the slow member? And what do the other members see meanwhile? Each run measures the
 * room twice on one server: a baseline with no slow member, then the same room with S of them,
 * sampled once a second by the runner (sampler.ts) and stopped at a memory cap. The policy is what
 * was observed (verdict.ts).
 */
import type { RunContext, Scenario, ScenarioOutcome } from '../types.js';
import type { CaseRef } from '../../runner/report/schema.js';
import type { SlowConsumersJob } from '../../runner/loadgen/jobs.js';
import { cpuMetrics, formatBytes, latencyMetrics, m, nofileFor, payloadParam, roomTarget } from '../common.js';
import { backpressureKnob, backpressureMissing } from '../../adapters/capabilities.js';
import { ServerSampler, type Sample } from './sampler.js';
import { policyOf } from './verdict.js';
import { slowConsumersCharts, slowConsumersGlance } from './report.js';
import { libraryColors } from '../../runner/report/chart-kit.js';
import { slowMetrics, type RunPair } from './metrics.js';

/** Slow members connect from this source address, so their server sockets can be told apart. */
export const SLOW_ADDRESS = '127.0.0.2';
const MIB = 2 ** 20;

export const slowConsumers: Scenario = {
  name: 'slow-consumers',
  description:
    'A broadcast room where S members stop reading (or read slowly): what the server does (buffers, drops, disconnects) and what the other members see.',
  pacing:
    'open loop, as broadcast; slow members paused (the kernel window closes) or resumed at a fixed byte rate; a baseline room without slow members first, on the same server',
  params: [
    { name: 'clients', description: 'members of the room', kind: 'int', default: 100, quick: 50, min: 2 },
    { name: 'slow', description: 'members who stop reading', kind: 'int', default: 1, min: 1 },
    { name: 'senders', description: 'members who post', kind: 'int', default: 10, min: 1 },
    { name: 'post-rate', description: 'posts per second in total', kind: 'number', default: 100, min: 1 },
    payloadParam([8192]),
    {
      name: 'slow-read-rate',
      description: 'bytes/s a slow member reads (KiB/MiB suffixes; default: it stops reading)',
      kind: 'int',
      default: 0,
      min: 0,
    },
    {
      name: 'slow-echo',
      description:
        'the echo variant: slow members send on the echo channel (each as often as a sender) and read their echoes slowly',
      kind: 'bool',
      default: false,
    },
    {
      name: 'backpressure-limit',
      description:
        'the same send-side limit (bytes, KiB/MiB) for every library with a knob; default: each at its usual setting',
      kind: 'int',
      default: 0,
      min: 0,
    },
    {
      name: 'memory-cap',
      description: 'server RSS (bytes, KiB/MiB) past which the runner stops it: a result, "grew past X MiB"',
      kind: 'int',
      default: 400 * MIB,
      min: 64 * MIB,
    },
  ],
  metrics: [
    m('fanoutP99Us', 'fast fan-out p99', 'µs', 'lower', true),
    m('baseFanoutP99Us', 'baseline fan-out p99', 'µs', 'lower', true),
    m('fanoutP99ChangePct', 'p99 change vs baseline', '%', 'lower', true),
    m('fanoutP50Us', 'fast fan-out p50', 'µs', 'lower'),
    m('baseFanoutP50Us', 'baseline fan-out p50', 'µs', 'lower'),
    m('growthMiBPerS', 'held for slow (MiB/s)', 'MiB/s', 'lower', true),
    m('rssPeakMiB', 'server RSS peak', 'MiB', 'lower', true),
    m('rssSlopeMiBPerS', 'RSS growth', 'MiB/s', 'lower'),
    m('slowDropped', 'dropped (slow)', 'msg', 'none', true),
    m('serverDropped', "dropped, server's own count", 'msg', 'none'),
    m('slowClosed', 'slow closed by server', 'clients', 'none', true),
    m('slowClosedAtS', 'first close after', 's', 'none'),
    m('slowCloseCode', 'close code', '', 'none'),
    m('cappedAtS', 'stopped at memory cap after', 's', 'none'),
    m('sendQSlowMaxKiB', 'Send-Q to slow, max', 'KiB', 'none'),
    m('bufferedMaxMiB', 'library buffered, max', 'MiB', 'none'),
    m('fastLost', 'lost (fast)', 'msg', 'lower', true),
    m('fastDuplicates', 'duplicated (fast)', 'msg', 'lower'),
    m('baseLost', 'lost (baseline)', 'msg', 'lower'),
    m('serverCpuPct', 'server CPU', '%', 'none'),
  ],
  headline: 'fanoutP99Us',
  charts: (report) => slowConsumersCharts(report, libraryColors(report)),
  glance: slowConsumersGlance,
  cases(o) {
    const p = o.params;
    const clients = p.clients as number;
    const slow = Math.min(p.slow as number, clients - 2);
    const senders = Math.min(p.senders as number, clients - slow);
    const echo = p['slow-echo'] === true;
    const [rate, readRate, limit, cap] = [
      p['post-rate'],
      p['slow-read-rate'],
      p['backpressure-limit'],
      p['memory-cap'],
    ] as number[];
    return (p.payload as number[]).map((payload) => ({
      id: `n${clients}-s${slow}-r${rate}-p${payload}${readRate ? `-read${readRate}` : ''}${echo ? '-echo' : ''}${limit ? `-bp${limit}` : ''}`,
      label: `${clients} clients, ${slow} slow${echo ? ' echo senders' : ''} (${readRate ? `${formatBytes(readRate)}/s` : 'not reading'}), ${rate} posts/s, ${formatBytes(payload)}${limit ? `, limit ${formatBytes(limit)}` : ''}`,
      params: {
        clients,
        slow,
        senders,
        rate,
        payload,
        slowReadRate: readRate,
        slowEcho: echo,
        backpressureLimit: limit,
        memoryCap: cap,
      },
    }));
  },
  target: roomTarget,
  // A backlog that grows at ~0.8 MB/s needs longer than a throughput window to tell apart.
  window: { durationS: 30, quickDurationS: 10 },
  serverEnv: (c): Record<string, string> => {
    const limit = c.params.backpressureLimit as number;
    return limit > 0 ? { WSBENCH_BACKPRESSURE_LIMIT: String(limit) } : {};
  },
  nofile: (c) => nofileFor(c.params.clients as number),
  async run(ctx, c, o) {
    const job = (slow: number): SlowConsumersJob => ({
      kind: 'slow-room',
      ...ctx.target,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      clients: c.params.clients as number,
      slow,
      senders: c.params.senders as number,
      rate: c.params.rate as number,
      payloadBytes: c.params.payload as number,
      binary: c.params.frames === 'binary',
      slowReadBytesPerSec: c.params.slowReadRate as number,
      slowEcho: c.params.slowEcho === true,
      slowAddress: SLOW_ADDRESS,
      drainMs: 10_000,
    });
    const timeoutMs = o.warmupMs + o.durationMs + 30_000;
    const base = await ctx.measure(job(0), { timeoutMs });
    const capBytes = c.params.memoryCap as number;
    const sampler = new ServerSampler({
      pid: ctx.server.pid,
      port: ctx.target.port,
      slowAddress: SLOW_ADDRESS,
      probe: ctx.server.probe ? () => ctx.server.probe!() : undefined,
      capBytes,
    }).start();
    let slowRun: RunPair['slow'] = null;
    try {
      slowRun = await ctx.measure(job(c.params.slow as number), { timeoutMs });
    } catch (err) {
      if (!sampler.capped) throw err;
    } finally {
      sampler.stop();
    }
    const last = sampler.capped ? null : ((await ctx.server.probe?.(2000)) ?? null);
    return outcome({ base, slow: slowRun, samples: sampler.samples, sampler, last, capMiB: capBytes / MIB }, ctx, c);
  },
  estimateMs: (_c, o) => 2 * (o.warmupMs + o.durationMs + 3000),
};

function outcome(pair: RunPair, ctx: RunContext, c: CaseRef): ScenarioOutcome {
  const { metrics, observed } = slowMetrics(pair, latencyMetrics);
  const policy = policyOf(observed);
  metrics.growthMiBPerS = policy.growthMiBPerS;
  // Stopped at the cap: no backlog was counted (the room never finished); the RSS growth says it.
  const capped = pair.sampler.capped;
  const firstRss = pair.samples.find((x) => x.rssMiB !== null)?.rssMiB;
  if (capped && firstRss != null && capped.atS > 0) metrics.growthMiBPerS = (capped.rssMiB - firstRss) / capped.atS;
  const cpu = pair.slow ? cpuMetrics(pair.slow).metrics : {};
  if (cpu.serverCpuPct !== undefined) metrics.serverCpuPct = cpu.serverCpuPct;
  const limit = c.params.backpressureLimit as number;
  const knob = backpressureKnob(ctx.library);
  const warnings: string[] = [];
  if (ctx.server.pid <= 0)
    warnings.push('no server process to sample (--target without --server-pid): no memory figures and no memory cap');
  if (!ctx.server.probe) warnings.push('no probe of the server: its heap and buffered amount are not known');
  if (limit > 0 && !knob) warnings.push(`--backpressure-limit not applied: ${backpressureMissing(ctx.library)}`);
  if (pair.sampler.capped)
    warnings.push(`stopped at the memory cap: grew past ${pair.capMiB} MiB in ${pair.sampler.capped.atS.toFixed(1)} s`);
  let verdict = policy.text;
  if (knob && policy.kinds.length === 1 && policy.kinds[0] === 'buffers without bound' && !pair.sampler.capped)
    verdict += '; its limit was not reached in this run';
  const series = seriesOf(pair.samples, pair.slow?.result.series ?? {});
  return {
    stats: {
      metrics,
      histograms: pair.slow ? { fanout: pair.slow.result.histograms.fanout } : ({} as Record<string, string>),
      timeline: pair.slow?.result.timeline,
      clientBound: false,
      slowConsumers: {
        policy: policy.kinds,
        verdict,
        knob: knob
          ? `${knob}${limit > 0 ? `; set to ${formatBytes(limit)}` : ''}`
          : `none: ${backpressureMissing(ctx.library)}`,
        series,
        closes: pair.slow?.result.closes ?? [],
      },
    },
    warnings,
  };
}

/** The runner's samples and the load generator's per-second series, as report.json keeps them. */
function seriesOf(samples: Sample[], client: Record<string, number[]>): Record<string, Array<number | null>> {
  const pick = (k: keyof Sample): Array<number | null> => samples.map((s) => s[k]);
  return {
    t: pick('t'),
    rssMiB: pick('rssMiB'),
    heapMiB: pick('heapMiB'),
    bufferedBytes: pick('bufferedBytes'),
    sendQSlow: pick('sendQSlow'),
    sendQFast: pick('sendQFast'),
    ...client,
  };
}
