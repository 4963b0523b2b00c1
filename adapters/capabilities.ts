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
