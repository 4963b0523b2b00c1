/**
 * Executes a RunPlan: for each repetition, each scenario case, each library in turn (so drift
 * hits all alike): start the server, measure, append the run to runs.jsonl, stop the server.
 * A library that fails becomes an errored run and the others go on. The report is rewritten
 * after every run, so an interruption loses at most the run in flight.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Settings } from '../adapters/types.js';
import { CodedError } from './errors.js';
import type { RunContext, Scenario } from '../scenarios/types.js';
import { buildReport, type ReportMeta } from './aggregate.js';
import { environment, packageVersion } from './environment.js';
import { runLoadgens } from './process/loadgen-multi.js';
import { placement, reportedPinning } from './process/loadgen-placement.js';
import { connectTarget, targetSkip, targetTls, targetWarnings } from './target.js';
import { runMicro, type MicroOptions } from './micro/index.js';
import type { PlannedLibrary, PlannedScenario, RunPlan } from './plan.js';
import type { Progress, RunInfo } from './progress.js';
import type { CaseRef, LibraryInfo, Report, RunResult } from './report/schema.js';
import { describeExit, startServer, type ServerHandle } from './process/server-process.js';
import { ResultsStore } from './store.js';
import { renderJson } from './report/json.js';
import { tlsMaterial, type TlsMaterial } from './tls-cert.js';
import { transportEnv, transportSkip, withJobTransport } from './transport-run.js';
import { transportOptions } from './transport.js';
import type { TlsInfo } from './loadgen/jobs.js';
import type { Measured } from './process/loadgen-process.js';
import { topologySkip } from './topology/index.js';
import { startTopology, type TopologyRun } from './topology/run.js';
import { runCaseSideBySide, WarmServers, type WindowPlan } from './sidebyside/windows.js';

export interface BenchControl {
  /** Set by the CLI's signal handler: no new run starts once it is set. */
  interrupted: NodeJS.Signals | null;
}

export interface BenchOutcome {
  report: Report;
  store: ResultsStore;
}

/** Which TLS stack a library's server ran on. */
function tlsServerOf(name: string): string {
  const base = name.split('@')[0];
  if (base === 'target') return "the target's own";
  if (base === 'uwebsockets' || base === 'socket.io-uws') return 'uWS.SSLApp (native TLS)';
  if (base === 'bun') return "Bun.serve's tls (Bun's own TLS)";
  if (base === 'deno') return "Deno.serve's cert/key (Deno's own TLS)";
  return 'https.createServer (node:tls)';
}

/** What a server start told us about its library, for the report. */
class LibraryFacts {
  private readonly known = new Map<string, { settings: Settings; facts: Settings }>();
  /** Settings of servers started in a scenario's server mode, by library, then mode. */
  private readonly modes = new Map<string, Map<string, Settings>>();

  private readonly tls = new Map<string, { info: TlsInfo; server: string }>();

  /** What the first TLS run of a library negotiated, and how its server spoke TLS. */
  recordTls(name: string, info: TlsInfo): void {
    if (this.tls.has(name)) return;
    this.tls.set(name, { info, server: tlsServerOf(name) });
  }

  private readonly deflate = new Map<string, { offered: string; answered: string }>();

  /** What the first compressed run of a library offered, and what its server answered. */
  recordDeflate(name: string, d: { offered: string; answered: string }): void {
    if (!this.deflate.has(name)) this.deflate.set(name, d);
  }

  private tlsFacts(name: string): Settings {
    const t = this.tls.get(name);
    return t
      ? { tlsServer: t.server, tlsProtocol: t.info.protocol, tlsCipher: t.info.cipher, tlsKeyType: t.info.keyType }
      : {};
  }

  record(name: string, server: ServerHandle, mode?: string): void {
    if (!mode) {
      if (!this.known.has(name)) this.known.set(name, { settings: server.settings, facts: server.facts });
      return;
    }
    const modes = this.modes.get(name) ?? new Map<string, Settings>();
    if (!modes.has(mode)) modes.set(mode, server.settings);
    this.modes.set(name, modes);
    if (!this.known.has(name)) this.known.set(name, { settings: {}, facts: server.facts });
  }

  /**
   * The default settings, plus what a server mode changed, marked with that mode; when only
   * servers in a mode ran, their settings as they are, with the mode named.
   */
  private settings(name: string): Settings {
    const modes = [...(this.modes.get(name) ?? [])];
    const base = this.known.get(name)?.settings ?? {};
    if (Object.keys(base).length === 0 && modes.length > 0) return { ...modes[0][1], serverMode: modes[0][0] };
    const out: Settings = { ...base };
    for (const [mode, settings] of modes) {
      for (const [k, v] of Object.entries(settings)) if (base[k] !== v) out[`${k} (${mode} mode)`] = v;
    }
    return out;
  }

