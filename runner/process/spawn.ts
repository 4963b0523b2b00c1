/**
 * Starts one of the runner's own Node processes (server, load generator, micro-benchmarks):
 * `node` itself behind taskset/prlimit/setpriv (which exec: the pid is node's), in a process
 * group of its own, with IPC, registered for cleanup, its output tail kept for error messages.
 */
import { execa, type ResultPromise } from 'execa';
import { CodedError, type ErrorCode } from '../errors.js';
import { pinnedCommand } from './pinning.js';
import { trackChild } from './children.js';
import { TailBuffer } from './tail.js';

export interface Spawned {
  child: ResultPromise;
  pid: number;
  tail: TailBuffer;
}

export interface SpawnOptions {
  /** WSBENCH_CHILD: what the process is, for leftover checks. */
  kind: 'server' | 'loadgen' | 'micro' | 'redis';
  cpu: string;
  nodeArgs: string[];
  nofile?: number;
  env?: Record<string, string>;
  /** Also keep stdout in the tail (servers may print their failure there). */
  keepStdout?: boolean;
  /** Code and message when the process cannot even start. */
  startError: [ErrorCode, string];
  /** Another runtime's binary instead of Node (nodeArgs are then its arguments). */
  executable?: string;
  /** No IPC channel (a runtime without Node's IPC): messages go over stdin/stdout lines. */
  noIpc?: boolean;
}

export function spawnNode(opts: SpawnOptions): Spawned {
  const { file, args } = pinnedCommand(opts.cpu, opts.nodeArgs, opts.nofile, opts.executable);
  const child: ResultPromise = execa(file, args, {
    ...(opts.noIpc ? {} : { ipc: true, serialization: 'json' as const }),
    detached: true,
    cleanup: true,
    reject: false,
    buffer: false,
    // Without IPC, stdin carries the runner's requests, and its end tells the child to exit.
    stdin: opts.noIpc ? 'pipe' : 'ignore',
    stdout: opts.keepStdout ? 'pipe' : 'ignore',
    stderr: 'pipe',
    // WSBENCH_PARENT: a leftover check can tell an orphan (its runner gone) from a live run.
    env: { ...opts.env, WSBENCH_CHILD: opts.kind, WSBENCH_PARENT: String(process.pid) },
  });
  const pid = child.pid;
  if (pid === undefined) throw new CodedError(...opts.startError);
  trackChild(pid);
  const tail = new TailBuffer();
  child.stderr?.on('data', (d: Buffer) => tail.push(d));
  child.stdout?.on('data', (d: Buffer) => tail.push(d));
  return { child, pid, tail };
}
