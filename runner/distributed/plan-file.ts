/**
 * The shard plan: one JSON document that every shard of a distributed run reads (from the
 * ConfigMap in Kubernetes, from a file elsewhere). It holds the scenario's whole job, computed
 * once by the scenario itself, the number of shards and the start barrier (an absolute time).
 * Each shard runs its slice of the job (runner/process/loadgen-multi.ts splitJob).
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SCENARIOS } from '../../scenarios/index.js';
import type { RunContext, Scenario, ScenarioOptions } from '../../scenarios/types.js';
import type { ConnectionsJob, EchoJob, Job } from '../loadgen/jobs.js';
import type { Measured } from '../process/loadgen-process.js';
import type { ServerHandle } from '../process/server-process.js';
import { splitJob } from '../process/loadgen-multi.js';
import { CaseRef } from '../report/schema.js';
import { UsageError } from '../errors.js';
import { targetTls, type TargetInfo } from '../target.js';
import { transportSkip, withJobTransport } from '../transport-run.js';
import type { RunPlan } from '../plan.js';

export const SHARD_PLAN_SCHEMA = 'wsbench/shard-plan';

/** Scenarios whose one run is one echo or connections job, which shards can split. */
/** Scenarios whose load splits into shards (Scenario.shardable), by name. */
export const SHARDABLE: string[] = Object.values(SCENARIOS)
  .filter((s) => (s as Scenario).shardable === true)
  .map((s) => s.name);

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.array(z.number())]);

export const ShardPlan = z.object({
  schema: z.literal(SHARD_PLAN_SCHEMA),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  createdAt: z.string(),
  /** The row's name in every report (the library behind the target). */
  library: z.string(),
  target: z.object({ url: z.string(), protocol: z.string() }),
  scenario: z.string(),
  case: CaseRef,
  options: z.object({
    params: z.record(z.string(), Scalar),
    warmupMs: z.number(),
    durationMs: z.number(),
    quick: z.boolean(),
  }),
  /** The whole job (all shards together), as the scenario built it. */
  job: z.record(z.string(), z.unknown()),
  shards: z.number().int().min(1),
  /** Epoch ms of the reference clock: echo shards start their warm-up then, connections shards their ramp. */
  startAt: z.number(),
  /** connections: epoch ms at which every shard has ramped and the idle window starts. */
  holdAt: z.number().optional(),
  /** A shard whose start is later than this (ms) is named late and flags the merged row. */
  lateMs: z.number(),
  /** host[:port] of an NTP server every shard asks for its clock offset; absent: not measured. */
  ntp: z.string().optional(),
  /** The server's pid, where the shards share its host (a rehearsal): shard 0 samples its CPU. */
  serverPid: z.number().int().optional(),
  command: z.string(),
});
export type ShardPlan = z.infer<typeof ShardPlan>;

export interface PlanExtras {
  shards: number;
  startAt: number;
  lateMs: number;
  ntp?: string;
  library?: string;
  holdAt?: number;
  command: string;
}

/** A sentinel thrown by the capturing context once the scenario has built its job. */
class Captured {
  constructor(readonly job: Job) {}
}

/**
 * A context for a scenario's run(): `measure` hands the job to `onJob`; the server is not ours,
 * so its memory reads 0 (gather leaves the memory metrics out).
 */