  list(adapters: PlannedLibrary[]): LibraryInfo[] {
    return adapters.map((a) => ({
      name: a.name,
      packageName: a.packageName,
      // `name@folder` libraries report the version installed in their folder.
      version: a.libVersion ?? packageVersion(a.packageName),
      settings: this.settings(a.name),
      // A --lib <path> adapter: where it came from and which codec drove it.
      facts: {
        ...(a.custom ? { adapterPath: a.custom.path, codec: a.custom.codec } : {}),
        ...(this.known.get(a.name)?.facts ?? {}),
        ...this.tlsFacts(a.name),
        ...(this.deflate.has(a.name)
          ? {
              deflateOffered: this.deflate.get(a.name)!.offered,
              deflateNegotiated: this.deflate.get(a.name)!.answered,
            }
          : {}),
      },
    }));
  }
}

async function runOne(
  plan: RunPlan,
  lib: PlannedLibrary,
  ps: PlannedScenario,
  c: CaseRef,
  rep: number,
  progress: Progress,
  facts: LibraryFacts,
  tls?: TlsMaterial,
  warm?: WarmServers,
): Promise<RunResult> {
  const base = { library: lib.name, scenario: ps.scenario.name, case: c, rep, startedAt: new Date().toISOString() };
  // A case that does not apply to this library says why; no server is started for it.
  // A running target (--target) also skips what it does not declare.
  const skip =
    transportSkip(ps.scenario.name, lib.name, c, lib.custom !== undefined || lib.target !== undefined) ??
    ps.scenario.supports?.(lib.name, c) ??
    (lib.target ? targetSkip(lib.target, ps.scenario.name) : null) ??
    (plan.topology ? topologySkip(lib) : null);
  if (skip) return { ...base, status: 'skipped', reason: skip };
  const pin = placement(plan);
  const nofile = ps.scenario.nofile?.(c);
  let server: ServerHandle | undefined;
  let topo: TopologyRun | undefined;
  try {
    const mode = ps.scenario.serverMode;
    // --server-procs: a Redis of the run's own, started before the server's workers connect to it.
    if (plan.topology) topo = await startTopology(lib, plan.topology.procs, pin.serverCpu);
    const env = {
      ...(lib.libDir ? { WSBENCH_LIB_DIR: lib.libDir } : {}),
      ...(mode ? { WSBENCH_SERVER_MODE: mode } : {}),
      ...ps.scenario.serverEnv?.(c),
      ...transportEnv(lib.name, c, tls),
      ...topo?.env,
    };
    const startOpts = {
      adapter: lib,
      cpu: pin.serverCpu,
      readyTimeoutMs: plan.readyTimeoutMs,
      nofile,
      host: plan.host,
      env,
    };
    // Side by side (sidebyside/windows.ts): the library's server stays up across the case's windows.
    server = lib.target
      ? await connectTarget(lib.target, lib.codecModule, plan.readyTimeoutMs)
      : warm
        ? await warm.get(lib, () => startServer(startOpts))
        : await startServer(startOpts);
    facts.record(lib.name, server, mode);
    const goneOf = (h: ServerHandle): Promise<never> => {
      const exited = h.exited.then(() => {
        throw new CodedError('ESERVER_EXIT', `the ${lib.name} server ${describeExit(h.exit, h.stderrTail())}`);
      });
      // With --server-procs, Redis dying mid-run ends the run too, and the row names it.
      const gone = topo ? Promise.race([exited, topo.gone]) : exited;
      gone.catch(() => {});
      exited.catch(() => {});
      return gone;
    };
    let s = server;
    let serverGone = goneOf(s);
    let negotiated: TlsInfo | undefined;
    let measured: Measured | undefined;
    const ctx: RunContext = {
      library: lib.name,
      server: s,
      target: {
        host: lib.target?.host ?? plan.host,
        port: s.port,
        codecModule: lib.codecModule,
        ...(lib.target?.paths ? { paths: lib.target.paths } : {}),
      },
      measure: (job, hooks = {}) =>
        // The load generator refuses a non-loopback target unless the job says it was allowed.
        runLoadgens(
          {
            ...withJobTransport(job, lib.name, c, tls, plan.transport),
            ...(lib.target?.tls ? { tls: targetTls(lib.target, plan.transport.resume) } : {}),
            allowRemote: plan.allowRemote,
          },
          {
            cpu: pin.clientCpus[0],
            serverPid: s.pid,
            serverGone,
            timeoutMs: hooks.timeoutMs ?? plan.warmupMs + plan.durationMs + plan.runSlackMs,
            nofile: hooks.nofile ?? nofile,
            onRamped: hooks.onRamped,
            onTick: (m) => progress.tick(m.phase, m.elapsedMs, m.totalMs, m.perSecond),
            ...(topo ? { topology: { redisPid: topo.redisPid } } : {}),
          },
          pin.clientCpus,
        ).then((x) => {
          negotiated ??= x.result.tls;
          measured = x;
          if (x.result.deflate) facts.recordDeflate(lib.name, x.result.deflate);
          return x;
        }),
    };
    // A fresh server of the same library, for scenarios that go on after a crash (conformance).
    if (!lib.target && !warm)
      ctx.restartServer = async () => {
        await s.stop();
        server = undefined;
        s = server = await startServer(startOpts);
        serverGone = goneOf(s);
        ctx.server = s;
        ctx.target = { ...ctx.target, port: s.port };
        return { host: plan.host, port: s.port };
      };
    const outcome = await ps.scenario.run(ctx, c, ps.options);
    if (negotiated) facts.recordTls(lib.name, negotiated);
    const stats = negotiated ? { ...outcome.stats, tls: negotiated } : outcome.stats;
    const conformance = outcome.conformance ? { conformance: outcome.conformance } : {};
    const warnings = [...outcome.warnings, ...(lib.target ? targetWarnings(lib.target) : [])];
    if (topo) {
      // Redis carries room posts only: its cost per delivery is a broadcast figure.
      const t = await topo.finish(s, measured, stats.metrics.deliveriesPerSec);
      Object.assign(stats.metrics, t.metrics);
      warnings.push(t.note);
    }
    return { ...base, status: 'completed', stats, warnings, ...conformance };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    let message = e.message ?? String(err);
    // The load generator can report its connections dropping before this process has seen the
    // server exit: give the exit a moment to arrive, so the row names the root cause.
    if (server && !server.exit && e.code !== 'ESERVER_EXIT') await Promise.race([server.exited, delay(250)]);
    // A connection error is usually the server's fault: say how the server ended, if it did.
    if (server?.exit && e.code !== 'ESERVER_EXIT')
      message += `; the server ${describeExit(server.exit, server.stderrTail())}`;
    return { ...base, status: 'errored', error: { code: e.code ?? 'ERUN', message } };
  } finally {
    if (!warm || lib.target) await server?.stop();
    await topo?.stop();
  }
}

