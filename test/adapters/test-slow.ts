/**
 * Test-only: the real ws adapter (echo, broadcast, HTTP echo, same settings) with a busy loop of
 * WSBENCH_SLOW_US microseconds (default 0: none) before every message it receives is handled: a
 * server made measurably slower by an amount a test chooses, while base and head keep one
 * library name. It proves the regression gate calls a real slowdown (docs/ci.md).
 *
 * Side by side in one bench (`--lib test-slow,test-slow@<folder>`), both servers share the
 * environment: WSBENCH_SLOW_US_LIBDIR then slows only the servers loaded from a folder
 * (WSBENCH_LIB_DIR set), WSBENCH_SLOW_US_LIBDIR_ONLY names that folder's basename when several
 * folders are benched, or WSBENCH_SLOW_US_LIBDIR=slow=1.5,slow2=0.5 gives each folder its own
 * (test/proof/sidebyside-proof.mjs).
 */
import type { WebSocket } from 'ws';
import { adapter as ws } from '../../adapters/ws/server.js';
import type { ServerAdapter } from '../../adapters/types.js';
import { loadLibrary } from '../../adapters/_shared/load-library.js';

/** The slowdown of this server: WSBENCH_SLOW_US, or for a server loaded from a folder WSBENCH_SLOW_US_LIBDIR. */
function slowUs(env: NodeJS.ProcessEnv): number {
  const dir = env.WSBENCH_LIB_DIR;
  const only = env.WSBENCH_SLOW_US_LIBDIR_ONLY;
  const folder = dir ? dir.split('/').filter(Boolean).at(-1) : undefined;
  const byFolder = env.WSBENCH_SLOW_US_LIBDIR ?? '';
  // `slow=1.5,slow2=0.5`: a slowdown per folder basename.
  if (dir && byFolder.includes('=')) {
    const hit = byFolder.split(',').find((kv) => kv.split('=')[0] === folder);
    return hit ? Number(hit.split('=')[1]) : 0;
  }
  if (dir && env.WSBENCH_SLOW_US_LIBDIR !== undefined && (!only || only === folder))
    return Number(env.WSBENCH_SLOW_US_LIBDIR);
  return Number(env.WSBENCH_SLOW_US ?? 0);
}

const SLOW_US = slowUs(process.env);

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
