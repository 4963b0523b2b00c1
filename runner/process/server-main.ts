/**
 * Entry of a server process: `node [--expose-gc] dist/runner/process/server-main.js <serverModule>`.
 * Loads one adapter, listens on 127.0.0.1 on a port of its own choosing, and reports over IPC.
 * It exits when its parent goes away, so a killed runner never leaves a server behind.
 */
import type { ServerAdapter } from '../../adapters/types.js';
import { adapterModuleUrl } from '../../adapters/_shared/module-url.js';

type Inbound = { type: 'mem' } | { type: 'stop' };

function send(message: object): void {
  process.send?.(message);
}

function memory(): object {
  const g = globalThis as { gc?: () => void };
  // Two passes: the first may only schedule finalizers.
  g.gc?.();
  g.gc?.();
  const m = process.memoryUsage();
  return {
    type: 'mem',
    gc: Boolean(g.gc),
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
  };
}

async function main(): Promise<void> {
  const modulePath = process.argv[2];
  if (!modulePath || !process.send) {
    process.stderr.write('usage: node server-main.js <adapter server module> (started by the runner, with IPC)\n');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  try {
    const mod = (await import(adapterModuleUrl(modulePath))) as { adapter: ServerAdapter };
    const host = process.env.WSBENCH_SERVER_HOST ?? '127.0.0.1';
    const server = await mod.adapter.start({ host, port: Number(process.env.WSBENCH_SERVER_PORT ?? 0) });
    process.on('message', (m: Inbound) => {
      if (m.type === 'mem') send(memory());
      else if (m.type === 'stop') void server.close().finally(() => process.exit(0));
    });
    send({
      type: 'ready',
      port: server.port,
      settings: mod.adapter.settings,
      facts: { runtime: `node ${process.version}`, ...server.facts },
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    send({ type: 'error', code: e.code ?? 'ESTART', message: e.message ?? String(err) });
    // Let the IPC message flush before exiting.
    setTimeout(() => process.exit(1), 50);
  }
}

void main();
