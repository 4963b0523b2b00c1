/**
 * Runs one job in a load generator process of its own, pinned to the client core, and samples
 * the CPU of both it and the server over the measured window (the runner is idle meanwhile).
 */
import { fileURLToPath } from 'node:url';
import { CodedError, passCode } from '../errors.js';
import type { Job, JobResult, LoadgenMessage } from '../loadgen/jobs.js';
import { cpuPercent, rssBytes, snapshot, type Snapshot } from './procstat.js';
import { stopProcess } from './server-process.js';
import { spawnNode, type Spawned } from './spawn.js';
import { sumOrNull, TopologySampler, type TopologyMeasured } from '../topology/sampling.js';

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
  /** With --server-procs: each server process and Redis (runner/topology/sampling.ts). */
  topology?: TopologyMeasured;
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
  /** A multi-process server (--server-procs): sample its whole process tree, and its Redis. */
  topology?: { redisPid?: number };
  /** Awaited before the job is sent to the started process (a shard's start barrier). */
  beforeJob?: () => Promise<void>;
}

export async function runLoadgen(job: Job, hooks: LoadgenHooks): Promise<Measured> {
  // WSBENCH_LOADGEN_PROFILE=<dir>: a V8 CPU profile of the load generator, to keep its hot path lean.
  const profile = process.env.WSBENCH_LOADGEN_PROFILE;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, LOADGEN_MAIN] : [LOADGEN_MAIN];
  const spawned = spawnNode({
    kind: 'loadgen',
    cpu: hooks.cpu,
    nodeArgs,
    nofile: hooks.nofile,
    startError: ['ELOADGEN', 'could not start the load generator process'],
  });
  const { pid } = spawned;
  const exited = spawned.child.then(() => undefined);
  const topo =
    hooks.topology && hooks.serverPid > 0 ? new TopologySampler(hooks.serverPid, hooks.topology.redisPid) : undefined;
  const sampler = new CpuSampler({ server: hooks.serverPid, client: pid }, topo);
  const deadline = expiry(hooks.timeoutMs);
  try {
    const result = await Promise.race([
      jobResult(job, spawned, exited, hooks, sampler),
      hooks.serverGone,
      deadline.expired,
    ]);
    return sampler.measured(result, hooks.serverPid > 0);
  } finally {
    deadline.clear();
    // After a result the load generator exits by itself (its profile, if any, is written then).
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (grace = setTimeout(r, 500)))]);
    clearTimeout(grace);
    await stopProcess(pid, exited, 1000);
  }
}

/** Sends the job and follows the load generator's messages to its result (or its failure). */
function jobResult(
  job: Job,
  { child, tail }: Pick<Spawned, 'child' | 'tail'>,
  exited: Promise<void>,
  hooks: LoadgenHooks,
  sampler: CpuSampler,
): Promise<JobResult> {
  return new Promise<JobResult>((resolve, reject) => {
    child.on('message', (raw: unknown) => {
      const m = raw as LoadgenMessage;
      if (m.type === 'phase') {
        sampler.phase(m.phase);
        if (m.phase === 'ramped')
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
    // A shard (runner/distributed) holds the job until its start time.
    void Promise.resolve(hooks.beforeJob?.()).then(() => child.sendMessage!({ type: 'job', job } as never), reject);
  });
}

/** CPU and memory of both processes at the load generator's phases: the window, and a ramp. */
export class CpuSampler {
  private start: Snapshot | null = null;
  private end: Snapshot | null = null;
  private rampStart: Snapshot | null = null;
  private ramp: Record<string, number | null> | null = null;
  private rss = { server: null as number | null, client: null as number | null };

  constructor(
    private readonly pids: { server: number; client: number },
    /** With --server-procs: every process of the server's tree, and Redis. */
    private readonly topo?: TopologySampler,
  ) {}

  private all(): Record<string, number> {
    return { ...this.pids, ...this.topo?.pids() };
  }

  phase(phase: Extract<LoadgenMessage, { type: 'phase' }>['phase']): void {
    if (phase === 'measure') this.start = snapshot(this.all());
    else if (phase === 'done') {
      this.end = snapshot(this.all());
      this.rss = { server: rssBytes(this.pids.server), client: rssBytes(this.pids.client) };
    } else if (phase === 'ramp') this.rampStart = snapshot(this.all());
    else if (phase === 'ramped' && this.rampStart) this.ramp = cpuPercent(this.rampStart, snapshot(this.all()));
  }

  measured(result: JobResult, serverMeasured: boolean): Measured {
    const cpu: Record<string, number | null> =
      this.start && this.end ? cpuPercent(this.start, this.end) : { server: null, client: null };
    const topology = this.topo?.measured(cpu);
    // The server is all of its processes: their sum is its CPU and RSS.
    if (topology) {
      cpu.server = sumOrNull(topology.procs.map((p) => p.cpuPct));
      this.rss.server = sumOrNull(topology.procs.map((p) => p.rssBytes));
    }
    const r = this.ramp;
    return {
      ...(topology ? { topology } : {}),
      result,
      serverCpu: cpu.server ?? null,
      clientCpu: cpu.client ?? null,
      serverRss: this.rss.server,
      clientRss: this.rss.client,
      ...(serverMeasured ? {} : { serverUnmeasured: true }),
      ...(r ? { rampServerCpu: r.server ?? null, rampClientCpu: r.client ?? null } : {}),
    };
  }
}

/** Rejects after `ms` (ETIMEOUT): the server stopped answering. */
export function expiry(ms: number): { expired: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new CodedError('ETIMEOUT', `no result within ${Math.round(ms / 1000)} s: the server stopped answering`)),
      ms,
    );
  });
  return { expired, clear: () => clearTimeout(timer) };
}
