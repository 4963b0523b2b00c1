/**
 * One raw RFC 6455 client connection over net.Socket: HTTP upgrade with Sec-WebSocket-Accept
 * checked, incremental parsing into a shared read buffer (net's `onread`), ping answered with
 * pong, close handshake, and writes batched per incoming chunk.
 */
import type net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import type { CodecConnection, WireCodec, Channel } from '../../adapters/types.js';
import { CodedError as ClientError, passCode } from '../errors.js';
import type { MessageTemplate } from './template.js';
import type { TlsJobOptions } from './jobs.js';
import { connectSocket } from './tls-socket.js';
import { FrameParser, buildFrame, COMPRESSED, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT, OP_BINARY } from './frame.js';
import { deflatedFrame, Inflater, negotiate, offerHeader, type DeflateOffer, type DeflateParams } from './deflate.js';
import { Deflater } from './deflater.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Batches up to this size are copied into one buffer and written with one call. */
const BATCH_COPY_MAX = 64 * 1024;
/** All connections read into this one buffer: every chunk is consumed before the next read. */
const SHARED_READ = Buffer.allocUnsafe(256 * 1024);

/** A failure with a stable code, as the runner reports it. */
export { CodedError as ClientError } from '../errors.js';

export interface ConnectOptions {
  host: string;
  port: number;
  codec: WireCodec;
  channel: Channel;
  /** Source address, to spread many connections over 127.0.0.x. */
  localAddress?: string;
  /** Source port (with `localAddress`); absent lets the kernel choose. */
  localPort?: number;
  timeoutMs?: number;
  /** Over TLS (wss://): how to trust the server. */
  tls?: TlsJobOptions;
  /** Offer permessage-deflate; the connection fails (EDEFLATE) if the server does not accept it. */
  deflate?: DeflateOffer;
}

export type DataHandler = (opcode: number, data: Buffer) => void;

export class RawConnection implements CodecConnection {
  readonly socket: net.Socket;
  /** Called for every application payload, `buf[start, end)` (after the codec); must not keep `buf`. */
  onData: (buf: Buffer, start: number, end: number) => void = () => {};
  /** Called once when the connection fails or closes unexpectedly. */
  onFailure: (err: ClientError) => void = () => {};
  /** performance.now() when the chunk being handled was read: one clock read per chunk. */
  readAt = 0;
  /** Time spent handling incoming chunks (ms): the busy side of the pacer's idle account. */
  busyMs = 0;
  private readonly parser: FrameParser;
  private upgraded = false;
  private headerBuf: Buffer | null = null;
  private pending: Buffer[] = [];
  /** The batch buffer, reused while the kernel takes every write whole. */
  private scratch: Buffer | null = null;
  private readonly pendingTemplates: MessageTemplate[] = [];
  private readonly pendingSeqs: number[] = [];
  private pendingBytes = 0;
  private batching = false;
  private waiters: Array<(m: { opcode: number; payload: Buffer }) => void> = [];
  private queued: Array<{ opcode: number; payload: Buffer }> = [];
  private handshaking = true;
  /** Raw codecs skip decode: the frame is the payload. Only after the handshake. */
  private raw = false;
  private closing = false;
  private failed = false;
  /** How the connection failed (closed by the server, reset...), once it has: a kept session checks it between windows. */
  failure: ClientError | null = null;
  private readonly reply = (text: string): void => this.sendText(text);
  /** permessage-deflate as negotiated; null when not offered. */
  deflate: DeflateParams | null = null;
  private inflater: Inflater | null = null;
  /** The client's persistent compressor, when it keeps its context (no client_no_context_takeover). */
  deflater: Deflater | null = null;
  /** Bytes of the messages compressed by the deflater, frame headers included. */
  deflatedOut = 0;
  /** The server's Sec-WebSocket-Extensions answer, as sent. */
  extensionsAnswer = '';
  /** Data messages that came without RSV1 although permessage-deflate was negotiated. */
  uncompressedIn = 0;

  /** A new window on a kept connection (a side-by-side session): its counts start again. */
  resetCounts(): void {
    this.deflatedOut = 0;
    this.uncompressedIn = 0;
    if (this.deflater) this.deflater.busyMs = this.deflater.bytesIn = this.deflater.bytesOut = 0;
  }

