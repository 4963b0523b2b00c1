/**
 * --server-procs: every library that declares a multi-process topology runs its room over two
 * processes, through the runner's own Redis, and every post reaches every other member exactly
 * once; the row names the topology and shows how the connections spread. Redis killed mid-run,
 * or a worker killed mid-run, is an errored row naming what died; the next library goes on; no
 * process (Redis included) is left behind. Without redis-server the bench says how to install it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ADAPTERS } from '../adapters/index.js';
import { readJsonl, runBench, runFolder, startBench, tempDir, type RunRow } from './helpers/bench.js';
import { describeProcs, markedChildren, waitGone } from './helpers/procs.js';

function redisMissing(): string | null {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'redis-server is not installed (apt-get install -y redis-server)';
  }
}
// With CI=true a missing Redis fails the tests (the bench then exits 2), never skips them.
const skip = process.env.CI === 'true' ? false : (redisMissing() ?? false);

const ROOM = ['--scenario', 'broadcast', '--clients', '12', '--senders', '4', '--post-rate', '100'];
const TIMING = ['--duration', '1', '--warmup', '0.3', '--runs', '1'];

const MULTI = Object.values(ADAPTERS)
  .filter((a) => a.topology.idiom !== 'none')
  .map((a) => a.name);

interface Row extends RunRow {
  reason?: string;
  warnings?: string[];
  stats?: { metrics: Record<string, number> };
}

async function assertNoneLeft(mark: string): Promise<void> {
  const left = await waitGone(() => markedChildren(mark), 5000);
  assert.deepEqual(left, [], `processes left behind:\n${describeProcs(left)}`);
}

test(
  'a room over 2 processes: every post reaches every other member once, for each library',
  { skip, timeout: 240_000 },
  async () => {
    assert.ok(MULTI.includes('ws') && MULTI.includes('socket.io'), `multi-process libraries: ${MULTI}`);
    const out = tempDir();
    const r = await runBench(
      ['bench', '--lib', [...MULTI, 'uwebsockets'].join(','), ...ROOM, ...TIMING, '--server-procs', '2', '--out', out],
      {
        timeoutMs: 220_000,
      },
    );
    assert.equal(r.code, 0, `stderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(-3000)}`);
    const rows = readJsonl<Row>(path.join(runFolder(out), 'runs.jsonl'));
    for (const lib of MULTI) {
      const row = rows.find((x) => x.library === lib);
      assert.equal(row?.status, 'completed', `${lib}: ${JSON.stringify(row?.error)}`);
      const m = row!.stats!.metrics;
      assert.ok(m.posts > 0, `${lib} posted nothing`);
      assert.equal(m.lost, 0, `${lib} lost deliveries`);
      assert.equal(m.duplicates, 0, `${lib} duplicated deliveries`);
      assert.equal(m.deliveredPct, 100, `${lib} delivered ${m.deliveredPct} %`);
      // The topology spread the room: both workers hold members, and their counts add up.
      assert.equal(m.serverProcs, 2);
      assert.ok(m.connsProc1 > 0 && m.connsProc2 > 0, `${lib}: connections ${m.connsProc1} / ${m.connsProc2}`);
      assert.equal(m.connsProc1 + m.connsProc2, 12, `${lib}: every connection counted once`);
      assert.ok(m.redisCpuPct !== undefined && m.redisRssMiB > 0, `${lib}: Redis sampled`);
      const note = row!.warnings!.find((w) => w.includes('node:cluster')) ?? '';
      assert.match(
        note,
        new RegExp(`^${lib.replace('.', '\\.')} on node:cluster, 2 workers, round-robin by the primary`),
      );
      assert.match(note, /connections per worker: w\d \d+, w\d \d+; room members on 2 of 2 workers/);
    }
    const uws = rows.find((x) => x.library === 'uwebsockets');
    assert.equal(uws?.status, 'skipped');
    assert.match(uws!.reason!, /addChildAppDescriptor/);
    const text = r.stdout;
    assert.match(text, /Redis CPU/, 'the table shows Redis CPU');
    await assertNoneLeft(r.mark);
  },
);

/** Starts a 2-library bench with --server-procs 2, kills what `pick` finds once the room is up. */
async function killMidRun(pick: (mark: string) => number | undefined): Promise<{ rows: Row[]; mark: string }> {
  const out = tempDir();
  const run = startBench(
    [
      'bench',
      '--lib',
      'ws,sockjs',
      ...ROOM,
      '--duration',
      '3',
      '--warmup',
      '0.5',
      '--runs',
      '1',
      '--server-procs',
      '2',
      '--out',
      out,
    ],
    { timeoutMs: 90_000 },
  );
  let victim: number | undefined;
  for (let i = 0; i < 400 && victim === undefined; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const loadgen = markedChildren(run.mark).find((p) => p.role === 'loadgen');
    if (loadgen) {
      await new Promise((r) => setTimeout(r, 1500));
      victim = pick(run.mark);
    }
  }
  assert.ok(victim, 'found the process to kill mid-run');
  process.kill(victim, 'SIGKILL');
  const r = await run.done;
  assert.equal(r.timedOut, false);
  assert.equal(r.code, 2, `an errored run exits 2; stderr:\n${r.stderr}`);
  return { rows: readJsonl<Row>(path.join(runFolder(out), 'runs.jsonl')), mark: run.mark };
}

