/**
 * The scenario contract. A scenario names its parameters (with defaults, shown in --help and the
 * README), expands the options into measurement cases (a sweep gives several), and turns one
 * case into load-generator jobs and then into metrics. It never prints.
 */
import type { Job } from '../runner/loadgen/jobs.js';
import type { Measured, LoadgenHooks } from '../runner/process/loadgen-process.js';
import type { ServerHandle } from '../runner/process/server-process.js';
import type { CaseSummary, ConformanceCaseResult, MetricDef, Report, RunStats } from '../runner/report/schema.js';
import type { ChartDraft } from '../runner/report/chart-kit.js';

export type ParamValue = number | string | boolean | number[];
/** A value of a case's parameters (what report.json keeps of each case). */
export type CaseValue = string | number | boolean;

/** A command-line parameter of a scenario. `N`: its name, so a scenario's parameter type can be checked. */
export interface ParamDef<N extends string = string> {
  /** Option name without dashes, e.g. `connections` for `--connections`. */
  name: N;
  description: string;
  kind: 'int' | 'number' | 'list' | 'bool';
  /** Default of the full suite, and of --quick where it differs. */
  default: ParamValue;
  quick?: ParamValue;
  /** Smallest allowed value (each item, for lists). */
  min?: number;
  /**
   * The parameter sizes a sweep (payload sizes, connection counts, rates...): when the user gives
   * it, the default suite's production cases are left out (a sweep the user sized runs as given).
   */
  sizes?: boolean;
}

/** Options every scenario sees: the validated parameters plus the shared timing. */
export interface ScenarioOptions<P = Record<string, ParamValue>> {
  params: P;
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

/** The transport values the runner adds to every case (see runner/transport.ts). */
export type TransportParams = {
  frames?: CaseValue;
  tls?: CaseValue;
  compression?: CaseValue;
  production?: CaseValue;
};

/** One measurement case of a scenario whose case parameters are `C`. */
export interface Case<C = Record<string, CaseValue>> {
  id: string;
  label: string;
  params: C & TransportParams;
}

/** Which transport settings change what a scenario measures (absent: none does). */
export interface TransportUse {
  /** Its messages have a frame type: each --frames value is a case. */
  frames?: boolean;
  /** permessage-deflate changes what it measures: each --compression value is a case. */
  compression?: boolean;
  /** It sends `--messages` sets (each a case) instead of its built-in payloads. */
  messages?: boolean;
  /** Why it cannot run over TLS, when it cannot. */
  noTls?: string;
}

/** A production case of the default suite: a case of the scenario over TLS, with or without compression. */
export interface ProductionCase<C> {
  case: Case<C>;
  compression: boolean;
}

/** What a `--target` (a server wsbench did not start) declares. */
export interface TargetDeclares {
  /** `--target-broadcast <path>`: the target's broadcast endpoint. */
  broadcastPath?: string;
}

/** A finding over a whole sweep, shown first in every format (report.highlights). */
export type Highlight = NonNullable<Report['highlights']>[number];

/**
 * A scenario: `P` is the type of its validated parameters (named by `params`), `C` the type of
 * its cases' parameters. Everything the runner and the reporters know about a scenario is here.
 */
export interface Scenario<P = Record<string, ParamValue>, C = Record<string, CaseValue>> {
  name: string;
  description: string;
  /** How the load generator paces here; stated in the report. */
  pacing: string;
  /** Its parameters: each one a key of `P`, which the plan fills (given, else the default). */
  params: ParamDef[];
  metrics: MetricDef[];
  /** The metric that ranks libraries. */
  headline: string;
  cases(o: ScenarioOptions<P>): Case<C>[];
  /** Which transports change what it measures (frames, compression, TLS). */
  transports?: TransportUse;
  /**
   * The default suite's production cases (over TLS; compressed where `compression`), added when
   * no transport flag and no sizing parameter was given.
   */
  production?(o: ScenarioOptions<P>): ProductionCase<C>[];
  /** Why a running `--target` cannot run this scenario, given what it declares; null if it can. */
  target?(t: TargetDeclares): string | null;
  /**
   * Findings over the sweep, from this scenario's summaries and the parameters the user gave
   * (report.options.params: a default is the scenario's own).
   */
  highlights?(summaries: CaseSummary[], given: Record<string, CaseValue>): Highlight[];
  /** Charts of its own in the HTML report, beyond the percentile curves and timelines. */
  charts?(report: Report, section: string): ChartDraft[];
  /** One-line summaries per library for "At a glance" (e.g. an observed policy), from the report. */
  glance?(report: Report): { scenario: string; library: string; summary: string }[];
  /** How far one of its findings moves from run to run (e.g. ` (runs: 1.00k–5.00k, n=3)`); '' when it does not apply. */
  findingRange?(report: Report, h: NonNullable<Report['highlights']>[number]): string;
  /** The metric a transport cost (TLS, compression) is told in; absent: the headline. */
  costMetric?: string;
  /**
   * Whether a case applies to a library: null if it does, else the reason it does not (the run
   * is then 'skipped' with that reason, and no server is started). Absent: every case applies.
   */
  supports?(library: string, c: Case<C>): string | null;
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
  serverEnv?(c: Case<C>): Record<string, string>;
  /** Its load splits into shards of a distributed run (wsbench worker / gather): one job, sliced. */
  shardable?: boolean;
  /** Runs once whatever --runs says (its result does not vary from run to run). */
  runsOnce?: boolean;
  /**
   * Its own measured window, in seconds, when --duration is not given (and under --quick): for a
   * scenario whose answer takes longer to show than a throughput window (a slow member's backlog),
   * or that measures outside its window (connections: the ramp; the window is an idle hold).
   */
  window?: { durationS: number; quickDurationS: number };
  /** Open files the server and load generator need for a case (raised with prlimit). */
  nofile?(c: Case<C>): number | undefined;
  run(ctx: RunContext, c: Case<C>, o: ScenarioOptions<P>): Promise<ScenarioOutcome>;
  /** Expected wall time of one run, for the progress display's estimate. */
  estimateMs(c: Case<C>, o: ScenarioOptions<P>): number;
}
