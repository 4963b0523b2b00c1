/** latency: ping-pong, one message in flight per connection; the round trip of each message. */
import type { Scenario } from './types.js';
import { CPU_DEFS, WIRE_DEFS, echoJob, echoOutcome, formatBytes, latencyDefs, m, payloadParam } from './common.js';

export const latency: Scenario = {
  name: 'latency',
  description: 'Ping-pong: each connection sends one message and waits for its echo (closed loop).',
  pacing: 'closed loop: the next message leaves in the same write that follows the echo',
  params: [
    { name: 'connections', description: 'connections doing ping-pong', kind: 'int', default: 1, min: 1 },
    payloadParam([32]),
  ],
  metrics: [
    ...latencyDefs('', ['p50', 'p99', 'p999']),
    m('msgsPerSec', 'msgs/s', 'msg/s', 'higher', true),
    ...CPU_DEFS,
    ...WIRE_DEFS,
    m('msgsPerServerCpuSec', 'msgs per server CPU-s', 'msg/cpu-s', 'higher'),
  ],
  alternates: true,
  headline: 'p50Us',
  cases(o) {
    const connections = o.params.connections as number;
    return (o.params.payload as number[]).map((payload) => ({
      id: `c${connections}-p${payload}`,
      label: `${connections} conn, ${formatBytes(payload)}`,
      params: { connections, payload },
    }));
  },
  async run(ctx, c, o) {
    return echoOutcome(await ctx.measure(echoJob(ctx, c, o, { inflight: 1 })));
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 800,
};
