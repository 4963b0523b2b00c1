/**
 * RFC 6455 framing for the client side: frames are built once (masked) and re-sent; a sequence
 * number is patched into a prebuilt frame in place, through the mask.
 */
import { randomBytes } from 'node:crypto';

export const OP_CONT = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** A masked client frame, with where its payload starts, so it can be patched later. */
export interface BuiltFrame {
  bytes: Buffer;
  /** Offset of the payload's first byte inside `bytes`. */
  payloadStart: number;
  /** The 4-byte masking key. */
  mask: Buffer;
}

/** Builds one masked, final frame carrying `payload`. */
export function buildFrame(opcode: number, payload: Buffer, mask: Buffer = randomBytes(4)): BuiltFrame {
  const len = payload.length;
  const lenBytes = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const headerLen = 2 + lenBytes + 4;
  const bytes = Buffer.allocUnsafe(headerLen + len);
  bytes[0] = 0x80 | opcode;
  if (lenBytes === 0) bytes[1] = 0x80 | len;
  else if (lenBytes === 2) {
    bytes[1] = 0x80 | 126;
    bytes.writeUInt16BE(len, 2);
  } else {
    bytes[1] = 0x80 | 127;
    bytes.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    bytes.writeUInt32BE(len >>> 0, 6);
  }
  mask.copy(bytes, 2 + lenBytes);
  const start = headerLen;
  for (let i = 0; i < len; i++) bytes[start + i] = payload[i] ^ mask[i & 3];
  return { bytes, payloadStart: start, mask };
}

const HEX = Buffer.from('0123456789abcdef');
/** Width of the sequence number written at the start of every verified payload. */
export const SEQ_BYTES = 8;

/**
 * Writes `seq` as 8 lower-case hex digits into `out` at `at`, masked as the bytes at offset
 * `phase` of a frame payload masked with `mask`: the sequence number is patched into a built
 * frame without unmasking it.
 */
export function writeMaskedSeq(out: Buffer, at: number, seq: number, mask: Buffer, phase: number): void {
  for (let i = 0; i < SEQ_BYTES; i++) out[at + i] = HEX[(seq >>> (28 - 4 * i)) & 15] ^ mask[(phase + i) & 3];
}

/** Reads the 8 hex digits written by patchSeq from an unmasked payload; -1 if not hex. */
export function readSeq(data: Buffer, at = 0): number {
  let seq = 0;
  for (let i = 0; i < SEQ_BYTES; i++) {
    const c = data[at + i];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    seq = seq * 16 + d;
  }
  return seq;
}

/**
 * A payload of `size` ASCII bytes, safe inside a JSON string and valid UTF-8, so every codec can
 * carry it unchanged; its first 8 bytes are where the sequence number goes (when size >= 8).
 */
export function makePayload(size: number, seed = 0): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = 97 + ((i + seed) % 26);
  if (size >= SEQ_BYTES) buf.fill(48, 0, SEQ_BYTES);
  return buf;
}

/**
 * Called for every complete message (data frames reassembled): its unmasked payload is
 * `buf[start, end)`. Offsets instead of a subarray: no allocation per message on the hot path.
 */
export type MessageHandler = (opcode: number, buf: Buffer, start: number, end: number) => void;
/**
 * Set in the opcode handed to a MessageHandler when the message's first frame had RSV1 set
 * (permessage-deflate: the payload is compressed).
 */
export const COMPRESSED = 0x40;
/** Called for control frames. */
export type ControlHandler = (opcode: number, data: Buffer) => void;

/** Payloads larger than this are collected into a buffer of their own as they arrive. */
const LARGE = 64 * 1024;

/** Bytes still missing from the frame that starts `partial`, or -1 while its header is incomplete. */
function missingBytes(partial: Buffer): number {
  if (partial.length < 2) return -1;
  const len7 = partial[1] & 0x7f;
  const hdr = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
  if (partial.length < hdr) return -1;
  const len =
    len7 === 126
      ? partial.readUInt16BE(2)
      : len7 === 127
        ? partial.readUInt32BE(2) * 2 ** 32 + partial.readUInt32BE(6)
        : len7;
  return hdr + len - partial.length;
}

/**
 * Incremental parser of server frames. `feed` may be given a buffer that is reused after it
 * returns: whatever must outlive the call is copied.
 */
export class FrameParser {
  private carry: Buffer | null = null;
  private large: Buffer | null = null;
  private largeFilled = 0;
  private largeB0 = 0;
  private fragments: Buffer[] = [];
  private fragOpcode = 0;
  private largeHdr = 0;
  /** RSV1 is accepted only once permessage-deflate was negotiated (set by the connection). */
  allowRsv1 = false;
  /** Bytes of every complete frame received (headers included): bytes on the wire. */
  wireBytes = 0;

