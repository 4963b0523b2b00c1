/**
 * What each library can carry, known without loading it: the runner skips a case a library
 * cannot run (with this reason) instead of starting its server.
 */

/** Why `library` cannot negotiate permessage-deflate on the server, or null if it can. */
export function compressionUnsupported(library: string): string | null {
  const base = library.split('@')[0];
  if (base === 'websocket') return 'websocket (websocket-node) has no permessage-deflate on the server side';
  if (base === 'sockjs') return 'sockjs: permessage-deflate is not enabled on its faye-websocket transport by this adapter';
  return null;
}

/** Why `library` cannot carry binary messages, or null if it can. */
export function binaryUnsupported(library: string): string | null {
  const base = library.split('@')[0];
  if (base === 'sockjs') return 'sockjs carries text messages only (SockJS messages are strings)';
  return null;
}
