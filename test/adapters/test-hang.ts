/**
 * Test-only: a ws echo server that accepts connections, echoes the first
 * WSBENCH_HANG_AFTER (default 5) messages, then busy-loops forever: no echo, no IPC, and
 * SIGTERM is never handled, so only the run timeout and SIGKILL can end it. With
 * WSBENCH_HANG_FLAG set, it first creates that file, so a test knows the hang has begun.
 */
import fs from 'node:fs';
import type { ServerAdapter } from '../../adapters/types.js';
import { ECHO_SETTINGS, echo, startHookedEcho } from './misbehaving-echo.js';

const HANG_AFTER = Number(process.env.WSBENCH_HANG_AFTER ?? 5);

export const adapter: ServerAdapter = {
  settings: { ...ECHO_SETTINGS, hang: `busy loop after ${HANG_AFTER} messages` },
  start(opts) {
    return startHookedEcho(opts, (socket, data, isBinary, n) => {
      if (n <= HANG_AFTER) return echo(socket, data, isBinary);
      if (process.env.WSBENCH_HANG_FLAG) fs.writeFileSync(process.env.WSBENCH_HANG_FLAG, String(process.pid));
      for (;;) {
        /* hung: the event loop never turns again */
      }
    });
  },
};
