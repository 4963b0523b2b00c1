/**
 * Test-only: a ws echo server that answers every message exactly WSBENCH_DELAY_MS (default 2) ms
 * after it arrived. It spins on setImmediate (the event loop still reads its socket), so its core
 * never idles and it pays no wake-up: on this project's VM, waking an idle core costs 100-300 µs
 * per message, which read as 2.3-2.7 ms. WSBENCH_DELAY_MODE=sleep sleeps on a timer until shortly
 * before and blocks in Atomics.wait (a futex with a sub-millisecond timeout) for the rest, paying
 * that wake-up. The open-loop pacer must report about that delay.
 */
import type { ServerAdapter } from '../../adapters/types.js';
import type { WebSocket } from 'ws';
import { ECHO_SETTINGS, echo, startHookedEcho } from './misbehaving-echo.js';

const DELAY_MS = Number(process.env.WSBENCH_DELAY_MS ?? 2);
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
const MODE = process.env.WSBENCH_DELAY_MODE ?? 'spin';
const SPIN = MODE === 'spin';

interface Held {
  at: number;
  socket: WebSocket;
  data: Buffer;
  isBinary: boolean;
}

export const adapter: ServerAdapter = {
  settings: { ...ECHO_SETTINGS, delay: `every echo ${DELAY_MS} ms after its message` },
  start(opts) {
    const queue: Held[] = [];
    let head = 0;
    let armed = false;
    const pump = (): void => {
      const now = performance.now();
      while (head < queue.length && queue[head].at <= now) {
        const h = queue[head++];
        echo(h.socket, h.data, h.isBinary);
      }
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
        if (SPIN) setImmediate(pump);
        else armed = false;
        return;
      }
      const wait = queue[head].at - performance.now();
      if (SPIN) setImmediate(pump);
      else if (wait > 1.5) setTimeout(pump, Math.floor(wait - 1.2));
      else if (MODE === 'sleep') {
        Atomics.wait(SLEEPER, 0, 0, Math.max(0, wait));
        setImmediate(pump);
      } else setImmediate(pump);
    };
    return startHookedEcho(opts, (socket, data, isBinary) => {
      queue.push({ at: performance.now() + DELAY_MS, socket, data: Buffer.from(data), isBinary });
      if (!armed) {
        armed = true;
        setImmediate(pump);
      }
    });
  },
};
