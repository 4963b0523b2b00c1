/**
 * Test-only: a ws echo server that freezes its event loop for 200 ms once a second, to prove
 * that the open-loop `rate` scenario sees the stalls that closed-loop `latency` hides.
 */
import { adapter as ws } from '../../adapters/ws/server.js';
import type { ServerAdapter } from '../../adapters/types.js';

const STALL_MS = Number(process.env.WSBENCH_STALL_MS ?? 200);

export const adapter: ServerAdapter = {
  settings: { ...ws.settings, stall: `${STALL_MS} ms every second` },
  async start(opts) {
    const server = await ws.start(opts);
    setInterval(() => {
      const end = Date.now() + STALL_MS;
      while (Date.now() < end) {
        /* a stalled server: nothing runs */
      }
    }, 1000);
    return server;
  },
};
