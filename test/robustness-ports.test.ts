/**
 * Ports: a port already taken fails the run clearly (the server's own EADDRINUSE, not a hang),
 * and two benches at once both work, each in its own results folder, since every server binds a
 * port of its own choosing (port 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { readJsonl, readReport, runBench, SHORT, tempDir, type RunRow } from './helpers/bench.js';
import { describeProcs, markedChildren, waitGone } from './helpers/procs.js';
import fs from 'node:fs';

test(
  'a port already in use: an errored run naming EADDRINUSE and the port, then the bench goes on',
  { timeout: 60_000 },
  async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const out = tempDir();
      // WSBENCH_SERVER_PORT pins the server to one port (default 0: the kernel picks a free one).
      const r = await runBench(['bench', '--lib', 'websocket,ws', '--scenario', 'latency', ...SHORT, '--out', out], {
        env: { WSBENCH_SERVER_PORT: String(port) },
        timeoutMs: 30_000,
      });
      assert.equal(r.timedOut, false);
      assert.equal(r.code, 2, r.stderr);
      const dir = path.join(out, fs.readdirSync(out)[0]);
      const rows = readJsonl<RunRow>(path.join(dir, 'runs.jsonl'));
      assert.deepEqual(
        rows.map((x) => `${x.library}/${x.status}`),
        ['websocket/errored', 'ws/errored'],
      );
      // websocket reports its listen error over IPC: the row quotes it.
      assert.equal(rows[0].error?.code, 'EADDRINUSE', rows[0].error?.message);
      assert.match(
        rows[0].error!.message,
        new RegExp(`the websocket server failed to start: .*EADDRINUSE.*127\\.0\\.0\\.1:${port}`),
      );
      // ws (adapters/ws/server.ts) leaves the 'error' that WebSocketServer re-emits unhandled, so
      // its process dies of it: still an errored row, with the exit code and the tail of the trace.
      assert.match(
        rows[1].error!.message,
        new RegExp(`the ws server (exited with code 1|failed to start).*(EADDRINUSE|port: ${port})`),
      );
      const left = await waitGone(() => markedChildren(r.mark), 5000);
      assert.deepEqual(left, [], describeProcs(left));
    } finally {
      blocker.close();
    }
  },
);

test(
  'two benches at once into one --out: both exit 0, each with its own folder and runs',
  { timeout: 90_000 },
  async () => {
    const out = tempDir();
    const args = ['bench', '--lib', 'ws', '--scenario', 'latency', ...SHORT, '--out', out];
    const [a, b] = await Promise.all([runBench(args), runBench(args)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const dirs = fs.readdirSync(out).filter((d) => !d.startsWith('.'));
    assert.equal(dirs.length, 2, `run folders: ${dirs.join(', ')}`);
    const ids = new Set<string>();
    for (const d of dirs) {
      const rows = readJsonl<RunRow>(path.join(out, d, 'runs.jsonl'));
      assert.deepEqual(
        rows.map((x) => `${x.library}/${x.status}`),
        ['ws/completed'],
      );
      const report = readReport(path.join(out, d));
      ids.add(String(report.runId));
      assert.equal(report.runId, d);
    }
    assert.equal(ids.size, 2);
    // Each printed its own folder.
    assert.notEqual(/Results: (.*)/.exec(a.stderr)?.[1], /Results: (.*)/.exec(b.stderr)?.[1]);
  },
);