/**
 * Whether a scenario runs side by side (sidebyside/windows.ts). Not with --server-procs: its
 * Redis and workers are started per run, so a server cannot stay warm across windows.
 */
const alternatesIn =
  (plan: RunPlan) =>
  (ps: PlannedScenario): boolean =>
    ps.scenario.alternates === true && !plan.topology;

function totalEstimate(plan: RunPlan): number {
  let ms = 0;
  const wp = windowsOf(plan);
  for (const ps of plan.scenarios)
    for (const c of ps.cases)
      ms += alternatesIn(plan)(ps)
        ? (wp.blocks + 1) * (wp.settleMs + wp.windowMs + 700)
        : ps.scenario.estimateMs(c, ps.options) * (ps.scenario.runsOnce ? 1 : plan.runs);
  return ms * plan.libraries.length;
}

/** Blocks and windows of the scenarios that alternate; a plan built without them: its runs and duration. */
function windowsOf(plan: RunPlan): WindowPlan {
  return plan.windows ?? { blocks: plan.runs, windowMs: plan.durationMs, settleMs: Math.min(plan.warmupMs, 500) };
}

/** Runs, each recorded as it ends: what runAll does with one result; false once interrupted. */
interface Sink {
  plan: RunPlan;
  progress: Progress;
  control: BenchControl;
  facts: LibraryFacts;
  runs: RunResult[];
  store: ResultsStore;
  report: () => Report;
  total: number;
  index: number;
  tls?: TlsMaterial;
}

/** Runs one run (or window) with its progress lines and records it; false when the bench was interrupted. */
async function runRecorded(
  k: Sink,
  lib: PlannedLibrary,
  ps: PlannedScenario,
  c: CaseRef,
  rep: number,
  runs: number,
  warm?: WarmServers,
  notes: string[] = [],
): Promise<RunResult | null> {
  if (k.control.interrupted) return null;
  const info: RunInfo = {
    index: ++k.index,
    total: k.total,
    library: lib.name,
    scenario: ps.scenario.name,
    caseLabel: c.label,
    rep,
    runs,
  };
  k.progress.runStart(info, ps.scenario.estimateMs(c, ps.options));
  const run = await runOne(k.plan, lib, ps, c, rep, k.progress, k.facts, k.tls, warm);
  const result = notes.length && run.status === 'completed' ? { ...run, warnings: [...run.warnings, ...notes] } : run;
  // A run cut short by Ctrl-C is not a result: it is neither kept nor shown.
  if (k.control.interrupted) return null;
  k.runs.push(result);
  k.store.appendRun(result);
  k.store.write('report.json', renderJson(k.report()));
  k.progress.runEnd(info, result);
  return result;
}

