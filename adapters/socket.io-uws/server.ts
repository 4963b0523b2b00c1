/**
 * socket.io attached to uWebSockets.js (`io.attachApp`): the same protocol, events and rooms as
 * the socket.io adapter (websocket transport only, no compression; echo by emitting back;
 * broadcast by `socket.to(room).emit`), with Engine.IO's uWS server instead of node:http + ws.
 * uWS is loaded from its native binding (never its pure-JS fallback), as the uwebsockets adapter
 * does. uWS's own HTTP answers POST /http-echo.
 */
import path from 'node:path';
import type { Server as IoServer } from 'socket.io';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { serveUwsHttpEcho } from '../_shared/uws-http-echo.js';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { loadUws } from '../uwebsockets/binding.js';
import { tlsFiles } from '../_shared/tls.js';
import { BACKPRESSURE_LIMIT, sumOver } from '../_shared/backpressure.js';

type UwsEngineSocket = {
  writeBuffer?: Array<{ data?: unknown }>;
  transport?: { socket?: { getBufferedAmount?: () => number } };
};
let engineClients: Record<string, UwsEngineSocket> = {};

/** uWS's own backlog of a socket; 0 once it closed (uWS throws on a closed socket). */
function uwsBuffered(c: UwsEngineSocket): number {
  try {
    return c.transport?.socket?.getBufferedAmount?.() ?? 0;
  } catch {
    return 0;
  }
}

/**
 * What socket.io on uWS holds for its clients, for slow-consumers: Engine.IO's write buffer of
 * each socket and uWS's `getBufferedAmount()` under it (user space only, as uWS counts it).
 */
export const probe = () => ({
  bufferedBytes: sumOver(
    Object.values(engineClients),
    (c) =>
      sumOver(c.writeBuffer ?? [], (p) =>
        typeof p.data === 'string' ? p.data.length : Buffer.isBuffer(p.data) ? p.data.length : 0,
      ) + uwsBuffered(c),
  ),
});

/** --backpressure-limit replaces it (slow-consumers). */
const MAX_BACKPRESSURE = BACKPRESSURE_LIMIT ?? 64 * 1024 * 1024;

const options = {
  transports: ['websocket' as const],
  perMessageDeflate: FAIR_SETTINGS.compression,
  httpCompression: false,
  maxHttpBufferSize: FAIR_SETTINGS.maxPayloadBytes + 1024,
  serveClient: false,
};

export const adapter: ServerAdapter = {
  settings: {
    transports: options.transports.join(','),
    perMessageDeflate: options.perMessageDeflate,
    httpCompression: options.httpCompression,
    maxHttpBufferSize: options.maxHttpBufferSize,
    compression: 'DISABLED (uWS)',
    maxBackpressure: MAX_BACKPRESSURE,
    idleTimeout: 0,
    parser: 'default (socket.io-parser)',
    broadcast: 'socket.to(room).emit',
    httpEcho: 'POST /http-echo by app.post + res.onData (uWS)',
    fairness:
      "Engine.IO's uWS server passes maxBackpressure through (else uWS's default, 64 KiB, beyond which sends are dropped); wsbench sets 64 MiB, as for uwebsockets",
  },
  async start({ host, port }) {
    const { uws, file } = loadUws();
    const { Server } = loadLibrary<{ Server: typeof IoServer }>('socket.io');
    const tls = tlsFiles();
    // Over TLS, uWS's own SSLApp, with the runner's certificate files.
    const app = tls ? uws.SSLApp({ cert_file_name: tls.cert, key_file_name: tls.key }) : uws.App();
    const io = new Server(options);
    // Options Engine.IO's uServer hands to app.ws(); not in socket.io's own option types.
    io.attachApp(app, { compression: uws.DISABLED, maxBackpressure: MAX_BACKPRESSURE, idleTimeout: 0 } as never);
    engineClients = (io.engine as unknown as { clients: Record<string, UwsEngineSocket> }).clients;
    io.on('connection', (socket) => {
      socket.on('echo', (message: unknown) => socket.emit('echo', message));
      if (socket.handshake.query.channel === 'broadcast') {
        void socket.join('room');
        socket.on('broadcast', (message: unknown) => socket.to('room').emit('broadcast', message));
      }
    });
    serveUwsHttpEcho(app);
    const token = await new Promise<unknown>((resolve) => app.listen(host, port, resolve));
    if (!token) throw new Error(`uWebSockets.js could not listen on ${host}:${port}`);
    return {
      port: uws.us_socket_local_port(token as never),
      facts: {
        version: loadedVersion('socket.io'),
        engineIo: 'uServer (uWebSockets.js)',
        uWebSockets: loadedVersion('uWebSockets.js'),
        nativeBinding: path.basename(file),
      },
      close: async () => {
        io.close();
        uws.us_listen_socket_close(token as never);
      },
    };
  },
};
