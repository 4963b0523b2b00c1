/**
 * The server process lifecycle: started with execa as `node` itself, or as the Bun or Deno binary
 * for adapters that name a runtime (through taskset/prlimit, which exec, never a shell), in a
 * process group of its own; ready when it reports its port over IPC (or a stdout line, for
 * runtimes without Node's IPC: see channel.ts); stopped with SIGTERM, then SIGKILL, to the whole
 * group.
 */
import { fileURLToPath } from 'node:url';
import { FAIR_SETTINGS, type AdapterInfo, type Settings } from '../../adapters/types.js';
import { CodedError, passCode } from '../errors.js';
import { killGroup, untrackChild } from './children.js';
import { spawnNode, type Spawned } from './spawn.js';
import { ipcChannel, lineChannel, type ServerChannel } from './channel.js';
import { runtimeCommand, runtimeEnv } from './runtimes.js';

const SERVER_MAIN = fileURLToPath(new URL('./server-main.js', import.meta.url));

export interface ServerMemory {
  gc: boolean;
  /** What the numbers are not (e.g. a heap that is not V8's), for the row's warnings. */
  note?: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** A probe's answer (server-main.ts): bytes; absent fields are not known. */
export interface ServerProbeReply {
  rss?: number;
  heapUsed?: number;
  bufferedBytes?: number;
  dropped?: number;
  closed?: number;
}

export interface ServerHandle {
  pid: number;
  port: number;
  settings: Settings;
  facts: Settings;
  /** Set once the process has exited. */
  exit: { code: number | null; signal: string | null } | null;
  /** Resolves when the process exits, whatever the reason. */
  exited: Promise<void>;
  stderrTail(): string;
  memory(timeoutMs?: number): Promise<ServerMemory>;
  /** With --server-procs: each process's connections, as its workers count them. */
  spread(timeoutMs?: number): Promise<Array<{ pid: number; origin?: string; connections?: number; members?: number }>>;
  /** Memory without a GC, and the library's own buffered/dropped counts where its adapter tells them. */
  probe?(timeoutMs?: number): Promise<ServerProbeReply | null>;
  stop(): Promise<void>;
}

export interface StartOptions {
  adapter: AdapterInfo;
  cpu: string;
  readyTimeoutMs: number;
  /** Raise the open-files limit (many connections). */
  nofile?: number;
  /** Address to bind (loopback unless the user allowed a remote one). */
  host?: string;
  /** Extra environment for the server, e.g. WSBENCH_LIB_DIR for `--lib ws@<folder>`. */
  env?: Record<string, string>;
}

/** Describes how a process ended, for an errored row. */
export function describeExit(exit: ServerHandle['exit'], stderr: string): string {
  const how = !exit ? 'is running' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return stderr ? `${how}; last stderr: ${stderr}` : how;
}

/** Node runs server-main with the adapter module; Bun and Deno run the adapter's own entry. */
function spawnServer(opts: StartOptions): Spawned {
  const runtime = opts.adapter.runtime;
  const command = runtime
    ? runtimeCommand(runtime)
    : { executable: undefined, args: ['--expose-gc', SERVER_MAIN, opts.adapter.serverModule] };
  return spawnNode({
    kind: 'server',
    cpu: opts.cpu,
    executable: command.executable,
    nodeArgs: command.args,
    noIpc: runtime?.ready === 'stdout',
    nofile: opts.nofile,
    env: {
      ...(runtime ? runtimeEnv(runtime) : {}),
      ...opts.env,
      WSBENCH_SERVER_HOST: opts.host ?? '127.0.0.1',
      // Servers not written in TypeScript here read the shared limit from the environment.
      WSBENCH_MAX_PAYLOAD: String(FAIR_SETTINGS.maxPayloadBytes),
    },
    keepStdout: true,
    startError: ['ESERVER_START', `could not start the ${opts.adapter.name} server process`],
  });
}

export async function startServer(opts: StartOptions): Promise<ServerHandle> {
  const { child, pid, tail } = spawnServer(opts);
  const channel = opts.adapter.runtime?.ready === 'stdout' ? lineChannel(child) : ipcChannel(child);

  const handle = {
    pid,
    port: 0,
    settings: {},
    facts: {},
    exit: null,
    stderrTail: () => tail.lastLines(5),
  } as unknown as ServerHandle;
  handle.exited = child.then((r) => {
    untrackChild(pid);
    handle.exit = { code: r.exitCode ?? null, signal: r.signal ?? null };
  });

  const ready = await waitReady(channel, handle, opts);
  Object.assign(handle, { port: ready.port, settings: ready.settings, facts: ready.facts ?? {} });
  handle.memory = (timeoutMs = 30_000) => request<ServerMemory>(channel, 'mem', timeoutMs);
  handle.spread = (timeoutMs = 10_000) =>
    request<{ procs: Awaited<ReturnType<ServerHandle['spread']>> }>(channel, 'spread', timeoutMs).then((m) => m.procs);
  handle.probe = (timeoutMs = 500) => requestProbe(channel, timeoutMs);
  handle.stop = () => stopProcess(pid, handle.exited);
  return handle;
}

type ReadyMessage = { type: 'ready'; port: number; settings: Settings; facts: Settings };
type ErrorMessage = { type: 'error'; code: string; message: string };

async function waitReady(child: ServerChannel, handle: ServerHandle, opts: StartOptions): Promise<ReadyMessage> {
  const name = opts.adapter.name;
  let timer: NodeJS.Timeout | undefined;
  let onMessage: ((m: unknown) => void) | undefined;
  try {
    return await new Promise<ReadyMessage>((resolve, reject) => {
      timer = setTimeout(() => {
        // Its last words (a stack, a 'listening' that never came) usually say why.
        const tail = handle.stderrTail();
        reject(
          new CodedError(
            'ESERVER_TIMEOUT',
            `the ${name} server was not ready within ${opts.readyTimeoutMs} ms (--ready-timeout)${tail ? `; last stderr: ${tail}` : ''}`,
          ),
        );
      }, opts.readyTimeoutMs);
      onMessage = (m: unknown) => {
        const msg = m as ReadyMessage | ErrorMessage;
        if (msg.type === 'ready') resolve(msg);
        else if (msg.type === 'error')
          reject(new CodedError(passCode(msg.code, 'ESTART'), `the ${name} server failed to start: ${msg.message}`));
      };
      child.on(onMessage);
      void handle.exited.then(() =>
        reject(new CodedError('ESERVER_EXIT', `the ${name} server ${describeExit(handle.exit, handle.stderrTail())}`)),
      );
    });
  } catch (err) {
    await stopProcess(handle.pid, handle.exited);
    throw err;
  } finally {
    clearTimeout(timer);
    if (onMessage) child.off(onMessage);
  }
}

/** Sends `{type}` to the server and resolves with its answer of the same type. */
function request<T>(child: ServerChannel, type: 'mem' | 'spread', timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const what = type === 'mem' ? 'memory' : 'connection-spread';
    const timer = setTimeout(() => {
      child.off(onMessage);
      reject(new CodedError('ESERVER_HANG', `the server did not answer a ${what} request within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown): void => {
      const msg = m as { type: string } & T;
      if (msg.type !== type) return;
      clearTimeout(timer);
      child.off(onMessage);
      resolve(msg);
    };
    child.on(onMessage);
    child.send({ type }).catch((e: Error) => {
      clearTimeout(timer);
      child.off(onMessage);
      reject(new CodedError('ESERVER_EXIT', `the server is gone: ${e.message}`));
    });
  });
}

/** One probe; null when the server does not answer within `timeoutMs` (busy, or gone). */
function requestProbe(child: ServerChannel, timeoutMs: number): Promise<ServerProbeReply | null> {
  return new Promise((resolve) => {
    const done = (v: ServerProbeReply | null): void => {
      clearTimeout(timer);
      child.off(onMessage);
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    const onMessage = (m: unknown): void => {
      if ((m as { type: string }).type === 'probe') done(m as ServerProbeReply);
    };
    child.on(onMessage);
    child.send({ type: 'probe' }).catch(() => done(null));
  });
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, exited: Promise<void>, graceMs = 2000): Promise<void> {
  const kill = (signal: NodeJS.Signals): void => void killGroup(pid, signal);
  kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    kill('SIGKILL');
    await exited;
  }
  // Reap anything the process group may still hold (a server's own children).
  kill('SIGKILL');
  untrackChild(pid);
}
