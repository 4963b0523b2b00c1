/**
 * The load generator's permessage-deflate (RFC 7692) against ws as the peer: ws's own server
 * answers our client, and ws's own client, given the same offer, is the reference for what must
 * be negotiated. Every parameter, messages split across frames, compressed templates with a
 * patched sequence number, and a server that ignores the offer failing the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type PerMessageDeflateOptions } from 'ws';
import { rawCodec } from '../adapters/_shared/raw-codec.js';
import { RawConnection } from '../runner/loadgen/connection.js';
import {
  acceptResponse,
  DEFAULT_OFFER,
  deflateMessage,
  type DeflateOffer,
  type DeflateParams,
} from '../runner/loadgen/deflate.js';
import { runEcho } from '../runner/loadgen/echo.js';
import { NO_CONTEXT_OFFER } from '../runner/loadgen/deflate-offer.js';
import { makePayload, readSeq, SEQ_BYTES } from '../runner/loadgen/frame.js';
import { MessageTemplate } from '../runner/loadgen/template.js';
import { codec as socketIoCodec } from '../adapters/socket.io/codec.js';

const codec = rawCodec(true);

/** Compressible, JSON-like text with a sequence number first and some non-ASCII. */
function jsonLike(size: number): Buffer {
  const unit = '{"user":"zoë","room":"lobby","text":"hello, world — ça va?","n":42},';
  const b = Buffer.alloc(size);
  for (let at = 0; at < size;) at += b.write(unit, at);
  if (size >= SEQ_BYTES) b.fill(0x30, 0, SEQ_BYTES);
  return b;
}

type Fragmenter = (ws: WebSocket, data: Buffer, isBinary: boolean) => void;

async function wsServer(
  perMessageDeflate: PerMessageDeflateOptions | false,
  reply?: Fragmenter,
): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer, isBinary) =>
      reply ? reply(ws, data, isBinary) : ws.send(data, { binary: isBinary }),
    );
  });
  await new Promise<void>((r) => wss.once('listening', r));
  const port = (wss.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

/** Our client, collecting what it receives (copied) and the wire bytes of each message. */
async function ours(port: number, deflate?: DeflateOffer) {
  const conn = await RawConnection.open({
    host: '127.0.0.1',
    port,
    codec,
    channel: 'echo',
    ...(deflate ? { deflate } : {}),
  });
  const got: Array<{ data: Buffer; wire: number }> = [];
  const waiters: Array<() => void> = [];
  let seen = 0;
  conn.onData = (buf, s, e) => {
    got.push({ data: Buffer.from(buf.subarray(s, e)), wire: conn.wireIn - seen });
    seen = conn.wireIn;
    waiters.shift()?.();
  };
  const failures: Error[] = [];
  conn.onFailure = (e) => failures.push(e);
  const next = async (): Promise<{ data: Buffer; wire: number }> => {
    const t0 = Date.now();
    while (got.length === 0) {
      if (failures.length) throw failures[0];
      if (Date.now() - t0 > 5000) throw new Error('no message within 5 s');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return got.shift()!;
  };
  return { conn, next, failures };
}

/** What ws's own client negotiates with the same server for the same offer, normalized. */
async function wsClientParams(port: number, offer: DeflateOffer): Promise<DeflateParams> {
  const options: Record<string, boolean | number> = {};
  // ws reads an explicit false as "refuse it if the server imposes it": only pass what is offered.
  if (offer.serverNoContextTakeover) options.serverNoContextTakeover = true;
  if (offer.clientNoContextTakeover) options.clientNoContextTakeover = true;
  if (offer.serverMaxWindowBits !== undefined) options.serverMaxWindowBits = offer.serverMaxWindowBits;
  if (offer.clientMaxWindowBits !== undefined) options.clientMaxWindowBits = offer.clientMaxWindowBits;
  // ws's types say number for the window bits, its code takes true too (offered without a value).
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: options as PerMessageDeflateOptions });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const ext = (ws as unknown as { _extensions: Record<string, { params: Record<string, boolean | number> }> })
    ._extensions['permessage-deflate'];
  ws.terminate();
  assert.ok(ext, "ws's client negotiated permessage-deflate");
  const p = ext.params;
  const bits = (v: boolean | number | undefined): number => (typeof v === 'number' ? v : 15);
  return {
    serverNoContextTakeover: p.server_no_context_takeover === true,
    clientNoContextTakeover: p.client_no_context_takeover === true,
    serverMaxWindowBits: bits(p.server_max_window_bits),
    clientMaxWindowBits: bits(p.client_max_window_bits),
  };
}

