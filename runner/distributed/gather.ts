/**
 * `wsbench gather`: shard results -> an ordinary report. The shards of one plan are merged as
 * `--loadgen-procs` merges its processes (runner/process/loadgen-multi.ts mergeMeasured:
 * histograms merged exactly, counters summed), the scenario turns the merged measurement into
 * its metrics as in a local run, and every shard keeps its figures (metrics loadgen*<i>, a note
 * each). A shard that is missing, failed, started late or was client-bound is named, and the
 * merged row carries it (shardsMissing, shardsLate, shardsFailed; clientBound).
 */
import { DEFAULT_BASELINE } from '../../adapters/index.js';
import { m } from '../../scenarios/common.js';
import type { Scenario } from '../../scenarios/types.js';
import { buildReport, type ReportMeta } from '../aggregate.js';
import { environment } from '../environment.js';
import { UsageError } from '../errors.js';
import { mergeMeasured } from '../process/loadgen-multi.js';
import type { Measured } from '../process/loadgen-process.js';
import type { Report, RunResult } from '../report/schema.js';
import { ResultsStore } from '../store.js';
import { renderJson } from '../report/json.js';
import { planScenario, shardContext, type ShardPlan } from './plan-file.js';
import { readResults, type ShardResult } from './result.js';
import { shardNote, shardProblems } from './notes.js';

export const SHARD_DEFS = [
  m('shards', 'shards', '', 'none'),
  m('shardsMissing', 'shards missing', '', 'lower', true),
  m('shardsLate', 'shards late', '', 'lower', true),
  m('shardsFailed', 'shards failed', '', 'lower'),
  m('startDelayMaxMs', 'latest start', 'ms', 'lower'),
  m('clockOffsetMaxMs', 'largest clock offset', 'ms', 'lower'),
];

/** One result per shard index (a completed one before a failed one); duplicates are noted. */
function byIndex(docs: ShardResult[]): { shards: Map<number, ShardResult>; notes: string[] } {
  const shards = new Map<number, ShardResult>();
  const notes: string[] = [];
  for (const d of docs) {
    const had = shards.get(d.index);
    if (!had || (had.status === 'failed' && d.status === 'completed')) shards.set(d.index, d);
    if (had)
      notes.push(
        `shard ${d.index + 1}/${d.plan.shards}: ${docs.filter((x) => x.index === d.index).length} results found, the first completed one kept`,
      );
  }
  return { shards, notes: [...new Set(notes)] };
}

/** The shards' measurements as one: mergeMeasured, then what a simultaneous ramp needs. */
export function mergeShards(done: ShardResult[]): Measured {
  const parts = done.map((d, i) => (i === 0 ? d.measured! : { ...d.measured!, serverUnmeasured: undefined }));
  const merged = mergeMeasured(parts);
  if (done[0].plan.job.kind !== 'hold' || done.length === 1) return merged;
  // The ramps ran side by side: the merged ramp lasts from the first shard's start to the last one's end.
  const starts = done.map((d) => d.startDelayMs ?? 0);
  const ends = done.map((d, i) => starts[i] + d.measured!.result.counts.rampMs);
  merged.result.counts.rampMs = Math.max(...ends) - Math.min(...starts);
  const ramp = done.map((d) => d.measured!.rampClientCpu).filter((c): c is number => typeof c === 'number');
  merged.rampClientCpu = ramp.length ? Math.max(...ramp) : null;
  merged.rampServerCpu = done[0].measured!.rampServerCpu ?? null;
  return merged;
}

/** Shard figures for the merged row's metrics. */
function shardMetrics(plan: ShardPlan, shards: Map<number, ShardResult>, late: number): Record<string, number> {
  const docs = [...shards.values()];
  const delays = docs.flatMap((d) => (d.startDelayMs === null ? [] : [d.startDelayMs]));
  const offsets = docs.flatMap((d) => (d.clock ? [Math.abs(d.clock.offsetMs)] : []));
  return {
    shards: plan.shards,
    shardsMissing: plan.shards - shards.size,
    shardsLate: late,
    shardsFailed: docs.filter((d) => d.status === 'failed').length,
    ...(delays.length ? { startDelayMaxMs: Math.max(...delays) } : {}),
    ...(offsets.length ? { clockOffsetMaxMs: Math.max(...offsets) } : {}),
  };
}

