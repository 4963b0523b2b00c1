/** throughput: many connections, several messages in flight each, over a sweep of sizes. */
import type { Scenario } from './types.js';
import { CPU_DEFS, WIRE_DEFS, echoJob, echoOutcome, formatBytes, latencyDefs, m, payloadParam } from './common.js';

export const throughput: Scenario = {
  name: 'throughput',
  description:
    'N connections x K messages in flight, echoed as fast as the server can (closed loop), per payload size.',
  pacing: 'closed loop: each echo is answered with the next message in one write per incoming chunk',
  params: [
    { name: 'connections', description: 'connections', kind: 'int', default: 50, min: 1 },
    { name: 'inflight', description: 'messages in flight per connection', kind: 'int', default: 16, min: 1 },
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
  cases(o) {
    const connections = o.params.connections as number;
    const inflight = o.params.inflight as number;
    return (o.params.payload as number[]).map((payload) => ({
      id: `p${payload}`,
      label: `${formatBytes(payload)}, ${connections}x${inflight}`,
      params: { payload, connections, inflight },
    }));
  },
  async run(ctx, c, o) {
    return echoOutcome(await ctx.measure(echoJob(ctx, c, o, { inflight: c.params.inflight as number })));
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 1000,
};
