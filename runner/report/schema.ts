/**
 * The Report document: one per bench run, versioned. Every reporter is a pure function of it,
 * and `npm run report` rebuilds every output from it. Its JSON Schema is published as
 * schema/report.schema.json (regenerate with `npm run schema`).
 */
import { z } from 'zod';

export const REPORT_SCHEMA_ID = 'wsbench/report';
export const REPORT_VERSION = 1;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** How a metric reads: its unit and which direction is better. */
export const MetricDef = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.string(),
  better: z.enum(['higher', 'lower', 'none']),
  /** Shown in the console and Markdown tables (the rest only in JSON/HTML). */
  primary: z.boolean().optional(),
});
export type MetricDef = z.infer<typeof MetricDef>;

/** One measurement case: a scenario with a set of parameters (a sweep gives several). */
export const CaseRef = z.object({
  id: z.string(),
  label: z.string(),
  params: z.record(z.string(), Scalar),
});
export type CaseRef = z.infer<typeof CaseRef>;

/** One probe of a capacity search: the load offered, whether it passed, what was measured. */
export const Probe = z.object({
  /** msg/s for a rate search, clients for a room search. */
  offered: z.number(),
  pass: z.boolean(),
  /** achieved, p50Us, p99Us, ... as measured. */
  figures: z.record(z.string(), z.number()),
  /** Why it failed. */
  why: z.string().optional(),
  /** Repetition index (in CaseSummary.probes, where the runs' probes are gathered). */
  rep: z.number().int().optional(),
});
export type Probe = z.infer<typeof Probe>;

/**
 * slow-consumers: the policy observed towards the slow members, the knob that controls it, the
 * per-second timelines (the runner's samples: t, rssMiB, heapMiB, bufferedBytes, sendQSlow,
 * sendQFast; the load generator's: fastDelivered, slowDelivered, fastP50Us, fastP99Us; null where
 * not known), and the slow members the server closed.
 */
export const SlowConsumersDetail = z.object({
  policy: z.array(z.enum(['buffers without bound', 'drops', 'disconnects', 'kept up'])),
  verdict: z.string(),
  knob: z.string(),
  series: z.record(z.string(), z.array(z.number().nullable())),
  closes: z.array(
    z.object({
      client: z.number(),
      slow: z.boolean(),
      atS: z.number(),
      code: z.number(),
      bytes: z.number(),
      port: z.number(),
    }),
  ),
});
export type SlowConsumersDetail = z.infer<typeof SlowConsumersDetail>;

/** What one completed run measured. */
export const RunStats = z.object({
  /** slow-consumers only. */
  slowConsumers: SlowConsumersDetail.optional(),
  /** Values keyed by the scenario's MetricDef keys. */
  metrics: z.record(z.string(), z.number()),
  /** HDR histograms, compressed base64, values in nanoseconds; merged across runs. */
  histograms: z.record(z.string(), z.string()),
  /** Messages per second over each second of the measured window. */
  timeline: z.array(z.number()).optional(),
  clientBound: z.boolean(),
  /** Over TLS: what the load generator's connections negotiated (first connection). */
  tls: z
    .object({
      protocol: z.string(),
      cipher: z.string(),
      keyType: z.string(),
      /** Handshakes that resumed a session: 0 unless --tls-resume. */
      resumed: z.number(),
    })
    .optional(),
  /**
   * Open-loop runs: the load generator's sends left late (send-lag p99 above max(latency p50 / 10,
   * 50 µs)), so the latency is partly ours. Absent for closed-loop runs and older reports.
   */
  pacingBound: z.boolean().optional(),
  /** Capacity searches: every probe, in the order run. */
  probes: z.array(Probe).optional(),
});
export type RunStats = z.infer<typeof RunStats>;

/** One conformance case's verdict against one library, with what was seen (see runner/conformance). */
export const ConformanceCaseResult = z.object({
  id: z.string(),
  category: z.string(),
  title: z.string(),
  /** What RFC 6455 asks, in a few words. */
  expected: z.string(),
  verdict: z.enum(['pass', 'non-strict', 'fail', 'informational', 'crashed', 'errored']),
  /** What the server did: close code, HTTP status, TCP close without a close frame, nothing in time. */
  seen: z.string(),
  ms: z.number(),
});
export type ConformanceCaseResult = z.infer<typeof ConformanceCaseResult>;

