/**
 * broadcast: a chat room. N clients in one room, some of them post at a fixed total rate, the
 * server relays each post to every other member; fan-out latency is the time to the last one.
 */
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
} from './common.js';

export const broadcast: Scenario = {
  name: 'broadcast',
  description:
    'A chat room: N clients, S senders posting at a fixed total rate; every post relayed to all other members.',
  pacing:
    'open loop: posts leave at their due time (a spin that still reads sockets, so deliveries are read as they arrive); latency counts from the due time, service (fan-out) from the actual send',
  params: [
    { name: 'clients', description: 'members of the room (broadcast)', kind: 'int', default: 100, quick: 50, min: 2 },
    { name: 'senders', description: 'members who post (broadcast)', kind: 'int', default: 10, min: 1 },
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
  cases(o) {
    const clients = o.params.clients as number;
    const senders = Math.min(o.params.senders as number, clients);
    const rate = o.params['post-rate'] as number;
    return (o.params.payload as number[]).map((payload) => ({
      id: `n${clients}-s${senders}-r${rate}-p${payload}`,
      label: `${clients} clients, ${senders} senders, ${rate} posts/s, ${formatBytes(payload)}`,
      params: { clients, senders, rate, payload },
    }));
  },
  nofile: (c) => nofileFor(c.params.clients as number),
  async run(ctx, c, o) {
    const x = await ctx.measure({
      kind: 'broadcast',
      ...ctx.target,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      clients: c.params.clients as number,
      senders: c.params.senders as number,
      rate: c.params.rate as number,
      payloadBytes: c.params.payload as number,
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
};
