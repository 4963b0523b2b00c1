/**
 * The room's message bus when one server runs as several processes or threads (--server-procs):
 * a small relay over Redis pub/sub, the same client library (ioredis 5) for every library that
 * has no bus of its own. A post is delivered to the local members by the adapter, then published
 * once; every other process delivers it to all of its own members. A process skips what it
 * published itself, so each post reaches every other member exactly once.
 *
 * Also counts each process's connections, so the report can show how the topology spread them.
 */
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { loadedVersion, loadLibrary } from './load-library.js';

const CHANNEL = 'wsbench:room';

export interface RoomBus {
  /** This process's (or thread's) name on the bus, e.g. `w2`. */
  readonly origin: string;
  /** What relays the room, for the report (absent when the library relays it itself). */
  readonly describe?: string;
  /** Sends a post that this process has already delivered to its own members. */
  publish(data: Buffer | ArrayBuffer | string, binary: boolean): void;
  /** Called for every post from another process: deliver it to all local members. */
  onRemote(handler: (data: Buffer, binary: boolean) => void): void;
  /** Counts a connection accepted by this process (`room`: it joined the broadcast room). */
  connected(room: boolean): void;
  counts(): { connections: number; members: number };
  close(): Promise<void>;
}

/** Where Redis is and who this process is, from the runner's environment; null: no topology. */
export function busTarget(): { path: string; origin: string } | null {
  const path = process.env.WSBENCH_REDIS_PATH;
  if (!path) return null;
  return { path, origin: `w${process.env.WSBENCH_WORKER_INDEX ?? '0'}` };
}

/** ioredis options for the runner's Redis on a unix socket (no retry storm once it is gone). */
export function redisOptions(path: string): RedisOptions {
  return { path, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 20 ? null : 100) };
}

export function ioredisClass(): new (o: RedisOptions) => RedisClient {
  return loadLibrary<{ Redis: new (o: RedisOptions) => RedisClient }>('ioredis').Redis;
}

function header(origin: string, binary: boolean): Buffer {
  const o = Buffer.from(origin);
  return Buffer.concat([Buffer.from([binary ? 1 : 0, o.length]), o]);
}

/** Only counts connections: the library relays through Redis itself (socket.io's adapter). */
function countingBus(origin: string): RoomBus {
  const counts = { connections: 0, members: 0 };
  return {
    origin,
    publish() {},
    onRemote() {},
    connected(room) {
      counts.connections++;
      if (room) counts.members++;
    },
    counts: () => ({ ...counts }),
    close: async () => {},
  };
}

/** Connects the publisher and the subscriber; throws when Redis is not there. */
export async function connectBus(path: string, origin: string, relay = true): Promise<RoomBus> {
  if (!relay) return countingBus(origin);
  const base = countingBus(origin);
  const Redis = ioredisClass();
  const pub = new Redis(redisOptions(path));
  const sub = new Redis(redisOptions(path));
  // A lost Redis is the runner's to report (it watches the redis-server process); no crash here.
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  await sub.subscribe(CHANNEL);
  const text = header(origin, false);
  const bin = header(origin, true);
  let handler: (data: Buffer, binary: boolean) => void = () => {};
  sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
    const len = message[1];
    if (message.toString('latin1', 2, 2 + len) === origin) return;
    handler(message.subarray(2 + len), message[0] === 1);
  });
  return {
    ...base,
    describe: `Redis pub/sub relay (adapters/_shared/room-bus.ts) over ioredis ${loadedVersion('ioredis')}`,
    publish(data, binary) {
      const body = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as ArrayBuffer);
      void pub.publish(CHANNEL, Buffer.concat([binary ? bin : text, body])).catch(() => {});
    },
    onRemote(h) {
      handler = h;
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
