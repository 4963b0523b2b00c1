/**
 * Interrupting the bench: SIGINT or SIGTERM mid-run stops every child within 5 s, keeps the
 * finished runs (runs.jsonl and report.json, marked "interrupted") and exits 130 / 143. Even a
 * SIGKILL of the runner, which no handler sees, leaves no child behind and no torn file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  readJsonl,
  readReport,
  SHORT,
  startBench,
  tempDir,
  waitForLines,
  waitForRunFolder,
  type RunRow,
} from './helpers/bench.js';
import { describeProcs, markedChildren, waitGone } from './helpers/procs.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a bench, waits for its first finished run and then for `ready`, and sends `signal`. */
async function interrupt(
  libs: string,
  signal: NodeJS.Signals,
  ready: () => Promise<void>,
  env: Record<string, string> = {},
  scenario: string[] = ['--scenario', 'latency'],
): Promise<{ code: number | null; dir: string; goneMs: number; left: string }> {
  const out = tempDir();
  const bench = startBench(['bench', '--lib', libs, ...scenario, ...SHORT, '--runs', '5', '--out', out], {
    env,
    timeoutMs: 60_000,
  });
  const dir = await waitForRunFolder(out, 30_000);
  await waitForLines(path.join(dir, 'runs.jsonl'), 1, 30_000);
  await ready();
  // Mid-run: the next run's server (and maybe its load generator) is up.
  assert.ok(markedChildren(bench.mark).length > 0, 'no child was running when the signal came');
  const sentAt = Date.now();
  bench.child.kill(signal);
  const left = await waitGone(() => markedChildren(bench.mark), 5000);
  const goneMs = Date.now() - sentAt;
  const exit = await bench.done;
  return { code: exit.code, dir, goneMs, left: describeProcs(left) };
}

function assertKept(dir: string): void {
  const rows = readJsonl<RunRow>(path.join(dir, 'runs.jsonl'));
  assert.ok(rows.length >= 1 && rows.length < 10, `${rows.length} runs kept`);
  // The run cut short is dropped, not recorded as a failure of the library.
  assert.ok(
    rows.every((r) => r.status === 'completed'),
    JSON.stringify(rows.map((r) => r.status)),
  );
  const report = readReport(dir);
  assert.equal(report.status, 'interrupted');
  assert.deepEqual(
    report.runs.map((r) => `${r.library}/${r.status}`),
    rows.map((r) => `${r.library}/${r.status}`),
  );
  for (const f of ['report.md', 'report.html']) assert.ok(fs.statSync(path.join(dir, f)).size > 0, `${f} written`);
}

test(
  'SIGINT mid-run: children gone within 5 s, finished runs kept as interrupted, exit 130',
  { timeout: 90_000 },
  async () => {
    const r = await interrupt('ws,websocket', 'SIGINT', () => sleep(150));
    assert.equal(r.left, '', `still running ${r.goneMs} ms after SIGINT`);
    assert.equal(r.code, 130);
    assertKept(r.dir);
  },
);

test(
  'SIGTERM while a server busy-loops: it is SIGKILLed within 5 s, finished runs kept, exit 143',
  { timeout: 90_000 },
  async () => {
    // ws runs first; test-hang stops answering after 5 messages and ignores SIGTERM: signal it
    // only once it has begun to hang (it drops a flag file), so the SIGKILL path is the one tested.
    const flag = path.join(tempDir(), 'hanging');
    const hanging = async (): Promise<void> => {
      for (let i = 0; i < 300 && !fs.existsSync(flag); i++) await sleep(50);
      assert.ok(fs.existsSync(flag), 'test-hang never began to hang');
    };
    // rate runs one fresh server per run (latency's side-by-side warm-up would make the hang a
    // finished, errored result before the signal): the hanging run is the one cut short.
    const r = await interrupt('ws,test-hang', 'SIGTERM', hanging, { WSBENCH_HANG_FLAG: flag }, [
      '--scenario',
      'rate',
      '--rates',
      '1000',
    ]);
    assert.equal(r.left, '', `still running ${r.goneMs} ms after SIGTERM`);
    // SIGTERM is ignored by a busy loop: it took the runner's SIGKILL after its grace period.
    assert.ok(r.goneMs >= 1000, `gone after ${r.goneMs} ms: the server did not hang when signalled`);
    assert.equal(r.code, 143);
    assertKept(r.dir);
  },
);

test(
  'SIGKILL of the runner: its children exit on their own, the files it wrote are whole',
  { timeout: 90_000 },
  async () => {
    const out = tempDir();
    const bench = startBench(['bench', '--lib', 'ws', '--scenario', 'latency', ...SHORT, '--runs', '5', '--out', out]);
    const dir = await waitForRunFolder(out, 30_000);
    await waitForLines(path.join(dir, 'runs.jsonl'), 1, 30_000);
    await sleep(150);
    bench.child.kill('SIGKILL');
    await bench.done;
    // No handler runs: the children notice the IPC channel close and exit by themselves.
    const left = await waitGone(() => markedChildren(bench.mark), 5000);
    assert.deepEqual(left, [], describeProcs(left));
    assert.ok(readJsonl(path.join(dir, 'runs.jsonl')).length >= 1);
    assert.ok(readReport(dir).runs.length >= 1, 'report.json is whole JSON');
  },
);