  private constructor(
    readonly opts: ConnectOptions,
    private readonly key: string,
    onUpgrade: (err?: ClientError) => void,
  ) {
    this.parser = new FrameParser(
      (op, buf, start, end) => this.message(op, buf, start, end),
      (op, data) => this.control(op, data),
      (msg) => this.fail(new ClientError('EPROTOCOL', msg)),
    );
    this.upgradeDone = onUpgrade;
    const upgrade = (): void => {
      this.socket.write(
        `GET ${opts.codec.path(opts.channel)} HTTP/1.1\r\nHost: ${opts.host}:${opts.port}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
          `Sec-WebSocket-Version: 13\r\n` +
          (opts.deflate ? `Sec-WebSocket-Extensions: ${offerHeader(opts.deflate)}\r\n` : '') +
          '\r\n',
      );
    };
    this.socket = connectSocket(
      {
        host: opts.host,
        port: opts.port,
        localAddress: opts.localAddress,
        localPort: opts.localPort,
        tls: opts.tls,
        onread: { buffer: SHARED_READ, callback: (n: number, buf: Uint8Array) => this.read(n, buf as Buffer) },
      },
      upgrade,
    );
    this.socket.on('error', (e: NodeJS.ErrnoException) =>
      this.fail(new ClientError(passCode(e.code, 'ESOCKET'), `connection error: ${e.message}`)),
    );
    this.socket.on('close', () => {
      if (!this.closing) this.fail(new ClientError('ECLOSED', 'the server closed the connection'));
    });
  }

  private upgradeDone: (err?: ClientError) => void;

  /** Connects, upgrades and runs the codec's handshake. */
  static async open(opts: ConnectOptions): Promise<RawConnection> {
    const key = randomBytes(16).toString('base64');
    const timeoutMs = opts.timeoutMs ?? 10_000;
    let conn!: RawConnection;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        conn.fail(new ClientError('ETIMEOUT', `no WebSocket upgrade within ${timeoutMs} ms`));
      }, timeoutMs);
      conn = new RawConnection(opts, key, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
    await opts.codec.open(conn);
    conn.handshaking = false;
    conn.raw = opts.codec.raw === true;
    return conn;
  }

  private read(n: number, buf: Buffer): boolean {
    const chunk = buf.subarray(0, n);
    this.readAt = performance.now();
    this.batching = true;
    try {
      if (this.upgraded) this.parser.feed(chunk);
      else this.readUpgrade(chunk);
    } finally {
      this.flush();
      this.busyMs += performance.now() - this.readAt;
    }
    return true;
  }

  private readUpgrade(chunk: Buffer): void {
    const all = this.headerBuf ? Buffer.concat([this.headerBuf, chunk]) : Buffer.from(chunk);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) {
      this.headerBuf = all;
      if (all.length > 16384) this.fail(new ClientError('EUPGRADE', 'upgrade response headers too large'));
      return;
    }
    this.headerBuf = null;
    const head = all.subarray(0, end).toString('latin1');
    const status = head.slice(0, head.indexOf('\r\n'));
    if (!/^HTTP\/1\.1 101\b/.test(status)) {
      this.fail(new ClientError('EUPGRADE', `upgrade refused: ${status || 'no status line'}`));
      return;
    }
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
    const expected = createHash('sha1')
      .update(this.key + GUID)
      .digest('base64');
    if (accept !== expected) {
      this.fail(new ClientError('EUPGRADE', 'wrong or missing Sec-WebSocket-Accept'));
      return;
    }
    if (!this.negotiate(head)) return;
    this.upgraded = true;
    this.upgradeDone();
    const rest = all.subarray(end + 4);
    if (rest.length > 0) this.parser.feed(rest);
  }

  /** Checks the extensions the server answered against what was offered; false once failed. */
  private negotiate(head: string): boolean {
    try {
      this.deflate = negotiate(this.opts.deflate, head);
      this.extensionsAnswer = [...head.matchAll(/\r\nsec-websocket-extensions:[ \t]*([^\r]*)/gi)]
        .map((m) => m[1].trim())
        .join(', ');
      if (this.deflate && !this.deflate.clientNoContextTakeover)
        this.deflater = new Deflater(this.deflate.clientMaxWindowBits);
    } catch (err) {
      this.fail(err as ClientError);
      return false;
    }
    this.parser.allowRsv1 = this.deflate !== null;
    return true;
  }

  /** Bytes of every frame received so far (headers included). */
  get wireIn(): number {
    return this.parser.wireBytes;
  }

  private message(opcode: number, buf: Buffer, start: number, end: number): void {
    if (opcode & COMPRESSED) {
      try {
        buf = (this.inflater ??= new Inflater()).inflate(buf, start, end);
      } catch (err) {
        return this.fail(err as ClientError);
      }
      start = 0;
      end = buf.length;
      opcode &= 0x0f;
    } else if (this.deflate) this.uncompressedIn++;
    if (this.raw) return this.onData(buf, start, end);
    if (this.handshaking) {
      const copy = { opcode, payload: Buffer.from(buf.subarray(start, end)) };
      const w = this.waiters.shift();
      if (w) w(copy);
      else this.queued.push(copy);
      return;
    }
    const payload = this.opts.codec.decode(opcode, buf.subarray(start, end), this.reply);
    if (payload) this.onData(payload, 0, payload.length);
  }

  private control(opcode: number, data: Buffer): void {
    if (opcode === OP_PING) this.send(buildFrame(OP_PONG, Buffer.from(data)).bytes);
    else if (opcode === OP_CLOSE) {
      if (!this.closing) {
        this.closing = true;
        this.socket.end(buildFrame(OP_CLOSE, Buffer.from(data.subarray(0, 2))).bytes);
        this.fail(
          new ClientError('ECLOSED', `the server sent close${data.length >= 2 ? ` ${data.readUInt16BE(0)}` : ''}`),
        );
      } else this.socket.end();
    }
  }

  /** Until the next flush(), sends are queued and then written together. */
  beginBatch(): void {
    this.batching = true;
  }

  /** Queues bytes; inside a read callback (or a batch) they go out in one write. */
  send(bytes: Buffer): void {
    if (!this.batching) {
      this.socket.write(bytes);
      return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  /**
   * Sends message `seq` of a template: the hot path. Small messages are written straight into
   * the batch's one buffer at flush time, so a message costs a copy, not an allocation.
   */
  sendMessage(template: MessageTemplate, seq: number): void {
    // Context kept: every message goes through this connection's deflater, in send order.
    if (this.deflater) {
      const bytes = template.deflatedBytes(seq, this.deflater);
      this.deflatedOut += bytes.length;
      this.send(bytes);
      return;
    }
    if (!this.batching || !template.small) {
      template.emit(seq, (b) => this.send(b));
      return;
    }
    this.pendingTemplates.push(template);
    this.pendingSeqs.push(seq);
    this.pendingBytes += template.bytes.length;
  }

  /** A batch buffer of at least `size` bytes: the reusable one when it is free and large enough. */
  private batchBuffer(size: number): Buffer {
    if (this.scratch && this.scratch.length >= size) return this.scratch;
    this.scratch = Buffer.allocUnsafeSlow(Math.max(size, 4096));
    return this.scratch;
  }

  /** Writes what was queued while handling one incoming chunk (or one batch). */
  flush(): void {
    this.batching = false;
    const templates = this.pendingTemplates.length;
    const buffers = this.pending.length;
    if (templates + buffers === 0) return;
    if (templates + buffers === 1 && buffers === 1) this.socket.write(this.pending[0]);
    else if (this.pendingBytes <= BATCH_COPY_MAX || buffers === 0) {
      const out = this.batchBuffer(this.pendingBytes);
      let at = 0;
      for (let i = 0; i < buffers; i++) at += this.pending[i].copy(out, at);
      for (let i = 0; i < templates; i++) at = this.pendingTemplates[i].writeInto(out, at, this.pendingSeqs[i]);
      this.socket.write(out.subarray(0, at));
      // Written through to the kernel at once (the usual case): nothing holds the buffer any
      // more, so the next batch may reuse it. Otherwise the pending write keeps it: let it go.
      if (this.socket.writableLength !== 0) this.scratch = null;
    } else {
      this.socket.cork();
      for (const b of this.pending) this.socket.write(b);
      for (let i = 0; i < templates; i++)
        this.pendingTemplates[i].emit(this.pendingSeqs[i], (b) => this.socket.write(b));
      this.socket.uncork();
    }
    if (buffers) this.pending = [];
    if (templates) {
      this.pendingTemplates.length = 0;
      this.pendingSeqs.length = 0;
    }
    this.pendingBytes = 0;
  }

  sendText(text: string): void {
    this.send(buildFrame(OP_TEXT, Buffer.from(text)).bytes);
  }

  /** Sends one application message through the codec (not the hot path: it builds frames). */
  sendPayload(payload: Buffer, binary: boolean): void {
    const { frames } = this.opts.codec.encode(this.opts.channel, payload, binary && this.opts.codec.binary);
    for (const f of frames) {
      if (this.deflater) {
        const b = buildFrame(f.opcode, this.deflater.deflate(f.payload)).bytes;
        b[0] |= COMPRESSED;
        this.send(b);
      } else
        this.send(
          this.deflate ? deflatedFrame(f.opcode, f.payload, this.deflate) : buildFrame(f.opcode, f.payload).bytes,
        );
    }
  }

  nextMessage(timeoutMs: number): Promise<{ opcode: number; payload: Buffer }> {
    const q = this.queued.shift();
    if (q) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new ClientError('ETIMEOUT', `no protocol handshake message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: { opcode: number; payload: Buffer }): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(done);
    });
  }

  private fail(err: ClientError): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = err;
    this.inflater?.close();
    this.deflater?.close();
    if (!this.upgraded) this.upgradeDone(err);
    this.onFailure(err);
    if (!this.socket.destroyed && err.code !== 'ECLOSED') this.socket.destroy();
  }

  /** Close handshake: sends close 1000 and waits (briefly) for the server's close. */
  close(timeoutMs = 2000): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      this.socket.write(buildFrame(OP_CLOSE, code).bytes);
    });
  }
}

export { OP_TEXT, OP_BINARY };