/**
 * Every run of the plan. Scenarios that alternate: per case, every library's server kept warm
 * and windows in alternating blocks (sidebyside/windows.ts). The others: repetitions, then
 * scenarios and cases, then libraries in turn, a fresh server per run.
 */
async function runAll(k: Sink): Promise<void> {
  const { plan } = k;
  k.progress.start(k.total, totalEstimate(plan));
  const wp = windowsOf(plan);
  for (const ps of plan.scenarios.filter(alternatesIn(plan))) {
    for (const c of ps.cases) {
      const warm = new WarmServers();
      try {
        await runCaseSideBySide(plan.libraries, ps, wp, {
          warmup: (lib, timed, rep) => runOne(plan, lib, timed, c, rep, k.progress, k.facts, k.tls, warm),
          window: (lib, timed, rep, notes) => runRecorded(k, lib, timed, c, rep, wp.blocks, warm, notes),
        });
      } finally {
        await warm.stopAll();
      }
      if (k.control.interrupted) return;
    }
  }
  for (let rep = 0; rep < plan.runs; rep++) {
    for (const ps of plan.scenarios.filter((p) => !alternatesIn(plan)(p))) {
      if (rep > 0 && ps.scenario.runsOnce) continue;
      for (const c of ps.cases)
        for (const lib of plan.libraries)
          if (!(await runRecorded(k, lib, ps, c, rep, ps.scenario.runsOnce ? 1 : plan.runs))) return;
    }
  }
}

/** What a bench does besides its scenarios. */
export interface BenchExtras {
  /** Run the micro-benchmarks (runner/micro) after the scenarios, into report.micro. */
  micro?: Omit<MicroOptions, 'libDirs'>;
}

export async function runBench(
  plan: RunPlan,
  argv: string[],
  progress: Progress,
  control: BenchControl,
  extras: BenchExtras = {},
): Promise<BenchOutcome> {
  const store = new ResultsStore(plan.outDir);
  const runId = store.runId;
  const startedAt = new Date().toISOString();
  const env = environment(reportedPinning(plan), argv);
  const facts = new LibraryFacts();
  const runs: RunResult[] = [];
  const scenarios: Scenario[] = plan.scenarios.map((p) => p.scenario);
  const p99Max = Number(plan.scenarios.find((p) => p.scenario.name === 'rate')?.options.params['p99-max'] ?? 10);
  let micro: Report['micro'];
  const microNotes: NonNullable<Report['microNotes']> = [];
  const report = (): Report => {
    const meta: ReportMeta = {
      runId,
      startedAt,
      finishedAt: new Date().toISOString(),
      status: control.interrupted ? 'interrupted' : 'complete',
      options: {
        libraries: plan.libraries.map((l) => l.name),
        scenarios: scenarios.map((s) => s.name),
        runs: plan.runs,
        warmupMs: plan.warmupMs,
        durationMs: plan.durationMs,
        quick: plan.quick,
        baselineLib: plan.baselineLib,
        params: plan.params,
        transport: transportOptions(plan.transport),
        sideBySide: {
          scenarios: plan.scenarios.filter(alternatesIn(plan)).map((p) => p.scenario.name),
          ...windowsOf(plan),
        },
      },
      environment: env,
      libraries: facts.list(plan.libraries),
      ...(micro ? { micro } : {}),
      ...(microNotes.length ? { microNotes } : {}),
    };
    return buildReport(meta, scenarios, runs, p99Max);
  };
  const blocks = windowsOf(plan).blocks;
  const total =
    plan.libraries.length *
    plan.scenarios.reduce(
      (n, p) => n + p.cases.length * (alternatesIn(plan)(p) ? blocks : p.scenario.runsOnce ? 1 : plan.runs),
      0,
    );
  const tls = plan.scenarios.some((p) => p.cases.some((c) => c.params.tls === true))
    ? tlsMaterial(plan.transport)
    : undefined;
  try {
    await runAll({ plan, progress, control, facts, runs, store, report, total, index: 0, tls });
  } finally {
    tls?.dispose();
  }
  if (extras.micro && !control.interrupted) {
    const libDirs = Object.fromEntries(plan.libraries.flatMap((l) => (l.libDir ? [[l.name, l.libDir]] : [])));
    // Ctrl-C kills the micro process too: then there is simply no micro section.
    const onSkip = (library: string, reason: string): void => {
      microNotes.push({ library, reason });
      extras.micro?.onSkip?.(library, reason);
    };
    micro = await runMicro(
      plan.libraries.map((l) => l.name),
      { ...extras.micro, onSkip, libDirs },
    ).catch((err: unknown) => {
      if (control.interrupted) return undefined;
      throw err;
    });
  }
  const final = report();
  store.write('report.json', renderJson(final));
  return { report: final, store };
}
