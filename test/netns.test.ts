/**
 * The remote-target path, for real, across hosts: two network namespaces made here, joined by a
 * veth pair, with addresses 10.200.<n>.1 and .2 that exist only on those two test hosts. A plain
 * ws echo server runs in one, the bench (--target, --allow-remote) in the other; latency and
 * throughput must complete. Everything is removed afterwards, also when the test fails. Where
 * namespaces cannot be made (no root, no iproute2), the test skips with the reason; with
 * CI=true it fails instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readReport, runBench, runFolder, tempDir } from './helpers/bench.js';
import { startPlainServer, type PlainServer } from './helpers/plain-server.js';

const tag = randomBytes(3).toString('hex');
const NS_SERVER = `wsb-srv-${tag}`;
const NS_CLIENT = `wsb-cli-${tag}`;
const VETH_S = `wsb${tag}s`;
const VETH_C = `wsb${tag}c`;
/** A /24 of 10.200.0.0/16 for this run; only the two namespaces hold it. */
const NET = `10.200.${process.pid % 250}`;
const SERVER_ADDR = `${NET}.1`;
const CLIENT_ADDR = `${NET}.2`;

const ip = (...args: string[]): string =>
  execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

/** Null when namespaces can be made here, else why not. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  try {
    ip('-V');
  } catch {
    return "the 'ip' command (iproute2) is not installed: apt-get install -y iproute2";
  }
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  try {
    ip('netns', 'add', NS_SERVER);
    return null;
  } catch (e) {
    return `ip netns add failed: ${String((e as { stderr?: string }).stderr ?? e).trim()}`;
  }
}

function setUp(): void {
  ip('netns', 'add', NS_CLIENT);
  ip('link', 'add', VETH_S, 'type', 'veth', 'peer', 'name', VETH_C);
  ip('link', 'set', VETH_S, 'netns', NS_SERVER);
  ip('link', 'set', VETH_C, 'netns', NS_CLIENT);
  for (const [ns, dev, addr] of [
    [NS_SERVER, VETH_S, SERVER_ADDR],
    [NS_CLIENT, VETH_C, CLIENT_ADDR],
  ]) {
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev);
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}

/** Removes both namespaces (the veth pair goes with them); safe to call whatever exists. */
function tearDown(): void {
  for (const ns of [NS_SERVER, NS_CLIENT]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not made, or already gone
    }
  }
}

const why = unavailable();
if (why && process.env.CI === 'true') {
  test('network namespaces are available (CI=true)', () => assert.fail(`cannot run the namespace test in CI: ${why}`));
}

test(
  'a server in another network namespace: latency and throughput complete over --target --allow-remote',
  { skip: why && process.env.CI !== 'true' ? why : false, timeout: 180_000 },
  async () => {
    let server: PlainServer | undefined;
    try {
      setUp();
      server = await startPlainServer(SERVER_ADDR, ['ip', 'netns', 'exec', NS_SERVER]);
      const url = `ws://${SERVER_ADDR}:${server.port}/`;
      const out = tempDir('wsbench-netns-');
      // `ip netns exec` execs node: the pid is the server's, and /proc is shared across net namespaces.
      const args = [
        'bench',
        '--target',
        url,
        '--allow-remote',
        '--server-pid',
        String(server.pid),
        '--scenario',
        'latency,throughput',
        '--payload',
        '32',
        '--duration',
        '0.5',
        '--warmup',
        '0.2',
        '--runs',
        '1',
        '--out',
        out,
      ];
      const r = await runBench(args, { prefix: ['ip', 'netns', 'exec', NS_CLIENT], timeoutMs: 120_000 });
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}\n${r.stdout}`);
      const report = readReport(runFolder(out));
      for (const scenario of ['latency', 'throughput']) {
        const run = report.runs.find((x) => x.scenario === scenario);
        assert.equal(run?.status, 'completed', `${scenario}: ${JSON.stringify(run)}`);
        const metrics = (run as unknown as { stats: { metrics: Record<string, number> } }).stats.metrics;
        assert.ok(
          metrics.serverCpuPct > 0,
          `${scenario}: the server's CPU, read from /proc across namespaces: ${JSON.stringify(metrics)}`,
        );
      }
      const lib = (report.libraries as Array<{ name: string; settings: Record<string, unknown> }>).find(
        (l) => l.name === 'target',
      );
      assert.equal(lib?.settings.remote, true, 'the report says the target was remote');
      assert.equal(lib?.settings.address, `${SERVER_ADDR}:${server.port}`);
      // Without --allow-remote, the same target is refused before anything runs.
      const refused = await runBench(
        ['bench', '--target', url, '--scenario', 'latency', '--out', tempDir('wsbench-netns-')],
        { prefix: ['ip', 'netns', 'exec', NS_CLIENT], timeoutMs: 30_000 },
      );
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /not a loopback address: pass --allow-remote/);
    } finally {
      await server?.stop();
      tearDown();
      assert.equal(ip('netns', 'list').includes(tag), false, 'the namespaces are gone');
    }
  },
);
