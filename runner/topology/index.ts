/**
 * `--server-procs N`: each library's server as N processes in its own idiom (declared by its
 * adapter: AdapterInfo.topology), its rooms spanning them through a Redis the runner starts for
 * the run (runner/process/redis.ts). What a row then reports: the topology in words, how the
 * topology spread the connections, each process's CPU and RSS, Redis's CPU and RSS, and Redis
 * CPU-seconds per thousand deliveries.
 */
import os from 'node:os';
import type { AdapterInfo, AdapterTopology } from '../../adapters/types.js';
import { UsageError } from '../errors.js';
import type { Measured } from '../process/loadgen-process.js';
import { requireRedis } from '../process/redis.js';

export interface TopologyPlan {
  procs: number;
}

export function planTopology(raw: string | undefined, target: boolean): TopologyPlan | undefined {
  if (raw === undefined) return undefined;
  const procs = Number(raw);
  if (!Number.isInteger(procs) || procs < 1 || procs > 64)
    throw new UsageError(`--server-procs must be a whole number from 1 to 64, got '${raw}'`);
  if (target) throw new UsageError('--server-procs starts the servers itself: leave out --target');
  requireRedis();
  return { procs };
}

/** Why a library runs no topology here, or null when it does. */
export function topologySkip(lib: AdapterInfo): string | null {
  const t = lib.topology;
  if (!t) return `${lib.name} declares no multi-process topology (--server-procs)`;
  return t.idiom === 'none' ? t.reason : null;
}

function cluster(t: Extract<AdapterTopology, { idiom: 'node-cluster' }>): string {
  return t.bus === 'socket.io-redis-adapter'
    ? 'rooms through @socket.io/redis-adapter'
    : 'rooms through the Redis relay';
}

/** The topology in words, e.g. "ws on node:cluster, 2 workers, round-robin by the primary". */
export function describeTopology(lib: AdapterInfo, procs: number): string {
  const t = lib.topology;
  if (!t || t.idiom === 'none') return `${lib.name}: no topology`;
  return `${lib.name} on node:cluster, ${procs} worker${procs > 1 ? 's' : ''}, round-robin by the primary, ${cluster(t)}`;
}

/** The server process's environment for a topology run. */
export function topologyEnv(
  lib: AdapterInfo,
  procs: number,
  redisSocket: string,
  serverCpu: string,
): Record<string, string> {
  const t = lib.topology;
  if (!t || t.idiom === 'none') return {};
  return {
    WSBENCH_TOPOLOGY: t.idiom,
    WSBENCH_SERVER_PROCS: String(procs),
    WSBENCH_REDIS_PATH: redisSocket,
    WSBENCH_BUS: t.bus === 'redis-relay' ? 'relay' : 'own',
    WSBENCH_SERVER_CPU_LIST: cpuList(serverCpu).join(','),
  };
}

/** A taskset CPU list expanded (`0-3` -> 0,1,2,3); empty for 'any'. */
export function cpuList(list: string): string[] {
  if (!/^[\d,-]+$/.test(list)) return [];
  return list.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  });
}

export interface Spread {
  pid: number;
  origin?: string;
  connections?: number;
  members?: number;
}

/** Metrics and the row's note of a topology run. */
export function topologyResult(
  description: string,
  procs: number,
  serverCpu: string,
  spread: Spread[],
  x: Measured | undefined,
  deliveriesPerSec: number | undefined,
): { metrics: Record<string, number>; note: string } {
  const metrics: Record<string, number> = { serverProcs: procs };
  spread.forEach((s, i) => (metrics[`connsProc${i + 1}`] = s.connections ?? 0));
  const t = x?.topology;
  t?.procs.forEach((p, i) => {
    if (p.cpuPct !== null) metrics[`serverCpuPctPid${i}`] = p.cpuPct;
    if (p.rssBytes !== null) metrics[`serverRssMiBPid${i}`] = p.rssBytes / 2 ** 20;
  });
  if (t?.redisCpuPct != null) metrics.redisCpuPct = t.redisCpuPct;
  if (t?.redisRssBytes != null) metrics.redisRssMiB = t.redisRssBytes / 2 ** 20;
  if (t?.redisCpuPct != null && deliveriesPerSec)
    // CPU-milliseconds of Redis per thousand deliveries (CPU-seconds per thousand read 0.00).
    metrics.redisCpuMsPer1kDeliveries = (t.redisCpuPct / 100 / deliveriesPerSec) * 1000 * 1000;
  const conns = spread.map((s) => `${s.origin ?? '?'} ${s.connections ?? 0}`).join(', ');
  const rooms = spread.map((s) => s.members ?? 0);
  const perProc = (t?.procs ?? [])
    .map(
      (p) =>
        `pid ${p.pid} ${p.cpuPct === null ? '?' : p.cpuPct.toFixed(0)} % / ${p.rssBytes === null ? '?' : (p.rssBytes / 2 ** 20).toFixed(0)} MiB`,
    )
    .join(', ');
  const cpus = cpuList(serverCpu);
  const cores = os.availableParallelism();
  const sharing =
    cpus.length && cpus.length < procs + 1
      ? `; the ${procs + 1} server processes (primary included) share CPU ${serverCpu} of this ${cores}-core machine: this measures the Redis hop and correctness, not scaling`
      : '';
  const note =
    `${description}; connections per worker: ${conns}` +
    `; room members on ${rooms.filter((n) => n > 0).length} of ${spread.length} workers` +
    (perProc ? `; server CPU / RSS per process: ${perProc}` : '') +
    sharing;
  return { metrics, note };
}
