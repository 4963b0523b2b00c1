/**
 * permessage-deflate (RFC 7692), client side, for the load generator.
 *
 * - Negotiation: by default we offer what browsers offer, `permessage-deflate;
 *   client_max_window_bits` (deflate-offer.ts; `--deflate-offer` picks another). We do NOT ask
 *   for server_no_context_takeover: realistic servers keep their compression context between
 *   messages, and so does our inflater (one per connection).
 * - Outgoing, context kept (the browser offer): each send is compressed by the connection's
 *   persistent deflater (deflater.ts), a zlib call per message, as a browser pays it.
 * - Outgoing, no context takeover (`--deflate-offer no-context-takeover`, or when the server
 *   answers client_no_context_takeover): every outgoing message is compressed on its own,
 *   ONCE, when its template is built: no zlib call per sent message. The 8 sequence digits must
 *   stay patchable, so a compressed message is laid out as
 *     [prefix, compressed, ending in a byte-aligned stored block header]
 *     [stored block: LEN=8, NLEN, the 8 raw sequence bytes]
 *     [rest, compressed by a fresh compressor, sync-flushed, trailing 00 00 ff ff removed].
 *   The rest's back-references stay inside the rest (a fresh compressor cannot see the prefix
 *   or the digits), and relative distances inside it are the same in the receiver's window, so
 *   any sequence number written into the stored block decodes correctly.
 * - Incoming: RSV1 messages are inflated with a persistent raw inflater (server context
 *   takeover), synchronously, then verified like any other message.
 */
import zlib from 'node:zlib';
import { CodedError as ClientError } from '../errors.js';
import { buildFrame, COMPRESSED, SEQ_BYTES } from './frame.js';

/** What we ask for. `true` for a window-bits parameter offers it without a value. */
export interface DeflateOffer {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number | true;
  clientMaxWindowBits?: number | true;
}

/** What the server accepted. */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

/** What browsers offer (deflate-offer.ts has the named offers). */
export const DEFAULT_OFFER: DeflateOffer = { clientMaxWindowBits: true };

/** The Sec-WebSocket-Extensions value of an offer. */
export function offerHeader(o: DeflateOffer): string {
  const parts = ['permessage-deflate'];
  if (o.serverNoContextTakeover) parts.push('server_no_context_takeover');
  if (o.clientNoContextTakeover) parts.push('client_no_context_takeover');
  if (o.serverMaxWindowBits !== undefined)
    parts.push(
      o.serverMaxWindowBits === true ? 'server_max_window_bits' : `server_max_window_bits=${o.serverMaxWindowBits}`,
    );
  if (o.clientMaxWindowBits !== undefined)
    parts.push(
      o.clientMaxWindowBits === true ? 'client_max_window_bits' : `client_max_window_bits=${o.clientMaxWindowBits}`,
    );
  return parts.join('; ');
}

const bad = (why: string): ClientError => new ClientError('EDEFLATE', `permessage-deflate: ${why}`);

function windowBits(name: string, value: string | undefined, offered: number | true | undefined): number {
  if (value === undefined || !/^(8|9|1[0-5])$/.test(value))
    throw bad(`the server answered ${name}=${value ?? '(no value)'}; must be 8..15`);
  const n = Number(value);
  if (typeof offered === 'number' && n > offered)
    throw bad(`the server answered ${name}=${n}, above the ${offered} offered`);
  return n;
}

/**
 * Checks the server's Sec-WebSocket-Extensions answer (all header lines joined by ", ") to
 * `offer`; throws EDEFLATE when the server answered without permessage-deflate, with an
 * extension not offered, or with a parameter RFC 7692 does not allow here.
 */
