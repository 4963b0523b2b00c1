/**
 * uWebSockets.js: two routes, /echo and /broadcast; broadcast is uWS's own publish/subscribe
 * (`ws.publish` reaches every subscriber but the sender).
 */
import path from 'node:path';
import { FAIR_SETTINGS, type ServerAdapter } from '../types.js';
import { loadUws } from './binding.js';
import { loadedVersion } from '../_shared/load-library.js';

const MAX_BACKPRESSURE = 64 * 1024 * 1024;

export const adapter: ServerAdapter = {
  settings: {
    compression: 'DISABLED',
    maxPayloadLength: FAIR_SETTINGS.maxPayloadBytes,
    maxBackpressure: MAX_BACKPRESSURE,
    idleTimeout: 0,
    broadcast: 'ws.subscribe + ws.publish',
  },
  async start({ host, port }) {
    const { uws, file } = loadUws();
    const app = uws.App();
    const common = {
      compression: uws.DISABLED,
      maxPayloadLength: FAIR_SETTINGS.maxPayloadBytes,
      maxBackpressure: MAX_BACKPRESSURE,
      idleTimeout: 0,
    };
    app.ws('/echo', {
      ...common,
      message: (ws, message, isBinary) => void ws.send(message, isBinary),
    });
    app.ws('/broadcast', {
      ...common,
      open: (ws) => void ws.subscribe('room'),
      message: (ws, message, isBinary) => void ws.publish('room', message, isBinary),
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