/** The conformance matrix's column for one library: a one-line summary, counts and every case. */
export const ConformanceLibrary = z.object({
  library: z.string(),
  /** e.g. `58/60 strict, 1 non-strict, 1 fail: unmasked client text frame`. */
  summary: z.string(),
  counts: z.record(z.string(), z.number()),
  /** At which layer the cases ran (Engine.IO's websocket transport, SockJS's raw endpoint...). */
  layer: z.string().optional(),
  cases: z.array(ConformanceCaseResult),
});
export type ConformanceLibrary = z.infer<typeof ConformanceLibrary>;

const RunBase = z.object({
  library: z.string(),
  scenario: z.string(),
  case: CaseRef,
  /** Repetition index, from 0. */
  rep: z.number().int(),
  startedAt: z.string(),
});

export const RunResult = z.discriminatedUnion('status', [
  RunBase.extend({
    status: z.literal('completed'),
    stats: RunStats,
    warnings: z.array(z.string()),
    /** Per-case verdicts of a conformance run (absent for every other scenario). */
    conformance: z.array(ConformanceCaseResult).optional(),
  }),
  RunBase.extend({
    status: z.literal('errored'),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
  RunBase.extend({ status: z.literal('skipped'), reason: z.string() }),
]);
export type RunResult = z.infer<typeof RunResult>;

/**
 * Median of the runs with its spread. Every number is finite: a metric no run measured as a finite
 * number is left out of `metrics`, never written as null.
 */
export const Aggregate = z.object({
  median: z.number(),
  min: z.number(),
  max: z.number(),
  /** (max - min) / |median|; 0 for one run; with spreadKind 'absolute', max - min in the metric's unit. */
  spread: z
    .number()
    .describe(
      "(max - min) / |median| of the runs, 0 for one run or identical runs; when the median is 0 and the runs differ, the absolute max - min in the metric's unit (spreadKind 'absolute')",
    ),
  /**
   * Absent or `relative` (reports written before it existed): spread is relative to the median.
   * `absolute`: the median is 0, so spread is max - min in the metric's unit.
   */
  spreadKind: z
    .enum(['relative', 'absolute'])
    .optional()
    .describe(
      "absent or 'relative': spread is relative to the median; 'absolute': the median is 0 and spread is max - min in the metric's unit",
    ),
  noisy: z.boolean(),
});
export type Aggregate = z.infer<typeof Aggregate>;

/** Percentiles of a histogram merged over all runs, in microseconds. */
export const LatencySummary = z.object({
  count: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  /** [percentile, microseconds] points for the HDR percentile plot. */
  curve: z.array(z.tuple([z.number(), z.number()])),
});
export type LatencySummary = z.infer<typeof LatencySummary>;

/** All runs of one library in one case, aggregated. */
export const CaseSummary = z.object({
  scenario: z.string(),
  case: CaseRef,
  library: z.string(),
  status: z.enum(['completed', 'errored', 'skipped']),
  runsCompleted: z.number().int(),
  runsTotal: z.number().int(),
  metrics: z.record(z.string(), Aggregate),
  latency: z.record(z.string(), LatencySummary),
  /** Timeline of the median run (by the scenario's headline metric). */
  timeline: z.array(z.number()).optional(),
  clientBound: z.boolean(),
  /** Some run was pacing-bound (see RunStats.pacingBound). Absent where no run said. */
  pacingBound: z.boolean().optional(),
  /** slow-consumers: the median run's policy, timelines and closes. */
  slowConsumers: SlowConsumersDetail.optional(),
  /** Capacity searches: every probe of every completed run (each with its `rep`). */
  probes: z.array(Probe).optional(),
  noisy: z.boolean(),
  /** Why runs errored or were skipped. */
  errors: z.array(z.string()),
  /**
   * What completed runs warned about (e.g. `achieved 4,100 msg/s of 5,000 offered`),
   * deduplicated; prefixed `run 2: ` (or `runs 1, 3: `) when not every completed run gave it.
   * Absent when there were none, and in reports written before it existed.
   */
  warnings: z.array(z.string()).optional(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

/**
 * One library against the baseline on a scenario's headline metric, over the windows measured
 * side by side (runner/sidebyside): a 95 % interval of the ratio and a test over the blocks.
 */
export const ComparisonSummary = z.object({
  scenario: z.string(),
  caseId: z.string(),
  library: z.string(),
  /** The library compared against (the baseline). */
  base: z.string(),
  metric: z.string(),
  /** Blocks (pairs of windows) used. */
  n: z.number().int(),
  /** Geometric mean of library / base over the blocks. */
  ratio: z.number().nullable(),
  /** 95 % interval of the ratio: Student's t on the blocks' log ratios; null with fewer than 2 blocks. */
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  /** Two-sided Wilcoxon signed-rank p over the blocks; null for an unpaired (Welch) interval. */
  p: z.number().nullable(),
  method: z.enum(['paired', 'welch']),
  /** For the library, in the metric's better direction; `same` where the runs cannot tell. */
  verdict: z.enum(['better', 'worse', 'same']),
  /** As every output words it: `1.10x slower [1.07–1.13]`, `~ same (p=0.31, n=6)`. */
  text: z.string(),
});
export type ComparisonSummary = z.infer<typeof ComparisonSummary>;

export const LibraryInfo = z.object({
  name: z.string(),
  packageName: z.string(),
  version: z.string(),
  settings: z.record(z.string(), Scalar),
  /** Facts learned when a server started (native addons loaded, ...). */
  facts: z.record(z.string(), Scalar),
});
export type LibraryInfo = z.infer<typeof LibraryInfo>;

export const ScenarioInfo = z.object({
  name: z.string(),
  description: z.string(),
  metrics: z.array(MetricDef),
  /** The metric that ranks libraries in this scenario. */
  headline: z.string(),
  /** How the load generator paces in this scenario. */
  pacing: z.string(),
});
export type ScenarioInfo = z.infer<typeof ScenarioInfo>;

export const Environment = z.object({
  node: z.string(),
  v8: z.string(),
  os: z.string(),
  kernel: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cores: z.number(),
  memoryGiB: z.number(),
  pinning: z.object({
    method: z.string(),
    serverCpu: z.string(),
    clientCpu: z.string(),
    note: z.string(),
  }),
  wsbenchVersion: z.string(),
  gitCommit: z.string().nullable(),
  command: z.string(),
});
export type Environment = z.infer<typeof Environment>;

/** Why one library has no micro-benchmark rows. */
export const MicroNote = z.object({
  library: z.string(),
  reason: z.string(),
});
export type MicroNote = z.infer<typeof MicroNote>;

export const Report = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  version: z.literal(REPORT_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** 'interrupted' when SIGINT/SIGTERM ended the bench before its plan was done. */
  status: z.enum(['complete', 'interrupted']),
  options: z.object({
    libraries: z.array(z.string()),
    scenarios: z.array(z.string()),
    runs: z.number().int(),
    warmupMs: z.number(),
    durationMs: z.number(),
    quick: z.boolean(),
    baselineLib: z.string(),
    params: z.record(z.string(), Scalar),
    /**
     * Frame type, TLS and compression of the cases (lists: each value a case), TLS resumption
     * and certificate. Absent in reports written before they existed (binary frames, plain TCP).
     */
    transport: z.record(z.string(), Scalar).optional(),
    /**
     * Scenarios measured side by side in alternating windows (runner/sidebyside/windows.ts): which,
     * how many blocks, each window's length and settle time. Absent in reports written before.
     */
    sideBySide: z
      .object({
        scenarios: z.array(z.string()),
        blocks: z.number().int(),
        windowMs: z.number(),
        settleMs: z.number(),
      })
      .optional(),
  }),
  environment: Environment,
  libraries: z.array(LibraryInfo),
  scenarios: z.array(ScenarioInfo),
  runs: z.array(RunResult),
  summaries: z.array(CaseSummary),
  /**
   * Every library against the baseline on each case's headline metric, with its interval and
   * test. Absent in reports written before it existed (the outputs compute it from the runs).
   */
  comparisons: z.array(ComparisonSummary).optional(),
  /** Findings over a whole sweep, e.g. the highest rate whose p99 stays under --p99-max. */
  highlights: z
    .array(
      z.object({
        scenario: z.string(),
        library: z.string(),
        label: z.string(),
        value: z.number().nullable(),
        unit: z.string(),
      }),
    )
    .optional(),
  /** Micro-benchmark results (tinybench), when --micro ran. */
  micro: z
    .array(
      z.object({
        library: z.string(),
        task: z.string(),
        opsPerSec: z.number(),
        meanNs: z.number(),
        marginPct: z.number(),
        samples: z.number(),
      }),
    )
    .optional(),
  /**
   * Why a library has no micro-benchmark rows, e.g. uWebSockets.js frames messages in native
   * code with no JS API to time. One entry per library without rows.
   */
  microNotes: z.array(MicroNote).optional(),
  /** The conformance scenario's matrix: one entry per library that ran it, raw observations included. */
  conformance: z.array(ConformanceLibrary).optional(),
});
export type Report = z.infer<typeof Report>;