const MATRIX: Array<{
  name: string;
  server: PerMessageDeflateOptions;
  offer: DeflateOffer;
  expect: Partial<DeflateParams>;
}> = [
  {
    name: 'default (browser) offer',
    server: { threshold: 0 },
    offer: DEFAULT_OFFER,
    expect: { serverNoContextTakeover: false, clientNoContextTakeover: false },
  },
  {
    name: 'no-context-takeover offer',
    server: { threshold: 0 },
    offer: NO_CONTEXT_OFFER,
    expect: { serverNoContextTakeover: false, clientNoContextTakeover: true },
  },
  {
    name: 'server_no_context_takeover asked for',
    server: { threshold: 0 },
    offer: { ...DEFAULT_OFFER, serverNoContextTakeover: true },
    expect: { serverNoContextTakeover: true },
  },
  {
    name: 'server_no_context_takeover imposed by the server',
    server: { threshold: 0, serverNoContextTakeover: true },
    offer: DEFAULT_OFFER,
    expect: { serverNoContextTakeover: true },
  },
  {
    name: 'client_no_context_takeover imposed by the server',
    server: { threshold: 0, clientNoContextTakeover: true },
    offer: { clientMaxWindowBits: true },
    expect: { clientNoContextTakeover: true },
  },
  {
    name: 'server_max_window_bits=10 asked for',
    server: { threshold: 0 },
    offer: { ...DEFAULT_OFFER, serverMaxWindowBits: 10 },
    expect: { serverMaxWindowBits: 10 },
  },
  {
    name: 'server_max_window_bits=9 imposed by the server',
    server: { threshold: 0, serverMaxWindowBits: 9 },
    offer: DEFAULT_OFFER,
    expect: { serverMaxWindowBits: 9 },
  },
  {
    name: 'client_max_window_bits=9 imposed by the server',
    server: { threshold: 0, clientMaxWindowBits: 9 },
    offer: DEFAULT_OFFER,
    expect: { clientMaxWindowBits: 9 },
  },
  {
    name: 'client_max_window_bits=8 offered',
    server: { threshold: 0 },
    offer: { clientNoContextTakeover: true, clientMaxWindowBits: 8 },
    expect: { clientMaxWindowBits: 8 },
  },
];

for (const row of MATRIX) {
  test(`permessage-deflate with ws, ${row.name}: negotiated as ws's own client does, echoes exact`, async () => {
    const server = await wsServer(row.server);
    try {
      const reference = await wsClientParams(server.port, row.offer);
      const c = await ours(server.port, row.offer);
      assert.deepEqual(c.conn.deflate, reference, "our client and ws's client negotiate the same parameters");
      for (const [k, v] of Object.entries(row.expect)) assert.equal(c.conn.deflate?.[k as keyof DeflateParams], v, k);
      // Compressed templates (the hot path), sequence numbers patched into the stored block.
      for (const size of [8, 200, 1024, 70_000]) {
        const payload = jsonLike(size);
        const t = new MessageTemplate(codec, 'echo', payload, false, c.conn.deflate);
        assert.ok(t.bytes.length < size || size < 64, `${size} B went out compressed (${t.bytes.length} B)`);
        for (const seq of [0, 1, 0xdeadbeef, 0x7fffffff]) {
          // Context kept (browser offer): compressed now by the connection's deflater.
          c.conn.sendMessage(t, seq);
          const { data } = await c.next();
          assert.equal(data.length, size);
          assert.equal(readSeq(data), seq, `${size} B: sequence number`);
          assert.ok(data.subarray(SEQ_BYTES).equals(payload.subarray(SEQ_BYTES)), `${size} B: content`);
        }
      }
      // Whole messages compressed per send (sendPayload), up to 1 MiB, binary included.
      const wire: number[] = [];
      // Hex text: compresses alone to about half; repeated within the window, to a few bytes.
      const hex = Buffer.from(randomBytes(512).toString('hex'));
      for (const sent of [Buffer.alloc(0), hex, hex, jsonLike(1 << 20), Buffer.from([0, 255, 1, 254])]) {
        c.conn.sendPayload(sent, true);
        const got = await c.next();
        assert.ok(got.data.equals(sent), `${sent.length} B echo`);
        wire.push(got.wire);
      }
      if (c.conn.deflate!.serverNoContextTakeover)
        assert.ok(wire[2] >= wire[1] - 2, `no context takeover: ${wire[1]} B then ${wire[2]} B`);
      else if (c.conn.deflate!.serverMaxWindowBits >= 11) {
        // The second identical 1 KiB message refers back into the first: only an inflater that
        // kept its window decodes it, and it costs a few bytes.
        assert.ok(wire[2] < wire[1] / 4, `context takeover: ${wire[1]} B then ${wire[2]} B`);
      }
      assert.equal(c.conn.uncompressedIn, 0, 'every echo came back compressed');
      assert.deepEqual(c.failures, []);
      await c.conn.close();
    } finally {
      await server.close();
    }
  });
}

