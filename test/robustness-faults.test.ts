/**
 * Servers that misbehave: crash mid-run, never become ready, hang, or echo wrongly. Each such
 * run must be an errored row that says why (in runs.jsonl, report.json and the console), the
 * other libraries and scenarios must go on, the bench must end, and no process may stay behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readJsonl, readReport, runBench, runFolder, SHORT, tempDir, type RunRow } from './helpers/bench.js';
import { describeProcs, markedChildren, waitGone } from './helpers/procs.js';

async function assertNoneLeft(mark: string): Promise<void> {
  const left = await waitGone(() => markedChildren(mark), 5000);
  assert.deepEqual(left, [], `processes left behind:\n${describeProcs(left)}`);
}

function rowsOf(out: string): { dir: string; rows: RunRow[] } {
  const dir = runFolder(out);
  return { dir, rows: readJsonl<RunRow>(path.join(dir, 'runs.jsonl')) };
}

test(
  'a server that crashes mid-run: errored with exit code and stderr; the others go on',
  { timeout: 90_000 },
  async () => {
    const out = tempDir();
    const r = await runBench([
      'bench',
      '--lib',
      'test-crash,ws',
      '--scenario',
      'latency,throughput',
      '--payload',
      '32',
      '--connections',
      '2',
      ...SHORT,
      '--out',
      out,
    ]);
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 2, `an errored run exits 2; stderr:\n${r.stderr}`);
    const { dir, rows } = rowsOf(out);
    assert.deepEqual(
      rows.map((x) => `${x.library}/${x.scenario}/${x.status}`),
      [
        'test-crash/latency/errored',
        'ws/latency/completed',
        'test-crash/throughput/errored',
        'ws/throughput/completed',
      ],
    );
    for (const row of rows.filter((x) => x.library === 'test-crash')) {
      // Usually ESERVER_EXIT; if the load generator's dropped connection is reported first, its
      // code stays and the server's exit is appended: either way the message says why.
      assert.match(
        row.error!.message,
        /server exited with code 1; last stderr: .*test-crash: simulated crash after 300 ms/,
      );
    }
    const report = readReport(dir);
    assert.equal(report.status, 'complete');
    assert.deepEqual(
      report.runs.map((x) => x.status),
      rows.map((x) => x.status),
    );
    for (const s of report.summaries.filter((x) => x.library === 'test-crash')) {
      assert.equal(s.status, 'errored');
      assert.match(s.errors!.join('\n'), /exited with code 1.*simulated crash/);
    }
    // The console table and the progress lines both show it.
    assert.match(
      r.stdout,
      /test-crash\s+errored\s+run 1: .*server exited with code 1; last stderr: test-crash: simulated crash/,
    );
    assert.match(r.stderr, /test-crash · latency .*ERRORED: .*server exited with code 1/);
    await assertNoneLeft(r.mark);
  },
);

test(
  'a server that never reports ready: errored after --ready-timeout, killed, the next library runs',
  { timeout: 60_000 },
  async () => {
    const out = tempDir();
    const r = await runBench([
      'bench',
      '--lib',
      'test-noready,ws',
      '--scenario',
      'latency',
      '--ready-timeout',
      '0.5',
      ...SHORT,
      '--out',
      out,
    ]);
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 2, r.stderr);
    const { rows } = rowsOf(out);
    assert.deepEqual(
      rows.map((x) => `${x.library}/${x.status}`),
      ['test-noready/errored', 'ws/completed'],
    );
    assert.equal(rows[0].error?.code, 'ESERVER_TIMEOUT');
    assert.match(
      rows[0].error!.message,
      /not ready within 500 ms \(--ready-timeout\); last stderr: test-noready: starting, and never ready/,
    );
    await assertNoneLeft(r.mark);
  },
);

test(
  'a server that stops answering (busy loop, SIGTERM ignored): errored after the run timeout, SIGKILLed',
  { timeout: 60_000 },
  async () => {
    const out = tempDir();
    const r = await runBench(
      ['bench', '--lib', 'test-hang,ws', '--scenario', 'latency', '--run-timeout', '1', ...SHORT, '--out', out],
      { timeoutMs: 30_000 },
    );
    assert.equal(r.timedOut, false, 'the bench hung');
    assert.equal(r.code, 2, r.stderr);
    const { rows } = rowsOf(out);
    assert.deepEqual(
      rows.map((x) => `${x.library}/${x.status}`),
      ['test-hang/errored', 'ws/completed'],
    );
    assert.equal(rows[0].error?.code, 'ETIMEOUT');
    assert.match(rows[0].error!.message, /no result within .* s: the server stopped answering/);
    // 0.5 s window + 1 s slack + 2 s SIGTERM grace before SIGKILL + the ws run: well under 20 s.
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
    await assertNoneLeft(r.mark);
  },
);

const CORRUPTIONS = [
  { mode: 'byte', code: 'EECHO', says: /wrong echo on connection 0, expected message #9: payload content altered/ },
  { mode: 'dup', code: 'EECHO', says: /duplicated echo on connection 0, expected message #10: got #9 again/ },
  // One message in flight: a dropped echo stalls the connection until the drain gives up.
  { mode: 'drop', code: 'EMISSING', says: /1 echoes never came back within \d+ ms \(connection 0 waits for #9\)/ },
];

test(
  'a server that alters, duplicates or drops an echo: errored with the reason, never completed',
  { timeout: 90_000 },
  async () => {
    await Promise.all(
      CORRUPTIONS.map(async ({ mode, code, says }) => {
        const out = tempDir();
        const r = await runBench(['bench', '--lib', 'test-corrupt', '--scenario', 'latency', ...SHORT, '--out', out], {
          env: { WSBENCH_CORRUPT: mode },
        });
        assert.equal(r.code, 2, `${mode}: ${r.stderr}`);
        const { dir, rows } = rowsOf(out);
        assert.equal(rows.length, 1);
        assert.equal(rows[0].status, 'errored', `${mode}: reported as ${rows[0].status}`);
        assert.equal(rows[0].error?.code, code, `${mode}: ${rows[0].error?.message}`);
        assert.match(rows[0].error!.message, says);
        const report = readReport(dir);
        assert.deepEqual(
          report.summaries.map((s) => s.status),
          ['errored'],
        );
        assert.doesNotMatch(r.stdout, /test-corrupt\s+ok\b/);
        await assertNoneLeft(r.mark);
      }),
    );
  },
);
