/**
 * One run: a library in one case of a scenario. Its steps, in order: why it cannot run (every
 * skip reason, in one place), start its server (or check the target), measure through the
 * scenario, and turn the outcome or the failure into a row. The server is stopped on every path.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from './errors.js';
import type { RunContext, Scenario, ScenarioOutcome } from '../scenarios/types.js';
import type { LibraryFacts } from './library-facts.js';
import type { TlsInfo } from './loadgen/jobs.js';
import { runLoadgens } from './process/loadgen-multi.js';
import { placement } from './process/loadgen-placement.js';
import { describeExit, startServer, type ServerHandle } from './process/server-process.js';
import type { PlannedLibrary, PlannedScenario, RunPlan } from './plan.js';
import type { Progress } from './progress.js';
import type { CaseRef, RunResult } from './report/schema.js';
import { connectTarget, targetSkip, targetTls, targetWarnings } from './target.js';
import type { TlsMaterial } from './tls-cert.js';
import { transportEnv, transportSkip, withJobTransport } from './transport-run.js';
import type { LoadgenHooks, Measured } from './process/loadgen-process.js';
import type { EchoJob, Job } from './loadgen/jobs.js';
import { topologySkip } from './topology/index.js';
import { startTopology, type TopologyRun } from './topology/run.js';
import type { WarmServers } from './sidebyside/windows.js';

/** What a run needs besides its library, scenario and case. */
export interface RunSetting {
  plan: RunPlan;
  progress: Progress;
  facts: LibraryFacts;
  tls?: TlsMaterial;
}

/**
 * Why `lib` does not run case `c` of `scenario` (no server is started), or null: its transport
 * (frames, TLS, compression the library lacks; the production case for an entry that declares
 * nothing), the scenario's own rule for the library, what a running target does not declare,
 * and a --server-procs topology the library has not.
 */
export function skipReason(plan: RunPlan, lib: PlannedLibrary, scenario: Scenario, c: CaseRef): string | null {
  const undeclared = (lib.custom !== undefined && !lib.capabilities) || lib.target !== undefined;
  return (
    transportSkip(scenario, lib, c, undeclared) ??
    scenario.supports?.(lib.name, c) ??
    (lib.target ? targetSkip(lib.target, scenario) : null) ??
    (plan.topology ? topologySkip(lib) : null)
  );
}

/** A promise that rejects when the server exits, or (--server-procs) its Redis; the load generator races it. */
function goneOf(lib: PlannedLibrary, h: ServerHandle, topo: TopologyRun | undefined): Promise<never> {
  const exited = h.exited.then(() => {
    throw new CodedError('ESERVER_EXIT', `the ${lib.name} server ${describeExit(h.exit, h.stderrTail())}`);
  });
  // With --server-procs, Redis dying mid-run ends the run too, and the row names it.
  const gone = topo ? Promise.race([exited, topo.gone]) : exited;
  gone.catch(() => {});
  exited.catch(() => {});
  return gone;
}

/** The server of one run, the context the scenario measures through, and the TLS it negotiated. */
class RunServer {
  server: ServerHandle | undefined;
  negotiated: TlsInfo | undefined;
  /** --server-procs: the run's own Redis, started before the server's workers connect to it. */
  topo: TopologyRun | undefined;
  /** The last measurement (the topology's Redis cost is read against it). */
  measured: Measured | undefined;
  private gone: Promise<never> = Promise.resolve() as never;
  private readonly pin: ReturnType<typeof placement>;
  private readonly nofile: number | undefined;

  constructor(
    private readonly s: RunSetting,
    private readonly lib: PlannedLibrary,
    private readonly ps: PlannedScenario,
    private readonly c: CaseRef,
    /** Side by side (sidebyside/windows.ts): the library's server stays up across the case's windows. */
    private readonly warm?: WarmServers,
  ) {
    this.pin = placement(s.plan);
    this.nofile = ps.scenario.nofile?.(c);
  }

  private startOptions(): Parameters<typeof startServer>[0] {
    const { plan, tls } = this.s;
    const mode = this.ps.scenario.serverMode;
    const env = {
      ...(this.lib.libDir ? { WSBENCH_LIB_DIR: this.lib.libDir } : {}),
      ...(mode ? { WSBENCH_SERVER_MODE: mode } : {}),
      ...transportEnv(this.lib, this.c, tls),
      ...this.ps.scenario.serverEnv?.(this.c),
      ...this.topo?.env,
    };
    const o = { adapter: this.lib, cpu: this.pin.serverCpu, readyTimeoutMs: plan.readyTimeoutMs, nofile: this.nofile };
    return { ...o, host: plan.host, env };
  }

  /** Starts the library's server (a target: checks it answers) and records what it told. */
  async start(): Promise<ServerHandle> {
    const { plan, facts } = this.s;
    const t = this.lib.target;
    if (plan.topology) this.topo = await startTopology(this.lib, plan.topology.procs, this.pin.serverCpu);
    this.server = t
      ? await connectTarget(t, this.lib.codecModule, plan.readyTimeoutMs)
      : this.warm
        ? await this.warm.get(this.lib, () => startServer(this.startOptions()))
        : await startServer(this.startOptions());
    this.gone = goneOf(this.lib, this.server, this.topo);
    facts.record(this.lib.name, this.server, this.ps.scenario.serverMode);
    return this.server;
  }

