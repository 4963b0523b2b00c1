/**
 * The adapter contract. An adapter has two halves that never meet in one process:
 * - `server.ts` runs only in the server process (it imports the library);
 * - `codec.ts` runs only in the load generator (it imports nothing of the library), and turns
 *   our raw RFC 6455 client into a client of the library's own protocol.
 */
import type { MicroTask } from '../runner/micro/tasks.js';

import type { RoomBus } from './_shared/room-bus.js';

/** Settings shown in the report, so a reader can check that every library ran alike. */
export type Settings = Record<string, string | number | boolean>;

/** The settings every adapter must apply, whatever its library calls them. */
export const FAIR_SETTINGS = {
  /** permessage-deflate off: compression is a scenario of its own, not a default. */
  compression: false,
  /** Large enough for the biggest payload any scenario sends. */
  maxPayloadBytes: 16 * 1024 * 1024,
} as const;

/** What a running server hands back to the server process entry. */
export interface RunningServer {
  port: number;
  /** Extra facts learned at start, e.g. whether a native addon loaded. */
  facts?: Settings;
  close(): Promise<void>;
}

/**
 * Runs in its own process. Echoes every message unchanged to its sender; a message on the
 * broadcast channel is relayed to every other client in the room, the library's own way.
 */
export interface ServerAdapter {
  /** Settings as applied, for the report. */
  settings: Settings;
  /**
   * `bus`: present when the server runs as one of several processes (--server-procs): the
   * adapter counts its connections on it and, unless its library has a bus of its own (socket.io's
   * Redis adapter), relays room posts through it (adapters/_shared/room-bus.ts).
   */
  start(opts: { host: string; port: number; bus?: RoomBus }): Promise<RunningServer>;
}

/** The two channels every server offers. */
export type Channel = 'echo' | 'broadcast';

/** One WebSocket frame to send: opcode 1 (text) or 2 (binary), and its payload. */
export interface OutFrame {
  opcode: 1 | 2;
  payload: Buffer;
}

/** The part of a raw connection a codec may use during its handshake. */
export interface CodecConnection {
  /** Sends one text frame. */
  sendText(text: string): void;
  /** Resolves with the next incoming message (opcode and payload copy). */
  nextMessage(timeoutMs: number): Promise<{ opcode: number; payload: Buffer }>;
}

/**
 * The library's wire protocol on top of RFC 6455, for our own load generator. Encoding is done
 * once per distinct message shape; the hot path only patches a sequence number in place.
 */
export interface WireCodec {
  /**
   * Request path of the WebSocket upgrade for a channel, e.g.
   * `/socket.io/?EIO=4&transport=websocket`. The channel is chosen per connection.
   */
  path(channel: Channel): string;
  /** Whether the library carries binary messages (else payloads go as text). */
  binary: boolean;
  /** True when every data frame is the payload itself: the load generator skips decode. */
  raw?: boolean;
  /** The protocol's own handshake after the HTTP upgrade (Socket.IO connect...). */
  open(conn: CodecConnection): Promise<void>;
  /**
   * Frames that carry `payload` on `channel`. `payload` must be returned unchanged by decode on
   * the other side, at a fixed offset inside the last frame, so the sender can patch a sequence
   * number into the prebuilt frame: `payloadOffset` says where it starts in that frame.
   * `echoed`: what decode will hand back for it when that differs from `payload` (a payload
   * JSON-escaped inside a Socket.IO text event); its first 8 bytes must equal the payload's.
   */
  encode(
    channel: Channel,
    payload: Buffer,
    binary: boolean,
  ): { frames: OutFrame[]; payloadOffset: number; echoed?: Buffer };
  /**
   * Decodes one incoming message into the application payload, or null for a packet of the
   * library's own protocol (an Engine.IO ping, the placeholder half of a Socket.IO binary
   * event). `reply` sends protocol answers (pong). Must not keep `data`: it may point into a
   * buffer that is reused.
   */
  decode(opcode: number, data: Buffer, reply: (text: string) => void): Buffer | null;
}

