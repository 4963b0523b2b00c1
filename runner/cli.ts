#!/usr/bin/env node
/**
 * The command line: `wsbench bench`, `wsbench report <dir>`, `wsbench compare <base> <head>`.
 * Only this file prints "error:" and exits; everything below it returns data or throws.
 */
import { Command, CommanderError } from 'commander';
import { SCENARIOS } from '../scenarios/index.js';
import { installExitCleanup, signalAll } from './process/children.js';
import { EXIT, UsageError } from './errors.js';
import { allParams, makePlan } from './plan.js';
import { addOptions, BENCH_OPTIONS, collectOptions, type RawOptions } from './options.js';
import { loadRegistrations } from './register.js';
import { createProgress } from './progress.js';
import { runBench, type BenchControl } from './orchestrate.js';
import { writeReports, rebuildReports } from './outputs.js';
import { REPORTERS } from './report/index.js';
import { wsbenchVersion } from './environment.js';
import { formatWithUnit } from './report/format.js';
import { compareCommand, loadBaseline, parseThreshold, runCompareAfterBench } from './compare/command.js';
import { parseExportSpecs, writeExports } from './export/index.js';
import { mergeCommand } from './compare/merge.js';
import { distributedCommands } from './distributed/commands.js';

function scenarioHelp(): string {
  const lines = ['', 'Scenarios (--scenario, default: all):'];
  for (const s of Object.values(SCENARIOS)) lines.push(`  ${s.name.padEnd(12)} ${s.description}`);
  lines.push(
    '',
    'Examples:',
    '  npm run bench -- --lib ws                       the default suite, ws only',
    '  npm run bench -- --quick                        every library, under 3 minutes',
    '  npm run bench -- --scenario throughput --payload 32,64KiB --lib ws,uwebsockets',
    '  npm run bench -- --scenario rate --rates 1000,10000,50000 --p99-max 5',
    '  npm run bench -- --scenario connections --connections 50000 --lib ws',
    '  npm run bench -- --micro --lib ws                micro-benchmarks only (framing, masking, parsers)',
    '  npm run report -- results/<run-id>             rebuild every report from report.json',
    '',
    'Results go to results/<run-id>/: runs.jsonl (one line per run, written as it ends),',
    'report.json, report.md and report.html. Exit codes: 0 all runs completed, 1 --compare found',
    'a regression, 2 bad input or a run errored, 130/143 interrupted (the finished runs are kept).',
  );
  return lines.join('\n');
}

/** Wording for a flag that several scenarios share (each scenario's own wording is narrower). */
const SHARED_WORDING: Record<string, string> = {
  connections: 'connections to use',
  payload: 'message sizes in bytes, at least 8, KiB/MiB suffixes allowed (a list is a sweep)',
};

function paramDescription(name: string): string {
  const defs = allParams().get(name) ?? [];
  const owners = Object.values(SCENARIOS).filter((s) => s.params.some((p) => p.name === name));
  const defaults = owners
    .map((s) => {
      const p = s.params.find((x) => x.name === name)!;
      const show = (v: unknown): string => (Array.isArray(v) ? v.join(',') : String(v));
      return `${s.name}: ${show(p.default)}${p.quick !== undefined ? `, quick ${show(p.quick)}` : ''}`;
    })
    .join('; ');
  const wording = defs.length > 1 ? (SHARED_WORDING[name] ?? defs[0].description) : (defs[0]?.description ?? name);
  return `${wording} (${defaults})`;
}

function benchCommand(control: BenchControl): Command {
  const cmd = new Command('bench').description(
    'Run the benchmark scenarios against the WebSocket libraries and write the reports.',
  );
  addOptions(cmd, BENCH_OPTIONS);
  for (const name of allParams().keys()) cmd.option(`--${name} <value>`, paramDescription(name));
  cmd.addHelpText('after', scenarioHelp());
  cmd.action((opts: Record<string, unknown>) => runBenchCommand(benchOptions(opts), control));
  return cmd;
}

/** Commander's values -> RawOptions: the table's options, then the scenarios' parameters. */
function benchOptions(opts: Record<string, unknown>): RawOptions {
  const params: Record<string, string | undefined> = {};
  for (const name of allParams().keys()) params[name] = opts[camel(name)] as string | undefined;
  return { ...(collectOptions(opts, BENCH_OPTIONS) as Omit<RawOptions, 'params'>), params };
}

