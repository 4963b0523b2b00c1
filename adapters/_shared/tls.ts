/**
 * TLS for the servers: when the runner passes WSBENCH_TLS_CERT and WSBENCH_TLS_KEY (file paths),
 * the Node libraries serve on https.createServer with that certificate, else on plain
 * http.createServer. uWebSockets.js reads the same two variables (SSLApp).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/** The certificate and key files of a TLS run, or null for plain TCP. */
export function tlsFiles(): { cert: string; key: string } | null {
  const cert = process.env.WSBENCH_TLS_CERT;
  const key = process.env.WSBENCH_TLS_KEY;
  return cert && key ? { cert, key } : null;
}

/** An http.Server, or an https.Server when the run is over TLS. */
export function createHttpServer(listener: http.RequestListener): http.Server {
  const files = tlsFiles();
  if (!files) return http.createServer(listener);
  return https.createServer({ cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) }, listener);
}
