/**
 * websocket (websocket-node): an http.Server with its WebSocketServer; broadcast by a loop over
 * the room. Outgoing fragmentation is off, so every library sends one frame per message.
 */
import { createHttpServer } from '../_shared/tls.js';
import type websocket from 'websocket';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { addonLoads } from '../_shared/facts.js';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { httpEchoListener } from '../_shared/http-echo.js';
import { listen } from '../_shared/listen.js';
import { guardSockets, ignoreClientError } from '../_shared/client-errors.js';
import { sumOver } from '../_shared/backpressure.js';

type Connection = websocket.connection;

const room = new Set<Connection>();

/** What the room's node:net sockets hold unsent (websocket-node keeps no queue of its own), for slow-consumers. */
export const probe = () => ({ bufferedBytes: sumOver(room, (c) => c.socket.writableLength) });

export const adapter: ServerAdapter = {
  settings: {
    compression: 'none (websocket-node has no permessage-deflate)',
    maxReceivedMessageSize: FAIR_SETTINGS.maxPayloadBytes,
    maxReceivedFrameSize: FAIR_SETTINGS.maxPayloadBytes,
    fragmentOutgoingMessages: false,
    disableNagleAlgorithm: true,
    keepalive: false,
    broadcast: 'loop over a Set of room members',
    httpEcho: 'POST /http-echo on the node:http server websocket is attached to',
  },
  async start({ host, port, bus }) {
    const server = createHttpServer(httpEchoListener);
    guardSockets(server);
    const lib = loadLibrary<typeof websocket>('websocket');
    const wss = new lib.server({
      httpServer: server,
      autoAcceptConnections: false,
      maxReceivedMessageSize: FAIR_SETTINGS.maxPayloadBytes,
      maxReceivedFrameSize: FAIR_SETTINGS.maxPayloadBytes,
      fragmentOutgoingMessages: false,
      disableNagleAlgorithm: true,
      keepalive: false,
    });
    wss.on('request', (request) => {
      const conn = request.accept(null, request.origin);
      // websocket-node emits socket errors on the connection (its docs: listen for 'error').
      conn.on('error', ignoreClientError);
      const broadcast = request.resource === '/broadcast';
      bus?.connected(broadcast);
      if (broadcast) {
        room.add(conn);
        conn.on('close', () => room.delete(conn));
      }
      const send = (c: Connection, m: websocket.Message): void => {
        if (m.type === 'utf8') c.sendUTF(m.utf8Data);
        else c.sendBytes(m.binaryData);
      };
      conn.on('message', (m) => {
        if (!broadcast) return send(conn, m);
        for (const c of room) if (c !== conn) send(c, m);
        // Several processes (--server-procs): the other processes' members get it through Redis.
        bus?.publish(m.type === 'utf8' ? m.utf8Data : m.binaryData, m.type !== 'utf8');
      });
    });
    bus?.onRemote((data, binary) => {
      for (const c of room) {
        if (binary) c.sendBytes(data);
        else c.sendUTF(data.toString());
      }
    });
    const bound = await listen(server, host, port);
    return {
      port: bound,
      facts: {
        version: loadedVersion('websocket'),
        bufferutil: addonLoads('websocket', 'bufferutil'),
        utf8Validate: addonLoads('websocket', 'utf-8-validate'),
      },
      close: () =>
        new Promise<void>((resolve) => {
          wss.shutDown();
          server.close(() => resolve());
        }),
    };
  },
};
