/**
 * The command-line glue of distributed runs: `wsbench k8s` (plan + manifests), `wsbench worker`
 * (one shard) and `wsbench gather` (shard results -> report). cli.ts only registers these.
 */
import { DEFAULT_SHARD_SCENARIO } from '../../scenarios/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { allParams, makePlan, parseNumber, type RawOptions } from '../plan.js';
import { writeReports } from '../outputs.js';
import { REPORTERS } from '../report/index.js';
import { gather } from './gather.js';
import { manifests, renderManifests } from './k8s.js';
import { makeShardPlan, readShardPlan, SHARDABLE } from './plan-file.js';
import { printable } from './result.js';
import { runShard } from './worker.js';

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `--start-at`: an ISO time, or `+<seconds>` from now. */
function parseStart(raw: string): number {
  if (raw.startsWith('+')) return Date.now() + 1000 * parseNumber(raw.slice(1), '--start-at', { min: 0 });
  const t = Date.parse(raw);
  if (!Number.isFinite(t))
    throw new UsageError(`--start-at '${raw}' is neither an ISO time (2026-12-04T03:00:00Z) nor +<seconds>`);
  return t;
}

function k8sCommand(): Command {
  const cmd = new Command('k8s')
    .description(
      'Write a shard plan (plan.json) and the Kubernetes objects that run it: a ConfigMap and an Indexed Job, one pod per shard.',
    )
    .requiredOption('--target <url>', 'the server the shards load, ws://host:port/path (or wss://)')
    .option('--protocol <name>', "the target's wire protocol: raw, socket.io or sockjs (default raw)")
    .option('--name <label>', 'the row name in the report, e.g. the library behind the target (default target)')
    .option('--scenario <name>', `one of ${SHARDABLE.join(', ')}`, DEFAULT_SHARD_SCENARIO)
    .option('--shards <n>', 'shards (pods, hosts) to split the load over', '2')
    .option('--start-at <time>', 'the start barrier: ISO time, or +<seconds> from now (default +120)', '+120')
    .option('--late-ms <ms>', 'a shard starting later than this is named late and flags the row (default 200)', '200')
    .option(
      '--ntp <host[:port]>',
      'NTP server each shard measures its clock offset against (e.g. 169.254.169.123 on AWS)',
    )
    .option('--duration <s>', 'measured window in seconds (default 3)')
    .option('--warmup <s>', 'warm-up in seconds (default 2)')
    .option('--image <ref>', 'the worker image (built with runner/distributed/Dockerfile)', 'wsbench-worker:latest')
    .option('--namespace <ns>', 'Kubernetes namespace of the objects')
    .option('--cpu <cores>', 'CPU requested per shard', '2')
    .option(
      '--server-pid <pid>',
      "rehearsals only: the server's pid where the shards share its host (shard 0 samples its CPU)",
    )
    .option('--out <dir>', 'folder for plan.json and the manifest', 'k8s');
  for (const name of allParams().keys()) cmd.option(`--${name} <value>`, `scenario parameter --${name}`);
  cmd.action(writeK8s);
  return cmd;
}

