/**
 * Test-only: a server whose start never finishes, so it never reports ready: the runner must
 * give up after --ready-timeout and kill it. The IPC channel keeps the process alive meanwhile.
 */
import type { ServerAdapter } from '../../adapters/types.js';

export const adapter: ServerAdapter = {
  settings: { ready: 'never' },
  start() {
    process.stderr.write('test-noready: starting, and never ready\n');
    return new Promise(() => {});
  },
};
