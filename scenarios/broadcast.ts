/**
 * broadcast: a chat room. N clients in one room, some of them post at a fixed total rate, the
 * server relays each post to every other member; fan-out latency is the time to the last one.
 */
import type { CaseSummary } from '../runner/report/schema.js';
import { scenarioCases } from '../runner/report/format.js';
import { groupedBars } from '../runner/report/chart-kit.js';
import type { Scenario } from './types.js';
import {
  cpuMetrics,
  formatBytes,
  latencyDefs,
  latencyMetrics,
  m,
  nofileFor,
  PACED_DEFS,
  pacedMetrics,
  payloadParam,
  perServerCpuSecond,
  roomTarget,
} from './common.js';

type BroadcastParams = { clients: number; senders: number; 'post-rate': number; payload: number[] };
type BroadcastCase = { clients: number; senders: number; rate: number; payload: number };

export const broadcast: Scenario<BroadcastParams, BroadcastCase> = {
  name: 'broadcast',
  description:
    'A chat room: N clients, S senders posting at a fixed total rate; every post relayed to all other members.',
  pacing:
    'open loop: posts leave at their due time (a spin that still reads sockets, so deliveries are read as they arrive); latency counts from the due time, service (fan-out) from the actual send',
  params: [
    {
      name: 'clients',
      description: 'members of the room (broadcast)',
      kind: 'int',
      default: 100,
      quick: 50,
      min: 2,
      sizes: true,
    },
    { name: 'senders', description: 'members who post (broadcast)', kind: 'int', default: 10, min: 1, sizes: true },
    { name: 'post-rate', description: 'posts per second in total (broadcast)', kind: 'number', default: 200, min: 1 },
    payloadParam([32]),
  ],
  metrics: [
    m('deliveriesPerSec', 'deliveries/s', '1/s', 'higher', true),
    m('deliveredPct', 'delivered', '%', 'higher', true),
    m('lost', 'lost', 'msg', 'lower', true),
    m('duplicates', 'duplicated', 'msg', 'lower', true),
    ...latencyDefs('fanout', ['p50', 'p99']),
    ...latencyDefs('', ['p99']),
    m('serverCpuPct', 'server CPU', '%', 'none', true),
    // With --server-procs (runner/topology): the server's processes, summed above, and its Redis.
    m('serverProcs', 'server processes', 'count', 'none', true),
    m('redisCpuPct', 'Redis CPU', '%', 'none', true),
    m('redisRssMiB', 'Redis RSS', 'MiB', 'none'),
    m('redisCpuMsPer1kDeliveries', 'Redis CPU-ms per 1k deliveries', 'cpu-ms', 'lower', true),
    m('clientCpuPct', 'loadgen CPU (spins)', '%', 'none'),
    ...PACED_DEFS,
    m('deliveriesPerServerCpuSec', 'deliveries per server CPU-s', '1/cpu-s', 'higher'),
  ],
  headline: 'fanoutP99Us',
  transports: { frames: true, compression: true },
  target: roomTarget,
  cases(o) {
    const clients = o.params.clients;
    const senders = Math.min(o.params.senders, clients);
    const rate = o.params['post-rate'];
    return o.params.payload.map((payload) => ({
      id: `n${clients}-s${senders}-r${rate}-p${payload}`,
      label: `${clients} clients, ${senders} senders, ${rate} posts/s, ${formatBytes(payload)}`,
      params: { clients, senders, rate, payload },
    }));
  },
  nofile: (c) => nofileFor(c.params.clients),
  async run(ctx, c, o) {
    const x = await ctx.measure({
      kind: 'room',
      ...ctx.target,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      clients: c.params.clients,
      senders: c.params.senders,
      rate: c.params.rate,
      payloadBytes: c.params.payload,
      binary: c.params.frames === 'binary',
    });
    const r = x.result;
    const cpu = cpuMetrics(x);
    const deliveriesPerSec = r.counts.deliveries / (r.measuredMs / 1000);
    const metrics: Record<string, number> = {
      deliveriesPerSec,
      deliveredPct: r.counts.expectedDeliveries ? (100 * r.counts.deliveries) / r.counts.expectedDeliveries : 0,
      lost: r.counts.lost,
      duplicates: r.counts.duplicates,
      posts: r.counts.sent,
      ...latencyMetrics(r.histograms.fanout, 'fanout'),
      ...latencyMetrics(r.histograms.latency),
      ...cpu.metrics,
    };
    const paced = pacedMetrics(x, metrics.fanoutP50Us ?? 0);
    Object.assign(metrics, paced.metrics);
    const perCpu = perServerCpuSecond(deliveriesPerSec, cpu.metrics.serverCpuPct);
    if (perCpu !== undefined) metrics.deliveriesPerServerCpuSec = perCpu;
    return {
      stats: {
        metrics,
        histograms: {
          latency: r.histograms.latency,
          fanout: r.histograms.fanout,
          sendLag: r.histograms.sendLag,
          service: r.histograms.service,
        },
        timeline: r.timeline,
        clientBound: paced.clientBound,
        pacingBound: paced.pacingBound,
      },
      warnings: r.warnings,
    };
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 1500,
  charts: (report, scenario) =>
    scenarioCases(report, scenario).map((c) => ({
      name: `fanout:${scenario}:${c.id}`,
      section: scenario,
      title: `Fan-out latency — ${c.label}`,
      kind: 'bar' as const,
      labels: ['p50', 'p99', 'max'],
      xTitle: 'percentile',
      yTitle: 'µs',
      datasets: groupedBars(
        report,
        scenario,
        (['p50', 'p99', 'max'] as const).map((p) => ({
          label: p,
          caseId: c.id,
          pick: (s: CaseSummary) => s.latency.fanout?.[p],
        })),
      ),
    })),
};