test(
  'Redis killed mid-run: an errored row naming Redis, the next library goes on, nothing left',
  { skip, timeout: 120_000 },
  async () => {
    const { rows, mark } = await killMidRun((m) => markedChildren(m).find((p) => p.role === 'redis')?.pid);
    assert.deepEqual(
      rows.map((x) => `${x.library}/${x.status}`),
      ['ws/errored', 'sockjs/completed'],
    );
    assert.equal(rows[0].error!.code, 'EREDIS_EXIT');
    assert.match(
      rows[0].error!.message,
      /redis-server \(pid \d+, the room's message bus\) was killed by SIGKILL mid-run/,
    );
    await assertNoneLeft(mark);
  },
);

test(
  'a worker killed mid-run: an errored row naming the worker, the next library goes on, nothing left',
  { skip, timeout: 120_000 },
  async () => {
    const { rows, mark } = await killMidRun((m) => {
      const servers = markedChildren(m).filter((p) => p.role === 'server');
      // A worker is a server process whose parent is the cluster primary (another server process).
      return servers.find((p) => servers.some((q) => q.pid === p.ppid))?.pid;
    });
    assert.deepEqual(
      rows.map((x) => `${x.library}/${x.status}`),
      ['ws/errored', 'sockjs/completed'],
    );
    assert.match(rows[0].error!.message, /server worker w[12] \(pid \d+\) was killed by SIGKILL/);
    await assertNoneLeft(mark);
  },
);

test('without redis-server, --server-procs says how to install it in one line and exits 2', async () => {
  const out = tempDir();
  const r = await runBench(['bench', '--lib', 'ws', ...ROOM, ...TIMING, '--server-procs', '2', '--out', out], {
    env: { WSBENCH_REDIS_SERVER: '/nonexistent/redis-server' },
  });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /redis-server is not installed: apt-get install -y redis-server/);
});

test('--server-procs rejects a bad count', async () => {
  const r = await runBench(['bench', '--lib', 'ws', ...ROOM, '--server-procs', '0', '--out', tempDir()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--server-procs must be a whole number from 1 to 64, got '0'/);
});

test(
  'the runner killed by SIGKILL mid-run leaves no worker and no Redis behind',
  { skip, timeout: 60_000 },
  async () => {
    const run = startBench(
      [
        'bench',
        '--lib',
        'ws',
        ...ROOM,
        '--duration',
        '5',
        '--warmup',
        '0.5',
        '--runs',
        '1',
        '--server-procs',
        '2',
        '--out',
        tempDir(),
      ],
      { timeoutMs: 50_000 },
    );
    let seen: string[] = [];
    for (let i = 0; i < 400; i++) {
      await new Promise((r) => setTimeout(r, 25));
      seen = markedChildren(run.mark).map((p) => p.role);
      if (seen.includes('loadgen')) break;
    }
    // Redis, the cluster primary and its 2 workers, and the load generator were all running.
    assert.deepEqual(seen.sort(), ['loadgen', 'redis', 'server', 'server', 'server']);
    run.child.kill('SIGKILL');
    await run.done;
    await assertNoneLeft(run.mark);
  },
);