export function acceptResponse(offer: DeflateOffer, header: string | undefined): DeflateParams {
  const exts = (header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (exts.length === 0) {
    throw bad(
      'offered, but the server answered without it (compression off or unsupported there); a run without it is never measured as compressed',
    );
  }
  if (exts.length > 1)
    throw bad(`the server answered ${exts.length} extensions (${exts.join(', ')}); only one was offered`);
  const [name, ...params] = exts[0].split(';').map((s) => s.trim());
  if (name.toLowerCase() !== 'permessage-deflate')
    throw bad(`the server answered the extension "${name}", which was not offered`);
  const out: DeflateParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  };
  const seen = new Set<string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? undefined
        : p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (seen.has(key)) throw bad(`the server answered ${key} twice`);
    seen.add(key);
    if (key === 'server_no_context_takeover' || key === 'client_no_context_takeover') {
      if (value !== undefined) throw bad(`the server answered ${key} with a value`);
      out[key === 'server_no_context_takeover' ? 'serverNoContextTakeover' : 'clientNoContextTakeover'] = true;
    } else if (key === 'server_max_window_bits')
      out.serverMaxWindowBits = windowBits(key, value, offer.serverMaxWindowBits);
    else if (key === 'client_max_window_bits') {
      if (offer.clientMaxWindowBits === undefined)
        throw bad('the server answered client_max_window_bits, which was not offered');
      out.clientMaxWindowBits = windowBits(key, value, offer.clientMaxWindowBits);
    } else throw bad(`the server answered an unknown parameter "${key}"`);
  }
  if (offer.serverNoContextTakeover && !out.serverNoContextTakeover)
    throw bad('server_no_context_takeover was asked for, and the server did not accept it');
  return out;
}

/**
 * The extensions of an upgrade response (`head`, its header block) checked against `offer`:
 * the parameters, or null when nothing was offered; throws when the server answered an
 * extension that was not offered (EPROTOCOL) or answered the offer wrongly (EDEFLATE).
 */
export function negotiate(offer: DeflateOffer | undefined, head: string): DeflateParams | null {
  const lines = [...head.matchAll(/\r\nsec-websocket-extensions:[ \t]*([^\r]*)/gi)]
    .map((m) => m[1].trim())
    .filter(Boolean);
  if (offer) return acceptResponse(offer, lines.join(', '));
  if (lines.length > 0)
    throw new ClientError('EPROTOCOL', `the server answered extensions that were not offered: ${lines.join(', ')}`);
  return null;
}

/** One masked frame carrying `payload` as a permessage-deflate message (RSV1), compressed now. */
export function deflatedFrame(opcode: number, payload: Buffer, params: DeflateParams): Buffer {
  const bytes = buildFrame(opcode, deflateMessage(payload, -1, params.clientMaxWindowBits).data).bytes;
  bytes[0] |= COMPRESSED;
  return bytes;
}

/** The client window every connection allows: the smallest negotiated (all talk to one server). */
export function commonDeflate(params: Array<DeflateParams | null>): DeflateParams | null {
  let common: DeflateParams | null = null;
  for (const p of params) {
    if (!p) continue;
    if (!common || p.clientMaxWindowBits < common.clientMaxWindowBits) common = p;
  }
  return common;
}

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

function compress(data: Buffer, bits: number): Buffer {
  // zlib turns a raw window of 8 into 9 (wider than allowed): with 8, Huffman coding only, no
  // back-references at all, which any window accepts.
  const out = zlib.deflateRawSync(data, {
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
    windowBits: Math.max(9, bits),
    ...(bits === 8 ? { strategy: zlib.constants.Z_HUFFMAN_ONLY } : {}),
  });
  if (!out.subarray(out.length - 4).equals(TRAILER)) throw new Error('zlib sync flush did not end with 00 00 ff ff');
  return out;
}

/**
 * The permessage-deflate payload of one whole message. With `seqAt` >= 0 the 8 bytes at
 * `data[seqAt]` go out raw in a stored block: returned `seqAt` is where they sit in the result.
 */
export function deflateMessage(data: Buffer, seqAt: number, bits: number): { data: Buffer; seqAt: number } {
  if (seqAt < 0) {
    const whole = compress(data, bits);
    return { data: whole.subarray(0, whole.length - 4), seqAt: -1 };
  }
  const prefix = data.subarray(0, seqAt);
  const rest = data.subarray(seqAt + SEQ_BYTES);
  // A sync-flushed prefix ends with an empty stored block: its LEN/NLEN become 8 / ~8.
  const head = prefix.length > 0 ? compress(prefix, bits).subarray(0, -4) : Buffer.from([0x00]);
  const stored = Buffer.from([0x08, 0x00, 0xf7, 0xff]);
  // An empty rest still needs the header bits of the final empty stored block, whose
  // 00 00 ff ff the receiver appends.
  const tail = rest.length > 0 ? compress(rest, bits).subarray(0, -4) : Buffer.from([0x00]);
  const out = Buffer.concat([head, stored, data.subarray(seqAt, seqAt + SEQ_BYTES), tail]);
  return { data: out, seqAt: head.length + stored.length };
}

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Buffer,
    inOff: number,
    inLen: number,
    out: Buffer,
    outOff: number,
    outLen: number,
  ): void;
}
interface ZlibInternals {
  _handle?: ZlibHandle;
  _writeState?: Uint32Array;
  destroyed: boolean;
  errored?: Error | null;
  on(event: 'error', f: () => void): void;
  close(): void;
}

