/**
 * Test-only: a ws echo server that says why on stderr and exits with code 1 after
 * WSBENCH_CRASH_AFTER_MS (default 300) ms of serving: a library crashing mid-run.
 */
import { adapter as ws } from '../../adapters/ws/server.js';
import type { ServerAdapter } from '../../adapters/types.js';

const CRASH_AFTER_MS = Number(process.env.WSBENCH_CRASH_AFTER_MS ?? 300);

export const adapter: ServerAdapter = {
  settings: { ...ws.settings, crash: `exit 1 after ${CRASH_AFTER_MS} ms` },
  async start(opts) {
    const server = await ws.start(opts);
    setTimeout(() => {
      // Exit only once the line is out, so the runner can quote it.
      process.stderr.write(`test-crash: simulated crash after ${CRASH_AFTER_MS} ms\n`, () => process.exit(1));
    }, CRASH_AFTER_MS);
    return server;
  },
};
