/**
 * A message built once into ready-to-send masked frames; each send copies only what changes
 * (the frames up to the sequence number) and re-sends the unchanging rest as is.
 */
import { randomBytes } from 'node:crypto';
import type { Channel, WireCodec } from '../../adapters/types.js';
import { buildFrame, COMPRESSED, SEQ_BYTES, writeMaskedSeq } from './frame.js';
import { deflateMessage, type DeflateParams } from './deflate.js';
import type { Deflater } from './deflater.js';

const NO_MASK = Buffer.alloc(4);

/** Messages up to this size are copied whole per send: one buffer, one write. */
const COPY_WHOLE = 2048;

export class MessageTemplate {
  readonly bytes: Buffer;
  /** Absolute offset of the sequence number in `bytes`. */
  private readonly seqAt: number;
  /** Offset of the sequence number within its frame's payload (mask phase). */
  private readonly maskPhase: number;
  private readonly mask: Buffer;
  private readonly tail: Buffer;
  /** Small messages are copied whole into a batch buffer; large ones go out as head + tail. */
  readonly small: boolean;
  /** The application payload as the echo carries it back (as sent, or as the codec escaped it). */
  readonly payload: Buffer;
  /** The codec's messages, unmasked and uncompressed: what a context-keeping deflater compresses per send. */
  private readonly raw: Array<{ opcode: number; payload: Buffer }>;
  /** Offset of the sequence number in the last raw message, or -1 (no sequence number). */
  private readonly rawSeqAt: number;
  /** The last raw message, where each send's sequence number is written before deflating it. */
  private rawScratch: Buffer | null = null;

  /**
   * With `deflate`, every frame is a permessage-deflate message compressed here, once; the
   * sequence number sits in a stored block, raw, so it is still patched through the mask.
   * With `seq` false the payload is sent as it is, without a sequence number (a user's message:
   * the echo is matched by its order on the connection).
   */
  constructor(
    codec: WireCodec,
    channel: Channel,
    payload: Buffer,
    binary: boolean,
    deflate: DeflateParams | null = null,
    seq = true,
  ) {
    if (seq && payload.length < SEQ_BYTES)
      throw new Error(`payload must be at least ${SEQ_BYTES} bytes to carry a sequence number`);
    this.mask = randomBytes(4);
    const { frames, payloadOffset, echoed } = codec.encode(channel, payload, binary && codec.binary);
    this.payload = echoed ?? payload;
    this.raw = frames.map((f) => ({ opcode: f.opcode, payload: Buffer.from(f.payload) }));
    this.rawSeqAt = seq ? payloadOffset : -1;
    let seqOffset = seq ? payloadOffset : -1;
    const built = frames.map((f, i) => {
      if (!deflate) return buildFrame(f.opcode, f.payload, this.mask);
      const d = deflateMessage(f.payload, i === frames.length - 1 ? seqOffset : -1, deflate.clientMaxWindowBits);
      if (d.seqAt >= 0) seqOffset = d.seqAt;
      const b = buildFrame(f.opcode, d.data, this.mask);
      b.bytes[0] |= COMPRESSED;
      return b;
    });
    // A memory block of its own, not a slice of Node's shared pool: copying between two views of
    // one ArrayBuffer (the pooled batch buffer and a pooled template) takes V8's slow path.
    this.bytes = Buffer.alloc(built.reduce((n, b) => n + b.bytes.length, 0));
    let at = 0;
    for (const b of built) at += b.bytes.copy(this.bytes, at);
    const last = built[built.length - 1];
    this.seqAt = seqOffset < 0 ? -1 : this.bytes.length - last.bytes.length + last.payloadStart + seqOffset;
    this.maskPhase = seqOffset;
    this.tail = this.bytes.subarray(this.seqAt < 0 ? 0 : this.seqAt + SEQ_BYTES);
    this.small = this.bytes.length <= COPY_WHOLE;
  }

  private writeSeq(out: Buffer, seq: number, base: number): void {
    if (this.seqAt >= 0) writeMaskedSeq(out, base + this.seqAt, seq, this.mask, this.maskPhase);
  }

  /**
   * Message `seq` compressed now by a connection's persistent deflater (client context
   * takeover): every message of the codec, in order, through the same stream. One new buffer.
   */
  deflatedBytes(seq: number, deflater: Deflater): Buffer {
    const last = this.raw.length - 1;
    let data = this.raw[last].payload;
    if (this.rawSeqAt >= 0) {
      data = this.rawScratch ??= Buffer.from(data);
      writeMaskedSeq(data, this.rawSeqAt, seq, NO_MASK, 0);
    }
    // The usual message is one frame: one compressed frame, no array or closure per send.
    if (last === 0) return this.deflatedFrame(this.raw[0].opcode, data, deflater);
    const frames: Buffer[] = [];
    for (let i = 0; i < last; i++) frames.push(this.deflatedFrame(this.raw[i].opcode, this.raw[i].payload, deflater));
    frames.push(this.deflatedFrame(this.raw[last].opcode, data, deflater));
    return Buffer.concat(frames);
  }

  private deflatedFrame(opcode: number, data: Buffer, deflater: Deflater): Buffer {
    const b = buildFrame(opcode, deflater.deflate(data), this.mask).bytes;
    b[0] |= COMPRESSED;
    return b;
  }

  /** Writes message `seq` whole into `out` at `at`; returns the offset after it. */
  writeInto(out: Buffer, at: number, seq: number): number {
    const bytes = this.bytes;
    // TypedArray#set: the cheapest copy for the few dozen bytes of a small message.
    out.set(bytes, at);
    this.writeSeq(out, seq, at);
    return at + bytes.length;
  }

  /** Hands the bytes of message `seq` to `send` (one or two buffers; never mutated later). */
  emit(seq: number, send: (b: Buffer) => void): void {
    if (this.seqAt < 0) {
      send(this.bytes);
      return;
    }
    if (this.small) {
      const out = Buffer.allocUnsafe(this.bytes.length);
      this.writeInto(out, 0, seq);
      send(out);
      return;
    }
    const head = Buffer.allocUnsafe(this.seqAt + SEQ_BYTES);
    this.bytes.copy(head, 0, 0, head.length);
    this.writeSeq(head, seq, 0);
    send(head);
    send(this.tail);
  }
}
