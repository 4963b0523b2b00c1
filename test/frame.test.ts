/** The load generator's framing: built frames, sequence patching, and the incremental parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFrame,
  FrameParser,
  makePayload,
  readSeq,
  sameBytes,
  OP_BINARY,
  OP_PING,
  OP_TEXT,
  writeMaskedSeq,
} from '../runner/loadgen/frame.js';

/** An unmasked server frame, as a server would send it. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0, len]) : len < 65536 ? Buffer.from([0, 126, len >> 8, len & 255]) : Buffer.alloc(10);
  if (len >= 65536) {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    head.writeUInt32BE(len >>> 0, 6);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

function unmask(frame: Buffer, start: number, mask: Buffer): Buffer {
  const out = Buffer.from(frame.subarray(start));
  for (let i = 0; i < out.length; i++) out[i] ^= mask[i & 3];
  return out;
}

test('a built frame is masked, and patching the sequence number goes through the mask', () => {
  const payload = makePayload(40);
  const f = buildFrame(OP_BINARY, payload);
  assert.equal(f.bytes[0], 0x82);
  assert.equal(f.bytes[1], 0x80 | 40);
  assert.ok(unmask(f.bytes, f.payloadStart, f.mask).equals(payload));
  writeMaskedSeq(f.bytes, f.payloadStart, 0xdeadbeef, f.mask, 0);
  const after = unmask(f.bytes, f.payloadStart, f.mask);
  assert.equal(readSeq(after), 0xdeadbeef);
  assert.ok(after.subarray(8).equals(payload.subarray(8)), 'the rest is untouched');
  assert.equal(readSeq(Buffer.from('zzzzzzzz')), -1);
});

test('sameBytes compares small and large payloads at an offset', () => {
  for (const size of [8, 32, 200, 70_000]) {
    const expected = makePayload(size);
    const data = Buffer.concat([Buffer.from('xx'), expected]);
    assert.equal(sameBytes(expected, data, 2, 8, size), true);
    if (size > 8) {
      data[2 + size - 1] ^= 1;
      assert.equal(sameBytes(expected, data, 2, 8, size), false, `${size}: a changed last byte is seen`);
    }
  }
});

test('the parser reassembles messages split at every chunk boundary', () => {
  const messages = [
    makePayload(0),
    makePayload(10),
    makePayload(125),
    makePayload(126),
    makePayload(65535),
    makePayload(70_000),
  ];
  const stream = Buffer.concat([
    ...messages.map((m, i) => serverFrame(i % 2 ? OP_TEXT : OP_BINARY, m)),
    serverFrame(OP_PING, Buffer.from('hi')),
    // A fragmented message: text start, continuation, final continuation.
    serverFrame(OP_TEXT, Buffer.from('frag'), false),
    serverFrame(0, Buffer.from('men'), false),
    serverFrame(0, Buffer.from('ted'), true),
  ]);
  for (const chunkSize of [1, 2, 3, 7, 125, 4096, 65536, stream.length]) {
    const got: Buffer[] = [];
    const controls: number[] = [];
    const errors: string[] = [];
    const p = new FrameParser(
      (_op, buf, s, e) => got.push(Buffer.from(buf.subarray(s, e))),
      (op) => controls.push(op),
      (m) => errors.push(m),
    );
    // The parser must copy what it keeps: reuse one buffer for every chunk, as the client does.
    const shared = Buffer.alloc(chunkSize);
    for (let off = 0; off < stream.length; off += chunkSize) {
      const n = stream.copy(shared, 0, off, Math.min(off + chunkSize, stream.length));
      p.feed(shared.subarray(0, n));
      shared.fill(0xee);
    }
    assert.deepEqual(errors, []);
    assert.equal(got.length, messages.length + 1, `chunks of ${chunkSize}`);
    messages.forEach((m, i) => assert.ok(got[i].equals(m), `chunks of ${chunkSize}: message ${i} (${m.length} B)`));
    assert.equal(got.at(-1)?.toString(), 'fragmented');
    assert.deepEqual(controls, [OP_PING]);
  }
});

test('a masked server frame is a protocol error', () => {
  const errors: string[] = [];
  const p = new FrameParser(
    () => {},
    () => {},
    (m) => errors.push(m),
  );
  p.feed(Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5]));
  assert.deepEqual(errors, ['server sent a masked frame']);
});
