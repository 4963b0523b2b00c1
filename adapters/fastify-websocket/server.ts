/**
 * @fastify/websocket on fastify: two websocket routes, /echo and /broadcast, as the plugin's own
 * `{ websocket: true }` route handlers (the socket is ws's WebSocket); broadcast by a loop over a
 * Set of room members (as for ws: the plugin has no rooms). fastify's own router answers
 * POST /http-echo, through a raw-buffer content-type parser.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { tlsFiles } from '../_shared/tls.js';
import { guardSockets, logServerError } from '../_shared/client-errors.js';
import type { WebSocket } from 'ws';
import { addonLoads } from '../_shared/facts.js';
import { HTTP_ECHO_PATH } from '../_shared/http-echo.js';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { COMPRESSION, WS_DEFLATE, WS_DEFLATE_SETTING } from '../_shared/compression.js';
import { sumOver } from '../_shared/backpressure.js';

type FastifyFactory = (opts: object) => FastifyInstance;

const room = new Set<WebSocket>();

/** What ws holds for the room (bufferedAmount), for slow-consumers. */
export const probe = () => ({ bufferedBytes: sumOver(room, (s) => s.bufferedAmount) });

const wsOptions = {
  perMessageDeflate: COMPRESSION ? WS_DEFLATE : FAIR_SETTINGS.compression,
  maxPayload: FAIR_SETTINGS.maxPayloadBytes,
  clientTracking: false,
};

export const adapter: ServerAdapter = {
  settings: {
    'options.perMessageDeflate': WS_DEFLATE_SETTING,
    'options.maxPayload': wsOptions.maxPayload,
    'options.clientTracking': wsOptions.clientTracking,
    logger: false,
    bodyLimit: FAIR_SETTINGS.maxPayloadBytes,
    broadcast: 'loop over a Set of room members',
    httpEcho: 'POST /http-echo as a fastify route (raw buffer body)',
    fairness: "fastify's default bodyLimit is 1 MiB; wsbench sets the shared 16 MiB for POST /http-echo",
  },
  async start({ host, port, bus }) {
    const fastify = loadLibrary<FastifyFactory | { default: FastifyFactory }>('fastify');
    const make = typeof fastify === 'function' ? fastify : fastify.default;
    const plugin = loadLibrary<{ default?: unknown }>('@fastify/websocket');
    const tls = tlsFiles();
    // Over TLS, fastify's own https option (node:https underneath), with the runner's files.
    const https = tls ? { https: { cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) } } : {};
    const app = make({ logger: false, bodyLimit: FAIR_SETTINGS.maxPayloadBytes, ...https });
    await app.register((plugin.default ?? plugin) as never, { options: wsOptions });
    app.register(async (scope: FastifyInstance) => {
      scope.get(
        '/echo',
        { websocket: true } as never,
        ((socket: WebSocket) => {
          bus?.connected(false);
          socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
          socket.on('error', () => socket.terminate());
        }) as never,
      );
      scope.get(
        '/broadcast',
        { websocket: true } as never,
        ((socket: WebSocket) => {
          room.add(socket);
          bus?.connected(true);
          socket.on('close', () => room.delete(socket));
          socket.on('error', () => socket.terminate());
          socket.on('message', (data, isBinary) => {
            for (const peer of room) if (peer !== socket) peer.send(data, { binary: isBinary });
            // Several processes (--server-procs): the other processes' members get it through Redis.
            bus?.publish(data as Buffer, isBinary);
          });
        }) as never,
      );
    });
    bus?.onRemote((data, binary) => {
      for (const peer of room) peer.send(data, { binary });
    });
    // Every body as raw bytes, whatever its content type (none of fastify's JSON or text parsing).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post(HTTP_ECHO_PATH, async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply.type('application/octet-stream').send(body);
    });
    guardSockets(app.server);
    await app.listen({ host, port });
    // fastify drops its own 'error' listener once listening: an accept error (EMFILE...) is logged.
    app.server.on('error', logServerError);
    const address = app.server.address();
    return {
      port: address && typeof address === 'object' ? address.port : port,
      facts: {
        version: loadedVersion('@fastify/websocket'),
        fastify: loadedVersion('fastify'),
        ws: loadedVersion('ws'),
        bufferutil: addonLoads('ws', 'bufferutil') && !process.env.WS_NO_BUFFER_UTIL,
      },
      close: () => app.close(),
    };
  },
};
