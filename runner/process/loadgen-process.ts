/**
 * Runs one job in a load generator process of its own, pinned to the client core, and samples
 * the CPU of both it and the server over the measured window (the runner is idle meanwhile).
 */
import { fileURLToPath } from 'node:url';
import { CodedError, passCode } from '../errors.js';
import type { Job, JobResult, LoadgenMessage } from '../loadgen/jobs.js';
import { cpuPercent, rssBytes, snapshot, type Snapshot } from './procstat.js';
import { stopProcess } from './server-process.js';
import { spawnNode } from './spawn.js';

const LOADGEN_MAIN = fileURLToPath(new URL('../loadgen/main.js', import.meta.url));

export interface Measured {
  result: JobResult;
  /** CPU % of one core over the measured window; null where /proc is unreadable. */
  serverCpu: number | null;
  clientCpu: number | null;
  serverRss: number | null;
  clientRss: number | null;
  /** CPU % of one core over a connections ramp (phases 'ramp' to 'ramped'), when there was one. */
  rampServerCpu?: number | null;
  rampClientCpu?: number | null;
  /** True when no server process was given to sample (a --target without --server-pid). */
  serverUnmeasured?: boolean;
  /** With --loadgen-procs N > 1: what each load-generator process measured (runner/process/loadgen-multi.ts). */
  perProcess?: Array<{ cpu: number | null; msgsPerSec: number; latencyCount: number }>;
}

export interface LoadgenHooks {
  cpu: string;
  serverPid: number;
  /** Rejects when the server dies: the job then fails at once, with the server's reason. */
  serverGone: Promise<never>;
  timeoutMs: number;
  nofile?: number;
  onTick?: (m: Extract<LoadgenMessage, { type: 'tick' }>) => void;
  /** Called when the connections job has ramped; the job goes on when it resolves. */
  onRamped?: () => Promise<void>;
}

export async function runLoadgen(job: Job, hooks: LoadgenHooks): Promise<Measured> {
  // WSBENCH_LOADGEN_PROFILE=<dir>: a V8 CPU profile of the load generator, to keep its hot path lean.
  const profile = process.env.WSBENCH_LOADGEN_PROFILE;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, LOADGEN_MAIN] : [LOADGEN_MAIN];
  const { child, pid, tail } = spawnNode({
    kind: 'loadgen',
    cpu: hooks.cpu,
    nodeArgs,
    nofile: hooks.nofile,
    startError: ['ELOADGEN', 'could not start the load generator process'],
  });
  const exited = child.then(() => undefined);
  const pids = { server: hooks.serverPid, client: pid };
  let start: Snapshot | null = null;
  let end: Snapshot | null = null;
  let rampStart: Snapshot | null = null;
  let ramp: Record<string, number | null> | null = null;
  let rss = { server: null as number | null, client: null as number | null };
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      new Promise<JobResult>((resolve, reject) => {
        child.on('message', (raw: unknown) => {
          const m = raw as LoadgenMessage;
          if (m.type === 'phase' && m.phase === 'measure') start = snapshot(pids);
          else if (m.type === 'phase' && m.phase === 'done') {
            end = snapshot(pids);
            rss = { server: rssBytes(pids.server), client: rssBytes(pids.client) };
          } else if (m.type === 'phase' && m.phase === 'ramp') rampStart = snapshot(pids);
          else if (m.type === 'phase' && m.phase === 'ramped') {
            if (rampStart) ramp = cpuPercent(rampStart, snapshot(pids));
            void (hooks.onRamped?.() ?? Promise.resolve()).then(() => child.sendMessage!({ type: 'continue' }), reject);
          } else if (m.type === 'tick') hooks.onTick?.(m);
          else if (m.type === 'result') resolve(m.result);
          else if (m.type === 'error') reject(new CodedError(passCode(m.code, 'ELOADGEN'), m.message));
        });
        void exited.then(() =>
          reject(
            new CodedError(
              'ELOADGEN',
              `the load generator exited without a result${tail.lastLines(3) ? `: ${tail.lastLines(3)}` : ''}`,
            ),
          ),
        );
        void child.sendMessage!({ type: 'job', job } as never);
      }),
      hooks.serverGone,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new CodedError(
                'ETIMEOUT',
                `no result within ${Math.round(hooks.timeoutMs / 1000)} s: the server stopped answering`,
              ),
            ),
          hooks.timeoutMs,
        );
      }),
    ]);
    const cpu = start && end ? cpuPercent(start, end) : { server: null, client: null };
    const unmeasured = hooks.serverPid > 0 ? {} : { serverUnmeasured: true };
    const r = ramp as Record<string, number | null> | null;
    const ramped = r ? { rampServerCpu: r.server ?? null, rampClientCpu: r.client ?? null } : {};
    return {
      result,
      serverCpu: cpu.server ?? null,
      clientCpu: cpu.client ?? null,
      serverRss: rss.server,
      clientRss: rss.client,
      ...unmeasured,
      ...ramped,
    };
  } finally {
    clearTimeout(timer);
    // After a result the load generator exits by itself (its profile, if any, is written then).
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (grace = setTimeout(r, 500)))]);
    clearTimeout(grace);
    await stopProcess(pid, exited, 1000);
  }
}