/** Plan (every flag checked before anything runs), measure, write the reports, print, gate. */
async function runBenchCommand(raw: RawOptions, control: BenchControl): Promise<void> {
  const plan = makePlan(raw);
  // Bad export or baseline flags fail before anything is measured.
  const exportSpecs = parseExportSpecs(raw.export ?? []);
  const threshold = parseThreshold(raw.threshold);
  const baseline = raw.compare !== undefined ? loadBaseline(raw.compare) : undefined;
  const progress = createProgress(process.stderr);
  const { report, store } = await runBench(
    plan,
    process.argv.slice(2),
    progress,
    control,
    raw.micro ? { micro: microProgress() } : {},
  );
  const files = writeReports(report, store);
  progress.finish();
  process.stdout.write(raw.json ? REPORTERS.json(report) : `${REPORTERS.console(report)}\n`);
  process.stderr.write(`\nResults: ${store.dir}\nHTML report: ${files.html}\n`);
  writeExports(report, exportSpecs);
  // An interrupted run is incomplete: comparing it would report missing cases as news.
  const gate =
    baseline && !control.interrupted
      ? runCompareAfterBench(report, baseline, { threshold, out: raw.json ? process.stderr : process.stdout })
      : EXIT.ok;
  if (control.interrupted) process.exitCode = control.interrupted === 'SIGTERM' ? 143 : EXIT.interrupted;
  else process.exitCode = report.runs.some((r) => r.status === 'errored') ? EXIT.runError : gate;
}

/** Micro-benchmark results as they come, on stderr beside the run progress. */
function microProgress(): {
  onResult: (r: {
    library: string;
    task: string;
    opsPerSec: number;
    meanNs: number;
    marginPct: number;
    samples: number;
  }) => void;
  onSkip: (library: string, reason: string) => void;
} {
  return {
    onResult: (r) =>
      process.stderr.write(
        `micro ${r.library} · ${r.task}: ${formatWithUnit(r.opsPerSec, 'ops/s')} ±${r.marginPct.toFixed(1)}% (${r.meanNs.toFixed(1)} ns/op, ${r.samples} samples)\n`,
      ),
    onSkip: (library, reason) => process.stderr.write(`micro ${library}: ${reason}\n`),
  };
}

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function reportCommand(): Command {
  return new Command('report')
    .description('Rebuild report.md, report.html (and check report.json) from a results folder, without measuring.')
    .argument('<dir>', 'a results/<run-id> folder, or its report.json')
    .action((dir: string) => {
      const { report, files } = rebuildReports(dir);
      process.stdout.write(`${REPORTERS.console(report)}\n`);
      process.stderr.write(`\nHTML report: ${files.html}\n`);
    });
}

function installSignals(control: BenchControl): void {
  installExitCleanup();
  const on = (signal: NodeJS.Signals): void => {
    if (control.interrupted) {
      // A second Ctrl-C: stop now, children included.
      signalAll('SIGKILL');
      process.exit(signal === 'SIGTERM' ? 143 : EXIT.interrupted);
    }
    control.interrupted = signal;
    process.stderr.write(`\nwsbench: ${signal}: stopping; the finished runs are kept\n`);
    signalAll('SIGTERM');
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
}

export async function main(argv: string[]): Promise<void> {
  const control: BenchControl = { interrupted: null };
  installSignals(control);
  // Libraries and scenarios registered from outside (tests): before the options are declared.
  await loadRegistrations().catch((err: Error) => fail(err.message, EXIT.usage));
  if (process.exitCode) return;
  const program = new Command('wsbench')
    .description('Compare Node.js WebSocket libraries on your machine: latency, throughput, connections, broadcast.')
    .version(wsbenchVersion())
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.addCommand(benchCommand(control), { isDefault: true });
  program.addCommand(reportCommand());
  program.addCommand(compareCommand());
  program.addCommand(mergeCommand());
  for (const c of distributedCommands()) program.addCommand(c);
  for (const c of program.commands) c.exitOverride().configureOutput({ outputError: () => {} });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return;
      fail(`${err.message.replace(/^error: /, '')} (see --help)`, EXIT.usage);
    } else if (err instanceof UsageError) fail(err.message, EXIT.usage);
    else {
      const e = err as { code?: string; message?: string };
      fail(`${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}`, EXIT.runError);
    }
  }
}

function fail(message: string, code: number): void {
  process.stderr.write(`wsbench: error: ${message.split('\n')[0]}\n`);
  signalAll('SIGKILL');
  process.exitCode = code;
}

void main(process.argv.slice(2));
