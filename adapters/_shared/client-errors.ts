/**
 * What every adapter does with errors it cannot prevent: a client's bad input is that client's
 * problem (the library has already closed its connection with the right code), and a server-level
 * error after listening (EMFILE on accept...) is logged. Neither may end the server process, so
 * the conformance scenario's verdicts are about the library, never about our adapter.
 */

/** Listener for a socket's 'error': the library has already failed that connection. */
export function ignoreClientError(): void {}

/** Listener for a server's 'error' after it listens: one line on stderr, the server goes on. */
export function logServerError(err: Error): void {
  process.stderr.write(`server error (serving goes on): ${err.message}\n`);
}

/**
 * Gives every socket an http.Server accepts an 'error' listener, before any library sees it: a
 * client that resets a connection the library has already answered (sockjs or websocket-node
 * after a 400 to a request with thousands of headers) would otherwise end the process with an
 * unhandled error.
 */
export function guardSockets(server: import('node:net').Server): void {
  server.on('connection', (socket: import('node:net').Socket) => socket.on('error', ignoreClientError));
  // An https.Server hands the TLS socket to the request and upgrade handlers.
  server.on('secureConnection', (socket: import('node:net').Socket) => socket.on('error', ignoreClientError));
}
