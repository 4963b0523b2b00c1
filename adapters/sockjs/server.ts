/**
 * sockjs: two SockJS servers on one http.Server, prefixes /echo and /broadcast; the load
 * generator uses their raw WebSocket endpoint. Broadcast by a loop over the room.
 */
import { createHttpServer } from '../_shared/tls.js';
import type sockjs from 'sockjs';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { httpEchoListener } from '../_shared/http-echo.js';
import { listen } from '../_shared/listen.js';
import { guardSockets, ignoreClientError } from '../_shared/client-errors.js';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';

const quiet = (): void => {};
/**
 * faye-websocket (under sockjs) takes its limits from here: the harness's maximum message size,
 * as for every library (its own default is 64 MiB). Not in @types/sockjs, hence the cast.
 */
const FAYE = { faye_server_options: { maxLength: FAIR_SETTINGS.maxPayloadBytes } } as Record<string, unknown>;

export const adapter: ServerAdapter = {
  settings: {
    compression: 'none (faye-websocket without extensions)',
    endpoint: 'raw websocket (<prefix>/websocket)',
    maxLength: FAIR_SETTINGS.maxPayloadBytes,
    messages: 'text only',
    broadcast: 'loop over a Set of room members',
    transports: 'all (sockjs default)',
    httpEcho: 'POST /http-echo on the node:http server sockjs is installed on',
  },
  async start({ host, port, bus }) {
    const lib = loadLibrary<typeof sockjs>('sockjs');
    const server = createHttpServer(httpEchoListener);
    guardSockets(server);
    const echo = lib.createServer({ prefix: '/echo', log: quiet, ...FAYE });
    echo.on('connection', (conn) => {
      if (!conn) return; // sockjs may emit a null connection for a failed handshake
      conn.on('error', ignoreClientError);
      bus?.connected(false);
      conn.on('data', (message: string) => conn.write(message));
    });
    const room = new Set<sockjs.Connection>();
    const broadcast = lib.createServer({ prefix: '/broadcast', log: quiet, ...FAYE });
    broadcast.on('connection', (conn) => {
      if (!conn) return;
      conn.on('error', ignoreClientError);
      room.add(conn);
      bus?.connected(true);
      conn.on('close', () => room.delete(conn));
      conn.on('data', (message: string) => {
        for (const peer of room) if (peer !== conn) peer.write(message);
        // Several processes (--server-procs): the other processes' members get it through Redis.
        bus?.publish(message, false);
      });
    });
    bus?.onRemote((data) => {
      const message = data.toString();
      for (const peer of room) peer.write(message);
    });
    echo.installHandlers(server);
    broadcast.installHandlers(server);
    const bound = await listen(server, host, port);
    return {
      port: bound,
      facts: { version: loadedVersion('sockjs') },
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};
