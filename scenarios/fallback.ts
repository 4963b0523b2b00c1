/**
 * fallback: what a client pays when WebSocket is unavailable. Socket.IO's HTTP long-polling and
 * SockJS's xhr-polling and xhr-streaming, against the same library's websocket transport, all
 * through the library's own client (socket.io-client, sockjs-client) in the load generator
 * process, so only the transport differs. Libraries without a fallback are skipped.
 */
import { manifestOf } from '../adapters/index.js';
import type { FallbackTransport as Transport } from '../adapters/types.js';
import type { Case, Scenario } from './types.js';
import { CPU_DEFS, echoOutcome, formatBytes, latencyDefs, m, payloadParam } from './common.js';

type FallbackParams = { connections: number; payload: number[] };
type FallbackCase = { transport: Transport; connections: number; payload: number };

const LABELS: Record<Transport, string> = {
  polling: 'HTTP polling (socket.io long-polling, sockjs xhr-polling)',
  streaming: 'HTTP streaming (sockjs xhr-streaming)',
  websocket: 'websocket transport, same client',
};

/** The fallback scenario (not in the default suite: run it with --scenario fallback). */
export const fallback: Scenario<FallbackParams, FallbackCase> = {
  name: 'fallback',
  description:
    "HTTP fallback transports (Socket.IO long-polling, SockJS xhr-polling/xhr-streaming) vs the same library's websocket transport, through its own client.",
  pacing:
    "closed loop: N clients of the library's own client (socket.io-client, sockjs-client), one text message in flight each; " +
    'note: sockjs-client waits 25 ms after each completed HTTP send before the next (its BufferedSender), so on SockJS HTTP transports an echo takes at least that',
  params: [
    {
      name: 'connections',
      description: 'clients (fallback: per transport)',
      kind: 'int',
      default: 10,
      min: 1,
      sizes: true,
    },
    payloadParam([32]),
  ],
  metrics: [
    m('msgsPerSec', 'msgs/s', 'msg/s', 'higher', true),
    ...latencyDefs('', ['p50', 'p99']),
    ...CPU_DEFS,
    m('msgsPerServerCpuSec', 'msgs per server CPU-s', 'msg/cpu-s', 'higher', true),
    m('mbPerSec', 'MB/s', 'MB/s', 'higher'),
  ],
  headline: 'p50Us',
  // socket.io runs websocket-only elsewhere (fair settings); here it must allow polling too.
  serverMode: 'fallback',
  transports: { noTls: "fallback drives the libraries' own clients, which are not run over TLS yet" },
  target: () => "needs the server's long-polling mode, which wsbench cannot switch on in a running target",
  cases(o) {
    const connections = o.params.connections;
    return o.params.payload.flatMap((payload) =>
      (['polling', 'streaming', 'websocket'] as const).map((transport): Case<FallbackCase> => ({
        id: `${transport}-p${payload}`,
        label: `${LABELS[transport]}, ${formatBytes(payload)}, ${connections} clients`,
        params: { transport, connections, payload },
      })),
    );
  },
  // What each library has: its manifest's capabilities.fallback.
  supports(library, c) {
    const manifest = manifestOf(library);
    const fb = manifest?.capabilities.fallback;
    if (!manifest || !fb) return `${library} has no HTTP fallback transport (WebSocket only)`;
    const transport = c.params.transport;
    return fb.transports[transport] ? null : `${manifest.name} has no ${transport} transport`;
  },
  async run(ctx, c, o) {
    const fb = manifestOf(ctx.library)?.capabilities.fallback;
    const transport = fb?.transports[c.params.transport];
    if (!fb || !transport) throw new Error(`fallback: ${ctx.library} has no ${String(c.params.transport)} transport`);
    const x = await ctx.measure({
      kind: 'client-echo',
      ...ctx.target,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      client: fb.client,
      transport,
      connections: c.params.connections,
      payloadBytes: c.params.payload,
    });
    const out = echoOutcome(x);
    if (fb.httpNote && c.params.transport !== 'websocket') out.warnings.push(fb.httpNote);
    return out;
  },
  // Clients connect one at a time, each a few HTTP requests on the polling transports.
  estimateMs: (c, o) => o.warmupMs + o.durationMs + 1500 + 50 * c.params.connections,
};