test('compressed messages split across frames are reassembled, inflated and verified', async () => {
  const server = await wsServer({ threshold: 0 }, (ws, data, isBinary) => {
    const cuts = [0, Math.floor(data.length / 3), Math.floor((2 * data.length) / 3), data.length];
    for (let i = 0; i < 3; i++)
      ws.send(data.subarray(cuts[i], cuts[i + 1]), { binary: isBinary, fin: i === 2, compress: true });
  });
  try {
    const c = await ours(server.port, DEFAULT_OFFER);
    for (const size of [3, 1024, 200_000]) {
      const sent = jsonLike(size);
      c.conn.sendPayload(sent, false);
      const got = await c.next();
      assert.ok(got.data.equals(sent), `${size} B in 3 compressed fragments`);
    }
    assert.equal(c.conn.uncompressedIn, 0);
    await c.conn.close();
  } finally {
    await server.close();
  }
});

test('a server that ignores the offer fails the connection and the run, with the reason', async () => {
  const server = await wsServer(false);
  try {
    await assert.rejects(
      RawConnection.open({ host: '127.0.0.1', port: server.port, codec, channel: 'echo', deflate: DEFAULT_OFFER }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'EDEFLATE');
        assert.match(e.message, /answered without it/);
        return true;
      },
    );
    const job = {
      kind: 'echo' as const,
      host: '127.0.0.1',
      port: server.port,
      codecModule: '',
      warmupMs: 100,
      durationMs: 200,
      connections: 2,
      inflight: 1,
      payloadBytes: 1024,
      binary: false,
      compression: true,
    };
    await assert.rejects(
      runEcho(job, codec, () => {}),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'EDEFLATE');
        assert.match(e.message, /never measured as compressed/);
        return true;
      },
    );
  } finally {
    await server.close();
  }
});

test('an echo run with compression: distinct payloads verified, wire bytes counted, ratio below 0.5', async () => {
  const server = await wsServer({ threshold: 0 });
  try {
    const job = {
      kind: 'echo' as const,
      host: '127.0.0.1',
      port: server.port,
      codecModule: '',
      warmupMs: 100,
      durationMs: 400,
      connections: 4,
      inflight: 4,
      payloadBytes: 1024,
      binary: false,
      compression: true,
    };
    const r = await runEcho(job, codec, () => {});
    const { messages, measured, wireBytes, wireBytesOut } = r.counts;
    assert.ok(messages > 100 && measured >= messages, `${messages} messages`);
    const ratio = wireBytes / (measured * 1024);
    // Distinct JSON-like payloads (not one repeated): realistic, well above the 2 % of a repeat.
    assert.ok(ratio > 0.1 && ratio < 0.5, `server-to-client wire/payload ${ratio.toFixed(3)}`);
    assert.ok(
      wireBytesOut / measured < 1024 * 0.6,
      `client-to-server ${(wireBytesOut / measured).toFixed(0)} B per message`,
    );
    assert.deepEqual(r.warnings, []);
    // The browser offer: the client compressed every send itself, and says what it cost.
    assert.ok(r.counts.clientDeflateMs > 0 && r.counts.clientDeflatedOut < r.counts.clientDeflatedIn);
    assert.equal(r.deflate?.answered, 'permessage-deflate');
    const alone = await runEcho({ ...job, deflateOffer: NO_CONTEXT_OFFER }, codec, () => {});
    assert.equal(
      alone.counts.clientDeflateMs,
      undefined,
      'no context: templates compressed once, no zlib call per send',
    );
    assert.equal(alone.deflate?.answered, 'permessage-deflate; client_no_context_takeover');
    const plain = await runEcho({ ...job, compression: false }, codec, () => {});
    assert.ok(plain.counts.wireBytes / plain.counts.measured >= 1024, 'uncompressed: the payload plus a frame header');
  } finally {
    await server.close();
  }
});