  constructor(
    private readonly onMessage: MessageHandler,
    private readonly onControl: ControlHandler,
    private readonly onError: (message: string) => void,
  ) {}

  feed(chunk: Buffer): void {
    let buf = chunk;
    let off = 0;
    if (this.large) {
      const n = Math.min(this.large.length - this.largeFilled, chunk.length);
      chunk.copy(this.large, this.largeFilled, 0, n);
      this.largeFilled += n;
      if (this.largeFilled < this.large.length) return;
      const done = this.large;
      this.large = null;
      this.wireBytes += this.largeHdr + done.length;
      if (!this.frame(this.largeB0, done)) return;
      off = n;
    } else if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      const need = missingBytes(carry);
      if (need < 0 || need > chunk.length) buf = Buffer.concat([carry, chunk]);
      else {
        // Complete just the split frame, then parse the rest of the chunk in place: copying
        // the whole chunk after every split frame would double the client's memory traffic.
        this.feed(Buffer.concat([carry, chunk.subarray(0, need)]));
        off = need;
      }
    }
    const end = buf.length;
    while (end - off >= 2) {
      const b0 = buf[off];
      const b1 = buf[off + 1];
      if (b1 & 0x80) return this.onError('server sent a masked frame');
      if (b0 & 0x70 && !this.reservedOk(b0)) return this.onError(reservedError(b0, this.allowRsv1));
      let len = b1 & 0x7f;
      let hdr = 2;
      if (len === 126) {
        if (end - off < 4) break;
        len = buf.readUInt16BE(off + 2);
        hdr = 4;
      } else if (len === 127) {
        if (end - off < 10) break;
        len = buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
        hdr = 10;
      }
      const avail = end - off - hdr;
      if (avail >= len) {
        const start = off + hdr;
        off = start + len;
        this.wireBytes += hdr + len;
        // The common case, a whole final data frame, goes straight to the handler.
        if ((b0 & 0x8f) > 0x80 && (b0 & 0x0f) < 8 && this.fragments.length === 0)
          this.onMessage(b0 & 0x4f, buf, start, off);
        else if (!this.frame(b0, buf.subarray(start, off))) return;
      } else if (len > LARGE) {
        this.large = Buffer.allocUnsafe(len);
        buf.copy(this.large, 0, off + hdr, end);
        this.largeFilled = avail;
        this.largeB0 = b0;
        this.largeHdr = hdr;
        return;
      } else break;
    }
    if (off < end) this.carry = Buffer.from(buf.subarray(off, end));
  }

  /** RSV1 alone, on the first frame of a data message, once permessage-deflate was negotiated. */
  private reservedOk(b0: number): boolean {
    const opcode = b0 & 0x0f;
    return this.allowRsv1 && (b0 & 0x70) === 0x40 && (opcode === OP_TEXT || opcode === OP_BINARY);
  }

  /** Handles one complete frame; false when parsing must stop (protocol error). */
  private frame(b0: number, data: Buffer): boolean {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if (opcode >= 8) {
      this.onControl(opcode, data);
      return true;
    }
    if (opcode === OP_CONT) {
      if (this.fragments.length === 0) {
        this.onError('continuation frame without a start');
        return false;
      }
      this.fragments.push(Buffer.from(data));
      if (fin) {
        const whole = Buffer.concat(this.fragments);
        this.fragments = [];
        this.onMessage(this.fragOpcode, whole, 0, whole.length);
      }
      return true;
    }
    if (this.fragments.length > 0) {
      this.onError('new data frame inside a fragmented message');
      return false;
    }
    if (fin) this.onMessage(b0 & 0x4f, data, 0, data.length);
    else {
      this.fragOpcode = b0 & 0x4f;
      this.fragments.push(Buffer.from(data));
    }
    return true;
  }
}

/**
 * Whether `data[start + from, start + size)` equals `expected[from, size)`. A plain loop for
 * small payloads (a native compare costs more in call overhead than it saves), memcmp beyond.
 */
export function sameBytes(expected: Buffer, data: Buffer, start: number, from: number, size: number): boolean {
  if (size - from > 128) return expected.compare(data, start + from, start + size, from, size) === 0;
  for (let i = from; i < size; i++) if (expected[i] !== data[start + i]) return false;
  return true;
}

function reservedError(b0: number, deflate: boolean): string {
  const bits = ((b0 >> 4) & 7).toString(2).padStart(3, '0');
  if (!deflate) return `server set reserved bits (RSV1-3 = ${bits}) and no extension was negotiated`;
  return `server set reserved bits (RSV1-3 = ${bits}) on an opcode ${b0 & 0x0f} frame: only RSV1, on a message's first frame, is allowed with permessage-deflate`;
}