export function shardContext(
  library: string,
  t: Pick<TargetInfo, 'host' | 'port' | 'paths'>,
  codecModule: string,
  onJob: (job: Job) => Promise<Measured>,
): RunContext {
  const zero = { gc: true, rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
  const server = {
    pid: 0,
    port: t.port,
    settings: {},
    facts: {},
    exit: null,
    exited: new Promise<void>(() => {}),
    stderrTail: () => '',
    memory: async () => zero,
    stop: async () => {},
  } as ServerHandle;
  return {
    library,
    server,
    target: { host: t.host, port: t.port, codecModule, ...(t.paths ? { paths: t.paths } : {}) },
    measure: (job) => onJob(job),
  };
}

/** The scenario's whole job for one case, as its run() would hand it to the load generator. */
async function captureJob(
  scenario: Scenario,
  lib: RunPlan['libraries'][number],
  c: CaseRef,
  o: ScenarioOptions,
  resume: boolean,
): Promise<Job> {
  const t = lib.target!;
  const ctx = shardContext(lib.name, t, lib.codecModule, (job) => Promise.reject(new Captured(job)));
  try {
    await scenario.run(ctx, c, o);
  } catch (err) {
    if (!(err instanceof Captured)) throw err;
    const job = {
      ...withJobTransport(err.job, lib.name, c, undefined),
      ...(t.tls ? { tls: targetTls(t, resume) } : {}),
      allowRemote: true,
    };
    // A remote host: the kernel picks each shard's source port on its own address (no 127.0.0.x).
    return job.kind === 'hold' ? { ...job, perAddress: 0 } : job;
  }
  throw new UsageError(`scenario ${scenario.name} ran no job: it cannot be sharded`);
}

/** Builds the shard plan from a validated bench plan (one target, one scenario, one case). */
export async function makeShardPlan(plan: RunPlan, x: PlanExtras): Promise<ShardPlan> {
  const lib = plan.libraries.find((l) => l.target);
  if (!lib?.target)
    throw new UsageError('a distributed run needs --target ws://host:port/path (the server the shards load)');
  if (plan.scenarios.length !== 1)
    throw new UsageError(
      `a distributed run measures one scenario: pass --scenario with one of ${SHARDABLE.join(', ')}`,
    );
  const ps = plan.scenarios[0];
  if (!SHARDABLE.includes(ps.scenario.name))
    throw new UsageError(`scenario ${ps.scenario.name} cannot be sharded: choose one of ${SHARDABLE.join(', ')}`);
  const cases = ps.cases.filter((c) => transportSkip(ps.scenario, lib, c, true) === null);
  if (cases.length !== 1) {
    throw new UsageError(
      `a distributed run measures one case, and ${ps.scenario.name} has ${cases.length} here (${cases.map((c) => c.label).join('; ')}): narrow it, e.g. --payload 32 or --rates 10000`,
    );
  }
  const job = await captureJob(ps.scenario, lib, cases[0], ps.options, plan.transport.resume);
  const total = (job as EchoJob | ConnectionsJob).connections;
  if (x.shards > total)
    throw new UsageError(
      `--shards ${x.shards} is more than the ${total} connections to share: use at most ${total} shards`,
    );
  const id = `${new Date(x.startAt).toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  const holdAt = job.kind === 'hold' ? (x.holdAt ?? x.startAt + 2000 + Math.ceil(total / x.shards)) : undefined;
  return {
    schema: SHARD_PLAN_SCHEMA,
    version: 1,
    id,
    createdAt: new Date().toISOString(),
    library: x.library ?? lib.name,
    target: { url: lib.target.url, protocol: lib.target.protocol },
    scenario: ps.scenario.name,
    case: cases[0],
    options: ps.options,
    job: job as unknown as Record<string, unknown>,
    shards: x.shards,
    startAt: x.startAt,
    ...(holdAt !== undefined ? { holdAt } : {}),
    lateMs: x.lateMs,
    ...(x.ntp ? { ntp: x.ntp } : {}),
    ...(lib.target.serverPid ? { serverPid: lib.target.serverPid } : {}),
    command: x.command,
  };
}

/** The scenario a plan names. */
export function planScenario(plan: ShardPlan): Scenario {
  if (!Object.hasOwn(SCENARIOS, plan.scenario) || !SHARDABLE.includes(plan.scenario))
    throw new UsageError(`the plan names scenario '${plan.scenario}', which cannot be sharded`);
  return SCENARIOS[plan.scenario as keyof typeof SCENARIOS];
}

/** Shard `index`'s slice of the plan's job. */
export function shardJob(plan: ShardPlan, index: number): Job {
  if (!Number.isInteger(index) || index < 0 || index >= plan.shards)
    throw new UsageError(
      `shard index ${index} is outside the plan's ${plan.shards} shards (0-${plan.shards - 1}): check --index or JOB_COMPLETION_INDEX`,
    );
  const job = plan.job as unknown as EchoJob | ConnectionsJob;
  const parts = splitJob(job, plan.shards);
  return parts[index];
}

/** Parses a plan document; a bad one is a one-line UsageError naming the file and the field. */
export function parseShardPlan(text: string, where: string): ShardPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${where} is not valid JSON (${(err as Error).message.split('\n')[0]}): pass the plan.json that wsbench k8s wrote`,
    );
  }
  const parsed = ShardPlan.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${where} is not a wsbench shard plan: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function readShardPlan(file: string): ShardPlan {
  if (!fs.existsSync(file))
    throw new UsageError(`no plan at ${file}: pass --plan <plan.json> (written by wsbench k8s)`);
  return parseShardPlan(fs.readFileSync(file, 'utf8'), file);
}
