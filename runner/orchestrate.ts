/**
 * Executes a RunPlan: for each repetition, each scenario case, each library in turn (so drift
 * hits all alike): start the server, measure, append the run to runs.jsonl, stop the server.
 * A library that fails becomes an errored run and the others go on. runs.jsonl gets every run as
 * it ends (report.json every few seconds and at the end), so an interruption loses at most the run
 * in flight.
 */
import type { Scenario } from '../scenarios/types.js';
import { buildReport, type ReportMeta } from './aggregate.js';
import { environment } from './environment.js';
import { LibraryFacts } from './library-facts.js';
import { reportedPinning } from './process/loadgen-placement.js';
import { runMicro, type MicroOptions } from './micro/index.js';
import type { PlannedLibrary, PlannedScenario, RunPlan } from './plan.js';
import type { Progress, RunInfo } from './progress.js';
import type { CaseRef, Report, RunResult } from './report/schema.js';
import { ResultsStore } from './store.js';
import { renderJson } from './report/json.js';
import { runOne } from './run-one.js';
import { tlsMaterial, type TlsMaterial } from './tls-cert.js';
import { transportOptions } from './transport.js';
import { runCaseSideBySide, WarmServers, type WindowPlan } from './sidebyside/windows.js';

export interface BenchControl {
  /** Set by the CLI's signal handler: no new run starts once it is set. */
  interrupted: NodeJS.Signals | null;
}

export interface BenchOutcome {
  report: Report;
  store: ResultsStore;
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
        ? (wp.blocks + 1) * (wp.settleMs + wp.windowMs + 300)
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
  /** When report.json was last rewritten, and what rebuilding it cost (ms). */
  written: { at: number; costMs: number };
}

/** report.json between runs: at most every 2 s, and never more than a tenth of the bench's time. */
const REPORT_EVERY_MS = 2000;

/**
 * Rewrites report.json unless it was rewritten a moment ago. Rebuilding it is work over every run
 * so far (its intervals and tests; about 0.3 s at 150 runs here): after every one of hundreds of
 * windows it would cost the bench minutes. runs.jsonl has every run the moment it ends, and
 * runBench writes the whole report at the end (and on Ctrl-C).
 */
function writeReportSoon(k: Sink): void {
  const now = performance.now();
  if (now - k.written.at < Math.max(REPORT_EVERY_MS, 10 * k.written.costMs)) return;
  k.store.write('report.json', renderJson(k.report()));
  k.written = { at: now, costMs: performance.now() - now };
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
  /** A result already in hand (a warm-up window that errored): recorded, not run. */
  given?: RunResult,
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
  const run =
    given ?? (await runOne({ plan: k.plan, progress: k.progress, facts: k.facts, tls: k.tls }, lib, ps, c, rep, warm));
  const result = notes.length && run.status === 'completed' ? { ...run, warnings: [...run.warnings, ...notes] } : run;
  // A run cut short by Ctrl-C is not a result: it is neither kept nor shown.
  if (k.control.interrupted) return null;
  k.runs.push(result);
  k.store.appendRun(result);
  writeReportSoon(k);
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
        await runCaseSideBySide(
          plan.libraries,
          ps,
          wp,
          {
            warmup: (lib, timed, rep) =>
              runOne({ plan, progress: k.progress, facts: k.facts, tls: k.tls }, lib, timed, c, rep, warm),
            window: (lib, timed, rep, notes) => runRecorded(k, lib, timed, c, rep, wp.blocks, warm, notes),
            failed: (lib, timed, result) => runRecorded(k, lib, timed, c, 0, wp.blocks, warm, [], result),
          },
          plan.baselineLib,
        );
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
    return buildReport(meta, scenarios, runs);
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
    const written = { at: Number.NEGATIVE_INFINITY, costMs: 0 };
    await runAll({ plan, progress, control, facts, runs, store, report, total, index: 0, tls, written });
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
