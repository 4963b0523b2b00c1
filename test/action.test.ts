/**
 * The reusable action (action.yml, action/bench.sh): its YAML parses, every input is described,
 * used and documented in docs/ci.md, every variable its bench step sets is read by the script; the
 * project's workflows parse and one uses the action (`./`) on an example adapter that exists. Then
 * action/bench.sh itself, on a git repository holding an adapter in two commits: the base checked
 * out beside the head, benched in turns, merged and compared (exit 0, a summary, nothing left);
 * a base that does not exist is one line, exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CLI, ROOT, tempDir } from './helpers/bench.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

test('action.yml: a composite action whose inputs are described, used and documented in docs/ci.md', () => {
  const text = read('action.yml');
  const action = parse(text) as Action;
  assert.equal(action.runs.using, 'composite');
  assert.ok(action.name && action.description);
  const inputs = Object.keys(action.inputs);
  assert.deepEqual([...inputs].sort(), [
    'args',
    'artifact-name',
    'base-ref',
    'comment',
    'compare-args',
    'github-token',
    'install',
    'libs',
    'node-version',
    'rounds',
    'scenarios',
    'threshold',
    'working-directory',
  ]);
  const docs = read('docs/ci.md');
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok((input.description ?? '').length > 20, `input ${name} is described`);
    assert.ok(
      text.includes(`inputs.${name} `) || text.includes(`inputs.${name}\n`) || text.includes(`inputs.${name} }}`),
      `input ${name} is used`,
    );
    assert.match(docs, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `docs/ci.md's table of inputs has ${name}`);
  }
  for (const used of text.matchAll(/inputs\.([a-z-]+)/g))
    assert.ok(inputs.includes(used[1]), `inputs.${used[1]} is declared`);
  for (const [name, output] of Object.entries(action.outputs))
    assert.ok(output.description && output.value.includes('steps.bench.outputs.'), `output ${name}`);

  const bench = action.runs.steps.find((s) => s.id === 'bench')!;
  const script = read('action/bench.sh');
  assert.match(bench.run!, /action\/bench\.sh/);
  for (const name of Object.keys(bench.env!))
    assert.match(script, new RegExp(`\\$\\{?${name}\\b`), `action/bench.sh reads ${name}`);
});

test('workflows parse, and one runs the action from this checkout on an example adapter', () => {
  const dir = path.join(ROOT, '.github/workflows');
  const uses: Step[] = [];
  for (const file of fs.readdirSync(dir)) {
    const wf = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
      on: unknown;
      jobs: Record<string, { steps: Step[] }>;
    };
    assert.ok(wf.on && wf.jobs, `${file} has triggers and jobs`);
    for (const job of Object.values(wf.jobs)) uses.push(...job.steps.filter((s) => s.uses === './'));
  }
  assert.equal(uses.length, 1, 'one job uses ./');
  const libs = uses[0].with!.libs;
  assert.ok(fs.existsSync(path.join(ROOT, libs, 'server.js')), `${libs} is an adapter of this repository`);
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=wsbench@test', '-c', 'user.name=wsbench', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** A user's repository: the example adapter under bench/, in a base commit and a head commit. */
function userRepo(): string {
  const repo = path.join(tempDir('wsbench-action-'), 'user-repo');
  fs.mkdirSync(path.join(repo, 'bench'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'examples/chat-adapter'), path.join(repo, 'bench/chat-adapter'), { recursive: true });
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  fs.appendFileSync(path.join(repo, 'bench/chat-adapter/server.js'), '// the head\n');
  git(repo, 'commit', '-qam', 'head');
  return repo;
}

function runAction(repo: string, results: string, env: Record<string, string>): ReturnType<typeof spawnSync> {
  return spawnSync('bash', [path.join(ROOT, 'action/bench.sh')], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 180_000,
    env: {
      ...process.env,
      GITHUB_STEP_SUMMARY: '',
      WSBENCH_CLI: CLI,
      HEAD_DIR: repo,
      RESULTS: results,
      LIBS: './bench/chat-adapter',
      SCENARIOS: 'latency',
      ROUNDS: '2',
      BENCH_ARGS: '--quick --duration 0.5 --warmup 0.2',
      // Stands in for `npm install` of the adapter's one dependency, ws.
      INSTALL: `ln -sfn ${JSON.stringify(path.join(ROOT, 'node_modules'))} node_modules`,
      ...env,
    },
  });
}

test(
  'action/bench.sh: base, head and a base copy benched side by side in one bench, compared; the base worktree removed',
  { timeout: 200_000 },
  () => {
    const repo = userRepo();
    const results = path.join(tempDir('wsbench-action-out-'), 'results');
    const r = runAction(repo, results, { BASE_REF: 'HEAD~1' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(
      String(r.stdout),
      /bench: 1 library x base, head, base again; 2 blocks side by side\nbench exited with 0\n/,
    );
    assert.match(String(r.stdout), /wsbench compare \(chat-adapter\) exited with 0/);
    const md = fs.readFileSync(path.join(results, 'compare.md'), 'utf8');
    assert.match(md, /\| latency \| 1 conn, 32 B, text \|/);
    const [run] = fs.readdirSync(path.join(results, 'bench'));
    const report = JSON.parse(fs.readFileSync(path.join(results, 'bench', run, 'report.json'), 'utf8')) as {
      runs: { library: string; status: string; rep: number }[];
      libraries: { name: string; facts: { adapterPath?: string } }[];
      environment: { gitCommit: string };
    };
    // Two blocks of three windows, in alternating order, the base between the two compared with
    // it: head base aa | aa base head.
    assert.deepEqual(
      report.runs.map((x) => `${x.rep}:${x.library}/${x.status}`),
      [
        '0:chat-adapter@head/completed',
        '0:chat-adapter@base/completed',
        '0:chat-adapter@aa/completed',
        '1:chat-adapter@aa/completed',
        '1:chat-adapter@base/completed',
        '1:chat-adapter@head/completed',
      ],
    );
    const paths = Object.fromEntries(report.libraries.map((l) => [l.name, l.facts.adapterPath ?? '']));
    assert.equal(
      paths['chat-adapter@head'],
      path.join(fs.realpathSync(repo), 'bench/chat-adapter'),
      'the head is this checkout',
    );
    assert.notEqual(paths['chat-adapter@base'], paths['chat-adapter@head'], 'the base is another checkout');
    assert.equal(paths['chat-adapter@aa'], paths['chat-adapter@base'], 'the A/A copy is the base again');
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1, 'the base worktree is removed');

    const bad = runAction(repo, path.join(results, 'again'), { BASE_REF: 'no-such-branch' });
    assert.equal(bad.status, 2);
    const lines = String(bad.stderr).split('\n').filter(Boolean);
    assert.equal(lines.at(-1), "wsbench action: cannot find or fetch the base 'no-such-branch' from origin");
  },
);
