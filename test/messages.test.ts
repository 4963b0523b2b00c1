/**
 * `--messages`: a small corpus of the user's own messages goes out exactly as written (a real ws
 * server records what each connection received, in order), every echo is checked against the
 * message its send picked (a server that alters one fails the run), with compression as
 * browsers negotiate it or without, and the report states the corpus's size and compressibility.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type net from 'node:net';
import { WebSocketServer, type PerMessageDeflateOptions } from 'ws';
import { rawCodec } from '../adapters/_shared/raw-codec.js';
import { runEcho } from '../runner/loadgen/echo.js';
import { loadCorpus } from '../runner/loadgen/corpus.js';
import { parseTransport, transportOptions } from '../runner/transport.js';
import { UsageError } from '../runner/errors.js';

const codec = rawCodec(true);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-messages-'));
const FILE = path.join(dir, 'small.txt');
const LINES = [
  '{"type":"chat","room":"général","text":"hello 👋"}',
  'plain text, no JSON',
  'base64:AAECAwT/',
  '{"type":"typing"}',
  'x',
];
fs.writeFileSync(FILE, `${LINES.join('\r\n')}\n\n`);
const SENT = [
  ...LINES.slice(0, 2).map((l) => Buffer.from(l)),
  Buffer.from([0, 1, 2, 3, 4, 255]),
  ...LINES.slice(3).map((l) => Buffer.from(l)),
];

/** A real ws server that echoes (or alters message `alter`) and records what each connection got. */
async function recordingServer(perMessageDeflate: PerMessageDeflateOptions | false, alter = -1) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  const received: Array<Array<{ data: Buffer; binary: boolean }>> = [];
  let total = 0;
  wss.on('connection', (ws) => {
    const mine: Array<{ data: Buffer; binary: boolean }> = [];
    received.push(mine);
    ws.on('message', (data: Buffer, binary) => {
      mine.push({ data: Buffer.from(data), binary });
      const out = total++ === alter ? Buffer.concat([data, Buffer.from('!')]) : data;
      ws.send(out, { binary });
    });
  });
  await new Promise<void>((r) => wss.once('listening', r));
  const port = (wss.address() as net.AddressInfo).port;
  const close = () =>
    new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    });
  return { port, received, close };
}

const job = (port: number, compression: boolean, order: 'order' | 'sample' = 'order') => ({
  kind: 'echo' as const,
  host: '127.0.0.1',
  port,
  codecModule: '',
  warmupMs: 100,
  durationMs: 300,
  connections: 3,
  inflight: 2,
  payloadBytes: 32,
  binary: false,
  compression,
  messages: { source: FILE, order },
});

test('the corpus file is read as written: text lines as UTF-8, base64: lines as binary, blank lines and CR skipped', () => {
  const c = loadCorpus(FILE);
  assert.deepEqual(c.messages, SENT);
  assert.deepEqual(c.binary, [false, false, true, false, false]);
});

for (const compression of [false, true]) {
  test(`--messages sends exactly the corpus, in order per connection, each echo verified (compression ${compression ? 'on, browser offer' : 'off'})`, async () => {
    const server = await recordingServer(compression ? { threshold: 0 } : false);
    try {
      const r = await runEcho(job(server.port, compression), codec, () => {});
      assert.ok(r.counts.messages > 50, `${r.counts.messages} messages`);
      assert.equal(server.received.length, 3);
      let total = 0;
      for (const got of server.received) {
        assert.ok(got.length > 10);
        // Connection c starts at its own offset c; which offset is not known here: find it.
        const start = SENT.findIndex((m) => m.equals(got[0].data));
        got.forEach((m, k) => {
          const want = (start + k) % SENT.length;
          assert.deepEqual(m.data, SENT[want], `message ${k}`);
          assert.equal(m.binary, want === 2, `message ${k} frame type`);
        });
        total += got.length;
      }
      assert.equal(total, r.counts.sent, 'every message sent reached the server, and no other');
      const bytes = SENT.reduce((n, m) => n + m.length, 0) / SENT.length;
      assert.ok(Math.abs(r.counts.bytes / r.counts.messages - bytes) < 3, 'bytes counted as the messages sent');
      if (compression) {
        assert.ok(r.counts.clientDeflateMs > 0, 'the client compressed every send itself');
        assert.equal(r.deflate?.offered, 'permessage-deflate; client_max_window_bits');
        assert.match(r.deflate?.answered ?? '', /^permessage-deflate/);
      }
    } finally {
      await server.close();
    }
  });
}

test('--messages-order sample picks among the corpus, every echo still verified', async () => {
  const server = await recordingServer({ threshold: 0 });
  try {
    const r = await runEcho(job(server.port, true, 'sample'), codec, () => {});
    const got = server.received.flat().map((m) => m.data);
    assert.equal(got.length, r.counts.sent);
    assert.ok(got.every((g) => SENT.some((m) => m.equals(g))));
    // Not in order: some message is followed by one other than its successor in the file.
    const idx = server.received[0].map((m) => SENT.findIndex((s) => s.equals(m.data)));
    assert.ok(idx.some((v, i) => i > 0 && v !== (idx[i - 1] + 1) % SENT.length));
  } finally {
    await server.close();
  }
});

test('an echo that differs from the message sent fails the run (EECHO)', async () => {
  const server = await recordingServer({ threshold: 0 }, 40);
  try {
    await assert.rejects(
      runEcho(job(server.port, true), codec, () => {}),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'EECHO');
        assert.match(e.message, /bytes instead of/);
        return true;
      },
    );
  } finally {
    await server.close();
  }
});

test('the report states the corpus: count, sizes, ratio alone and with the context kept; a bad file is a usage error', () => {
  const t = parseTransport({ messages: FILE, compression: 'on' });
  const o = transportOptions(t);
  const min = Math.min(...SENT.map((m) => m.length));
  const max = Math.max(...SENT.map((m) => m.length));
  assert.match(
    String(o.messages),
    new RegExp(
      `small\\.txt: 5 messages, ${min}-${max} B \\(mean \\d+ B\\); deflated alone to \\d\\.\\d\\d of their size, with the context kept to \\d\\.\\d\\d \\(in order\\)`,
    ),
  );
  assert.equal(o.deflateOffer, 'permessage-deflate; client_max_window_bits (browser)');
  const chat = String(transportOptions(parseTransport({ messages: 'chat' })).messages);
  const m = /512 messages.*alone to (\d\.\d\d).*kept to (\d\.\d\d)/.exec(chat);
  assert.ok(m && Number(m[2]) < Number(m[1]), chat);
  const bad = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(bad, '{"ok":1}\nnot json\n');
  assert.throws(
    () => parseTransport({ messages: bad }),
    (e: Error) => e instanceof UsageError && /line 2: not JSON/.test(e.message),
  );
  assert.throws(() => parseTransport({ deflateOffer: 'browser' }), /applies only with compression/);
  assert.throws(() => parseTransport({ compression: 'on', deflateOffer: 'gzip' }), /--deflate-offer/);
});
