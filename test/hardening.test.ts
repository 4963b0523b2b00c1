/**
 * No client input may crash a server of ours: malformed frames (unmasked, reserved opcode,
 * reserved bit, invalid UTF-8, oversized control frame) sent to every adapter's server leave the
 * process alive, and it still echoes on a new connection. (ws emits the protocol error on the
 * socket after closing it: an adapter without an 'error' listener dies there.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { LIBRARY_NAMES } from '../adapters/index.js';
import { Probe, frame, upgradeRequest } from '../runner/conformance/probe.js';
import { client, codecOf, start } from './lib/server.js';

const BAD: Record<string, Buffer> = {
  'unmasked frame': frame(1, 'hello', { mask: false }),
  'reserved opcode 3': frame(3, 'x'),
  'reserved bit RSV2': frame(1, 'x', { rsv: 0x20 }),
  'invalid UTF-8': frame(1, Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80])),
  'oversized control frame': frame(9, Buffer.alloc(126)),
};

for (const lib of LIBRARY_NAMES) {
  test(`${lib}: malformed frames never crash the server, and it still echoes`, { timeout: 60_000 }, async () => {
    const server = await start(lib);
    const codec = await codecOf(lib);
    try {
      for (const [what, bytes] of Object.entries(BAD)) {
        const p = new Probe('127.0.0.1', server.port);
        try {
          assert.ok(
            await p.upgrade(upgradeRequest('127.0.0.1', server.port, codec.path('echo'))),
            `${lib}: no upgrade before '${what}'`,
          );
          await codec.open(p);
          await p.send(bytes);
          await p.until(() => p.closedAt !== null, 1000);
          // A crash on the bad frame shows within a few milliseconds of it.
          await new Promise((r) => setTimeout(r, 100));
        } finally {
          p.destroy();
        }
        assert.equal(server.exit, null, `${lib} server died after '${what}': ${server.stderrTail()}`);
        const c = await client(server, codec, 'echo');
        const payload = Buffer.from(`still here after ${what}`);
        for (const f of codec.encode('echo', payload, false).frames) {
          assert.equal(f.opcode, 1, 'text only');
          c.conn.sendText(f.payload.toString());
        }
        assert.equal((await c.next()).toString(), payload.toString(), `${lib}: no echo after '${what}'`);
        await c.conn.close();
      }
    } finally {
      await server.stop();
    }
  });
}

/** An upgrade request with thousands of headers, then a TCP reset once the server has answered. */
async function headersThenReset(port: number, path: string): Promise<void> {
  // About 15 KB: under Node's 16 KiB header limit, so the library itself answers it.
  const junk = Array.from({ length: 3000 }, () => 'x:1\r\n').join('');
  const req =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${junk}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  await new Promise<void>((resolve) => {
    s.once('connect', () => s.write(req));
    const done = (): void => resolve();
    s.once('data', done);
    s.once('close', done);
    setTimeout(done, 1000);
  });
  s.resetAndDestroy();
}

for (const lib of LIBRARY_NAMES) {
  test(
    `${lib}: a client that resets after a refused oversized handshake never crashes the server`,
    { timeout: 60_000 },
    async () => {
      const server = await start(lib);
      const codec = await codecOf(lib);
      try {
        for (let i = 0; i < 3; i++) await headersThenReset(server.port, codec.path('echo'));
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(
          server.exit,
          null,
          `${lib} server died after a reset following thousands of headers: ${server.stderrTail()}`,
        );
        const c = await client(server, codec, 'echo');
        await c.conn.close();
      } finally {
        await server.stop();
      }
    },
  );
}