/** The run of one plan, from its shards' results. */
export async function planRun(docs: ShardResult[], rep: number): Promise<RunResult> {
  const plan = docs[0].plan;
  const { shards, notes } = byIndex(docs);
  const problems = shardProblems(plan, shards);
  const base = {
    library: plan.library,
    scenario: plan.scenario,
    case: plan.case,
    rep,
    startedAt: new Date(plan.startAt).toISOString(),
  };
  const done = [...shards.values()]
    .filter((d) => d.status === 'completed' && d.measured)
    .sort((a, b) => a.index - b.index);
  if (done.length === 0)
    return {
      ...base,
      status: 'errored',
      error: { code: 'ESHARDS', message: `no shard of ${plan.shards} completed: ${problems.lines.join('; ')}` },
    };
  const merged = mergeShards(done);
  const scenario = planScenario(plan);
  const outcome = await scenario.run(
    shardContext(plan.library, { host: '', port: 0 }, '', async () => merged),
    plan.case,
    plan.options,
  );
  const metrics = { ...outcome.stats.metrics, ...shardMetrics(plan, shards, problems.late) };
  let warnings = outcome.warnings.filter((w) => !/^\d+ load-generator processes/.test(w));
  if (plan.job.kind === 'hold') {
    // The server is not on the shards' hosts: no memory figures (the scenario read zeros).
    delete metrics.kibPerConnRss;
    delete metrics.kibPerConnHeap;
    // Per shard, the ramp's CPU (the idle window's says nothing); no messages to count.
    done.forEach((d, i) => {
      delete metrics[`loadgenMsgsPerSec${i + 1}`];
      delete metrics[`loadgenLatencyCount${i + 1}`];
      if (d.measured!.rampClientCpu != null) metrics[`loadgenCpuPct${i + 1}`] = d.measured!.rampClientCpu;
    });
    warnings = [
      ...warnings.filter((w) => !/--expose-gc/.test(w)),
      "server memory per connection not measured: the server is not on the shards' hosts",
    ];
  }
  const clientBound = outcome.stats.clientBound || done.some((d) => d.clientBound === true);
  const pacingBound = outcome.stats.pacingBound === true || done.some((d) => d.pacingBound === true);
  const paced =
    outcome.stats.pacingBound !== undefined || done.some((d) => d.pacingBound !== undefined) ? { pacingBound } : {};
  const lines = [...problems.lines, ...notes, ...[...shards.values()].sort((a, b) => a.index - b.index).map(shardNote)];
  return {
    ...base,
    status: 'completed',
    stats: { ...outcome.stats, metrics, clientBound, ...paced },
    warnings: [...lines, ...warnings],
  };
}

/** Groups results by plan; repeated plans of one (library, scenario, case) become repetitions. */
export async function gatherRuns(docs: ShardResult[]): Promise<RunResult[]> {
  const plans = new Map<string, ShardResult[]>();
  for (const d of docs) plans.set(d.plan.id, [...(plans.get(d.plan.id) ?? []), d]);
  const sorted = [...plans.values()].sort((a, b) => a[0].plan.startAt - b[0].plan.startAt);
  const reps = new Map<string, number>();
  const runs: RunResult[] = [];
  for (const group of sorted) {
    const p = group[0].plan;
    const key = JSON.stringify([p.library, p.scenario, p.case.id]);
    const rep = reps.get(key) ?? 0;
    reps.set(key, rep + 1);
    runs.push(await planRun(group, rep));
  }
  return runs;
}

function meta(plans: ShardPlan[], runs: RunResult[], argv: string[], runId: string): ReportMeta {
  const first = plans[0];
  const libraries = [...new Set(plans.map((p) => p.library))];
  const params: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(first.options.params)) params[k] = Array.isArray(v) ? v.join(',') : v;
  const pinning = {
    method: 'none',
    serverCpu: 'remote',
    clientCpu: `${first.shards} shards`,
    note: "distributed run: each shard on its own host (wsbench worker); this environment is the gathering machine's",
  };
  return {
    runId,
    startedAt: new Date(Math.min(...plans.map((p) => p.startAt))).toISOString(),
    finishedAt: new Date().toISOString(),
    status: 'complete',
    options: {
      libraries,
      scenarios: [...new Set(plans.map((p) => p.scenario))],
      runs: Math.max(1, ...libraries.map((l) => runs.filter((r) => r.library === l).length)),
      warmupMs: first.options.warmupMs,
      durationMs: first.options.durationMs,
      quick: first.options.quick,
      baselineLib: libraries.includes(DEFAULT_BASELINE) ? DEFAULT_BASELINE : libraries[0],
      params: { ...params, shards: first.shards },
    },
    environment: environment(pinning as Parameters<typeof environment>[0], argv),
    libraries: libraries.map((name) => {
      const p = plans.find((x) => x.library === name)!;
      return {
        name,
        packageName: name,
        version: 'n/a',
        settings: {
          target: p.target.url,
          protocol: p.target.protocol,
          shards: p.shards,
          plans: plans
            .filter((x) => x.library === name)
            .map((x) => x.id)
            .join(', '),
        },
        facts: {},
      };
    }),
  };
}

/** Reads shard results from files, folders or logs and writes the report into outDir/<run-id>/. */
export async function gather(
  inputs: string[],
  outDir: string,
  argv: string[],
): Promise<{ report: Report; store: ResultsStore; broken: string[] }> {
  const { docs, broken, files } = readResults(inputs);
  if (docs.length === 0) {
    throw new UsageError(
      `no shard results in ${inputs.join(', ')} (${files} file${files === 1 ? '' : 's'}${broken.length ? `; ${broken[0]}` : ''}): pass the files or folder the workers wrote, or saved kubectl logs`,
    );
  }
  const runs = await gatherRuns(docs);
  const plans = [...new Map(docs.map((d) => [d.plan.id, d.plan])).values()];
  const scenarios: Scenario[] = [...new Set(plans.map((p) => p.scenario))].map((name) => {
    const s = planScenario(plans.find((p) => p.scenario === name)!);
    return { ...s, metrics: [...s.metrics, ...SHARD_DEFS] };
  });
  const store = new ResultsStore(outDir);
  for (const r of runs) {
    if (r.status === 'completed' && broken.length) r.warnings.push(...broken.map((b) => `unreadable input: ${b}`));
    store.appendRun(r);
  }
  const report = buildReport(meta(plans, runs, argv, store.runId), scenarios, runs);
  store.write('shards.json', `${JSON.stringify(docs, null, 1)}\n`);
  store.write('report.json', renderJson(report));
  return { report, store, broken };
}
