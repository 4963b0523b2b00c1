/**
 * socket.io: websocket transport only, no compression; echo by emitting the event back to the
 * sender; broadcast by `socket.to(room).emit`, Socket.IO's own rooms. In the fallback scenario's
 * server mode (WSBENCH_SERVER_MODE=fallback) HTTP long-polling is allowed too, with upgrades.
 */
import { createHttpServer } from '../_shared/tls.js';
import type { Server as IoServer } from 'socket.io';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { httpEchoListener } from '../_shared/http-echo.js';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { listen } from '../_shared/listen.js';
import { guardSockets, ignoreClientError } from '../_shared/client-errors.js';
import { COMPRESSION, WS_DEFLATE, WS_DEFLATE_SETTING } from '../_shared/compression.js';
import { redisAdapter } from './redis-adapter.js';
import { sumOver } from '../_shared/backpressure.js';

const fallback = process.env.WSBENCH_SERVER_MODE === 'fallback';

type EngineSocket = { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: number } } };
let engineClients: Record<string, EngineSocket> = {};

/** Bytes of the packets waiting in one Engine.IO socket's write buffer (encoded strings or buffers). */
const waiting = (c: EngineSocket): number =>
  sumOver(c.writeBuffer ?? [], (p) =>
    typeof p.data === 'string' ? p.data.length : Buffer.isBuffer(p.data) ? p.data.length : 0,
  );

/**
 * What socket.io holds for its clients, for slow-consumers: the packets waiting in Engine.IO's
 * own write buffer (it holds them there while the transport is not writable) and the bytes ws
 * holds under each Engine.IO socket (bufferedAmount).
 */
export const probe = () => {
  const all = Object.values(engineClients);
  return { bufferedBytes: sumOver(all, (c) => waiting(c) + (c.transport?.socket?.bufferedAmount ?? 0)) };
};

const options = {
  transports: fallback ? ['polling' as const, 'websocket' as const] : ['websocket' as const],
  perMessageDeflate: COMPRESSION ? WS_DEFLATE : FAIR_SETTINGS.compression,
  httpCompression: false,
  maxHttpBufferSize: FAIR_SETTINGS.maxPayloadBytes + 1024,
  serveClient: false,
};

export const adapter: ServerAdapter = {
  settings: {
    transports: options.transports.join(','),
    perMessageDeflate: WS_DEFLATE_SETTING,
    httpCompression: options.httpCompression,
    maxHttpBufferSize: options.maxHttpBufferSize,
    parser: 'default (socket.io-parser)',
    broadcast: 'socket.to(room).emit',
    httpEcho: 'POST /http-echo on the node:http server socket.io is attached to',
  },
  async start({ host, port, bus }) {
    const server = createHttpServer(httpEchoListener);
    guardSockets(server);
    const { Server } = loadLibrary<{ Server: typeof IoServer }>('socket.io');
    const io = new Server(server, options);
    // Engine.IO reports refused handshakes and bad requests here (socket.io docs: listen for
    // 'connection_error'); transport errors close that one connection.
    io.engine.on('connection_error', ignoreClientError);
    // Several processes (--server-procs): rooms span them through Socket.IO's own Redis adapter.
    const redis = bus ? await redisAdapter(io) : undefined;
    engineClients = (io.engine as unknown as { clients: Record<string, EngineSocket> }).clients;
    io.on('connection', (socket) => {
      socket.on('error', ignoreClientError);
      socket.on('echo', (message: unknown) => socket.emit('echo', message));
      bus?.connected(socket.handshake.query.channel === 'broadcast');
      if (socket.handshake.query.channel === 'broadcast') {
        void socket.join('room');
        socket.on('broadcast', (message: unknown) => socket.to('room').emit('broadcast', message));
      }
    });
    const bound = await listen(server, host, port);
    return {
      port: bound,
      facts: { version: loadedVersion('socket.io'), ...redis?.facts },
      close: () => new Promise<void>((resolve) => io.close(() => resolve())).finally(() => redis?.close()),
    };
  },
};
