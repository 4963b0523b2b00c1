/**
 * The Redis a multi-process server relays its rooms through (--server-procs): Debian's
 * redis-server, started by the runner for one run in a process of its own (pinned like the
 * server, in its own process group, registered in children.ts so that nothing outlives the
 * runner), on a unix socket in a folder of its own, without persistence; stopped with the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError, UsageError } from '../errors.js';
import { stopProcess } from './server-process.js';
import { spawnNode } from './spawn.js';

export const REDIS_INSTALL = 'apt-get install -y redis-server';

export interface RedisHandle {
  pid: number;
  /** The unix socket clients connect to. */
  socket: string;
  version: string;
  exit: { code: number | null; signal: string | null } | null;
  exited: Promise<void>;
  stderrTail(): string;
  stop(): Promise<void>;
}

let found: string | null | undefined;

/** redis-server's path and version, or null when it is not installed. */
export function redisServer(): { file: string; version: string } | null {
  const file = process.env.WSBENCH_REDIS_SERVER ?? 'redis-server';
  if (found === undefined) {
    try {
      found = execFileSync(file, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      found = null;
    }
  }
  const v = found ? /v=(\S+)/.exec(found)?.[1] : undefined;
  return found ? { file, version: v ?? found } : null;
}

/** The one-line error when --server-procs needs Redis and there is none. */
export function requireRedis(): void {
  if (!redisServer())
    throw new UsageError(
      `--server-procs relays rooms through Redis, and redis-server is not installed: ${REDIS_INSTALL}`,
    );
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    const done = (ok: boolean): void => {
      c.destroy();
      resolve(ok);
    };
    c.on('error', () => done(false));
    c.on('data', (d) => done(d.toString().startsWith('+PONG')));
    c.on('connect', () => c.write('PING\r\n'));
    c.setTimeout(1000, () => done(false));
  });
}

export async function startRedis(cpu: string, timeoutMs = 10_000): Promise<RedisHandle> {
  const server = redisServer();
  if (!server) throw new CodedError('EREDIS_MISSING', `redis-server is not installed: ${REDIS_INSTALL}`);
  // A short path: unix socket paths are limited to 107 bytes.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-redis-'));
  const socket = path.join(dir, 'redis.sock');
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'];
  const { child, pid, tail } = spawnNode({
    kind: 'redis',
    cpu,
    executable: server.file,
    // Its process title left alone: rewriting it overwrites /proc/<pid>/environ, where leftover
    // checks look for the runner's mark (WSBENCH_CHILD).
    nodeArgs: [...args, '--dir', dir, '--loglevel', 'warning', '--set-proc-title', 'no'],
    noIpc: true,
    keepStdout: true,
    startError: ['EREDIS_START', 'could not start redis-server'],
  });
  const handle: RedisHandle = {
    pid,
    socket,
    version: server.version,
    exit: null,
    exited: child.then((r) => {
      handle.exit = { code: r.exitCode ?? null, signal: r.signal ?? null };
    }),
    stderrTail: () => tail.lastLines(3),
    stop: async () => {
      await stopProcess(pid, handle.exited, 2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const until = performance.now() + timeoutMs;
  while (!(await ping(socket))) {
    if (handle.exit || performance.now() > until) {
      await handle.stop();
      const why = handle.exit ? `exited (${tail.lastLines(3)})` : `did not answer PING within ${timeoutMs} ms`;
      throw new CodedError('EREDIS_START', `redis-server ${why}`);
    }
    await delay(20);
  }
  return handle;
}

/** The error of a run whose Redis died under it. */
export function redisGoneError(h: RedisHandle): CodedError {
  const how = h.exit?.signal ? `was killed by ${h.exit.signal}` : `exited with code ${h.exit?.code}`;
  return new CodedError('EREDIS_EXIT', `redis-server (pid ${h.pid}, the room's message bus) ${how} mid-run`);
}
