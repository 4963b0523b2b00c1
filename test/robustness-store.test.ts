/**
 * Results files: report files are replaced atomically (temp file + rename), so a crash leaves
 * the old or the new file, never a torn one; runs.jsonl grows one whole line per run and its
 * reader skips a torn last line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readRuns, ResultsStore, writeAtomic } from '../runner/store.js';
import type { RunResult } from '../runner/report/schema.js';
import { ROOT, tempDir } from './helpers/bench.js';

const STORE = path.join(ROOT, 'dist/runner/store.js');

test('writeAtomic: replaces the file whole and leaves no temp file, also when it fails', () => {
  const dir = tempDir();
  const file = path.join(dir, 'report.json');
  writeAtomic(file, '{"v":1}\n');
  writeAtomic(file, '{"v":2}\n');
  assert.equal(fs.readFileSync(file, 'utf8'), '{"v":2}\n');
  assert.deepEqual(fs.readdirSync(dir), ['report.json']);
  // The rename fails (the target is a folder): the temp file is removed, the target untouched.
  const blocked = path.join(dir, 'blocked');
  fs.mkdirSync(path.join(blocked, 'inside'), { recursive: true });
  assert.throws(() => writeAtomic(blocked, 'x'));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['blocked', 'report.json']);
  assert.deepEqual(fs.readdirSync(blocked), ['inside']);
});

/**
 * A child rewrites report.json in a loop with two large documents; SIGKILL lands at random
 * moments. After each kill the file must parse and be one of the two, whole.
 */
test('writeAtomic under SIGKILL: report.json is always one whole version', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const file = path.join(dir, 'report.json');
  const script = `
    import { writeAtomic } from ${JSON.stringify(STORE)};
    const docs = ['a', 'b'].map((k) => JSON.stringify({ k, pad: k.repeat(4 << 20) }));
    process.send('go');
    for (let i = 0; ; i++) writeAtomic(${JSON.stringify(file)}, docs[i % 2]);`;
  for (let round = 0; round < 6; round++) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await new Promise((r) => child.once('message', r));
    await new Promise((r) => setTimeout(r, 40 + Math.random() * 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    if (!fs.existsSync(file)) continue; // killed before the first rename
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { k: string; pad: string };
    assert.ok(doc.k === 'a' || doc.k === 'b');
    assert.equal(doc.pad.length, 4 << 20);
  }
  assert.ok(fs.existsSync(file), 'no write completed in six rounds');
});

const run = (library: string): RunResult =>
  ({
    library,
    scenario: 'latency',
    case: { id: 'c1', label: 'c1', params: {} },
    rep: 0,
    startedAt: new Date(0).toISOString(),
    status: 'skipped',
    reason: 'test',
  }) as RunResult;

test('runs.jsonl: one whole line per run; a torn last line is skipped on read', () => {
  const store = new ResultsStore(tempDir());
  for (const lib of ['ws', 'sockjs', 'websocket']) store.appendRun(run(lib));
  const text = fs.readFileSync(store.runsFile, 'utf8');
  assert.ok(text.endsWith('\n'));
  assert.deepEqual(
    text
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as RunResult).library),
    ['ws', 'sockjs', 'websocket'],
  );
  // A crash in the middle of an append: half a line, no newline.
  const whole = JSON.stringify(run('uwebsockets'));
  fs.appendFileSync(store.runsFile, whole.slice(0, whole.length >> 1));
  assert.deepEqual(
    (readRuns(store.runsFile) as RunResult[]).map((r) => r.library),
    ['ws', 'sockjs', 'websocket'],
  );
  assert.deepEqual(readRuns(path.join(store.dir, 'missing.jsonl')), []);
});

test('ResultsStore: each store claims a folder of its own, even when made in the same second', () => {
  const out = tempDir();
  const stores = Array.from({ length: 1000 }, () => new ResultsStore(out));
  assert.equal(new Set(stores.map((s) => s.dir)).size, 1000);
  assert.equal(fs.readdirSync(out).length, 1000);
  for (const s of stores) assert.equal(path.basename(s.dir), s.runId);
});
