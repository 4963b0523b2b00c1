#!/usr/bin/env node
/**
 * The command line: `wsbench bench`, `wsbench report <dir>`, `wsbench compare <base> <head>`.
 * Only this file prints "error:" and exits; everything below it returns data or throws.
 */
import { Command, CommanderError, Option } from 'commander';
import { LIBRARY_GROUPS, LIBRARY_NAMES } from '../adapters/index.js';
import { SCENARIOS } from '../scenarios/index.js';
import { installExitCleanup, signalAll } from './process/children.js';
import { EXIT, UsageError } from './errors.js';
import { allParams, makePlan, type RawOptions } from './plan.js';
import { createProgress } from './progress.js';
import { runBench, type BenchControl } from './orchestrate.js';
import { writeReports, rebuildReports } from './outputs.js';
import { REPORTERS } from './report/index.js';
import { wsbenchVersion } from './environment.js';
import { formatWithUnit } from './report/format.js';
import { compareCommand, loadBaseline, parseThreshold, runCompareAfterBench } from './compare/command.js';
import { EXPORTERS, parseExportSpecs, writeExports } from './export/index.js';
import { mergeCommand } from './compare/merge.js';

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
  const cmd = new Command('bench')
    .description('Run the benchmark scenarios against the WebSocket libraries and write the reports.')
    .option(
      '--lib <names>',
      `libraries, comma separated (${LIBRARY_NAMES.join(', ')}), or a group (${Object.keys(LIBRARY_GROUPS).join(', ')}; default: node, the original five); name@<folder> loads it from <folder>/node_modules; a path loads your own adapter`,
    )
    .option('--scenario <names>', 'scenarios, comma separated (default: all; see below)')
    .option('--quick', 'a short suite: 2 runs, 0.5 s warm-up, 1 s windows, smaller sweeps')
    .option('--runs <n>', 'repetitions of every measurement, libraries interleaved (default 3, quick 2)')
    .option('--duration <s>', 'measured window per run, in seconds (default 3, quick 1)')
    .option('--warmup <s>', 'warm-up per run, measured and discarded, in seconds (default 2, quick 0.5)')
    .option('--out <dir>', 'results folder (default results)')
    .option('--baseline-lib <name>', 'library the relative column compares against (default ws)')
    .option('--ready-timeout <s>', 'seconds a server may take to start (default 10)')
    .option(
      '--frames <types>',
      'frame type of the messages: text (UTF-8 JSON-like, the default) or binary; text,binary gives both as cases',
    )
    .option(
      '--tls [on|off]',
      'over TLS (wss://, https://); --tls off,on gives both as cases, side by side (default off)',
    )
    .option(
      '--compression [on|off]',
      'permessage-deflate where the library supports it; off,on gives both as cases (default off)',
    )
    .option(
      '--tls-cert <file>',
      'with --tls: your own PEM certificate (default: a throwaway self-signed ECDSA P-256 one per bench)',
    )
    .option('--tls-key <file>', 'with --tls-cert: its PEM private key')
    .option(
      '--tls-resume',
      'with --tls: resume TLS sessions after the first connection (default: every handshake is full)',
    )
    .option('--json', 'print report.json to stdout instead of the table')
    .option(
      '--micro',
      "micro-benchmarks (tinybench) of each library's framing, masking, UTF-8 and packet code; without --scenario, only those",
    )
    .option(
      '--export <format=file>',
      `also write a CI export: ${Object.keys(EXPORTERS).join(', ')} (repeatable)`,
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option(
      '--compare <baseline>',
      'then compare with a baseline report.json (or results folder); exit 1 on a regression',
    )
    .option('--threshold <pct>', 'with --compare: smallest change, in percent, that may be called (default 5)')
    .option(
      '--target <url>',
      'benchmark a running server at ws://host:port/path instead of starting one (loopback unless --allow-remote)',
    )
    .option('--protocol <name>', 'with --target: its wire protocol, raw, socket.io or sockjs (default raw)')
    .option('--server-pid <pid>', "with --target: the server's process id, for its CPU and memory columns")
    .option(
      '--target-broadcast <path>',
      'with --target: request path of its broadcast endpoint (else broadcast is skipped)',
    )
    .option('--allow-remote', 'allow a non-loopback --target (or --host)')
    .option('--loadgen-procs <n>', 'load-generator processes per run, connections split among them (default 1)')
    .option('--server-cpus <list>', 'CPUs the server is pinned to, e.g. 0 or 0-3 (default 0)')
    .option('--loadgen-cpus <list>', 'CPUs for the load-generator processes, one each, round robin (default 1)')
    .addOption(
      new Option('--host <addr>', 'address servers bind and the load generator targets').default(undefined).hideHelp(),
    )
    .addOption(
      new Option(
        '--run-timeout <s>',
        'seconds a run may overrun warm-up + duration before it is errored as hung (default 30)',
      ).hideHelp(),
    );
  for (const name of allParams().keys()) cmd.option(`--${name} <value>`, paramDescription(name));
  cmd.addHelpText('after', scenarioHelp());
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const params: Record<string, string | undefined> = {};
    for (const name of allParams().keys()) params[name] = opts[camel(name)] as string | undefined;
    const raw: RawOptions = {
      lib: opts.lib as string | undefined,
      scenario: opts.scenario as string | undefined,
      runs: opts.runs as string | undefined,
      duration: opts.duration as string | undefined,
      warmup: opts.warmup as string | undefined,
      quick: opts.quick === true,
      out: opts.out as string | undefined,
      baselineLib: opts.baselineLib as string | undefined,
      readyTimeout: opts.readyTimeout as string | undefined,
      runTimeout: opts.runTimeout as string | undefined,
      host: opts.host as string | undefined,
      allowRemote: opts.allowRemote === true,
      target: opts.target as string | undefined,
      protocol: opts.protocol as string | undefined,
      serverPid: opts.serverPid as string | undefined,
      targetBroadcast: opts.targetBroadcast as string | undefined,
      loadgenProcs: opts.loadgenProcs as string | undefined,
      serverCpus: opts.serverCpus as string | undefined,
      loadgenCpus: opts.loadgenCpus as string | undefined,
      params,
      transport: {
        frames: opts.frames as string | undefined,
        tls: opts.tls as string | boolean | undefined,
        compression: opts.compression as string | boolean | undefined,
        tlsCert: opts.tlsCert as string | undefined,
        tlsKey: opts.tlsKey as string | undefined,
        tlsResume: opts.tlsResume === true,
      },
    };
    const plan = makePlan(raw);
    if (opts.micro === true && raw.scenario === undefined) plan.scenarios = [];
    // Bad export or baseline flags fail before anything is measured.
    const exportSpecs = parseExportSpecs(opts.export as unknown as string[]);
    const threshold = parseThreshold(opts.threshold as string | undefined);
    const baseline = typeof opts.compare === 'string' ? loadBaseline(opts.compare) : undefined;
    const progress = createProgress(process.stderr);
    const { report, store } = await runBench(
      plan,
      process.argv.slice(2),
      progress,
      control,
      opts.micro === true ? { micro: microProgress() } : {},
    );
    const files = writeReports(report, store);
    progress.finish();
    process.stdout.write(opts.json ? REPORTERS.json(report) : `${REPORTERS.console(report)}\n`);
    process.stderr.write(`\nResults: ${store.dir}\nHTML report: ${files.html}\n`);
    writeExports(report, exportSpecs);
    // An interrupted run is incomplete: comparing it would report missing cases as news.
    const gate =
      baseline && !control.interrupted
        ? runCompareAfterBench(report, baseline, { threshold, out: opts.json ? process.stderr : process.stdout })
        : EXIT.ok;
    if (control.interrupted) process.exitCode = control.interrupted === 'SIGTERM' ? 143 : EXIT.interrupted;
    else process.exitCode = report.runs.some((r) => r.status === 'errored') ? EXIT.runError : gate;
  });
  return cmd;
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
  const program = new Command('wsbench')
    .description('Compare Node.js WebSocket libraries on your machine: latency, throughput, connections, broadcast.')
    .version(wsbenchVersion())
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.addCommand(benchCommand(control), { isDefault: true });
  program.addCommand(reportCommand());
  program.addCommand(compareCommand());
  program.addCommand(mergeCommand());
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
