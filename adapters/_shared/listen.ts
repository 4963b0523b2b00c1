/**
 * Starts a node:http server on host:port (0 = any free port) and returns the port it got. An error
 * before it listens (EADDRINUSE...) fails the start; after, one (EMFILE on accept...) is logged
 * and serving goes on.
 */
import type http from 'node:http';
import { logServerError } from './client-errors.js';

export async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', logServerError);
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
