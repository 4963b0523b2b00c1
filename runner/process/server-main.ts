/**
 * Entry of a server process: `node [--expose-gc] dist/runner/process/server-main.js <serverModule>`.
 * Loads one adapter, listens on 127.0.0.1 on a port of its own choosing, and reports over IPC.
 * It exits when its parent goes away, so a killed runner never leaves a server behind.
 */
import cluster from 'node:cluster';
import type { ServerAdapter } from '../../adapters/types.js';
import { adapterModuleUrl } from '../../adapters/_shared/module-url.js';
import { busTarget, connectBus, type RoomBus } from '../../adapters/_shared/room-bus.js';
import { runPrimary } from '../topology/cluster-primary.js';

type Inbound = { type: 'mem' } | { type: 'stop' } | { type: 'spread' } | { type: 'probe' };

/**
 * What an adapter's server module may export besides `adapter`: its library's own account of
 * what it holds for its clients (bytes buffered, messages it dropped), read without a GC.
 */
export type ServerProbe = () => { bufferedBytes?: number; dropped?: number; closed?: number };

function probe(fn: ServerProbe | undefined): object {
  const m = process.memoryUsage();
  return { type: 'probe', rss: m.rss, heapUsed: m.heapUsed, external: m.external, ...(fn?.() ?? {}) };
}

/** With --server-procs: the room's bus (relayed through Redis unless the library has its own). */
async function bus(): Promise<RoomBus | undefined> {
  const target = busTarget();
  if (!target) return undefined;
  return connectBus(target.path, target.origin, process.env.WSBENCH_BUS !== 'own');
}

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
  // --server-procs N with node:cluster: this process is the primary, its workers run the adapter.
  if (process.env.WSBENCH_TOPOLOGY === 'node-cluster' && cluster.isPrimary) return runPrimary(modulePath);
  try {
    const mod = (await import(adapterModuleUrl(modulePath))) as { adapter: ServerAdapter; probe?: ServerProbe };
    const host = process.env.WSBENCH_SERVER_HOST ?? '127.0.0.1';
    const roomBus = await bus();
    const port = Number(process.env.WSBENCH_SERVER_PORT ?? 0);
    const server = await mod.adapter.start({ host, port, ...(roomBus ? { bus: roomBus } : {}) });
    process.on('message', (m: Inbound) => {
      if (m.type === 'mem') send(memory());
      else if (m.type === 'probe') send(probe(mod.probe));
      else if (m.type === 'spread')
        send({ type: 'spread', procs: [{ pid: process.pid, origin: roomBus?.origin, ...roomBus?.counts() }] });
      else if (m.type === 'stop') void server.close().finally(() => process.exit(0));
    });
    send({
      type: 'ready',
      port: server.port,
      settings: mod.adapter.settings,
      facts: {
        runtime: `node ${process.version}`,
        ...server.facts,
        ...(roomBus?.describe ? { roomBus: roomBus.describe } : {}),
      },
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    send({ type: 'error', code: e.code ?? 'ESTART', message: e.message ?? String(err) });
    // Let the IPC message flush before exiting.
    setTimeout(() => process.exit(1), 50);
  }
}

void main();
