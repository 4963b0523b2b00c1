/**
 * What the runner asks of the load generator process, and what it sends back. Plain data: it
 * crosses the IPC channel as JSON.
 */
import type { Counts, Histograms } from './result-names.js';
import type { ClientKind } from './native-clients.js';
import type { DeflateOffer } from './deflate.js';

interface JobBase {
  host: string;
  /** Set by the runner when the user passed --allow-remote: else a non-loopback host is refused. */
  allowRemote?: boolean;
  port: number;
  /** Codec module, relative to dist/adapters, or an absolute path (`--lib <path>`). */
  codecModule: string;
  /** Request paths that replace the codec's own, per channel (a `--target` names them). */
  paths?: { echo?: string; broadcast?: string };
  warmupMs: number;
  durationMs: number;
  /** Speak TLS (wss://, https://) to the server. */
  tls?: TlsJobOptions;
  /**
   * Negotiate permessage-deflate (RFC 7692) on every WebSocket; a server that answers without it
   * fails the run (EDEFLATE): an uncompressed run is never measured as compressed.
   */
  compression?: boolean;
  /** With compression: what to offer (default: what browsers offer, deflate-offer.ts). */
  deflateOffer?: DeflateOffer;
}

/** What the client needs to speak TLS to a server with the run's certificate. */
export interface TlsJobOptions {
  /** PEM of the certificate to trust; absent: the certificate is accepted unverified. */
  ca?: string;
  /** Resume TLS sessions (tickets) after the first connection; off: every handshake is full. */
  resume: boolean;
  /** SNI name and the name the certificate is checked against. */
  servername?: string;
}

/** What the first TLS connection negotiated. */
export interface TlsInfo {
  protocol: string;
  cipher: string;
  /** e.g. `ECDSA P-256`, `RSA 2048`. */
  keyType: string;
  /** Handshakes that resumed a session (0 unless resumption was on). */
  resumed: number;
}

/**
 * Echo on `connections` connections. Closed loop (`rate` absent): each connection keeps
 * `inflight` messages outstanding. Open loop (`rate` set): `rate` messages/s in total, on a fixed
 * schedule; latency counts from when each message was due (coordinated omission corrected).
 */
export interface EchoJob extends JobBase {
  kind: 'echo';
  connections: number;
  inflight: number;
  payloadBytes: number;
  binary: boolean;
  rate?: number;
  /**
   * Send these messages (`--messages`, corpus.ts) instead of built-in payloads of `payloadBytes`:
   * in the corpus's order (each connection from its own offset) or sampled at random; each echo
   * is matched by its place on its connection (echo keeps a connection's order), byte for byte.
   */
  messages?: { source: string; order: 'order' | 'sample' };
  /** Report `ramped` once connected and wait for `continue` (processes of one run start together). */
  barrier?: boolean;
  /**
   * A kept session (side by side): connect, then measure a window on each `window` message and
   * answer its `result`, keeping the connections open between windows, until `end`.
   */
  session?: boolean;
}

/** Ramp to `connections` idle connections, hold them, check echo still works, close. */
export interface ConnectionsJob extends JobBase {
  kind: 'hold';
  connections: number;
  /** Handshakes allowed in flight at once. */
  concurrency: number;
  /** Connections per source address before moving to the next 127.0.0.x. */
  perAddress: number;
}

/** A chat room: `clients` in the room, `senders` of them send, `rate` messages/s in total. */
export interface BroadcastJob extends JobBase {
  kind: 'room';
  clients: number;
  senders: number;
  rate: number;
  payloadBytes: number;
  binary: boolean;
}

/**
 * HTTP POST echo driven by autocannon: `connections` clients, one request in flight each.
 * `keepAlive: false` puts every request on a new TCP connection (`Connection: close`).
 */
export interface HttpJob extends JobBase {
  kind: 'http';
  connections: number;
  payloadBytes: number;
  keepAlive: boolean;
}

/**
 * One after another: a WebSocket opened (upgrade and the library's protocol handshake) and
 * closed, then one HTTP POST of `payloadBytes` on a new connection; each timed.
 */
export interface HandshakeJob extends JobBase {
  kind: 'handshake';
  payloadBytes: number;
}

/** Echo of text messages through a library's own client over `transport`, one in flight each. */
export interface ClientEchoJob extends JobBase {
  kind: 'client-echo';
  client: ClientKind;
  /** socket.io: polling | websocket; sockjs: xhr-polling | xhr-streaming | websocket. */
  transport: string;
  connections: number;
  payloadBytes: number;
}

/**
 * A chat room with slow consumers: `clients` members, the last `slow` of them read slowly
 * (`slowReadBytesPerSec`, 0: not at all) from source address `slowAddress` (so the runner can
 * tell their sockets apart in /proc/net/tcp); `senders` fast members post `rate` posts/s in total.
 * After the window the slow members read everything that is left (for up to `drainMs`).
 */
export interface SlowConsumersJob extends JobBase {
  kind: 'slow-room';
  clients: number;
  slow: number;
  senders: number;
  rate: number;
  payloadBytes: number;
  binary: boolean;
  slowReadBytesPerSec: number;
  /** The echo variant: the slow members send on the echo channel (at a sender's rate) and read their echoes slowly. */
  slowEcho?: boolean;
  slowAddress?: string;
  drainMs: number;
}

export type Job = EchoJob | ConnectionsJob | BroadcastJob | HttpJob | HandshakeJob | ClientEchoJob | SlowConsumersJob;

/** Common to every result. Histograms are HDR, compressed base64, in nanoseconds. */
export interface JobResult {
  measuredMs: number;
  /** Counters by name (result-names.ts says what each counts). */
  counts: Counts;
  histograms: Histograms;
  /** Messages received per second of the measured window. */
  timeline: number[];
  warnings: string[];
  /** Over TLS: what the connections negotiated. */
  tls?: TlsInfo;
  /** With compression: what was offered, and the server's Sec-WebSocket-Extensions answer. */
  deflate?: { offered: string; answered: string };
  /** Named per-second series, from the first post (slow-consumers). */
  series?: Record<string, number[]>;
  /** Connections the server closed: which, when (s from the first post), close code (0: none seen). */
  closes?: Array<{ client: number; slow: boolean; atS: number; code: number; bytes: number; port: number }>;
}

/** Load generator -> runner. */
export type LoadgenMessage =
  | { type: 'phase'; phase: 'measure' | 'done' | 'ramp' | 'ramped' }
  | { type: 'tick'; phase: 'warmup' | 'measure' | 'ramp'; elapsedMs: number; totalMs: number; perSecond: number }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; code: string; message: string };

/** Runner -> load generator. */
export type RunnerMessage =
  | { type: 'job'; job: Job }
  | { type: 'continue' }
  /** A kept echo session (EchoJob.session): measure one more window on the open connections. */
  | { type: 'window'; warmupMs: number; durationMs: number }
  /** A kept echo session: close the connections and exit. */
  | { type: 'end' };
