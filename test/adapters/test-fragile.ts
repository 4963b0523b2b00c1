/**
 * Test-only: a ws echo server written carelessly, as our ws adapter once was: no 'error' listener
 * on its sockets, so the first protocol error a client causes is thrown and ends the process.
 * The conformance scenario must call that `crashed` and go on with a new server.
 */
import { WebSocketServer } from 'ws';
import { FAIR_SETTINGS, type ServerAdapter } from '../../adapters/types.js';

export const adapter: ServerAdapter = {
  settings: {
    perMessageDeflate: false,
    maxPayload: FAIR_SETTINGS.maxPayloadBytes,
    errors: "no 'error' listener on sockets (crashes on a bad frame)",
  },
  async start({ host, port }) {
    const wss = new WebSocketServer({
      host,
      port,
      perMessageDeflate: false,
      maxPayload: FAIR_SETTINGS.maxPayloadBytes,
    });
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const address = wss.address();
    return {
      port: typeof address === 'object' && address ? address.port : port,
      close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
    };
  },
};
