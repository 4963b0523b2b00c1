/**
 * uWebSockets.js: two routes, /echo and /broadcast; broadcast is uWS's own publish/subscribe
 * (`ws.publish` reaches every subscriber but the sender). uWS's own HTTP answers POST /http-echo.
 */
import path from 'node:path';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { loadUws } from './binding.js';
import { loadedVersion } from '../_shared/load-library.js';
import { HTTP_ECHO_PATH } from '../_shared/http-echo.js';
import { COMPRESSION } from '../_shared/compression.js';

const MAX_BACKPRESSURE = 64 * 1024 * 1024;

export const adapter: ServerAdapter = {
  settings: {
    // DEDICATED_COMPRESSOR_256KB: a sliding window per socket (context takeover), the memory zlib's
    // defaults take in ws (window 15 bits, memLevel 8); SHARED_COMPRESSOR would compress each
    // message alone (server_no_context_takeover): less memory, not the same work. Measured on
    // distinct 1 KiB JSON-like messages (varied.ts), uWS's dedicated compressors (3 KB to 256 KB
    // alike) give 0.575 wire/payload, its shared one 0.484, zlib level 6 with context (ws) 0.33.
    compression: COMPRESSION ? 'DEDICATED_COMPRESSOR_256KB | DEDICATED_DECOMPRESSOR (32 KiB window), send/publish with compress=true' : 'DISABLED',
    maxPayloadLength: FAIR_SETTINGS.maxPayloadBytes,
    maxBackpressure: MAX_BACKPRESSURE,
    idleTimeout: 0,
    broadcast: 'ws.subscribe + ws.publish',
    httpEcho: 'POST /http-echo by app.post + res.onData',
  },
  async start({ host, port }) {
    const { uws, file } = loadUws();
    const app = uws.App();
    const common = {
      compression: COMPRESSION ? uws.DEDICATED_COMPRESSOR_256KB | uws.DEDICATED_DECOMPRESSOR : uws.DISABLED,
      maxPayloadLength: FAIR_SETTINGS.maxPayloadBytes,
      maxBackpressure: MAX_BACKPRESSURE,
      idleTimeout: 0,
    };
    app.ws('/echo', {
      ...common,
      message: (ws, message, isBinary) => void ws.send(message, isBinary, COMPRESSION),
    });
    app.ws('/broadcast', {
      ...common,
      open: (ws) => void ws.subscribe('room'),
      message: (ws, message, isBinary) => void ws.publish('room', message, isBinary, COMPRESSION),
    });
    app.post(HTTP_ECHO_PATH, (res) => {
      const chunks: Buffer[] = [];
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      res.onData((chunk, isLast) => {
        // The ArrayBuffer is only valid during this call: a body in one piece is answered from
        // it at once (uWS copies on write); pieces are copied and joined.
        if (!isLast) return void chunks.push(Buffer.from(chunk.slice(0)));
        if (aborted) return;
        const body = chunks.length ? Buffer.concat([...chunks, Buffer.from(chunk)]) : chunk;
        res.cork(() => void res.writeHeader('content-type', 'application/octet-stream').end(body));
      });
    });
    const token = await new Promise<unknown>((resolve) => app.listen(host, port, resolve));
    if (!token) throw new Error(`uWebSockets.js could not listen on ${host}:${port}`);
    return {
      port: uws.us_socket_local_port(token as never),
      facts: { version: loadedVersion('uWebSockets.js'), nativeBinding: path.basename(file) },
      close: async () => {
        uws.us_listen_socket_close(token as never);
      },
    };
  },
};
