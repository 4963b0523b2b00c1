/**
 * A kept load-generator session (side by side): one process and one set of connections serve
 * every window of a library in a case; each window is counted on its own; a failure ends the
 * session and the next window starts a fresh one; ending it leaves no process behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findAdapter } from '../adapters/index.js';
import type { EchoJob } from '../runner/loadgen/jobs.js';
import { LoadgenSession, sessionShape } from '../runner/process/loadgen-session.js';
import { startServer, type ServerHandle } from '../runner/process/server-process.js';
import { WarmServers } from '../runner/sidebyside/windows.js';
import { liveChildren } from '../runner/process/children.js';

/** Client ports with an established connection to `port` (from /proc/net/tcp and tcp6). */
function clientPorts(port: number): number[] {
  const out: number[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '01') continue;
      const local = parseInt(cols[1].split(':')[1], 16);
      const remote = parseInt(cols[2].split(':')[1], 16);
      if (remote === port) out.push(local);
    }
  }
  return out.sort((a, b) => a - b);
}

async function ws(): Promise<ServerHandle> {
  const adapter = findAdapter('ws')!;
  return startServer({ adapter, cpu: 'any', readyTimeoutMs: 15_000 });
}

function job(server: ServerHandle, connections = 4): EchoJob {
  return {
    kind: 'echo',
    host: '127.0.0.1',
    port: server.port,
    codecModule: findAdapter('ws')!.codecModule,
    warmupMs: 200,
    durationMs: 400,
    connections,
    inflight: 4,
    payloadBytes: 64,
    binary: false,
  };
}

const never = new Promise<never>(() => {});
const hooks = (server: ServerHandle) => ({ serverPid: server.pid, serverGone: never, timeoutMs: 20_000 });

test(
  'a kept session: the same connections measure every window, each counted on its own',
  { timeout: 60_000 },
  async () => {
    const server = await ws();
    const j = job(server);
    const session = new LoadgenSession(j, sessionShape(j, server.pid), { cpu: 'any' });
    try {
      const first = await session.window({ warmupMs: 200, durationMs: 400 }, hooks(server));
      const ports = clientPorts(server.port);
      assert.equal(ports.length, 4, 'four connections open between windows');
      const second = await session.window({ warmupMs: 100, durationMs: 800 }, hooks(server));
      assert.deepEqual(clientPorts(server.port), ports, 'the same connections, still open');
      for (const [name, w, ms] of [
        ['first', first, 400],
        ['second', second, 800],
      ] as const) {
        assert.ok(Math.abs(w.result.measuredMs - ms) < 100, `${name}: its own window (${w.result.measuredMs} ms)`);
        assert.ok((w.result.counts.messages ?? 0) > 100, `${name}: echoes counted`);
        // Sent in this window only (not since the session opened): about what was answered.
        assert.ok(
          (w.result.counts.sent ?? 0) < 2 * (w.result.counts.measured ?? 0) + 100,
          `${name}: sent in the window`,
        );
        assert.notEqual(w.clientCpu, null, `${name}: the load generator's CPU sampled`);
      }
    } finally {
      await session.end();
      await server.stop();
    }
    assert.equal(session.alive, false);
    assert.deepEqual(clientPorts(server.port), [], 'closed at the end');
  },
);

test(
  'a session ends with its server; the next window of the library starts a fresh one',
  { timeout: 60_000 },
  async () => {
    const warm = new WarmServers();
    let server = await ws();
    const before = liveChildren().length;
    try {
      const opts = { cpu: 'any' };
      await warm.measure('ws', job(server), opts, hooks(server));
      await server.stop();
      await assert.rejects(
        warm.measure('ws', job(server), opts, hooks(server)),
        /load generator|connect|ECONN|closed/i,
      );
      server = await ws();
      const again = await warm.measure('ws', job(server), opts, hooks(server));
      assert.ok((again.result.counts.messages ?? 0) > 100, 'the new server measured by a new session');
      // A different shape (more connections): the session is replaced, not reused.
      const wider = await warm.measure('ws', job(server, 6), opts, hooks(server));
      assert.equal(wider.result.counts.connections, 6);
      assert.equal(clientPorts(server.port).length, 6);
    } finally {
      await warm.stopAll();
      await server.stop();
    }
    assert.ok(liveChildren().length <= before, 'no load generator left');
  },
);
