/**
 * The conformance probe: a raw RFC 6455 client on node:net that can send any bytes (unmasked
 * frames, reserved bits and opcodes, lies about lengths), write them in chops, and observe what
 * the server does: every frame it sends, its close frame, a TCP close without one, or an HTTP
 * status instead of an upgrade. Every wait has a time limit; nothing here ever waits forever.
 */
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import type { CodecConnection } from '../../adapters/types.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One frame as the server sent it. */
export interface SeenFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

export interface FrameOptions {
  fin?: boolean;
  /** RSV1..3 as bits 0x40, 0x20, 0x10. */
  rsv?: number;
  /** A mask key, or false for an unmasked (non-conforming) client frame. */
  mask?: Buffer | false;
}

/** A client frame, masked unless asked otherwise. */
export function frame(opcode: number, payload: Buffer | string, o: FrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = o.mask === false ? null : (o.mask ?? randomBytes(4));
  const len = data.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = ((o.fin ?? true) ? 0x80 : 0) | (o.rsv ?? 0) | opcode;
  head[1] = (mask ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([head, data]);
  mask.copy(head, 2 + ext);
  const body = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) body[i] = data[i] ^ mask[i & 3];
  return Buffer.concat([head, body]);
}

/** A close frame payload: a code and an optional reason. */
export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const r = typeof reason === 'string' ? Buffer.from(reason) : reason;
  const b = Buffer.alloc(2 + r.length);
  b.writeUInt16BE(code, 0);
  r.copy(b, 2);
  return b;
}

/** The upgrade request for `path`; `extra` header lines go first; a null key or version is left out. */
export function upgradeRequest(
  host: string,
  port: number,
  path: string,
  o: { key?: string | null; version?: string | null; extra?: string[] } = {},
): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    ...(o.extra ?? []),
    `Host: ${host}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
  ];
  if (o.key !== null) lines.push(`Sec-WebSocket-Key: ${o.key ?? randomBytes(16).toString('base64')}`);
  if (o.version !== null) lines.push(`Sec-WebSocket-Version: ${o.version ?? '13'}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The HTTP response head a server sent, if any. */
export interface HttpHead {
  status: number;
  headers: Record<string, string>;
}

/**
 * One probe connection. Frames the server sends are kept in `frames`; `closed` is set on TCP
 * close (with the time since open). Data frames go to `messages` (reassembled, with opcode).
 */
export class Probe implements CodecConnection {
  readonly socket: net.Socket;
  readonly frames: SeenFrame[] = [];
  readonly messages: { opcode: number; payload: Buffer }[] = [];
  http: HttpHead | null = null;
  /** ms after open at which the TCP connection closed, or null while open. */
  closedAt: number | null = null;
  error: string | null = null;
  private readonly t0 = performance.now();
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragOpcode = 0;
  private readonly watchers = new Set<() => void>();
  /** Incoming messages a codec's handshake has not consumed yet (see nextMessage). */
  private taken = 0;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => (this.error = e.message));
    this.socket.on('close', () => {
      this.closedAt = this.now();
      this.notify();
    });
  }

  now(): number {
    return performance.now() - this.t0;
  }

  /** Writes bytes as they are; `chop` writes them in pieces of that many bytes, one per tick. */
  async send(bytes: Buffer | string, chop = 0): Promise<void> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    if (this.closedAt !== null || this.socket.destroyed) return;
    if (chop <= 0) return void this.socket.write(b);
    for (let i = 0; i < b.length && this.closedAt === null; i += chop) {
      this.socket.write(b.subarray(i, i + chop));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Resolves true once `done()` holds, false after `ms`. */
  until(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        finish(true);
      };
      const finish = (v: boolean): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(done()), ms);
      this.watchers.add(check);
    });
  }

  /** Sends an upgrade request and waits for the response head; true when it is a valid 101. */
  async upgrade(request: string, ms = 3000): Promise<boolean> {
    const key = /Sec-WebSocket-Key: (\S+)/i.exec(request)?.[1];
    await this.send(request);
    await this.until(() => this.http !== null || this.closedAt !== null, ms);
    if (this.http?.status !== 101) return false;
    const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
    return this.http.headers['sec-websocket-accept'] === accept;
  }

  /** The close frame the server sent, if any. */
  closeFrame(): SeenFrame | undefined {
    return this.frames.find((f) => f.opcode === 8);
  }

  /** Data messages not consumed by a codec handshake. */
  appMessages(): { opcode: number; payload: Buffer }[] {
    return this.messages.slice(this.taken);
  }

  // CodecConnection, for a codec's own handshake (Engine.IO open, Socket.IO connect).
  sendText(text: string): void {
    void this.send(frame(1, text));
  }

  async nextMessage(timeoutMs: number): Promise<{ opcode: number; payload: Buffer }> {
    const ok = await this.until(() => this.messages.length > this.taken || this.closedAt !== null, timeoutMs);
    if (!ok || this.messages.length <= this.taken)
      throw new Error('no message from the server during the codec handshake');
    return this.messages[this.taken++];
  }

  /** Marks every message so far as consumed (codec handshake traffic). */
  consumeAll(): void {
    this.taken = this.messages.length;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    if (!this.http) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return this.notify();
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      this.http = { status: Number(/^HTTP\/1\.\d (\d{3})/.exec(lines[0])?.[1] ?? 0), headers };
      this.buf = this.buf.subarray(end + 4);
      if (this.http.status !== 101) return this.notify();
    }
    this.parseFrames();
    this.notify();
  }

  private parseFrames(): void {
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      const keyAt = off;
      if (masked) off += 4;
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[keyAt + (i & 3)];
      this.buf = b.subarray(off + len);
      const f: SeenFrame = { fin: (b[0] & 0x80) !== 0, rsv: b[0] & 0x70, opcode: b[0] & 0x0f, masked, payload };
      this.frames.push(f);
      this.collect(f);
    }
  }

  private collect(f: SeenFrame): void {
    if (f.opcode >= 8) return;
    if (f.opcode !== 0) this.fragOpcode = f.opcode;
    this.fragments.push(f.payload);
    if (!f.fin) return;
    this.messages.push({ opcode: this.fragOpcode, payload: Buffer.concat(this.fragments) });
    this.fragments = [];
  }
}
