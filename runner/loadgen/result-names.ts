/**
 * The names of what a load-generator job measures, declared once: the counters
 * (`JobResult.counts`) and the histograms (`JobResult.histograms`). The load generator writes
 * them, the multi-process merge sums them, scenarios turn them into metrics; the compiler checks
 * every name on each side. To add one, add it here with what it counts and its unit.
 */

/** Counters, with what each counts. A job reports the ones it measures (see each job). */
export const COUNT_NAMES = {
  messages: 'messages answered (echo) or delivered (broadcast) within the measured window',
  bytes: 'payload bytes of those messages',
  measured: 'echo: messages sent in the window whose answer came back (latency samples)',
  sent: 'messages (echo) or posts (broadcast) sent in the window',
  connections: 'connections the job used',
  connectionsOpened: 'http without keep-alive: TCP connections opened',
  errors: 'http: failed requests',
  clients: 'broadcast: clients in the room',
  deliveries: 'broadcast: messages received by the clients',
  expectedDeliveries: 'broadcast: posts times the other clients in the room',
  lost: 'broadcast: expected deliveries that never came',
  duplicates: 'broadcast: deliveries received twice, or by their own sender',
  wireBytes: 'server-to-client bytes on the wire of the measured messages (frames, compression)',
  wireBytesOut: 'client-to-server bytes on the wire of the measured messages',
  clientDeflateMs: 'compression, context kept: ms the load generator spent compressing its sends (warm-up included)',
  clientDeflatedIn: 'compression, context kept: bytes the load generator compressed',
  clientDeflatedOut: 'compression, context kept: bytes they compressed to',
  busyMs: 'open loop: ms the load generator spent busy in the window',
  idleMs: 'open loop: ms it was idle in the window',
  busyPct: 'open loop: busyMs as a percentage of the window (the highest of several processes)',
  opened: 'connections: connections opened',
  failures: 'connections: handshakes that failed',
  rampMs: 'connections: ms the ramp took',
  echoed: 'connections: connections whose echo check passed',
  handshakes: 'http-vs-ws: WebSocket handshakes timed',
  requests: 'http-vs-ws: HTTP requests timed',
  posts: 'slow-consumers: posts sent from the first one (warm-up included)',
  fastDelivered: 'slow-consumers: posts delivered to the fast members',
  fastLost: 'slow-consumers: posts the fast members never got',
  fastDuplicates: 'slow-consumers: posts the fast members got twice',
  fastClosed: 'slow-consumers: fast members the server closed (after the window)',
  slowDelivered: 'slow-consumers: posts (echoes) delivered to the slow members, window and drain',
  slowLost: 'slow-consumers: posts the slow members never got',
  slowLostOpen: 'slow-consumers: of those, lost by members the server kept open (dropped)',
  slowDuplicates: 'slow-consumers: posts the slow members got twice',
  slowClosed: 'slow-consumers: slow members the server closed',
  slowBytes: 'slow-consumers: bytes the slow members received',
  slowMembers: 'slow-consumers: slow members in the room',
  backlogBytes: 'slow-consumers: bytes the open slow members had not read when the window ended',
  lagSeconds: 'slow-consumers: seconds from the first post to the end of the window',
} as const;

export type CountName = keyof typeof COUNT_NAMES;

/** HDR histograms (nanoseconds), with what each times. */
export const HISTOGRAM_NAMES = {
  latency: 'send to answer (echo), post to delivery (broadcast), or request to response (http)',
  fanout: 'broadcast: first to last delivery of one post',
  sendLag: 'open loop: how late each message was sent after its due time',
  service: 'open loop: send to answer, from the actual send',
  handshake: 'connection upgrade (and the library handshake), one connection at a time or ramped',
} as const;

export type HistogramName = keyof typeof HISTOGRAM_NAMES;

/**
 * A result's counters by name. Typed as every name so a scenario reads `r.counts.messages`
 * directly; a job fills only the counts it measures, so a name its job does not report reads
 * undefined: a scenario reads the counts of its own job.
 */
export type Counts = Record<CountName, number>;
/** A result's histograms by name, compressed base64 (see histogram.ts); the same rule as Counts. */
export type Histograms = Record<HistogramName, string>;

/** The counts a job measured, as a result's `counts`. */
export const counts = (c: Partial<Counts>): Counts => c as Counts;
/** The histograms a job measured, as a result's `histograms`. */
export const histograms = (h: Partial<Histograms>): Histograms => h as Histograms;
