/**
 * The HTTP side of every server, for the http-vs-ws scenario: `POST /http-echo` answers with the
 * request body, byte for byte. Libraries built on node:http serve it from the http.Server they
 * are attached to (so the HTTP stack measured is the one the library itself runs on); uWS serves
 * it from its own app (see adapters/uwebsockets/server.ts).
 */
import type http from 'node:http';
import { FAIR_SETTINGS } from '../types.js';

/** The route every adapter answers. */
export const HTTP_ECHO_PATH = '/http-echo';

/** Answers `POST /http-echo` and returns true; returns false for any other request. */
export function handleHttpEcho(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== 'POST' || req.url !== HTTP_ECHO_PATH) return false;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    // The same bound as WebSocket messages: a runaway client must not exhaust the server.
    if (size > FAIR_SETTINGS.maxPayloadBytes) {
      res.writeHead(413, { connection: 'close' }).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  return true;
}

/** A request listener for a plain http.Server: the echo route, 404 for anything else. */
export function httpEchoListener(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (handleHttpEcho(req, res)) return;
  res.writeHead(404);
  res.end();
}
