/**
 * Test-only: a plain ws echo server whose every echo goes through a hook, so a test adapter can
 * alter, drop, duplicate or stall the n-th message. Never registered as a real library.
 */
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FAIR_SETTINGS, type RunningServer, type Settings } from '../../adapters/types.js';
import { ignoreClientError } from '../../adapters/_shared/client-errors.js';

/** Decides what happens to the `n`-th message (from 1, counted over all connections). */
export type EchoHook = (socket: WebSocket, data: Buffer, isBinary: boolean, n: number) => void;

export const ECHO_SETTINGS: Settings = {
  perMessageDeflate: FAIR_SETTINGS.compression,
  maxPayload: FAIR_SETTINGS.maxPayloadBytes,
};

/** Echoes unchanged: what every hook does for the messages it leaves alone. */
export function echo(socket: WebSocket, data: Buffer, isBinary: boolean): void {
  socket.send(data, { binary: isBinary });
}

export async function startHookedEcho(opts: { host: string; port: number }, hook: EchoHook): Promise<RunningServer> {
  const wss = new WebSocketServer({
    host: opts.host,
    port: opts.port,
    perMessageDeflate: FAIR_SETTINGS.compression,
    maxPayload: FAIR_SETTINGS.maxPayloadBytes,
  });
  let n = 0;
  wss.on('connection', (socket) => {
    socket.on('error', ignoreClientError);
    socket.on('message', (data: RawData, isBinary) => hook(socket, data as Buffer, isBinary, ++n));
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const address = wss.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}
