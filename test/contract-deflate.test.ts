/**
 * The adapter contract with permessage-deflate on (WSBENCH_COMPRESSION=1), through real server
 * processes and the load generator's own client: byte-exact echoes at the frame-length
 * boundaries, text and binary where the library carries binary, every answer compressed, one
 * broadcast reaching the 3 other members. Libraries that cannot compress fail the connection
 * (EDEFLATE) instead of being measured uncompressed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADAPTERS, findAdapter } from '../adapters/index.js';
import type { Channel, WireCodec } from '../adapters/types.js';
import { compressionUnsupported } from '../adapters/capabilities.js';
import { liveChildren } from '../runner/process/children.js';
import { RawConnection } from '../runner/loadgen/connection.js';
import { DEFAULT_OFFER } from '../runner/loadgen/deflate.js';
import { makePayload, readSeq, SEQ_BYTES } from '../runner/loadgen/frame.js';
import { MessageTemplate } from '../runner/loadgen/template.js';
import { startServer, type ServerHandle } from '../runner/process/server-process.js';
import { checkBroadcast, codecOf } from './lib/server.js';
import './helpers/register.js';

const SIZES = [0, 125, 126, 65535, 65536, 1024 * 1024];
const ENV = { WSBENCH_COMPRESSION: '1' };

/** Compressible ASCII text, no quote or backslash (Socket.IO carries it in a JSON string). */
function text(size: number): Buffer {
  const unit = Buffer.from('{user: zoe, room: lobby, text: hello world, n: 42} ');
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = unit[i % unit.length];
  return b;
}

function binary(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

async function start(lib: string): Promise<ServerHandle> {
  const adapter = findAdapter(lib);
  if (!adapter) throw new Error(`no adapter ${lib}`);
  return startServer({ adapter, cpu: 'any', readyTimeoutMs: 15_000, env: ENV });
}

async function client(server: ServerHandle, codec: WireCodec, channel: Channel) {
  const conn = await RawConnection.open({
    host: '127.0.0.1',
    port: server.port,
    codec,
    channel,
    deflate: DEFAULT_OFFER,
  });
  const queue: Buffer[] = [];
  const waiters: Array<(b: Buffer) => void> = [];
  conn.onData = (buf, s, e) => {
    const copy = Buffer.from(buf.subarray(s, e));
    const w = waiters.shift();
    if (w) w(copy);
    else queue.push(copy);
  };
  const next = (): Promise<Buffer> =>
    new Promise<Buffer>((resolve, reject) => {
      const q = queue.shift();
      if (q) return resolve(q);
      const t = setTimeout(() => reject(new Error('no message within 10 s')), 10_000);
      waiters.push((b) => {
        clearTimeout(t);
        resolve(b);
      });
    });
  return { conn, next };
}

const SUPPORTED = Object.keys(ADAPTERS).filter(
  (lib) => !findAdapter(lib)?.testOnly && compressionUnsupported(lib) === null,
);

test('compression is supported by ws, socket.io, uWebSockets.js and fastify-websocket; the others say why not', () => {
  assert.deepEqual([...SUPPORTED].sort(), ['fastify-websocket', 'socket.io', 'uwebsockets', 'ws']);
  assert.match(compressionUnsupported('websocket') ?? '', /no permessage-deflate/);
  assert.match(compressionUnsupported('sockjs') ?? '', /permessage-deflate package/);
});

for (const lib of SUPPORTED) {
  test(`${lib} with permessage-deflate: echo, broadcast, every answer compressed`, async (t) => {
    const server = await start(lib);
    const codec = await codecOf(lib);
    try {
      assert.match(
        JSON.stringify(server.settings),
        /SHARED_COMPRESSOR|threshold 0/,
        `${lib}: the settings name the compression applied`,
      );
      const c = await client(server, codec, 'echo');
      assert.ok(c.conn.deflate, `${lib} negotiated permessage-deflate`);
      // Every non-empty answer is compressed (uWS sends an empty message uncompressed: allowed).
      const compressed = (size: number, what: string, before: number): void => {
        if (size > 0) assert.equal(c.conn.uncompressedIn, before, `${lib} ${what} ${size} B came back compressed`);
      };
      await t.test('text echo is byte-exact at every boundary size', async () => {
        for (const size of SIZES) {
          const sent = text(size);
          const before = c.conn.uncompressedIn;
          c.conn.sendPayload(sent, false);
          const got = await c.next();
          compressed(size, 'text', before);
          assert.equal(got.length, size, `${lib} text ${size} B: length`);
          assert.ok(got.equals(sent), `${lib} text ${size} B: content`);
        }
      });
      await t.test('binary echo is byte-exact, every byte value', async () => {
        for (const size of SIZES) {
          const sent = binary(size);
          const before = c.conn.uncompressedIn;
          c.conn.sendPayload(sent, true);
          assert.ok((await c.next()).equals(sent), `${lib} binary ${size} B`);
          compressed(size, 'binary', before);
        }
      });
      await t.test('compressed templates with patched sequence numbers echo exactly', async () => {
        for (const asBinary of [false, true]) {
          const payload = makePayload(1024);
          const tpl = new MessageTemplate(codec, 'echo', payload, asBinary, c.conn.deflate);
          for (const seq of [0, 7, 0xabcdef01]) {
            const before = c.conn.uncompressedIn;
            c.conn.sendMessage(tpl, seq);
            const got = await c.next();
            compressed(1024, 'template', before);
            assert.equal(readSeq(got), seq);
            assert.ok(
              got.subarray(SEQ_BYTES).equals(payload.subarray(SEQ_BYTES)),
              `${lib} template ${asBinary ? 'binary' : 'text'}`,
            );
          }
        }
      });
      await t.test('one broadcast reaches the 3 other members, not the sender', async () => {
        await checkBroadcast(lib, () => client(server, codec, 'broadcast'), text(4096));
      });
      await c.conn.close();
    } finally {
      await server.stop();
    }
    assert.deepEqual(liveChildren(), []);
  });
}

for (const lib of ['websocket', 'sockjs']) {
  test(`${lib} with WSBENCH_COMPRESSION=1: the connection fails with EDEFLATE, never measured uncompressed`, async () => {
    const server = await start(lib);
    try {
      const codec = await codecOf(lib);
      await assert.rejects(client(server, codec, 'echo'), (e: Error & { code?: string }) => e.code === 'EDEFLATE');
    } finally {
      await server.stop();
    }
    assert.deepEqual(liveChildren(), []);
  });
}
