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
