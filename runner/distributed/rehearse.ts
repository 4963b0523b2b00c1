/**
 * A distributed run rehearsed on one machine (needs root and iproute2):
 *
 *   node dist/runner/distributed/rehearse.js --lib ws,uwebsockets --shards 3 \
 *     --scenario connections --connections 18000
 *
 * N network namespaces stand for N hosts (runner/distributed/netns.ts); each library's server
 * runs in the root namespace on the bridge's address, pinned to CPU 0; a small SNTP server there
 * plays the cluster's NTP. `wsbench k8s` writes the plan, each shard runs as a pod would
 * (`wsbench worker --plan plan.json` with JOB_COMPLETION_INDEX, under `ip netns exec`), and
 * `wsbench gather` writes one report of all libraries. Flags other than --lib, --shards, --out,
 * --start-in and --loadgen-cpu go to `wsbench k8s`.
 */
import { DEFAULT_BASELINE } from '../../adapters/index.js';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findAdapter } from '../../adapters/index.js';
import { nofileFor } from '../../scenarios/common.js';
import { startServer } from '../process/server-process.js';
import { startSntpServer } from './clock.js';
import { makeHosts, type Hosts } from './netns.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

export interface RehearsalOptions {
  libs: string[];
  shards: number;
  /** Flags for `wsbench k8s` (scenario, its parameters, duration...). */
  planArgs: string[];
  /** Seconds from the plan to the start barrier. */
  startIn?: number;
  loadgenCpu?: string;
  /** Where the plans, shard results and logs go. */
  workDir: string;
}

export interface Rehearsal {
  /** Per library: the folder of its shards' result files and the log of their stdout. */
  libraries: Array<{ name: string; resultsDir: string; log: string; serverPid: number }>;
}

function runWorker(
  hosts: Hosts,
  i: number,
  plan: string,
  resultsDir: string,
  cpu: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = [
      ...hosts.prefix(i),
      process.execPath,
      CLI,
      'worker',
      '--plan',
      plan,
      '--out',
      resultsDir,
      '--cpu',
      cpu,
    ];
    // The pod's entry: the index comes from the Indexed Job's variable.
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JOB_COMPLETION_INDEX: String(i) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One library: its server, a plan, the shards side by side. */
async function rehearseLibrary(
  hosts: Hosts,
  ntp: string,
  lib: string,
  o: RehearsalOptions,
): Promise<Rehearsal['libraries'][number]> {
  const adapter = findAdapter(lib);
  if (!adapter) throw new Error(`unknown library '${lib}'`);
  const dir = path.join(o.workDir, lib);
  const resultsDir = path.join(dir, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const server = await startServer({
    adapter,
    cpu: '0',
    readyTimeoutMs: 15_000,
    nofile: nofileFor(20_000 - 512),
    host: hosts.serverAddress,
    env: {},
  });
  try {
    const target = `ws://${hosts.serverAddress}:${server.port}/echo`;
    const planArgs = [
      'k8s',
      '--target',
      target,
      '--name',
      lib,
      '--shards',
      String(o.shards),
      '--start-at',
      `+${o.startIn ?? 8}`,
      '--ntp',
      ntp,
      '--server-pid',
      String(server.pid),
      '--out',
      dir,
      ...o.planArgs,
    ];
    execFileSync(process.execPath, [CLI, ...planArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
    const plan = path.join(dir, 'plan.json');
    const runs = await Promise.all(
      hosts.namespaces.map((_, i) => runWorker(hosts, i, plan, resultsDir, o.loadgenCpu ?? '1')),
    );
    const log = path.join(dir, 'shards.log');
    fs.writeFileSync(log, runs.map((r) => r.stdout).join(''));
    for (const r of runs) process.stderr.write(r.stderr);
    return { name: lib, resultsDir, log, serverPid: server.pid };
  } finally {
    await server.stop();
  }
}

export async function rehearse(o: RehearsalOptions): Promise<Rehearsal> {
  const hosts = makeHosts(o.shards);
  const sntp = await startSntpServer(hosts.serverAddress);
  try {
    const libraries: Rehearsal['libraries'] = [];
    for (const lib of o.libs)
      libraries.push(await rehearseLibrary(hosts, `${hosts.serverAddress}:${sntp.port}`, lib, o));
    return { libraries };
  } finally {
    sntp.close();
    hosts.tearDown();
  }
}

function takeFlag(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const libs = (takeFlag(args, '--lib') ?? DEFAULT_BASELINE).split(',');
  const shards = Number(takeFlag(args, '--shards') ?? 3);
  const out = takeFlag(args, '--out') ?? 'results';
  const startIn = Number(takeFlag(args, '--start-in') ?? 8);
  const loadgenCpu = takeFlag(args, '--loadgen-cpu') ?? '1';
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-rehearsal-'));
  const r = await rehearse({ libs, shards, planArgs: args, startIn, loadgenCpu, workDir });
  execFileSync(process.execPath, [CLI, 'gather', ...r.libraries.map((l) => l.log), '--out', out], { stdio: 'inherit' });
  process.stderr.write(`plans, shard results and logs: ${workDir}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`rehearse: error: ${(err as Error).message.split('\n')[0]}\n`);
    process.exitCode = 2;
  });
}
