/**
 * ws: echo per socket; broadcast by a loop over the room's clients (ws has no rooms). ws runs on
 * an http.Server of ours (as it would do internally) so that server can also answer
 * POST /http-echo.
 */
import { createHttpServer } from '../_shared/tls.js';
import type { WebSocket } from 'ws';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { addonLoads } from '../_shared/facts.js';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';
import { httpEchoListener } from '../_shared/http-echo.js';
import { guardSockets, ignoreClientError, logServerError } from '../_shared/client-errors.js';
import { COMPRESSION, WS_DEFLATE, WS_DEFLATE_SETTING } from '../_shared/compression.js';
import { sumOver } from '../_shared/backpressure.js';

const room = new Set<WebSocket>();

/** What ws holds for the room (bufferedAmount: its queue and the socket's), for slow-consumers. */
export const probe = () => ({ bufferedBytes: sumOver(room, (s) => s.bufferedAmount) });

export const adapter: ServerAdapter = {
  settings: {
    perMessageDeflate: WS_DEFLATE_SETTING,
    maxPayload: FAIR_SETTINGS.maxPayloadBytes,
    clientTracking: false,
    broadcast: 'loop over a Set of room members',
    httpEcho: 'POST /http-echo on the node:http server ws is attached to',
  },
  async start({ host, port, bus }) {
    const { WebSocketServer } = loadLibrary<typeof import('ws')>('ws');
    const server = createHttpServer(httpEchoListener);
    guardSockets(server);
    const wss = new WebSocketServer({
      server,
      perMessageDeflate: COMPRESSION ? WS_DEFLATE : FAIR_SETTINGS.compression,
      maxPayload: FAIR_SETTINGS.maxPayloadBytes,
      clientTracking: false,
    });
    wss.on('connection', (socket, req) => {
      // ws reports a client's protocol error (bad frame, invalid UTF-8, too big) on the socket,
      // after it has closed the connection with the right code: without a listener, Node would
      // throw it and end the process (ws docs: listen for 'error' on every WebSocket).
      socket.on('error', ignoreClientError);
      bus?.connected(req.url === '/broadcast');
      if (req.url === '/broadcast') {
        room.add(socket);
        socket.on('close', () => room.delete(socket));
        socket.on('message', (data, isBinary) => {
          for (const peer of room) if (peer !== socket) peer.send(data, { binary: isBinary });
          // Several processes (--server-procs): the other processes' members get it through Redis.
          bus?.publish(data as Buffer, isBinary);
        });
      } else {
        socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      }
    });
    bus?.onRemote((data, binary) => {
      for (const peer of room) peer.send(data, { binary });
    });
    let failStart: (err: Error) => void = () => {};
    await new Promise<void>((resolve, reject) => {
      // ws re-emits the http.Server's errors (EADDRINUSE...): report them as a failed start.
      failStart = reject;
      wss.once('error', reject);
      server.listen(port, host, resolve);
    });
    wss.off('error', failStart);
    // After listening, a server error (EMFILE on accept...) is logged, never thrown.
    wss.on('error', logServerError);
    const address = server.address();
    return {
      port: address && typeof address === 'object' ? address.port : port,
      facts: {
        version: loadedVersion('ws'),
        bufferutil: addonLoads('ws', 'bufferutil') && !process.env.WS_NO_BUFFER_UTIL,
        utf8Validation: 'node:buffer isUtf8',
      },
      close: () => new Promise<void>((resolve) => wss.close(() => server.close(() => resolve()))),
    };
  },
};