  /** What the scenario may do: measure with the load generators, and restart the server (not a target). */
  context(): RunContext {
    const { plan, progress, tls, facts } = this.s;
    const { lib, c } = this;
    const ctx: RunContext = {
      library: lib.name,
      server: this.server!,
      target: {
        host: lib.target?.host ?? plan.host,
        port: this.server!.port,
        codecModule: lib.codecModule,
        ...(lib.target?.paths ? { paths: lib.target.paths } : {}),
      },
      measure: async (job, hooks = {}) => {
        // The load generator refuses a non-loopback target unless the job says it was allowed.
        const full: Job = {
          ...withJobTransport(job, lib, c, tls, plan.transport),
          ...(lib.target?.tls ? { tls: targetTls(lib.target, plan.transport.resume) } : {}),
          allowRemote: plan.allowRemote,
        };
        const lg = {
          cpu: this.pin.clientCpus[0],
          serverPid: this.server!.pid,
          serverGone: this.gone,
          // The run's own timing: a side-by-side window (or warm-up window) is not the plan's.
          timeoutMs: hooks.timeoutMs ?? this.ps.options.warmupMs + this.ps.options.durationMs + plan.runSlackMs,
          nofile: hooks.nofile ?? this.nofile,
          onRamped: hooks.onRamped,
          onTick: (m: Parameters<NonNullable<LoadgenHooks['onTick']>>[0]) =>
            progress.tick(m.phase, m.elapsedMs, m.totalMs, m.perSecond),
          ...(this.topo ? { topology: { redisPid: this.topo.redisPid } } : {}),
        };
        // Side by side, one load-generator process: it stays connected across the case's windows.
        const kept = this.warm && full.kind === 'echo' && this.pin.clientCpus.length <= 1 && !this.topo;
        const x = kept
          ? await this.warm!.measure(lib.name, full as EchoJob, lg, lg)
          : await runLoadgens(full, lg, this.pin.clientCpus);
        this.negotiated ??= x.result.tls;
        this.measured = x;
        if (x.result.deflate) facts.recordDeflate(lib.name, x.result.deflate);
        return x;
      },
    };
    // A fresh server of the same library, for scenarios that go on after a crash (conformance).
    if (!lib.target && !this.warm) ctx.restartServer = () => this.restart(ctx);
    return ctx;
  }

  private async restart(ctx: RunContext): Promise<{ host: string; port: number }> {
    await this.server?.stop();
    this.server = undefined;
    this.server = await startServer(this.startOptions());
    this.gone = goneOf(this.lib, this.server, this.topo);
    ctx.server = this.server;
    ctx.target = { ...ctx.target, port: this.server.port };
    return { host: this.s.plan.host, port: this.server.port };
  }

  /** The topology's figures (Redis CPU per delivery) and its note, added to a completed run. */
  async finishTopology(outcome: ScenarioOutcome): Promise<void> {
    if (!this.topo || !this.server) return;
    // Redis carries room posts only: its cost per delivery is a broadcast figure.
    const t = await this.topo.finish(this.server, this.measured, outcome.stats.metrics.deliveriesPerSec);
    Object.assign(outcome.stats.metrics, t.metrics);
    outcome.warnings.push(t.note);
  }

  async stop(): Promise<void> {
    // A warm server outlives the window; WarmServers stops it when the case ends.
    if (!this.warm || this.lib.target) await this.server?.stop();
    await this.topo?.stop();
  }
}

type RunBase = Pick<RunResult, 'library' | 'scenario' | 'case' | 'rep' | 'startedAt'>;

/** The completed row: the scenario's outcome, the TLS the run negotiated, a target's warnings. */
function completedRun(base: RunBase, lib: PlannedLibrary, outcome: ScenarioOutcome, tls?: TlsInfo): RunResult {
  const stats = tls ? { ...outcome.stats, tls } : outcome.stats;
  const conformance = outcome.conformance ? { conformance: outcome.conformance } : {};
  const warnings = [...outcome.warnings, ...(lib.target ? targetWarnings(lib.target) : [])];
  return { ...base, status: 'completed', stats, warnings, ...conformance };
}

/** The errored row of a run that threw, naming how its server ended when it did. */
async function erroredRun(base: RunBase, err: unknown, server: ServerHandle | undefined): Promise<RunResult> {
  const e = err as { code?: string; message?: string };
  let message = e.message ?? String(err);
  // The load generator can report its connections dropping before this process has seen the
  // server exit: give the exit a moment to arrive, so the row names the root cause.
  if (server && !server.exit && e.code !== 'ESERVER_EXIT') await Promise.race([server.exited, delay(250)]);
  // A connection error is usually the server's fault: say how the server ended, if it did.
  if (server?.exit && e.code !== 'ESERVER_EXIT')
    message += `; the server ${describeExit(server.exit, server.stderrTail())}`;
  return { ...base, status: 'errored', error: { code: e.code ?? 'ERUN', message } };
}

/** One run: skip, or start the server, measure, and record; the server is stopped on every path. */
export async function runOne(
  s: RunSetting,
  lib: PlannedLibrary,
  ps: PlannedScenario,
  c: CaseRef,
  rep: number,
  warm?: WarmServers,
): Promise<RunResult> {
  const base: RunBase = {
    library: lib.name,
    scenario: ps.scenario.name,
    case: c,
    rep,
    startedAt: new Date().toISOString(),
  };
  const skip = skipReason(s.plan, lib, ps.scenario, c);
  if (skip) return { ...base, status: 'skipped', reason: skip };
  const run = new RunServer(s, lib, ps, c, warm);
  try {
    await run.start();
    const outcome = await ps.scenario.run(run.context(), c, ps.options);
    await run.finishTopology(outcome);
    if (run.negotiated) s.facts.recordTls(lib, run.negotiated);
    return completedRun(base, lib, outcome, run.negotiated);
  } catch (err) {
    return await erroredRun(base, err, run.server);
  } finally {
    await run.stop();
  }
}
