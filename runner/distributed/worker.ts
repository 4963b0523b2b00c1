/**
 * `wsbench worker`: one shard of a plan. It runs its slice of the plan's job in the same load
 * generator process as a local run (runner/process/loadgen-process.ts), holds it at the start
 * barrier (echo: connected, then the warm-up starts at startAt; connections: the ramp starts at
 * startAt and the idle window at holdAt), and returns one result document, also when it failed.
 */
import os from 'node:os';
import { nofileFor } from '../../scenarios/common.js';
import { CLIENT_FULL_PCT } from '../stats.js';
import type { Job } from '../loadgen/jobs.js';
import { runLoadgen, type LoadgenHooks, type Measured } from '../process/loadgen-process.js';
import { measureOffset, referenceNow, waitUntil, type ClockOffset } from './clock.js';
import { planScenario, shardContext, shardJob, type ShardPlan } from './plan-file.js';
import { SHARD_RESULT_SCHEMA, type ShardResult } from './result.js';

export interface WorkerOptions {
  /** CPU list the load generator is pinned to (taskset), or 'any'. */
  cpu?: string;
}

/** This machine's addresses other than loopback (a pod's IP, a namespace's veth address). */
function addresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && a.family === 'IPv4')
    .map((a) => a.address);
}

/** How long the shard may take, from now, before it is stopped as hung. */
function budgetMs(plan: ShardPlan, job: Job): number {
  const connections = 'connections' in job ? job.connections : 0;
  const wait = Math.max(0, (plan.holdAt ?? plan.startAt) - Date.now());
  return wait + plan.options.warmupMs + plan.options.durationMs + 60_000 + connections * 5;
}

/**
 * A connections shard with no server to sample (a real cluster): its ramp was client-bound if its
 * own core was full, as for a --target without --server-pid.
 */
function rampFull(x: Measured): boolean {
  return x.serverUnmeasured === true && (x.rampClientCpu ?? 0) >= CLIENT_FULL_PCT;
}

interface Timing {
  startDelayMs: number | null;
  rampedDelayMs?: number;
}

/** The barrier hooks: when the job may start, and (connections) when the idle window may. */
function barrierHooks(plan: ShardPlan, job: Job, offset: number, timing: Timing): Partial<LoadgenHooks> {
  // A shard that arrives early starts on time, up to the wake-up of the wait; a late one at once.
  const start = async (): Promise<void> => {
    await waitUntil(plan.startAt, offset);
    timing.startDelayMs = referenceNow(offset) - plan.startAt;
  };
  if (job.kind !== 'hold') return { onRamped: start };
  const holdAt = plan.holdAt ?? plan.startAt;
  return {
    beforeJob: start,
    onRamped: async () => {
      timing.rampedDelayMs = referenceNow(offset) - holdAt;
      await waitUntil(holdAt, offset);
    },
  };
}

async function clockOf(plan: ShardPlan): Promise<{ clock: ClockOffset | null; clockError?: string }> {
  if (!plan.ntp) return { clock: null };
  try {
    return { clock: await measureOffset(plan.ntp) };
  } catch (err) {
    return { clock: null, clockError: (err as Error).message };
  }
}

/** Runs shard `index` of `plan`; never throws for a failed measurement (the document says why). */
export async function runShard(plan: ShardPlan, index: number, opts: WorkerOptions = {}): Promise<ShardResult> {
  const job = shardJob(plan, index);
  const { clock, clockError } = await clockOf(plan);
  const offset = clock?.offsetMs ?? 0;
  const timing: Timing = { startDelayMs: null };
  const base = {
    schema: SHARD_RESULT_SCHEMA,
    version: 1 as const,
    plan,
    index,
    host: os.hostname(),
    addresses: addresses(),
    ...(process.env.WSBENCH_NODE_NAME ? { node: process.env.WSBENCH_NODE_NAME } : {}),
    connections: 'connections' in job ? job.connections : 0,
    ...(job.kind === 'echo' && job.rate !== undefined ? { rate: job.rate } : {}),
    clock,
    ...(clockError ? { clockError } : {}),
  };
  try {
    const measured = await runLoadgen(job.kind === 'echo' ? { ...job, barrier: true } : job, {
      cpu: opts.cpu ?? 'any',
      serverPid: index === 0 ? (plan.serverPid ?? 0) : 0,
      serverGone: new Promise<never>(() => {}),
      timeoutMs: budgetMs(plan, job),
      nofile: 'connections' in job ? nofileFor(job.connections) : undefined,
      ...barrierHooks(plan, job, offset, timing),
    });
    // The scenario's own verdicts on this shard alone (client-bound, pacing-bound).
    const own = await planScenario(plan).run(
      shardContext(plan.library, { host: '', port: 0 }, '', async () => measured),
      plan.case,
      plan.options,
    );
    return {
      ...base,
      status: 'completed',
      ...timing,
      measured: measured as Measured,
      clientBound: own.stats.clientBound || rampFull(measured),
      ...(own.stats.pacingBound !== undefined ? { pacingBound: own.stats.pacingBound } : {}),
      ...(measured.result.counts.busyPct !== undefined ? { busyPct: measured.result.counts.busyPct } : {}),
      finishedAt: new Date().toISOString(),
    } as ShardResult;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return {
      ...base,
      status: 'failed',
      ...timing,
      error: { code: e.code ?? 'ESHARD', message: e.message ?? String(err) },
      finishedAt: new Date().toISOString(),
    } as ShardResult;
  }
}