/** Registry entry: everything the runner knows about a library without loading it. */
export interface AdapterInfo {
  /** CLI and results key. */
  name: string;
  /** npm package whose version is read from node_modules for the report. */
  packageName: string;
  /** Module (relative to dist/adapters) exporting `adapter: ServerAdapter`. */
  serverModule: string;
  /** Module (relative to dist/adapters) exporting `codec: WireCodec`. */
  codecModule: string;
  /** Test-only adapters never appear in default runs, --help or reports unless named. */
  testOnly?: boolean;
  /**
   * What it can do, for an entry without a manifest in the registry (a custom adapter's declared
   * manifest, a registered test library): absent there, it is taken as plain ws can do.
   */
  capabilities?: Capabilities;
  /**
   * A server not run by Node: the runtime that runs `entry` (a plain .js file, a path from the
   * project root, run as it is) instead of Node's server-main, and how it reports ready: over
   * Node's IPC (Bun has it) or by `WSBENCH_READY {json}` lines on stdout (Deno). `serverModule`
   * is then unused.
   */
  runtime?: AdapterRuntime;
  /**
   * How the library uses several cores (--server-procs), or why it does not here. Absent: no
   * topology (a skipped row says so).
   */
  topology?: AdapterTopology;
}

/** See AdapterInfo.topology; runner/topology/ runs it. */
export type AdapterTopology =
  | {
      /** node:cluster: the primary accepts and hands connections to its workers round-robin. */
      idiom: 'node-cluster';
      /** How a room spans the workers. */
      bus: 'redis-relay' | 'socket.io-redis-adapter';
    }
  | { idiom: 'none'; reason: string };

/** See AdapterInfo.runtime. */
export interface AdapterRuntime {
  name: 'bun' | 'deno';
  ready: 'ipc' | 'stdout';
  entry: string;
}

/** Where to look for a runtime's binary: its main package's folder, and a file inside another installed package. */
export interface RuntimeLookup {
  main: string | null;
  inPackage(pkg: string, file: string): string;
}

/**
 * How a runtime other than Node runs a server (adapters/<runtime>/runtime.ts; runner/process/runtimes.ts
 * finds and starts it): where its binary is, in order, the arguments that run an entry file, and
 * the environment that keeps it quiet (no update checks, telemetry or prompts).
 */
export interface RuntimeLaunch {
  binaries(l: RuntimeLookup): string[];
  args(entry: string): string[];
  env: Record<string, string>;
}

/** A capability: `true`, or the reason the library lacks it (shown on every row it skips). */
export type Capability = true | { unsupported: string };

/** One of a library's HTTP fallback transports (the fallback scenario), by the library's own name. */
export type FallbackTransport = 'polling' | 'streaming' | 'websocket';

/**
 * A library's HTTP fallback, driven through its own client in the load generator: which client,
 * the library's name for each transport it has, and what its client does that a reader must know.
 */
export interface FallbackSupport {
  /** The client package the load generator drives. */
  client: 'socket.io-client' | 'sockjs-client';
  transports: Partial<Record<FallbackTransport, string>>;
  /** A warning every run on an HTTP transport (not websocket) carries. */
  httpNote?: string;
}

/** A setting of a library that bounds what it buffers for a slow client (room for slow consumers). */
/**
 * The library's own send-side limit for a client that does not read, which --backpressure-limit
 * sets (passed to the server as WSBENCH_BACKPRESSURE_LIMIT, bytes), or why it has none.
 */
export type BackpressureControl = { knob: string } | { unsupported: string };

/** What a library can do, each missing capability with its reason. Read without loading the library. */
export interface Capabilities {
  binary: Capability;
  compression: Capability;
  /** The broadcast channel (a chat room relayed to every other member). */
  broadcast: Capability;
  /** How its server speaks TLS (the report's tlsServer), or why it cannot. */
  tls: { stack: string } | { unsupported: string };
  /** Its HTTP fallback transports; absent: WebSocket only. */
  fallback?: FallbackSupport;
  /** Its outgoing backpressure control (the slow-consumers scenario); absent: none known to wsbench. */
  backpressure?: BackpressureControl;
}

/** A micro-benchmark suite: tasks that time the library's own framing code, or why it has none. */
export type MicroSuiteRef = { unreachable: string } | (() => Promise<{ tasks: MicroTask[] }>);

/**
 * Everything about a library, in its own folder (adapters/<name>/manifest.ts): how to run it
 * (AdapterInfo), what it can do and why not, its wire protocol's name for a `--target`, the
 * WebSocket layer the conformance cases reach, its micro-benchmark suite. A custom adapter
 * (`--lib <path>`) exports one too (`manifest`, the adapter fields then filled by wsbench).
 */
export interface LibraryManifest extends AdapterInfo {
  capabilities: Capabilities;
  /** `--protocol <name>`: a target that speaks this library's wire protocol uses its codec. */
  protocol?: string;
  /** The WebSocket layer the conformance cases reach, when it is not plain RFC 6455 on /echo. */
  conformanceLayer?: string;
  micro: MicroSuiteRef;
}

/** What a custom adapter's `manifest` export declares (the rest is wsbench's). */
export type CustomManifest = Pick<LibraryManifest, 'capabilities'> & { name?: string };
