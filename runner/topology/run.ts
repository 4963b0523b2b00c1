/**
 * One run of a library with --server-procs: a fresh Redis for it (pinned like the server), the
 * server's environment, a promise that rejects when Redis dies mid-run (the row then names
 * Redis), and the row's topology metrics and note once the scenario is done.
 */
import type { PlannedLibrary } from '../plan.js';
import type { Measured } from '../process/loadgen-process.js';
import { redisGoneError, startRedis, type RedisHandle } from '../process/redis.js';
import type { ServerHandle } from '../process/server-process.js';
import { describeTopology, topologyEnv, topologyResult } from './index.js';

export interface TopologyRun {
  env: Record<string, string>;
  redisPid: number;
  /** Rejects when Redis exits before stop(). */
  gone: Promise<never>;
  /** The row's metrics and note (connections per process, CPU per process, Redis). */
  finish(
    server: ServerHandle,
    x: Measured | undefined,
    perSec: number | undefined,
  ): Promise<{ metrics: Record<string, number>; note: string }>;
  stop(): Promise<void>;
}

export async function startTopology(lib: PlannedLibrary, procs: number, serverCpu: string): Promise<TopologyRun> {
  // Redis shares the server's CPUs unless WSBENCH_REDIS_CPU gives it its own (a bigger machine).
  const redis: RedisHandle = await startRedis(process.env.WSBENCH_REDIS_CPU ?? serverCpu);
  let stopping = false;
  const gone = redis.exited.then(() => {
    if (!stopping) throw redisGoneError(redis);
    return new Promise<never>(() => {});
  });
  gone.catch(() => {});
  const description = describeTopology(lib, procs);
  return {
    env: topologyEnv(lib, procs, redis.socket, serverCpu),
    redisPid: redis.pid,
    gone,
    async finish(server, x, perSec) {
      const spread = await server.spread();
      const r = topologyResult(`${description}, Redis ${redis.version}`, procs, serverCpu, spread, x, perSec);
      return r;
    },
    async stop() {
      stopping = true;
      await redis.stop();
    },
  };
}
