/**
 * `wsbench merge`: several reports of one side (e.g. the base's `--runs 1` benches, taken in turn
 * with the head's on one CI runner: A B A B A B) into one report whose repetitions are theirs in
 * order. Settings must match; summaries are rebuilt from the runs, as bench builds them.
 */
import { Command } from 'commander';
import { buildReport, type ReportMeta } from '../aggregate.js';
import { UsageError } from '../errors.js';
import { loadReport, writeReports } from '../outputs.js';
import type { Report, RunResult } from '../report/schema.js';
import { ResultsStore } from '../store.js';
import { findScenario } from '../../scenarios/index.js';

/** The settings that must agree for repetitions to be pooled. */
function settingsOf(r: Report): string {
  const { libraries, scenarios, warmupMs, durationMs, quick, params } = r.options;
  return JSON.stringify({
    libraries,
    scenarios,
    warmupMs,
    durationMs,
    quick,
    params,
    node: r.environment.node,
    cpu: r.environment.cpuModel,
  });
}

/** One report of the runs of all, their repetitions renumbered in the order given. */
export function mergeReports(reports: Report[], names: string[] = reports.map((r) => r.runId)): Report {
  if (reports.length === 0) throw new UsageError('merge needs at least one report');
  const first = reports[0];
  reports.forEach((r, i) => {
    if (settingsOf(r) !== settingsOf(first))
      throw new UsageError(
        `merge: ${names[i]} has other settings than ${names[0]} (libraries, scenarios, durations, parameters, Node or CPU): bench both alike`,
      );
  });
  const runs: RunResult[] = [];
  let offset = 0;
  for (const r of reports) {
    const reps = r.runs.map((x) => x.rep);
    runs.push(...r.runs.map((x) => ({ ...x, rep: x.rep + offset })));
    offset += Math.max(r.options.runs, reps.length ? Math.max(...reps) + 1 : 0);
  }
  const libraries = [...new Map(reports.flatMap((r) => r.libraries).map((l) => [l.name, l])).values()];
  const scenarios = first.scenarios.map((s) => {
    const found = findScenario(s.name);
    if (!found) throw new UsageError(`merge: ${names[0]} has scenario '${s.name}', which this wsbench does not know`);
    return found;
  });
  const micro = reports.flatMap((r) => r.micro ?? []);
  const microNotes = reports.flatMap((r) => r.microNotes ?? []);
  const meta: ReportMeta = {
    runId: `${first.runId}+${reports.length - 1}`,
    startedAt: reports.map((r) => r.startedAt).sort()[0],
    finishedAt: reports
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    status: reports.every((r) => r.status === 'complete') ? 'complete' : 'interrupted',
    options: { ...first.options, runs: offset },
    environment: {
      ...first.environment,
      command: `merged from ${reports.length} reports: ${reports.map((r) => r.runId).join(', ')}`,
    },
    libraries,
    ...(micro.length ? { micro } : {}),
    ...(microNotes.length ? { microNotes } : {}),
  };
  return buildReport(meta, scenarios, runs);
}

/** The `merge` subcommand: writes the merged report into a new results folder under --out. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description(
      'Merge reports of one side, benched in turns (e.g. --runs 1 each), into one report with their runs as repetitions.',
    )
    .argument('<reports...>', 'results folders or report.json files, in the order they ran')
    .option('--out <dir>', 'folder to create the merged results folder in', 'results')
    .action((targets: string[], flags: { out: string }) => {
      const merged = mergeReports(
        targets.map((t) => loadReport(t).report),
        targets,
      );
      const store = new ResultsStore(flags.out);
      for (const run of merged.runs) store.appendRun(run);
      writeReports({ ...merged, runId: store.runId }, store);
      process.stdout.write(`${store.dir}\n`);
    });
}
