/**
 * `--target`: a plain ws echo server that this test starts itself (not through wsbench) is
 * benchmarked as it runs: with --server-pid its server CPU is measured; without, the rows
 * complete and say what was not measured. What it does not declare is skipped with the reason;
 * a target that is not there is an errored row within the ready timeout; a remote or TLS
 * target is one line of error.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { readReport, runBench, runFolder, tempDir } from './helpers/bench.js';
import { startPlainServer, type PlainServer } from './helpers/plain-server.js';

const SHORT = ['--duration', '0.5', '--warmup', '0.2', '--runs', '1', '--payload', '32'];

interface Run {
  library: string;
  scenario: string;
  status: string;
  reason?: string;
  error?: { code: string; message: string };
  warnings?: string[];
  stats?: { metrics: Record<string, number> };
}

let server: PlainServer | undefined;
after(() => server?.stop());

async function bench(args: string[]): Promise<{
  code: number | null;
  stdout: string;
  stderr: string;
  runs: Run[];
  report: Record<string, unknown>;
  ms: number;
}> {
  const out = tempDir('wsbench-target-');
  const r = await runBench(['bench', ...args, '--out', out], { timeoutMs: 90_000 });
  const report = readReport(runFolder(out)) as unknown as Record<string, unknown>;
  return { ...r, runs: report.runs as Run[], report };
}

test(
  'a running server with --server-pid: completed rows with server CPU; what it lacks is skipped with the reason',
  { timeout: 120_000 },
  async () => {
    server = await startPlainServer();
    const url = `ws://127.0.0.1:${server.port}/`;
    const r = await bench([
      '--target',
      url,
      '--server-pid',
      String(server.pid),
      '--target-broadcast',
      '/broadcast',
      '--scenario',
      'latency,throughput,broadcast,connections',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}\n${r.stdout}`);
    for (const name of ['latency', 'throughput', 'broadcast']) {
      const run = r.runs.find((x) => x.scenario === name);
      assert.equal(run?.status, 'completed', `${name}: ${JSON.stringify(run)}`);
      assert.equal(run.library, 'target');
      assert.ok(
        (run.stats?.metrics.serverCpuPct ?? 0) > 0,
        `${name}: server CPU measured, got ${JSON.stringify(run.stats?.metrics)}`,
      );
      assert.ok((run.stats?.metrics.serverRssMiB ?? 0) > 0, `${name}: server memory measured`);
      assert.deepEqual(
        run.warnings?.filter((w) => /not measured/.test(w)),
        [],
        'nothing said to be unmeasured',
      );
    }
    const conns = r.runs.find((x) => x.scenario === 'connections');
    assert.equal(conns?.status, 'skipped');
    assert.match(conns.reason ?? '', /forced GC/);
    const lib = (r.report.libraries as Array<{ name: string; settings: Record<string, unknown> }>).find(
      (l) => l.name === 'target',
    );
    assert.equal(lib?.settings.target, url);
    assert.equal(lib?.settings.address, `127.0.0.1:${server.port}`);
    assert.equal(lib?.settings.remote, false);
    assert.equal(lib?.settings.serverPid, server.pid);
  },
);

test(
  'without --server-pid: completed rows that say the server side was not measured',
  { timeout: 120_000 },
  async () => {
    server ??= await startPlainServer();
    const r = await bench([
      '--target',
      `ws://127.0.0.1:${server.port}/echo`,
      '--scenario',
      'latency,throughput,broadcast',
      ...SHORT,
    ]);
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}\n${r.stdout}`);
    for (const name of ['latency', 'throughput']) {
      const run = r.runs.find((x) => x.scenario === name);
      assert.equal(run?.status, 'completed', `${name}: ${JSON.stringify(run)}`);
      assert.equal(run.stats?.metrics.serverCpuPct, undefined, 'no server CPU figure');
      assert.ok((run.stats?.metrics.clientCpuPct ?? 0) > 0, 'the load generator CPU is measured');
      assert.ok(
        run.warnings?.some((w) =>
          /server CPU and memory not measured.*only the load generator was checked for saturation/.test(w),
        ),
        JSON.stringify(run.warnings),
      );
    }
    const b = r.runs.find((x) => x.scenario === 'broadcast');
    assert.equal(b?.status, 'skipped');
    assert.match(b.reason ?? '', /no broadcast endpoint.*--target-broadcast/);
    assert.match(r.stdout, /target\s+ok\s+.*not measured/, 'the console table says so in the server columns');
    assert.match(r.stdout, /only the load generator was checked for saturation/);
  },
);

test(
  'an unreachable target: an errored row within the ready timeout, with a one-line reason',
  { timeout: 60_000 },
  async () => {
    // Port 1 on loopback: nothing listens there (connection refused).
    const r = await bench(['--target', 'ws://127.0.0.1:1/', '--scenario', 'latency', '--ready-timeout', '3', ...SHORT]);
    assert.equal(r.code, 2, r.stderr);
    const run = r.runs[0];
    assert.equal(run.status, 'errored');
    assert.match(run.error?.message ?? '', /^the target ws:\/\/127\.0\.0\.1:1\/ failed its check: .*ECONNREFUSED/);
    assert.doesNotMatch(run.error?.message ?? '', /\n/);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  },
);

test('a target that accepts TCP but never upgrades: errored within --ready-timeout', { timeout: 60_000 }, async () => {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const silent = net.createServer((s) => sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const r = await bench([
      '--target',
      `ws://127.0.0.1:${port}/`,
      '--scenario',
      'latency',
      '--ready-timeout',
      '2',
      ...SHORT,
    ]);
    assert.equal(r.runs[0].status, 'errored');
    assert.match(r.runs[0].error?.message ?? '', /no WebSocket upgrade within 2000 ms/);
    assert.ok(Date.now() - started < 15_000);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test(
  'a target that answers wrongly (refuses the upgrade, or echoes other bytes): an errored row with the reason',
  { timeout: 60_000 },
  async () => {
    const http = await import('node:http');
    const { WebSocketServer } = await import('ws');
    const refusing = http.createServer((_req, res) => res.writeHead(404).end());
    const wrong = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wrong.on('connection', (s) => s.on('message', () => s.send('not your message')));
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => (wrong.address() ? r() : wrong.once('listening', () => r())));
    try {
      const cases = [
        [(refusing.address() as { port: number }).port, /upgrade refused: HTTP\/1\.1 404/],
        [(wrong.address() as { port: number }).port, /the echo of a 32-byte message came back as 16 different bytes/],
      ] as const;
      for (const [port, says] of cases) {
        const r = await bench([
          '--target',
          `ws://127.0.0.1:${port}/`,
          '--scenario',
          'latency',
          '--ready-timeout',
          '3',
          ...SHORT,
        ]);
        assert.equal(r.runs[0].status, 'errored', JSON.stringify(r.runs[0]));
        assert.match(r.runs[0].error?.message ?? '', says);
      }
    } finally {
      refusing.close();
      wrong.close();
    }
  },
);

test(
  'a wss:// target: completed rows over TLS, and the report says the certificate was not verified',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir('wsbench-target-tls-');
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tlsServer = await startPlainServer('127.0.0.1', [], { PLAIN_ECHO_CERT: cert, PLAIN_ECHO_KEY: key });
    try {
      const r = await bench([
        '--target',
        `wss://127.0.0.1:${tlsServer.port}/`,
        '--server-pid',
        String(tlsServer.pid),
        '--scenario',
        'latency,throughput',
        ...SHORT,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.runs.map((x) => `${x.scenario}/${x.status}`),
        ['latency/completed', 'throughput/completed'],
      );
      const lib = (
        r.report.libraries as Array<{ name: string; settings: Record<string, unknown>; facts: Record<string, unknown> }>
      ).find((l) => l.name === 'target');
      assert.match(String(lib?.settings.tls), /certificate not verified/);
      assert.match(String(lib?.facts.tlsProtocol), /^TLSv1\.[23]$/);
    } finally {
      await tlsServer.stop();
    }
  },
);

test(
  'a remote target without --allow-remote, and a non-WebSocket scheme: one line, exit 2, nothing written',
  { timeout: 60_000 },
  async () => {
    for (const [url, says] of [
      ['ws://192.0.2.7:8080/', /192\.0\.2\.7 is not a loopback address: pass --allow-remote/],
      ['http://127.0.0.1:80/', /the scheme must be ws:\/\//],
    ] as const) {
      const parent = tempDir('wsbench-target-bad-');
      const out = path.join(parent, 'out');
      const r = await runBench(['bench', '--target', url, '--scenario', 'latency', '--out', out], {
        timeoutMs: 20_000,
      });
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], says);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.equal(fs.existsSync(out), false);
    }
  },
);

test(
  'slow-consumers against a running target: with --server-pid its memory and policy, without it says what it lacks',
  { timeout: 150_000 },
  async () => {
    server ??= await startPlainServer();
    const url = `ws://127.0.0.1:${server.port}/`;
    const args = [
      '--scenario',
      'slow-consumers',
      '--clients',
      '10',
      '--duration',
      '3',
      '--warmup',
      '0.3',
      '--runs',
      '1',
    ];
    const withPid = await bench([
      '--target',
      url,
      '--server-pid',
      String(server.pid),
      '--target-broadcast',
      '/broadcast',
      ...args,
    ]);
    assert.equal(withPid.code, 0, `exit ${withPid.code}\n${withPid.stderr}\n${withPid.stdout}`);
    const run = withPid.runs.find((x) => x.scenario === 'slow-consumers');
    assert.equal(run?.status, 'completed', JSON.stringify(run));
    assert.ok((run.stats?.metrics.rssPeakMiB ?? 0) > 0, `server memory sampled: ${JSON.stringify(run.stats?.metrics)}`);
    assert.ok((run.stats?.metrics.growthMiBPerS ?? 0) > 0, 'the backlog held for the slow member is seen');
    assert.match(withPid.stdout, /slow-consumers, target: buffers without bound/);

    const without = await bench(['--target', url, '--target-broadcast', '/broadcast', ...args]);
    assert.equal(without.code, 0, `exit ${without.code}\n${without.stderr}\n${without.stdout}`);
    const bare = without.runs.find((x) => x.scenario === 'slow-consumers');
    assert.equal(bare?.status, 'completed', JSON.stringify(bare));
    assert.equal(bare.stats?.metrics.rssPeakMiB, undefined, 'no memory figure without a pid');
    assert.ok(
      bare.warnings?.some((w) => /no server process to sample \(--target without --server-pid\)/.test(w)),
      JSON.stringify(bare.warnings),
    );

    const noRoom = await bench(['--target', url, ...args]);
    assert.equal(noRoom.runs.find((x) => x.scenario === 'slow-consumers')?.status, 'skipped');
  },
);
