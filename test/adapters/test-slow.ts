/**
 * Test-only: the real ws adapter (echo, broadcast, HTTP echo, same settings) with a busy loop of
 * WSBENCH_SLOW_US microseconds (default 0: none) before every message it receives is handled: a
 * server made measurably slower by an amount a test chooses, while base and head keep one
 * library name. It proves the regression gate calls a real slowdown (docs/ci.md).
 */
import type { WebSocket } from 'ws';
import { adapter as ws } from '../../adapters/ws/server.js';
import type { ServerAdapter } from '../../adapters/types.js';
import { loadLibrary } from '../../adapters/_shared/load-library.js';

const SLOW_US = Number(process.env.WSBENCH_SLOW_US ?? 0);

/** Spins the CPU for `us` microseconds (a busy loop: the CPU is used, not given up). */
function spin(us: number): void {
  const until = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < until);
}

export const adapter: ServerAdapter = {
  settings: { ...ws.settings, busyLoop: `${SLOW_US} µs per received message (WSBENCH_SLOW_US)` },
  async start(opts) {
    if (!Number.isFinite(SLOW_US) || SLOW_US < 0)
      throw new Error(`WSBENCH_SLOW_US must be a number of microseconds, got '${process.env.WSBENCH_SLOW_US}'`);
    if (SLOW_US > 0) {
      // The same ws module instance the adapter loads: every 'message' event spins first.
      const proto = loadLibrary<typeof import('ws')>('ws').WebSocket.prototype as WebSocket & {
        emit(event: string | symbol, ...args: unknown[]): boolean;
      };
      const emit = proto.emit;
      proto.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
        if (event === 'message') spin(SLOW_US);
        return emit.call(this, event, ...args);
      };
    }
    return ws.start(opts);
  },
};