/** Largest message inflated: beyond it the connection fails (a decompression bomb). */
const MAX_INFLATED = 64 * 1024 * 1024;
const OUT_CHUNK = 64 * 1024;

/**
 * A persistent raw inflater (the window kept between messages: server context takeover), used
 * synchronously. zlib's public API is either one-shot (no context kept; a preset dictionary
 * instead costs about 110 µs per 1 KiB message here) or asynchronous (a thread-pool hop per
 * message); `zlib.*Sync` run one write on the native handle and then close it. We make the same
 * native call (`_handle.writeSync`, results in `_writeState`) without closing: about 5 µs per
 * 1 KiB message. These are Node internals, stable for many majors; checked at construction.
 */
export class Inflater {
  private readonly z: ZlibInternals;
  private readonly handle: ZlibHandle;
  private readonly state: Uint32Array;
  private input = Buffer.allocUnsafeSlow(4096);
  /** Output of the last message; what `inflate` returns points into it until the next call. */
  private out = Buffer.allocUnsafeSlow(OUT_CHUNK);

  constructor() {
    const z = zlib.createInflateRaw({ windowBits: 15 }) as unknown as ZlibInternals;
    if (typeof z._handle?.writeSync !== 'function' || !(z._writeState instanceof Uint32Array)) {
      throw new ClientError(
        'EDEFLATE',
        `permessage-deflate: this Node.js (${process.version}) has no synchronous zlib handle call to inflate with`,
      );
    }
    // An inflate error destroys the stream and emits 'error' later: it is thrown here instead.
    z.on('error', () => {});
    this.z = z;
    this.handle = z._handle;
    this.state = z._writeState;
  }

  /**
   * Inflates one message's payload `buf[start, end)`; throws EDEFLATE on corrupt data. The
   * result is valid until the next call (like a read buffer: copy what must outlive it).
   */
  inflate(buf: Buffer, start: number, end: number): Buffer {
    const n = end - start;
    if (this.input.length < n + 4) this.input = Buffer.allocUnsafeSlow(Math.max(n + 4, this.input.length * 2));
    buf.copy(this.input, 0, start, end);
    TRAILER.copy(this.input, n);
    let inOff = 0;
    let inLen = n + 4;
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (this.z.destroyed) throw new ClientError('EDEFLATE', 'permessage-deflate: the inflater was closed');
      this.handle.writeSync(zlib.constants.Z_SYNC_FLUSH, this.input, inOff, inLen, this.out, 0, this.out.length);
      if (this.z.destroyed) {
        throw new ClientError(
          'EDEFLATE',
          `permessage-deflate: the server sent a message that does not inflate: ${this.z.errored?.message ?? 'zlib error'}`,
        );
      }
      const availOut = this.state[0];
      const availIn = this.state[1];
      const have = this.out.length - availOut;
      if (availOut !== 0) {
        if (parts.length === 0) return this.out.subarray(0, have);
        parts.push(this.out.subarray(0, have));
        return Buffer.concat(parts, total + have);
      }
      // The output buffer is full: keep it, and go on with a fresh one.
      parts.push(this.out);
      total += have;
      if (total > MAX_INFLATED)
        throw new ClientError('EDEFLATE', `permessage-deflate: a message inflates to more than ${MAX_INFLATED} bytes`);
      this.out = Buffer.allocUnsafeSlow(OUT_CHUNK);
      inOff += inLen - availIn;
      inLen = availIn;
    }
  }

  close(): void {
    this.z.close();
  }
}
