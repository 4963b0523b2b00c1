/**
 * Bad command-line input: every mistake is one line on stderr that names the flag and the valid
 * values or the fix, exit code 2, no stack trace, and no results folder left behind. The
 * test-only adapters stay out of --help, error messages and default runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIBRARIES, LIBRARY_NAMES } from '../adapters/index.js';
import { SCENARIO_NAMES } from '../scenarios/index.js';
import { makePlan } from '../runner/plan.js';
import { UsageError } from '../runner/errors.js';
import { runBench, tempDir } from './helpers/bench.js';

interface BadCase {
  args: string[];
  /** What the one line must say: the flag, and the valid values or the fix. */
  says: RegExp[];
}

const names = (list: readonly string[]): RegExp[] => list.map((n) => new RegExp(`\\b${n.replace('.', '\\.')}\\b`));

const CASES: BadCase[] = [
  { args: ['--lib', 'nope'], says: [/unknown library 'nope'/, /--lib/, ...names(LIBRARY_NAMES)] },
  { args: ['--lib', 'ws,nope'], says: [/unknown library 'nope'/, ...names(LIBRARY_NAMES)] },
  { args: ['--scenario', 'nope'], says: [/unknown scenario 'nope'/, /--scenario/, ...names(SCENARIO_NAMES)] },
  { args: ['--bogus'], says: [/unknown option '--bogus'/, /--help/] },
  { args: ['--duration', 'abc'], says: [/--duration must be a number/, /'abc'/] },
  { args: ['--duration', '0'], says: [/--duration must be greater than 0/] },
  { args: ['--duration', '-1'], says: [/--duration must be greater than 0/, /'-1'/] },
  { args: ['--connections', 'many'], says: [/--connections must be a number/] },
  { args: ['--connections', '0'], says: [/--connections must be at least 1/] },
  { args: ['--connections', '-5'], says: [/--connections must be at least 1/] },
  { args: ['--connections', '1.5'], says: [/--connections must be a whole number/] },
  { args: ['--payload', 'big'], says: [/--payload must be a number/] },
  { args: ['--payload', '0'], says: [/--payload must be at least 8/] },
  { args: ['--payload', '-32'], says: [/--payload must be at least 8/] },
  { args: ['--host', '192.0.2.1'], says: [/--host 192\.0\.2\.1 is not a loopback address/, /--allow-remote/] },
];

async function assertRejected(args: string[], says: RegExp[], out: string, parent: string): Promise<void> {
  const r = await runBench(['bench', '--scenario', 'latency', '--lib', 'ws', '--out', out, ...args], {
    timeoutMs: 20_000,
  });
  const what = `bench ${args.join(' ')}`;
  assert.equal(r.timedOut, false, `${what} hung`);
  assert.equal(r.code, 2, `${what}: exit code ${r.code}, stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `${what}: expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^wsbench: error: /);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: stack trace on stderr`);
  for (const re of says) assert.match(lines[0], re, `${what}: '${lines[0]}' should match ${re}`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  if (out !== path.join(parent, 'file.txt')) assert.equal(fs.existsSync(out), false, `${what} created ${out}`);
  else assert.equal(fs.readFileSync(out, 'utf8'), 'a file, not a folder', `${what} touched ${out}`);
  assert.deepEqual(
    fs.readdirSync(parent).filter((f) => f !== 'file.txt'),
    [],
    `${what} left files in ${parent}`,
  );
}

test('bad input: one line naming the fix, exit 2, no stack, no results folder', { timeout: 120_000 }, async () => {
  // Four at a time: each is a short-lived node process that exits at the plan.
  const queue = [...CASES];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const parent = tempDir();
      await assertRejected(c.args, c.says, path.join(parent, 'results'), parent);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});

test(
  'an unwritable results folder is a usage error, even for root, and nothing is created',
  { timeout: 60_000 },
  async () => {
    const parent = tempDir();
    const file = path.join(parent, 'file.txt');
    fs.writeFileSync(file, 'a file, not a folder');
    // Below a regular file: no one can create it, root included.
    await assertRejected(
      [],
      [/cannot write results to/, /file\.txt is not a folder/, /--out/],
      path.join(file, 'sub'),
      parent,
    );
    await assertRejected([], [/file\.txt is not a folder/, /--out/], file, parent);
    // /proc: access(W_OK) says yes to root, mkdir fails (and a recursive mkdir there spins forever).
    const proc = `/proc/wsbench-robustness-${process.pid}`;
    const r = await runBench(['bench', '--scenario', 'latency', '--lib', 'ws', '--out', proc], { timeoutMs: 20_000 });
    assert.equal(r.timedOut, false, 'a /proc --out hung the bench');
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^wsbench: error: cannot write results to '\/proc\/wsbench-robustness-\d+' \(\/proc is not writable\): pass --out/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(fs.existsSync(proc), false);
  },
);

test('plan: the same checks, as typed errors, before anything is written', () => {
  const parent = tempDir();
  const out = path.join(parent, 'results');
  const bad = (raw: Parameters<typeof makePlan>[0]): void =>
    assert.throws(
      () => makePlan(raw),
      (e: Error) => e instanceof UsageError && !e.message.includes('\n'),
    );
  bad({ lib: 'nope', out, params: {} });
  bad({ duration: 'NaN', out, params: {} });
  bad({ runs: '0', out, params: {} });
  bad({ warmup: '-1', out, params: {} });
  bad({ readyTimeout: '0', out, params: {} });
  bad({ runTimeout: '-2', out, params: {} });
  bad({ host: '10.1.2.3', out, params: {} });
  bad({ out: path.join('/proc', 'x'), params: {} });
  assert.deepEqual(fs.readdirSync(parent), []);
  // Loopback spellings are accepted without --allow-remote, and a remote host only with it.
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'])
    assert.equal(makePlan({ host, out, params: {} }).host, host);
  const remote = makePlan({ host: '192.0.2.1', allowRemote: true, out, params: {} });
  assert.equal(remote.allowRemote, true);
  assert.equal(makePlan({ out, params: {} }).allowRemote, false);
  assert.equal(makePlan({ runTimeout: '1.5', out, params: {} }).runSlackMs, 1500);
  assert.deepEqual(fs.readdirSync(parent), [], 'planning created nothing');
});

test('test-only adapters: not in --help, not in default runs, unknown unless enabled', async () => {
  const help = await runBench(['bench', '--help'], { timeoutMs: 20_000 });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--lib/);
  assert.doesNotMatch(help.stdout + help.stderr, /test-(crash|hang|corrupt|stall|noready)/);
  const parent = tempDir();
  const out = path.join(parent, 'results');
  const off = await runBench(['bench', '--lib', 'test-crash', '--out', out], {
    env: { WSBENCH_REGISTER: '' },
    timeoutMs: 20_000,
  });
  assert.equal(off.code, 2);
  assert.match(off.stderr, /unknown library 'test-crash'/);
  // Even when enabled, they are never offered as valid values, nor run by default.
  const on = await runBench(['bench', '--lib', 'nope', '--out', out], { timeoutMs: 20_000 });
  assert.doesNotMatch(on.stderr, /test-/);
  // Registered from test/ (as WSBENCH_REGISTER does for the CLI): reachable by name only.
  await import('./helpers/register.js');
  const libs = makePlan({ out, params: {} }).libraries;
  assert.deepEqual(
    libs.map((l) => l.name),
    [...DEFAULT_LIBRARIES],
  );
  assert.equal(makePlan({ lib: 'test-crash', out, params: {} }).libraries[0].testOnly, true);
  assert.equal(fs.existsSync(out), false);
});
