/**
 * Test-only: a ws echo server that cannot echo more than WSBENCH_RATECAP (default 2000) messages
 * per second over all connections: a token bucket (a burst of 20 ms worth, so a scheduling hiccup
 * of the server is absorbed) lets messages through, the rest wait in order, checked every ms. Above that rate its queue, and so its latency, grows without bound:
 * the capacity search must find that number.
 */
import type { ServerAdapter } from '../../adapters/types.js';
import type { WebSocket } from 'ws';
import { ECHO_SETTINGS, echo, startHookedEcho } from './misbehaving-echo.js';

const CAP = Number(process.env.WSBENCH_RATECAP ?? 2000);
const BURST = Math.max(1, (CAP * 20) / 1000);

export const adapter: ServerAdapter = {
  settings: { ...ECHO_SETTINGS, rateCap: `${CAP} echoes/s` },
  start(opts) {
    const queue: Array<{ socket: WebSocket; data: Buffer; isBinary: boolean }> = [];
    let head = 0;
    let tokens = BURST;
    let last = performance.now();
    let armed = false;
    const pump = (): void => {
      const now = performance.now();
      tokens = Math.min(BURST, tokens + ((now - last) * CAP) / 1000);
      last = now;
      while (tokens >= 1 && head < queue.length) {
        const m = queue[head++];
        echo(m.socket, m.data, m.isBinary);
        tokens--;
      }
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
        armed = false;
        return;
      }
      setTimeout(pump, 1);
    };
    return startHookedEcho(opts, (socket, data, isBinary) => {
      queue.push({ socket, data: Buffer.from(data), isBinary });
      if (!armed) {
        armed = true;
        pump();
      }
    });
  },
};
