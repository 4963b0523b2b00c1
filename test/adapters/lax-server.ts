/**
 * Test-only: an RFC 6455 echo server on node:net, strict in everything but two points: it never
 * validates UTF-8 in text messages (it echoes invalid text) and it ignores the mask bit (it
 * accepts unmasked client frames). The conformance verdicts must fail it on exactly those cases.
 */
import net from 'node:net';
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function serverFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext);
  head[0] = 0x80 | opcode;
  head[1] = ext === 0 ? len : ext === 2 ? 126 : 127;
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  return Buffer.concat([head, payload]);
}

const validCode = (c: number): boolean =>
  (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);

/** One connection's frame handling after the upgrade. */
class LaxConnection {
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragOpcode = 0;
  private fragBytes = 0;
  private done = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly maxBytes: number,
  ) {}

  private fail(code: number): void {
    if (this.done) return;
    this.done = true;
    const b = Buffer.alloc(2);
    b.writeUInt16BE(code, 0);
    this.socket.end(serverFrame(8, b));
  }

  feed(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (!this.done && this.buf.length >= 2) {
      const b = this.buf;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
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
      if (b[0] & 0x70) return this.fail(1002);
      if ((opcode > 2 && opcode < 8) || opcode > 10) return this.fail(1002);
      if (opcode >= 8 && (!fin || len > 125)) return this.fail(1002);
      if (len > this.maxBytes || this.fragBytes + len > this.maxBytes) return this.fail(1009);
      const keyAt = off;
      if (masked) off += 4;
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      // Lax: an unmasked frame is taken as it is.
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[keyAt + (i & 3)];
      this.buf = b.subarray(off + len);
      this.frame(fin, opcode, payload);
    }
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 9) return void this.socket.write(serverFrame(10, payload));
    if (opcode === 10) return;
    if (opcode === 8) return this.close(payload);
    if (opcode === 0 && this.fragments.length === 0) return this.fail(1002);
    if (opcode !== 0 && this.fragments.length > 0) return this.fail(1002);
    if (opcode !== 0) this.fragOpcode = opcode;
    this.fragments.push(payload);
    this.fragBytes += payload.length;
    if (!fin) return;
    // Lax: text is echoed without checking that it is UTF-8.
    this.socket.write(serverFrame(this.fragOpcode, Buffer.concat(this.fragments)));
    this.fragments = [];
    this.fragBytes = 0;
  }

  private close(payload: Buffer): void {
    if (payload.length === 1) return this.fail(1002);
    if (payload.length >= 2 && !validCode(payload.readUInt16BE(0))) return this.fail(1002);
    if (payload.length > 2 && !isUtf8(payload.subarray(2))) return this.fail(1007);
    this.done = true;
    this.socket.end(serverFrame(8, payload.subarray(0, 2)));
  }
}

function answer(socket: net.Socket, status: string, headers: string[] = []): void {
  socket.end([`HTTP/1.1 ${status}`, 'Connection: close', ...headers, '', ''].join('\r\n'));
}

/** Handles the upgrade request in `head`; returns the connection, or null when it was refused. */
function upgrade(socket: net.Socket, head: string, maxBytes: number): LaxConnection | null {
  const [requestLine, ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
  }
  const key = headers.get('sec-websocket-key');
  const isUpgrade =
    /^websocket$/i.test(headers.get('upgrade') ?? '') && /upgrade/i.test(headers.get('connection') ?? '');
  if (!requestLine.startsWith('GET ') || !isUpgrade || !key) return (answer(socket, '400 Bad Request'), null);
  if (headers.get('sec-websocket-version') !== '13')
    return (answer(socket, '426 Upgrade Required', ['Sec-WebSocket-Version: 13']), null);
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  return new LaxConnection(socket, maxBytes);
}

export function laxServer(maxBytes: number): net.Server {
  return net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let head: Buffer = Buffer.alloc(0);
    let conn: LaxConnection | null = null;
    socket.on('data', (d: Buffer) => {
      if (conn) return conn.feed(d);
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16 * 1024) answer(socket, '431 Request Header Fields Too Large');
        return;
      }
      conn = upgrade(socket, head.subarray(0, end).toString('latin1'), maxBytes);
      const rest = head.subarray(end + 4);
      if (conn && rest.length) conn.feed(rest);
    });
  });
}
