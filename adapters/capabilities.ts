/**
 * What each library cannot do, with the reason a skipped row shows. Read by the runner without
 * loading any library.
 */

const NO_COMPRESSION: Record<string, string> = {
  websocket: 'websocket (websocket-node) has no permessage-deflate support',
  sockjs:
    "sockjs's faye-websocket layer takes extensions only through faye_server_options.extensions, " +
    'and the permessage-deflate package it needs is not installed',
  'faye-websocket':
    'faye-websocket takes permessage-deflate only as the permessage-deflate package, which is not installed',
  deno: 'Deno.upgradeWebSocket offers no permessage-deflate',
  bun: "this adapter does not turn on Bun's perMessageDeflate yet (its negotiation with the load generator is not verified)",
  'socket.io-uws':
    "this adapter does not turn on compression in uWS's attachApp yet (not verified with the load generator)",
};

const NO_BINARY: Record<string, string> = {
  sockjs: 'SockJS carries text messages only',
};

/** Why `library` cannot run with permessage-deflate, or null when it can. */
export function compressionUnsupported(library: string): string | null {
  return NO_COMPRESSION[library.split('@')[0]] ?? null;
}

/** Why `library` cannot carry binary messages, or null when it can. */
export function binaryUnsupported(library: string): string | null {
  return NO_BINARY[library.split('@')[0]] ?? null;
}

/**
 * Each library's own outgoing backpressure control, which --backpressure-limit sets (passed to the
 * server as WSBENCH_BACKPRESSURE_LIMIT, bytes); a library absent here has none, with the reason.
 */
const BACKPRESSURE_KNOB: Record<string, string> = {
  uwebsockets: 'maxBackpressure (wsbench sets 64 MiB; uWS default 64 KiB)',
  'socket.io-uws': "uWS's maxBackpressure through io.attachApp (wsbench sets 64 MiB)",
  bun: 'backpressureLimit (wsbench sets 64 MiB, closeOnBackpressureLimit true; Bun default 16 MiB)',
};
const NO_BACKPRESSURE: Record<string, string> = {
  ws: 'ws has no send-side limit: send() queues without bound (bufferedAmount)',
  'fastify-websocket': 'ws underneath: no send-side limit',
  'socket.io': "Engine.IO's write buffer has no limit",
  sockjs: 'sockjs has no send-side limit',
  websocket: 'websocket-node has no send-side limit (outputBufferFull is only a signal)',
  'faye-websocket': 'faye-websocket has no send-side limit',
  deno: 'Deno.upgradeWebSocket has no send-side limit option',
};

/** The backpressure control of `library`, or null when it has none (see backpressureMissing). */
export function backpressureKnob(library: string): string | null {
  return BACKPRESSURE_KNOB[library.split('@')[0]] ?? null;
}

/** Why `library` has no backpressure control, for the report. */
export function backpressureMissing(library: string): string {
  return NO_BACKPRESSURE[library.split('@')[0]] ?? 'no send-side limit known to wsbench';
}
