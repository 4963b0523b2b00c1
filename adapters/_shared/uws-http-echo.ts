/**
 * POST /http-echo on a uWebSockets.js app (for the adapters that run on uWS's own HTTP, where
 * there is no node:http server to attach http-echo.ts to: uwebsockets, socket.io-uws), with the
 * shared body limit: a larger body is answered 413 and the connection closed.
 */
import type { TemplatedApp } from 'uWebSockets.js';
import { FAIR_SETTINGS } from '../types.js';
import { HTTP_ECHO_PATH } from './http-echo.js';

export function serveUwsHttpEcho(app: TemplatedApp): void {
  app.post(HTTP_ECHO_PATH, (res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onAborted(() => {
      done = true;
    });
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > FAIR_SETTINGS.maxPayloadBytes) {
        done = true;
        return void res.cork(() => void res.writeStatus('413 Payload Too Large').end(undefined, true));
      }
      // The ArrayBuffer is only valid during this call: a body in one piece is answered from
      // it at once (uWS copies on write); pieces are copied and joined.
      if (!isLast) return void chunks.push(Buffer.from(chunk.slice(0)));
      done = true;
      const body = chunks.length ? Buffer.concat([...chunks, Buffer.from(chunk)]) : chunk;
      res.cork(() => void res.writeHeader('content-type', 'application/octet-stream').end(body));
    });
  });
}
