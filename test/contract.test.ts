/**
 * The adapter contract, for every library, through real server processes and the load
 * generator's own client: byte-exact echo at the frame-length boundaries, text and binary, one
 * broadcast relayed to every other member of the room, and no process left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADAPTERS, LIBRARY_NAMES } from '../adapters/index.js';
import { liveChildren } from '../runner/process/children.js';
import { runtimeMissing } from '../runner/process/runtimes.js';
import { checkBroadcast, client, codecOf, start } from './lib/server.js';

/** Lengths around RFC 6455's 7-bit, 16-bit and 64-bit length encodings, and 1 MiB. */
const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1024 * 1024];

/** Printable ASCII, so the same payload is valid text for every library's protocol. */
function payload(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    const c = 32 + ((i * 7 + seed) % 95);
    // No quote or backslash: Socket.IO carries text inside a JSON string.
    b[i] = c === 34 || c === 92 ? 95 : c;
  }
  return b;
}

/** Every byte value, for libraries that carry binary. */
function binaryPayload(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

for (const lib of LIBRARY_NAMES) {
  // Bun and Deno come from npm packages: a missing one is a skip here, and a failure under CI.
  const runtime = (ADAPTERS[lib] as { runtime?: { name: 'bun' | 'deno' } }).runtime;
  const missing = runtime && process.env.CI !== 'true' ? runtimeMissing(runtime.name) : null;
  test(`${lib}: echo, broadcast and clean shutdown`, { skip: missing ?? false }, async (t) => {
    const server = await start(lib);
    const codec = await codecOf(lib);
    try {
      const c = await client(server, codec, 'echo');
      await t.test('text echo is byte-exact at every boundary size', async () => {
        for (const size of SIZES) {
          const sent = payload(size, size);
          c.conn.sendPayload(sent, false);
          const got = await c.next();
          assert.equal(got.length, size, `${lib} text ${size} B: length`);
          assert.ok(got.equals(sent), `${lib} text ${size} B: content`);
        }
      });
      await t.test(
        codec.binary ? 'binary echo is byte-exact, every byte value' : 'binary: this library carries text only',
        async (tt) => {
          if (!codec.binary) {
            tt.diagnostic(`${lib} carries text messages only; binary echo is not applicable`);
            return;
          }
          for (const size of SIZES) {
            const sent = binaryPayload(size);
            c.conn.sendPayload(sent, true);
            const got = await c.next();
            assert.ok(got.equals(sent), `${lib} binary ${size} B`);
          }
        },
      );
      await t.test('one broadcast reaches the 3 other members, not the sender', async () => {
        await checkBroadcast(lib, () => client(server, codec, 'broadcast'), payload(64, 3));
      });
      await c.conn.close();
    } finally {
      await server.stop();
    }
    assert.equal(server.exit !== null, true, 'server process exited');
    assert.throws(() => process.kill(server.pid, 0), 'no process left with the server pid');
    assert.deepEqual(liveChildren(), []);
  });
}
