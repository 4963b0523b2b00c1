/**
 * The adapter contract over TLS (wss://), for every library: each server on its TLS stack
 * (https.createServer, uWS SSLApp) with a throwaway ECDSA P-256 certificate, our client on
 * node:tls verifying it; byte-exact echo at the frame-length boundaries, text (UTF-8 with
 * multi-byte characters) and binary where the library carries it; one broadcast reaching the 3
 * other members; no process or key left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import tls from 'node:tls';
import { LIBRARY_NAMES } from '../adapters/index.js';
import { liveChildren } from '../runner/process/children.js';
import { tlsMaterial } from '../runner/tls-cert.js';
import { parseTransport } from '../runner/transport.js';
import { checkBroadcast, client, codecOf, start } from './lib/server.js';

const SIZES = [0, 125, 126, 65535, 65536, 1024 * 1024];

/** `size` bytes of UTF-8 with 2- and 3-byte characters (no quote or backslash), cut at a character. */
function text(size: number): Buffer {
  const unit = Buffer.from('é日a-');
  const b = Buffer.alloc(size, 0x61);
  let at = 0;
  while (at + unit.length <= size) at += unit.copy(b, at);
  return b;
}

function binary(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

const material = tlsMaterial(parseTransport({ tls: true }));
const env = { WSBENCH_TLS_CERT: material.certFile, WSBENCH_TLS_KEY: material.keyFile };
const trust = material.client;

test.after(() => {
  material.dispose();
  assert.equal(fs.existsSync(material.keyFile), false, 'the throwaway key is deleted');
});

for (const lib of LIBRARY_NAMES) {
  test(`${lib} over TLS: echo, broadcast and clean shutdown`, async (t) => {
    const server = await start(lib, env);
    const codec = await codecOf(lib);
    try {
      const c = await client(server, codec, 'echo', trust);
      const socket = c.conn.socket as tls.TLSSocket;
      assert.ok(socket instanceof tls.TLSSocket, 'the connection is a TLS socket');
      assert.equal(socket.authorized, true, 'the certificate was verified against localhost');
      assert.match(socket.getProtocol() ?? '', /^TLSv1\.[23]$/);
      await t.test('text echo (UTF-8) is byte-exact at every boundary size', async () => {
        for (const size of SIZES) {
          const sent = text(size);
          c.conn.sendPayload(sent, false);
          const got = await c.next();
          assert.equal(got.length, size, `${lib} TLS text ${size} B: length`);
          assert.ok(got.equals(sent), `${lib} TLS text ${size} B: content`);
        }
      });
      await t.test(
        codec.binary ? 'binary echo is byte-exact, every byte value' : 'binary: this library carries text only',
        async (tt) => {
          if (!codec.binary) return void tt.diagnostic(`${lib} carries text messages only`);
          for (const size of SIZES) {
            const sent = binary(size);
            c.conn.sendPayload(sent, true);
            assert.ok((await c.next()).equals(sent), `${lib} TLS binary ${size} B`);
          }
        },
      );
      await t.test('one broadcast reaches the 3 other members, not the sender', async () => {
        await checkBroadcast(lib, () => client(server, codec, 'broadcast', trust), text(64));
      });
      await c.conn.close();
    } finally {
      await server.stop();
    }
    assert.notEqual(server.exit, null, 'server process exited');
    assert.deepEqual(liveChildren(), []);
  });
}
