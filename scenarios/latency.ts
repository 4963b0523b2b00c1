/** latency: ping-pong, one message in flight per connection; the round trip of each message. */
import type { Scenario } from './types.js';
import { CPU_DEFS, WIRE_DEFS, echoJob, echoOutcome, formatBytes, latencyDefs, m, payloadParam } from './common.js';

type LatencyParams = { connections: number; payload: number[] };
type LatencyCase = { connections: number; payload: number };

export const latency: Scenario<LatencyParams, LatencyCase> = {
  name: 'latency',
  description: 'Ping-pong: each connection sends one message and waits for its echo (closed loop).',
  pacing: 'closed loop: the next message leaves in the same write that follows the echo',
  params: [
    {
      name: 'connections',
      description: 'connections doing ping-pong',
      kind: 'int',
      default: 1,
      min: 1,
      sizes: true,
    },
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
  shardable: true,
  transports: { frames: true, compression: true, messages: true },
  cases(o) {
    const connections = o.params.connections;
    return o.params.payload.map((payload) => ({
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
