/**
 * socket.io across processes (--server-procs): @socket.io/redis-adapter 8 over ioredis 5 (the
 * socket.io docs advise ioredis for its resubscription after a reconnect), on the runner's Redis.
 * `socket.to(room).emit` then reaches the room's members on every process.
 */
import type { Server as IoServer } from 'socket.io';
import type { createAdapter as CreateAdapter } from '@socket.io/redis-adapter';
import { busTarget, ioredisClass, redisOptions } from '../_shared/room-bus.js';
import { loadLibrary, loadedVersion } from '../_shared/load-library.js';

export async function redisAdapter(io: IoServer): Promise<{ facts: Record<string, string>; close(): void }> {
  const target = busTarget();
  if (!target) throw new Error('socket.io with --server-procs needs WSBENCH_REDIS_PATH (set by the runner)');
  const Redis = ioredisClass();
  const pub = new Redis(redisOptions(target.path));
  const sub = new Redis(redisOptions(target.path));
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  const { createAdapter } = loadLibrary<{ createAdapter: typeof CreateAdapter }>('@socket.io/redis-adapter');
  io.adapter(createAdapter(pub, sub));
  return {
    facts: {
      roomBus: `@socket.io/redis-adapter ${loadedVersion('@socket.io/redis-adapter')} over ioredis ${loadedVersion('ioredis')}`,
    },
    close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
