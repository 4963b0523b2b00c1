/**
 * Hostile client input against the servers added with other runtimes and frameworks (bun, deno,
 * socket.io-uws, fastify-websocket, faye-websocket): garbage instead of HTTP, a half request,
 * frames a client must not send (unmasked, reserved opcode, a length past the maximum payload),
 * a connection cut mid-frame. Each may close that connection; none may take the server down: an
 * echo still works afterwards and the process is still alive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ADAPTERS } from '../adapters/index.js';
import { runtimeMissing } from '../runner/process/runtimes.js';
import { client, codecOf, start } from './lib/server.js';

const LIBS = ['bun', 'deno', 'socket.io-uws', 'fastify-websocket', 'faye-websocket'] as const;

const UPGRADE = (path: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** Sends `chunks` (after an optional upgrade), waits a moment, then cuts the connection. */
function hostile(port: number, chunks: Buffer[], upgradePath?: string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (): void => {
      s.destroy();
      resolve();
    };
    s.on('error', done);
    s.on('close', done);
    s.on('data', () => {});
    s.on('connect', () => {
      if (upgradePath) s.write(UPGRADE(upgradePath));
      setTimeout(
        () => {
          for (const c of chunks) if (!s.destroyed) s.write(c);
          setTimeout(done, 150);
        },
        upgradePath ? 100 : 0,
      );
    });
  });
}

const masked = (opcode: number, payload: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from([0x80 | opcode, 0x80 | payload.length, 1, 2, 3, 4]),
    payload.map((b, i) => b ^ [1, 2, 3, 4][i % 4]),
  ]);

const ATTACKS: Array<[string, Buffer[], boolean]> = [
  ['binary garbage instead of HTTP', [Buffer.from([0, 255, 13, 10, 13, 10, 7, 0x80])], false],
  ['half an HTTP request', [Buffer.from('GET /echo HTTP/1.1\r\nHost: x\r\nUpgr')], false],
  ['an unmasked client frame', [Buffer.from([0x81, 0x03, 0x61, 0x62, 0x63])], true],
  ['a reserved opcode (0x3)', [masked(0x3, Buffer.from('abc'))], true],
  [
    'RSV bits without an extension',
    [Buffer.concat([Buffer.from([0xf1]), masked(0x1, Buffer.from('abc')).subarray(1)])],
    true,
  ],
  [
    'a length of 2^63 - 1',
    [Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])],
    true,
  ],
  ['invalid UTF-8 in a text frame', [masked(0x1, Buffer.from([0xc3, 0x28, 0xff]))], true],
  ['a frame cut in the middle', [Buffer.from([0x81, 0xfe, 0x10, 0x00, 1, 2, 3, 4, 9, 9, 9])], true],
];

for (const lib of LIBS) {
  const runtime = (ADAPTERS[lib] as { runtime?: { name: 'bun' | 'deno' } }).runtime;
  const missing = runtime && process.env.CI !== 'true' ? runtimeMissing(runtime.name) : null;
  test(
    `${lib}: hostile input closes connections, never the server`,
    { skip: missing ?? false, timeout: 60_000 },
    async () => {
      const server = await start(lib);
      try {
        const path = (await codecOf(lib)).path('echo');
        for (const [, chunks, upgrade] of ATTACKS) await hostile(server.port, chunks, upgrade ? path : undefined);
        assert.equal(server.exit, null, `${lib} exited: ${server.stderrTail()}`);
        const c = await client(server, await codecOf(lib), 'echo');
        c.conn.sendPayload(Buffer.from('still here'), false);
        assert.equal((await c.next()).toString(), 'still here');
        await c.conn.close();
        process.kill(server.pid, 0);
      } finally {
        await server.stop();
      }
    },
  );
}
