/** throughput: many connections, several messages in flight each, over a sweep of sizes. */
import { metricAcrossCases } from '../runner/report/chart-kit.js';
import type { Scenario } from './types.js';
import { CPU_DEFS, WIRE_DEFS, echoJob, echoOutcome, formatBytes, latencyDefs, m, payloadParam } from './common.js';

type ThroughputParams = { connections: number; inflight: number; payload: number[] };
type ThroughputCase = { payload: number; connections: number; inflight: number };

export const throughput: Scenario<ThroughputParams, ThroughputCase> = {
  name: 'throughput',
  description:
    'N connections x K messages in flight, echoed as fast as the server can (closed loop), per payload size.',
  pacing: 'closed loop: each echo is answered with the next message in one write per incoming chunk',
  params: [
    { name: 'connections', description: 'connections', kind: 'int', default: 50, min: 1, sizes: true },
    {
      name: 'inflight',
      description: 'messages in flight per connection',
      kind: 'int',
      default: 16,
      min: 1,
      sizes: true,
    },
    // With the production case (1 KiB over TLS, compressed) the suite stays within its time budget;
    // larger sizes: --payload 16KiB,64KiB.
    payloadParam([32, 1024], [1024]),
  ],
  metrics: [
    m('msgsPerSec', 'msgs/s', 'msg/s', 'higher', true),
    m('mbPerSec', 'MB/s', 'MB/s', 'higher', true),
    ...latencyDefs('', ['p99']),
    ...CPU_DEFS,
    ...WIRE_DEFS,
    m('msgsPerServerCpuSec', 'msgs per server CPU-s', 'msg/cpu-s', 'higher', true),
  ],
  alternates: true,
  headline: 'msgsPerSec',
  shardable: true,
  transports: { frames: true, compression: true, messages: true },
  cases(o) {
    const connections = o.params.connections;
    const inflight = o.params.inflight;
    return o.params.payload.map((payload) => ({
      id: `p${payload}`,
      label: `${formatBytes(payload)}, ${connections}x${inflight}`,
      params: { payload, connections, inflight },
    }));
  },
  async run(ctx, c, o) {
    return echoOutcome(await ctx.measure(echoJob(ctx, c, o, { inflight: c.params.inflight })));
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 1000,
  /** Production: 1 KiB over TLS, compressed where the library supports it. */
  production(o) {
    return this.cases({ ...o, params: { ...o.params, payload: [1024] } })
      .slice(0, 1)
      .map((c) => ({ case: c, compression: true }));
  },
  charts: (report, scenario) =>
    ['msgsPerSec', 'mbPerSec'].map((k) => metricAcrossCases(report, scenario, k, 'payload size')),
};
