/**
 * The scenario contract. A scenario names its parameters (with defaults, shown in --help and the
 * README), expands the options into measurement cases (a sweep gives several), and turns one
 * case into load-generator jobs and then into metrics. It never prints.
 */
import type { Job } from '../runner/loadgen/jobs.js';
import type { Measured, LoadgenHooks } from '../runner/process/loadgen-process.js';
import type { ServerHandle } from '../runner/process/server-process.js';
import type { CaseRef, ConformanceCaseResult, MetricDef, RunStats } from '../runner/report/schema.js';

export type ParamValue = number | string | boolean | number[];

/** A command-line parameter of a scenario. */
export interface ParamDef {
  /** Option name without dashes, e.g. `connections` for `--connections`. */
  name: string;
  description: string;
  kind: 'int' | 'number' | 'list' | 'bool';
  /** Default of the full suite, and of --quick where it differs. */
  default: ParamValue;
  quick?: ParamValue;
  /** Smallest allowed value (each item, for lists). */
  min?: number;
}

/** Options every scenario sees: the validated parameters plus the shared timing. */
export interface ScenarioOptions {
  params: Record<string, ParamValue>;
  warmupMs: number;
  durationMs: number;
  quick: boolean;
}

/** What a scenario may do during one run; the runner owns processes and timing. */
export interface RunContext {
  /** The library under test, as named in results (`name@folder` for another install). */
  library: string;
  server: ServerHandle;
  target: { host: string; port: number; codecModule: string; paths?: { echo?: string; broadcast?: string } };
  /** Runs one load-generator job against the server and samples both processes' CPU. */
  measure(job: Job, hooks?: Partial<Pick<LoadgenHooks, 'onRamped' | 'nofile' | 'timeoutMs'>>): Promise<Measured>;
  /**
   * Stops the server (if it still runs) and starts a fresh one of the same library; `server` and
   * `target` then describe the new one. For scenarios that survive a server crash (conformance).
   */
  restartServer?(): Promise<{ host: string; port: number }>;
}

export interface ScenarioOutcome {
  stats: RunStats;
  warnings: string[];
  /** Per-case verdicts (the conformance scenario), kept with the run. */
  conformance?: ConformanceCaseResult[];
}

export interface Scenario {
  name: string;
  description: string;
  /** How the load generator paces here; stated in the report. */
  pacing: string;
  params: ParamDef[];
  metrics: MetricDef[];
  /** The metric that ranks libraries. */
  headline: string;
  cases(o: ScenarioOptions): CaseRef[];
  /**
   * Whether a case applies to a library: null if it does, else the reason it does not (the run
   * is then 'skipped' with that reason, and no server is started). Absent: every case applies.
   */
  supports?(library: string, c: CaseRef): string | null;
  /**
   * A server mode this scenario needs, passed to the server process as WSBENCH_SERVER_MODE (e.g.
   * `fallback`: socket.io also allows HTTP long-polling). Adapters that know it change settings.
   */
  serverMode?: string;
  /**
   * Measured side by side in alternating windows (runner/sidebyside/windows.ts): every library's
   * server kept warm through the case, short windows A B | B A | ... Absent: one fresh server per run.
   */
  alternates?: boolean;
  /** Extra environment for the server process of a case (e.g. a backpressure limit). */
  serverEnv?(c: CaseRef): Record<string, string>;
  /** Runs once whatever --runs says (its result does not vary from run to run). */
  runsOnce?: boolean;
  /** Open files the server and load generator need for a case (raised with prlimit). */
  nofile?(c: CaseRef): number | undefined;
  run(ctx: RunContext, c: CaseRef, o: ScenarioOptions): Promise<ScenarioOutcome>;
  /** Expected wall time of one run, for the progress display's estimate. */
  estimateMs(c: CaseRef, o: ScenarioOptions): number;
}