/** `wsbench k8s`: the plan from the bench flags, then plan.json and the manifest. */
async function writeK8s(opts: Record<string, string | undefined>): Promise<void> {
  const params: Record<string, string | undefined> = {};
  for (const name of allParams().keys()) params[name] = opts[camel(name)];
  const raw: RawOptions = {
    scenario: opts.scenario,
    target: opts.target,
    protocol: opts.protocol,
    serverPid: opts.serverPid,
    allowRemote: true,
    duration: opts.duration,
    warmup: opts.warmup,
    runs: '1',
    out: opts.out,
    params,
  };
  const shards = parseNumber(opts.shards!, '--shards', { int: true, min: 1 });
  const cpu = parseNumber(opts.cpu!, '--cpu', { min: 0, minExclusive: true });
  const lateMs = parseNumber(opts.lateMs!, '--late-ms', { min: 0 });
  const plan = await makeShardPlan(makePlan(raw), {
    shards,
    startAt: parseStart(opts.startAt!),
    lateMs,
    ntp: opts.ntp,
    library: opts.name,
    command: `wsbench ${process.argv.slice(2).join(' ')}`,
  });
  const dir = path.resolve(opts.out!);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  const yamlFile = path.join(dir, `wsbench-${plan.id}.yaml`);
  fs.writeFileSync(yamlFile, renderManifests(manifests(plan, { image: opts.image!, namespace: opts.namespace, cpu })));
  process.stdout.write(`${yamlFile}\n`);
  process.stderr.write(
    `plan ${plan.id}: ${shards} shards, start at ${new Date(plan.startAt).toISOString()}\n` +
      `  kubectl apply -f ${yamlFile}   (before the start time)\n` +
      `  kubectl logs -l wsbench/plan=${plan.id} --tail=-1 --max-log-requests=${Math.max(5, shards)} > shards.log\n` +
      '  wsbench gather shards.log\n',
  );
}

function workerCommand(): Command {
  return new Command('worker')
    .description('Run one shard of a plan (the entry of each pod) and print its result between markers on stdout.')
    .requiredOption('--plan <file>', 'plan.json written by wsbench k8s')
    .option('--index <n>', 'this shard (from 0; default: $JOB_COMPLETION_INDEX)')
    .option('--out <path>', 'also write the result document to this file (or shard-<index>.json in this folder)')
    .option('--cpu <list>', "CPUs the load generator is pinned to (taskset), or 'any'", 'any')
    .action(async (opts: { plan: string; index?: string; out?: string; cpu: string }) => {
      const rawIndex = opts.index ?? process.env.JOB_COMPLETION_INDEX;
      if (rawIndex === undefined)
        throw new UsageError('which shard? pass --index <n> (a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX)');
      const index = parseNumber(rawIndex, '--index', { int: true, min: 0 });
      const plan = readShardPlan(opts.plan);
      const doc = await runShard(plan, index, { cpu: opts.cpu });
      if (opts.out) {
        const file =
          fs.existsSync(opts.out) && fs.statSync(opts.out).isDirectory()
            ? path.join(opts.out, `shard-${index}.json`)
            : opts.out;
        fs.writeFileSync(file, `${JSON.stringify(doc)}\n`);
      }
      process.stdout.write(printable(doc));
      const delay =
        doc.startDelayMs === null ? 'never started' : `start ${doc.startDelayMs.toFixed(1)} ms after the barrier`;
      process.stderr.write(
        `shard ${index + 1}/${plan.shards} on ${doc.host}: ${doc.status}, ${delay}${doc.error ? `: ${doc.error.message} [${doc.error.code}]` : ''}\n`,
      );
      if (doc.status !== 'completed') process.exitCode = EXIT.runError;
    });
}

function gatherCommand(): Command {
  return new Command('gather')
    .description(
      'Merge shard results (files, folders, or saved kubectl logs) into a report: report.json, Markdown, HTML.',
    )
    .argument('<inputs...>', 'result files, folders of them, or log files holding marked results')
    .option('--out <dir>', 'results folder (default results)', 'results')
    .option('--json', 'print report.json to stdout instead of the table')
    .action(async (inputs: string[], opts: { out: string; json?: boolean }) => {
      const { report, store, broken } = await gather(inputs, opts.out, process.argv.slice(2));
      const files = writeReports(report, store);
      for (const b of broken) process.stderr.write(`wsbench gather: unreadable: ${b}\n`);
      process.stdout.write(opts.json ? REPORTERS.json(report) : `${REPORTERS.console(report)}\n`);
      process.stderr.write(`\nResults: ${store.dir}\nHTML report: ${files.html}\n`);
      if (report.runs.some((r) => r.status === 'errored')) process.exitCode = EXIT.runError;
    });
}

/** The three commands, for cli.ts to register. */
export function distributedCommands(): Command[] {
  return [k8sCommand(), workerCommand(), gatherCommand()];
}
