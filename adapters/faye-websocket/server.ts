/**
 * faye-websocket: the plain WebSocket server (the layer under sockjs), attached to a
 * node:http server's `upgrade` event; echo per socket; broadcast by a loop over a Set of room
 * members (faye has no rooms). The same http.Server answers POST /http-echo.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { httpEchoListener } from '../_shared/http-echo.js';
import { createHttpServer } from '../_shared/tls.js';
import { guardSockets } from '../_shared/client-errors.js';
import { listen } from '../_shared/listen.js';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';

/** The part of faye-websocket's API used here (it ships no types). */
interface FayeSocket {
  send(data: string | Buffer): boolean;
  close(): void;
  on(event: 'message', fn: (e: { data: string | Buffer }) => void): void;
  on(event: 'close' | 'error', fn: () => void): void;
}
interface Faye {
  new (req: http.IncomingMessage, socket: Duplex, body: Buffer, protocols: string[], options: object): FayeSocket;
  isWebSocket(req: http.IncomingMessage): boolean;
}

const options = { maxLength: FAIR_SETTINGS.maxPayloadBytes, extensions: [] };

export const adapter: ServerAdapter = {
  settings: {
    maxLength: options.maxLength,
    extensions: 'none (no permessage-deflate)',
    ping: 'off',
    broadcast: 'loop over a Set of room members',
    httpEcho: 'POST /http-echo on the node:http server faye-websocket is attached to',
    fairness: "faye-websocket's default maxLength is 2^26 - 1 B (64 MiB); wsbench sets the shared 16 MiB",
  },
  async start({ host, port, bus }) {
    const WebSocket = loadLibrary<Faye>('faye-websocket');
    const server = createHttpServer(httpEchoListener);
    guardSockets(server);
    const room = new Set<FayeSocket>();
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, body: Buffer) => {
      // A broken or reset connection is that connection's problem only.
      socket.on('error', () => socket.destroy());
      if (!WebSocket.isWebSocket(req)) return void socket.destroy();
      const ws = new WebSocket(req, socket, body, [], options);
      ws.on('error', () => socket.destroy());
      // Text arrives as a string and binary as a Buffer; send() keeps that distinction.
      bus?.connected(req.url === '/broadcast');
      if (req.url === '/broadcast') {
        room.add(ws);
        ws.on('close', () => room.delete(ws));
        ws.on('message', (e) => {
          for (const peer of room) if (peer !== ws) peer.send(e.data);
          // Several processes (--server-procs): the other processes' members get it through Redis.
          bus?.publish(e.data, typeof e.data !== 'string');
        });
      } else {
        ws.on('message', (e) => void ws.send(e.data));
      }
    });
    bus?.onRemote((data, binary) => {
      const message = binary ? data : data.toString();
      for (const peer of room) peer.send(message);
    });
    const bound = await listen(server, host, port);
    return {
      port: bound,
      facts: { version: loadedVersion('faye-websocket'), websocketDriver: loadedVersion('websocket-driver') },
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};
