/**
 * uWebSockets.js: two routes, /echo and /broadcast; broadcast is uWS's own publish/subscribe
 * (`ws.publish` reaches every subscriber but the sender). uWS's own HTTP answers POST /http-echo.
 */
import path from 'node:path';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { loadUws } from './binding.js';
import { loadedVersion } from '../_shared/load-library.js';
import { serveUwsHttpEcho } from '../_shared/uws-http-echo.js';
import { tlsFiles } from '../_shared/tls.js';
import { COMPRESSION } from '../_shared/compression.js';
import { BACKPRESSURE_LIMIT, sumOver } from '../_shared/backpressure.js';

/** --backpressure-limit replaces it (slow-consumers). */
const MAX_BACKPRESSURE = BACKPRESSURE_LIMIT ?? 64 * 1024 * 1024;
const members = new Set<{ getBufferedAmount(): number }>();

/** What uWS holds for the room (getBufferedAmount: user space only), for slow-consumers. */
export const probe = () => ({ bufferedBytes: sumOver(members, (s) => s.getBufferedAmount()) });

export const adapter: ServerAdapter = {
  settings: {
    // SHARED_COMPRESSOR, uWS's usual choice: one compressor for every socket, each message compressed
    // on its own (server_no_context_takeover), little memory per socket. Measured on distinct 1 KiB
    // JSON-like messages (varied.ts): shared 0.484 wire/payload; the dedicated compressors (3 KB to
    // 256 KB, context kept per socket) 0.575, worse; ws's zlib level 6 with context 0.33.
    compression: COMPRESSION
      ? 'SHARED_COMPRESSOR | DEDICATED_DECOMPRESSOR (each message compressed alone), send/publish with compress=true'
      : 'DISABLED',
    maxPayloadLength: FAIR_SETTINGS.maxPayloadBytes,
    maxBackpressure: MAX_BACKPRESSURE,
    idleTimeout: 0,
    broadcast: 'ws.subscribe + ws.publish',
    httpEcho: `POST /http-echo by app.post + res.onData, bodies up to ${FAIR_SETTINGS.maxPayloadBytes} B (413 past it)`,
  },
  async start({ host, port }) {
    const { uws, file } = loadUws();
    const tls = tlsFiles();
    // Over TLS, uWS's own SSLApp (its native TLS), with the runner's certificate files.
    const app = tls ? uws.SSLApp({ cert_file_name: tls.cert, key_file_name: tls.key }) : uws.App();
    const common = {
      compression: COMPRESSION ? uws.SHARED_COMPRESSOR | uws.DEDICATED_DECOMPRESSOR : uws.DISABLED,
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
      open: (ws) => {
        ws.subscribe('room');
        members.add(ws);
      },
      close: (ws) => void members.delete(ws),
      message: (ws, message, isBinary) => void ws.publish('room', message, isBinary, COMPRESSION),
    });
    serveUwsHttpEcho(app);
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
