/**
 * Executes a RunPlan: for each repetition, each scenario case, each library in turn (so drift
 * hits all alike): start the server, measure, append the run to runs.jsonl, stop the server.
 * A library that fails becomes an errored run and the others go on. The report is rewritten
 * after every run, so an interruption loses at most the run in flight.
 */
import type { Scenario } from '../scenarios/types.js';
import { buildReport, type ReportMeta } from './aggregate.js';
import { environment } from './environment.js';
import { LibraryFacts } from './library-facts.js';
import { reportedPinning } from './process/loadgen-placement.js';
import { runMicro, type MicroOptions } from './micro/index.js';
import type { RunPlan } from './plan.js';
import type { Progress, RunInfo } from './progress.js';
import type { Report, RunResult } from './report/schema.js';
import { ResultsStore } from './store.js';
import { renderJson } from './report/json.js';
import { runOne } from './run-one.js';
import { tlsMaterial, type TlsMaterial } from './tls-cert.js';
import { transportOptions } from './transport.js';

export interface BenchControl {
  /** Set by the CLI's signal handler: no new run starts once it is set. */
  interrupted: NodeJS.Signals | null;
}

export interface BenchOutcome {
  report: Report;
  store: ResultsStore;
}

function totalEstimate(plan: RunPlan): number {
  let ms = 0;
  for (const ps of plan.scenarios)
    for (const c of ps.cases) ms += ps.scenario.estimateMs(c, ps.options) * (ps.scenario.runsOnce ? 1 : plan.runs);
  return ms * plan.libraries.length;
}

/** Every run of the plan: repetitions, then scenarios and cases, then libraries in turn. */
async function runAll(
  plan: RunPlan,
  progress: Progress,
  control: BenchControl,
  facts: LibraryFacts,
  runs: RunResult[],
  store: ResultsStore,
  report: () => Report,
  total: number,
  tls?: TlsMaterial,
): Promise<void> {
  progress.start(total, totalEstimate(plan));
  let index = 0;
  outer: for (let rep = 0; rep < plan.runs; rep++) {
    for (const ps of plan.scenarios) {
      if (rep > 0 && ps.scenario.runsOnce) continue;
      for (const c of ps.cases) {
        for (const lib of plan.libraries) {
          if (control.interrupted) break outer;
          const info: RunInfo = {
            index: ++index,
            total,
            library: lib.name,
            scenario: ps.scenario.name,
            caseLabel: c.label,
            rep,
            runs: ps.scenario.runsOnce ? 1 : plan.runs,
          };
          progress.runStart(info, ps.scenario.estimateMs(c, ps.options));
          const result = await runOne({ plan, progress, facts, tls }, lib, ps, c, rep);
          // A run cut short by Ctrl-C is not a result: it is neither kept nor shown.
          if (control.interrupted) break outer;
          runs.push(result);
          store.appendRun(result);
          store.write('report.json', renderJson(report()));
          progress.runEnd(info, result);
        }
      }
    }
  }
}

/** What a bench does besides its scenarios. */
export interface BenchExtras {
  /** Run the micro-benchmarks (runner/micro) after the scenarios, into report.micro. */
  micro?: Omit<MicroOptions, 'libDirs'>;
}

/** The micro-benchmarks after the scenarios; their skip notes go to `notes`. */
async function microStep(
  plan: RunPlan,
  options: NonNullable<BenchExtras['micro']>,
  control: BenchControl,
  notes: NonNullable<Report['microNotes']>,
): Promise<Report['micro']> {
  const libDirs = Object.fromEntries(plan.libraries.flatMap((l) => (l.libDir ? [[l.name, l.libDir]] : [])));
  // Ctrl-C kills the micro process too: then there is simply no micro section.
  const onSkip = (library: string, reason: string): void => {
    notes.push({ library, reason });
    options.onSkip?.(library, reason);
  };
  return runMicro(
    plan.libraries.map((l) => l.name),
    { ...options, onSkip, libDirs },
  ).catch((err: unknown) => {
    if (control.interrupted) return undefined;
    throw err;
  });
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
      },
      environment: env,
      libraries: facts.list(plan.libraries),
      ...(micro ? { micro } : {}),
      ...(microNotes.length ? { microNotes } : {}),
    };
    return buildReport(meta, scenarios, runs);
  };
  const total =
    plan.libraries.length *
    plan.scenarios.reduce((n, p) => n + p.cases.length * (p.scenario.runsOnce ? 1 : plan.runs), 0);
  const tls = plan.scenarios.some((p) => p.cases.some((c) => c.params.tls === true))
    ? tlsMaterial(plan.transport)
    : undefined;
  try {
    await runAll(plan, progress, control, facts, runs, store, report, total, tls);
  } finally {
    tls?.dispose();
  }
  if (extras.micro && !control.interrupted) micro = await microStep(plan, extras.micro, control, microNotes);
  const final = report();
  store.write('report.json', renderJson(final));
  return { report: final, store };
}
