/**
 * http-vs-ws: the same small payload echoed by HTTP POST with keep-alive, by HTTP with a new TCP
 * connection per request, and over open WebSockets, against the same server process (each
 * library answers POST /http-echo with its own HTTP stack); plus what opening a WebSocket costs
 * next to one HTTP request on a new connection. HTTP is driven by autocannon, WebSocket by our
 * raw client, both in the load generator process.
 */
import type { Job } from '../runner/loadgen/jobs.js';
import type { Case, Scenario, ScenarioOutcome } from './types.js';
import { CPU_DEFS, echoOutcome, formatBytes, latencyDefs, latencyMetrics, m, payloadParam } from './common.js';

/** The ways to exchange one message, one case each. */
const MODES = {
  keepalive: 'HTTP POST, keep-alive',
  'no-keepalive': 'HTTP POST, new connection per request',
  websocket: 'WebSocket message',
  handshake: 'WebSocket open vs HTTP POST on a new connection, one at a time',
} as const;
type Mode = keyof typeof MODES;
type HttpVsWsParams = { connections: number; payload: number[] };
type HttpVsWsCase = { mode: Mode; connections: number; payload: number };

function job(
  mode: Exclude<Mode, 'handshake'>,
  target: { host: string; port: number; codecModule: string },
  c: Case<HttpVsWsCase>,
  warmupMs: number,
  durationMs: number,
): Job {
  const common = {
    ...target,
    warmupMs,
    durationMs,
    connections: c.params.connections,
    payloadBytes: c.params.payload,
  };
  if (mode === 'websocket') return { kind: 'echo', ...common, inflight: 1, binary: true };
  return { kind: 'http', ...common, keepAlive: mode === 'keepalive' };
}

/** The handshake case: both latency sets and how they compare; no rate (it runs one at a time). */
function handshakeOutcome(result: {
  counts: Record<string, number>;
  histograms: Record<string, string>;
  warnings: string[];
}): ScenarioOutcome {
  const ws = latencyMetrics(result.histograms.handshake, 'handshake');
  const http = latencyMetrics(result.histograms.latency);
  const metrics: Record<string, number> = { ...ws, ...http, handshakes: result.counts.handshakes };
  if (http.p50Us > 0) metrics.upgradeVsHttp = ws.handshakeP50Us / http.p50Us;
  return {
    // Server CPU would mix both kinds of work here: it is left out rather than misread.
    stats: {
      metrics,
      histograms: { handshake: result.histograms.handshake, latency: result.histograms.latency },
      clientBound: false,
    },
    warnings: result.warnings,
  };
}

/** The http-vs-ws scenario (not in the default suite: run it with --scenario http-vs-ws). */
export const httpVsWs: Scenario<HttpVsWsParams, HttpVsWsCase> = {
  name: 'http-vs-ws',
  description:
    'The same payload echoed by HTTP POST (keep-alive; new connection per request) and over WebSocket, same server process; and one WebSocket open vs one HTTP request on a new connection.',
  pacing:
    'closed loop: N connections, one request or message in flight each; HTTP by autocannon (heavier per request than our raw WebSocket client: watch the client-bound flag), ' +
    'WebSocket by our raw client; the handshake case runs one open or request at a time',
  params: [
    {
      name: 'connections',
      description: 'connections (http-vs-ws: each mode uses as many)',
      kind: 'int',
      default: 10,
      min: 1,
      sizes: true,
    },
    payloadParam([32]),
  ],
  metrics: [
    m('msgsPerSec', 'reqs or msgs/s', 'msg/s', 'higher', true),
    ...latencyDefs('', ['p50', 'p99']),
    ...latencyDefs('handshake', ['p50']),
    m('upgradeVsHttp', 'WS open ÷ HTTP p50', 'x', 'lower', true),
    ...CPU_DEFS,
    m('msgsPerServerCpuSec', 'per server CPU-s', 'msg/cpu-s', 'higher', true),
    m('mbPerSec', 'MB/s', 'MB/s', 'higher'),
    m('handshakes', 'handshakes timed', 'count', 'none'),
  ],
  headline: 'p50Us',
  target: () => "needs the server's POST /http-echo route, which a running target does not declare",
  cases(o) {
    const connections = o.params.connections;
    const payloads = o.params.payload;
    const cases: Case<HttpVsWsCase>[] = [];
    for (const payload of payloads) {
      for (const mode of ['keepalive', 'no-keepalive', 'websocket'] as const) {
        cases.push({
          id: `${mode}-p${payload}`,
          label: `${MODES[mode]}, ${formatBytes(payload)}, ${connections} conn`,
          params: { mode, connections, payload },
        });
      }
    }
    const payload = payloads[0];
    cases.push({
      id: `handshake-p${payload}`,
      label: `${MODES.handshake}, ${formatBytes(payload)}`,
      params: { mode: 'handshake', connections: 1, payload },
    });
    return cases;
  },
  async run(ctx, c, o) {
    const mode = c.params.mode;
    if (mode === 'handshake') {
      const x = await ctx.measure({
        kind: 'handshake',
        ...ctx.target,
        warmupMs: o.warmupMs,
        durationMs: o.durationMs,
        payloadBytes: c.params.payload,
      });
      return handshakeOutcome(x.result);
    }
    const x = await ctx.measure(job(mode, ctx.target, c, o.warmupMs, o.durationMs));
    const out = echoOutcome(x);
    const { connectionsOpened, messages } = x.result.counts;
    // Warm-up requests opened connections too, so fewer connections than requests means reuse.
    if (mode === 'no-keepalive' && !(connectionsOpened >= messages)) {
      out.warnings.push(
        `only ${connectionsOpened} connections for ${messages} requests: some requests reused a connection`,
      );
    }
    return out;
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 1000,
};
