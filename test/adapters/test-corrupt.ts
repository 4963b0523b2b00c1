/**
 * Test-only: a ws echo server that gets one echo wrong, the WSBENCH_CORRUPT_AT-th message
 * (default 10), in the way WSBENCH_CORRUPT says: `byte` (default) flips its last byte, `drop`
 * never echoes it, `dup` echoes it twice. The load generator must catch each one.
 */
import type { ServerAdapter } from '../../adapters/types.js';
import { ECHO_SETTINGS, echo, startHookedEcho } from './misbehaving-echo.js';

const MODES = ['byte', 'drop', 'dup'] as const;
const MODE = (process.env.WSBENCH_CORRUPT ?? 'byte') as (typeof MODES)[number];
const AT = Number(process.env.WSBENCH_CORRUPT_AT ?? 10);

export const adapter: ServerAdapter = {
  settings: { ...ECHO_SETTINGS, corrupt: `${MODE} at message ${AT}` },
  start(opts) {
    if (!MODES.includes(MODE)) throw new Error(`WSBENCH_CORRUPT must be one of ${MODES.join(', ')}, got '${MODE}'`);
    return startHookedEcho(opts, (socket, data, isBinary, n) => {
      if (n !== AT) return echo(socket, data, isBinary);
      if (MODE === 'drop') return;
      if (MODE === 'dup') echo(socket, data, isBinary);
      else data[data.length - 1] ^= 0x01;
      echo(socket, data, isBinary);
    });
  },
};
