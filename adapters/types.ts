/**
 * The adapter contract. An adapter has two halves that never meet in one process:
 * - `server.ts` runs only in the server process (it imports the library);
 * - `codec.ts` runs only in the load generator (it imports nothing of the library), and turns
 *   our raw RFC 6455 client into a client of the library's own protocol.
 */

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
