/**
 * Servers run by Bun and Deno: a server that never reports ready is an errored row after
 * --ready-timeout, killed (Deno's ignores SIGTERM: SIGKILL), and nothing is left behind; the
 * pid the runner holds is the runtime's own (no wrapper); and the stdout line protocol parses
 * only its own lines. With CI=true a missing runtime fails these tests, never skips them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIBRARY_GROUPS, LIBRARY_NAMES } from '../adapters/index.js';
import { makePlan } from '../runner/plan.js';
import { renderConsole } from '../runner/report/console.js';
import { renderMarkdown } from '../runner/report/markdown.js';
import { Report } from '../runner/report/schema.js';
import { parseLine } from '../runner/process/channel.js';
import { findRuntime, runtimeMissing } from '../runner/process/runtimes.js';
import { readJsonl, runBench, runFolder, SHORT, tempDir, type RunRow } from './helpers/bench.js';
import { describeProcs, markedChildren, waitGone } from './helpers/procs.js';
import { start } from './lib/server.js';

const missing = process.env.CI === 'true' ? null : (runtimeMissing('bun') ?? runtimeMissing('deno'));

test(
  'Bun and Deno servers that never report ready: errored after --ready-timeout, killed, the next library runs',
  { skip: missing ?? false, timeout: 60_000 },
  async () => {
    const out = tempDir();
    const r = await runBench([
      'bench',
      '--lib',
      'test-noready-bun,test-noready-deno,ws',
      '--scenario',
      'latency',
      '--ready-timeout',
      '1',
      ...SHORT,
      '--out',
      out,
    ]);
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 2, r.stderr);
    const rows = readJsonl<RunRow>(path.join(runFolder(out), 'runs.jsonl'));
    assert.deepEqual(
      rows.map((x) => `${x.library}/${x.status}`),
      ['test-noready-bun/errored', 'test-noready-deno/errored', 'ws/completed'],
    );
    for (const [row, name] of [
      [rows[0], 'bun'],
      [rows[1], 'deno'],
    ] as const) {
      assert.equal(row.error?.code, 'ESERVER_TIMEOUT', `${name}: ${row.error?.message}`);
      assert.match(
        row.error!.message,
        new RegExp(
          `not ready within 1000 ms \\(--ready-timeout\\); last stderr: test-noready-${name}: starting, and never ready`,
        ),
      );
    }
    const left = await waitGone(() => markedChildren(r.mark), 5000);
    assert.deepEqual(left, [], `processes left behind:\n${describeProcs(left)}`);
  },
);

for (const name of ['bun', 'deno'] as const) {
  test(
    `${name}: the server pid is the ${name} binary itself, and the report records its runtime`,
    { skip: (process.env.CI !== 'true' && runtimeMissing(name)) || false },
    async () => {
      const server = await start(name);
      try {
        assert.equal(fs.realpathSync(`/proc/${server.pid}/exe`), fs.realpathSync(findRuntime(name)!));
        assert.match(String(server.facts.runtime), new RegExp(`^${name} \\d+\\.\\d+\\.\\d+`));
        const mem = await server.memory();
        assert.equal(mem.gc, true, `${name} answers a memory request after a forced GC`);
        assert.ok(mem.rss > 1024 * 1024 && mem.heapUsed > 0, JSON.stringify(mem));
      } finally {
        await server.stop();
      }
      assert.throws(() => process.kill(server.pid, 0), 'no process left with the server pid');
    },
  );
}

test('stdout line protocol: only WSBENCH_<TYPE> {json} lines are messages', () => {
  assert.deepEqual(parseLine('WSBENCH_READY {"port":1234}'), { port: 1234, type: 'ready' });
  assert.deepEqual(parseLine('WSBENCH_MEM {"gc":true,"type":"ignored"}'), { gc: true, type: 'mem' });
  assert.equal(parseLine('WSBENCH_READY {"port":'), null);
  assert.equal(parseLine('listening on WSBENCH_READY {"port":1}'), null);
  assert.equal(parseLine('WSBENCH_READY 1234'), null);
  assert.equal(parseLine('hello'), null);
});

test('--lib groups: node is the original five (the default), all is every library, groups mix with names', () => {
  const names = (lib?: string): string[] => makePlan({ lib, out: tempDir(), params: {} }).libraries.map((l) => l.name);
  assert.deepEqual(names(), ['ws', 'socket.io', 'sockjs', 'websocket', 'uwebsockets']);
  assert.deepEqual(names('node'), names());
  assert.deepEqual(names('all'), [...LIBRARY_NAMES]);
  assert.equal(LIBRARY_NAMES.length, 10);
  assert.deepEqual(names('bun,node,bun'), ['bun', ...LIBRARY_GROUPS.node]);
  assert.throws(
    () => names('bun@../other'),
    /--lib bun@\.\.\/other: bun cannot be loaded from a folder; .*WSBENCH_BUN=/,
  );
});

test("fairness notes: a library's fairness setting is printed by the console and Markdown reporters", () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const report = Report.parse(JSON.parse(readFileSync(`${root}test/fixtures/report-fixture.json`, 'utf8')));
  assert.doesNotMatch(renderConsole(report), /Fairness/);
  report.libraries[0].settings.fairness = 'default limit 16 MiB drops sends; wsbench set 64 MiB';
  assert.match(
    renderConsole(report),
    new RegExp(`Fairness .*\n  ${report.libraries[0].name}: default limit 16 MiB drops sends; wsbench set 64 MiB`),
  );
  assert.match(renderMarkdown(report), /default limit 16 MiB drops sends; wsbench set 64 MiB/);
});