/** A hand-made server: answers the upgrade with `extraHeaders`, then writes `frame`. */
async function fakeServer(extraHeaders: string, frame: Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((sock) => {
    let head = '';
    sock.on('data', (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1')
        .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
        .digest('base64');
      sock.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extraHeaders}\r\n`,
      );
      // Later, not with the upgrade: the client sets its handlers once the upgrade is done.
      setTimeout(() => sock.write(frame), 50);
      head = '';
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('RSV1 is refused unless negotiated, and an extension that was not offered fails the upgrade', async () => {
  const rsv1 = Buffer.concat([Buffer.from([0xc1, 3]), Buffer.from(deflateMessage(Buffer.from('hi'), -1, 15).data)]);
  const s1 = await fakeServer('', rsv1);
  try {
    const c = await ours(s1.port);
    await assert.rejects(c.next(), /reserved bits \(RSV1-3 = 100\) and no extension was negotiated/);
  } finally {
    await s1.close();
  }
  const s2 = await fakeServer('Sec-WebSocket-Extensions: permessage-deflate\r\n', Buffer.alloc(0));
  try {
    await assert.rejects(
      RawConnection.open({ host: '127.0.0.1', port: s2.port, codec, channel: 'echo' }),
      /extensions that were not offered/,
    );
  } finally {
    await s2.close();
  }
  // Negotiated, RSV1 on a continuation frame is still a protocol error.
  const cont = Buffer.concat([Buffer.from([0x41, 1, 0x00, 0xc0, 1, 0x00])]);
  const s3 = await fakeServer('Sec-WebSocket-Extensions: permessage-deflate\r\n', cont);
  try {
    const c = await ours(s3.port, DEFAULT_OFFER);
    await assert.rejects(c.next(), /only RSV1, on a message's first frame/);
  } finally {
    await s3.close();
  }
});

test('answers that RFC 7692 does not allow are refused with the parameter named', () => {
  const ok = acceptResponse(
    DEFAULT_OFFER,
    'permessage-deflate; client_max_window_bits="10"; server_no_context_takeover',
  );
  assert.deepEqual(ok, {
    serverNoContextTakeover: true,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 10,
  });
  const refused: Array<[DeflateOffer, string, RegExp]> = [
    [DEFAULT_OFFER, '', /answered without it/],
    [DEFAULT_OFFER, 'x-webkit-deflate-frame', /"x-webkit-deflate-frame", which was not offered/],
    [DEFAULT_OFFER, 'permessage-deflate, permessage-deflate', /2 extensions/],
    [
      { clientNoContextTakeover: true },
      'permessage-deflate; client_max_window_bits=10',
      /client_max_window_bits, which was not offered/,
    ],
    [DEFAULT_OFFER, 'permessage-deflate; client_max_window_bits=16', /must be 8\.\.15/],
    [DEFAULT_OFFER, 'permessage-deflate; server_max_window_bits', /must be 8\.\.15/],
    [{ serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=12', /above the 10 offered/],
    [DEFAULT_OFFER, 'permessage-deflate; server_no_context_takeover; server_no_context_takeover', /twice/],
    [DEFAULT_OFFER, 'permessage-deflate; client_no_context_takeover=1', /with a value/],
    [DEFAULT_OFFER, 'permessage-deflate; mystery', /unknown parameter "mystery"/],
    [{ serverNoContextTakeover: true }, 'permessage-deflate', /did not accept it/],
  ];
  for (const [offer, header, why] of refused) assert.throws(() => acceptResponse(offer, header), why, header);
});

test('a Socket.IO template compresses its prefix, keeps the sequence number raw and patchable', () => {
  const payload = makePayload(1024);
  const params: DeflateParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  };
  for (const binary of [false, true]) {
    const plain = new MessageTemplate(socketIoCodec, 'echo', payload, binary);
    const t = new MessageTemplate(socketIoCodec, 'echo', payload, binary, params);
    assert.ok(
      t.bytes.length < plain.bytes.length / 4,
      `${binary ? 'binary' : 'text'}: ${t.bytes.length} B vs ${plain.bytes.length} B`,
    );
    assert.equal(t.bytes[0] & 0x40, 0x40, 'RSV1 on the first frame');
  }
});
