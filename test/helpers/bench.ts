/**
 * Runs the real CLI (`node dist/runner/cli.js bench ...`) as the user would, with the test-only
 * adapters allowed and a mark in its environment that every child it starts inherits, so a
 * test can find exactly the processes its bench left behind, even with other benches running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGISTER_MODULE } from './register.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = path.join(ROOT, 'dist/runner/cli.js');

/** Short runs: the tests check behaviour, never speed. */
export const SHORT = ['--duration', '0.5', '--warmup', '0', '--runs', '1'];

export interface BenchRun {
  child: ChildProcess;
  mark: string;
  /** Resolves when the CLI exits (killed after `timeoutMs`, so a hung bench fails the test). */
  done: Promise<BenchExit>;
}

export interface BenchExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** True when the bench had to be killed for running past its timeout. */
  timedOut: boolean;
}

export function startBench(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; prefix?: string[] } = {},
): BenchRun {
  const mark = randomBytes(6).toString('hex');
  const started = Date.now();
  // `prefix`: a command the CLI runs under, e.g. `ip netns exec <ns>`.
  const [file, ...rest] = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  const child = spawn(file, rest, {
    cwd: ROOT,
    env: {
      ...process.env,
      WSBENCH_TEST_ADAPTERS: '1',
      WSBENCH_REGISTER: REGISTER_MODULE,
      WSBENCH_TEST_MARK: mark,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const done = new Promise<BenchExit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
  return { child, mark, done };
}

export function runBench(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; prefix?: string[] } = {},
): Promise<BenchExit & { mark: string }> {
  const run = startBench(args, opts);
  return run.done.then((r) => ({ ...r, mark: run.mark }));
}

const made: string[] = [];
// Removed when the test file's process ends; WSBENCH_KEEP_TMP=1 keeps them for a post-mortem.
process.on('exit', () => {
  if (process.env.WSBENCH_KEEP_TMP !== '1') for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh, empty temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'wsbench-robust-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The one run folder a bench created under `out`. */
export function runFolder(out: string): string {
  const dirs = fs.readdirSync(out).filter((d) => !d.startsWith('.'));
  if (dirs.length !== 1) throw new Error(`expected one run folder in ${out}, found: ${dirs.join(', ') || 'none'}`);
  return path.join(out, dirs[0]);
}

/** Every line of runs.jsonl, parsed (a torn line makes this throw: the tests want none). */
export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export interface RunRow {
  library: string;
  scenario: string;
  status: 'completed' | 'errored' | 'skipped';
  error?: { code: string; message: string };
  case: { id: string; params: Record<string, string | number | boolean> };
}

export interface ReportDoc {
  status: 'complete' | 'interrupted';
  runs: RunRow[];
  summaries: Array<{ library: string; scenario: string; status: string; errors?: string[] }>;
  [k: string]: unknown;
}

export function readReport(dir: string): ReportDoc {
  return JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as ReportDoc;
}

/** Resolves once `file` has at least `lines` complete lines (or rejects after `withinMs`). */
export async function waitForLines(file: string, lines: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.split('\n').length - 1 >= lines) return;
    if (Date.now() > deadline) throw new Error(`${file} did not reach ${lines} line(s) within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the first folder that appears under `out`. */
export async function waitForRunFolder(out: string, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const dirs = fs.existsSync(out) ? fs.readdirSync(out).filter((d) => !d.startsWith('.')) : [];
    if (dirs.length > 0) return path.join(out, dirs[0]);
    if (Date.now() > deadline) throw new Error(`no run folder under ${out} within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
