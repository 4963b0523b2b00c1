/**
 * Loopback only: every library's server listens on 127.0.0.1 and nothing else, and the load
 * generator refuses a non-loopback target unless the job says the user allowed it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { LIBRARY_NAMES } from '../adapters/index.js';
import { runLoadgen } from '../runner/process/loadgen-process.js';
import type { EchoJob } from '../runner/loadgen/jobs.js';
import { start } from './lib/server.js';

/** Local addresses of the sockets listening on `port`, from the kernel's own tables. */
function listeners(port: number): string[] {
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A: LISTEN
      const [hex, portHex] = local.split(':');
      if (parseInt(portHex, 16) === port) out.push(hex);
    }
  }
  return out;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

function connectError(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('every server listens on 127.0.0.1 only', { timeout: 120_000 }, async () => {
  const external = externalAddress();
  for (const name of LIBRARY_NAMES) {
    const server = await start(name);
    try {
      // 0100007F is 127.0.0.1 in the kernel's byte order; 00000000 would be 0.0.0.0.
      assert.deepEqual(listeners(server.port), ['0100007F'], `${name} on port ${server.port}`);
      assert.equal(await connectError('127.0.0.1', server.port), 'connected');
      if (external)
        assert.equal(await connectError(external, server.port), 'ECONNREFUSED', `${name} reachable on ${external}`);
    } finally {
      await server.stop();
    }
  }
});

test('the load generator refuses a non-loopback target unless the job allows it', { timeout: 60_000 }, async () => {
  // A listener on every address, counting connections: a refused job must never reach it.
  let connections = 0;
  const open = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => open.listen(0, '0.0.0.0', resolve));
  const port = (open.address() as net.AddressInfo).port;
  const job = (host: string, allowRemote?: boolean): EchoJob => ({
    kind: 'echo',
    host,
    port,
    codecModule: 'ws/codec.js',
    warmupMs: 0,
    durationMs: 200,
    connections: 1,
    inflight: 1,
    payloadBytes: 32,
    binary: true,
    allowRemote,
  });
  const measure = (j: EchoJob): Promise<unknown> =>
    runLoadgen(j, { cpu: 'any', serverPid: process.pid, serverGone: new Promise<never>(() => {}), timeoutMs: 20_000 });
  try {
    const host = externalAddress() ?? '192.0.2.1';
    for (const remote of [host, 'example.com', '10.1.2.3']) {
      await assert.rejects(measure(job(remote)), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'EREMOTE', `${remote}: ${e.message}`);
        assert.match(e.message, /not a loopback address.*--allow-remote/);
        return true;
      });
    }
    assert.equal(connections, 0, 'a refused job connected anyway');
    // Loopback needs no permission; with it, a remote target is tried (and fails here at the
    // upgrade, since this listener is no WebSocket server) rather than refused.
    await assert.rejects(measure(job('127.0.0.1')), (e: Error & { code?: string }) => e.code !== 'EREMOTE');
    if (externalAddress()) {
      await assert.rejects(measure(job(host, true)), (e: Error & { code?: string }) => e.code !== 'EREMOTE');
      assert.ok(connections >= 2, 'the allowed remote job did connect');
    }
  } finally {
    open.close();
  }
});
