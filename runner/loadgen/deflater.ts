/**
 * A persistent raw deflater for the client's messages when the client keeps its compression
 * context (client context takeover, as browsers do): every message is compressed at send time,
 * through the same zlib stream, sync-flushed, its trailing 00 00 ff ff removed (RFC 7692 7.2.1).
 * Driven synchronously through the native handle, like the Inflater (deflate.ts says why).
 */
import zlib from 'node:zlib';
import { CodedError as ClientError } from '../errors.js';

interface ZlibHandle {
  writeSync(flush: number, i: Buffer, inOff: number, inLen: number, o: Buffer, outOff: number, outLen: number): void;
}
interface ZlibInternals {
  _handle?: ZlibHandle;
  _writeState?: Uint32Array;
  destroyed: boolean;
  on(event: 'error', f: () => void): void;
  close(): void;
}

const EMPTY = Buffer.from([0x00]);

export class Deflater {
  private readonly z: ZlibInternals;
  private readonly handle: ZlibHandle;
  private readonly state: Uint32Array;
  private out = Buffer.allocUnsafeSlow(16 * 1024);
  /** Time spent compressing (ms), for the client's own cost. */
  busyMs = 0;
  /** Bytes in and out, for the ratio the client achieved. */
  bytesIn = 0;
  bytesOut = 0;

  /** `bits`: the client window the server allows (8 means Huffman coding only, see deflate.ts). */
  constructor(bits: number) {
    const z = zlib.createDeflateRaw({
      windowBits: Math.max(9, bits),
      ...(bits === 8 ? { strategy: zlib.constants.Z_HUFFMAN_ONLY } : {}),
    }) as unknown as ZlibInternals;
    if (typeof z._handle?.writeSync !== 'function' || !(z._writeState instanceof Uint32Array))
      throw new ClientError(
        'EDEFLATE',
        `permessage-deflate: this Node.js (${process.version}) has no synchronous zlib call`,
      );
    z.on('error', () => {});
    this.z = z;
    this.handle = z._handle;
    this.state = z._writeState;
  }

  /** One message's compressed payload; valid until the next call (copy what outlives it). */
  deflate(data: Buffer): Buffer {
    // zlib emits nothing for a flush with no new input: an empty message is the one byte of an
    // empty stored block's header, the receiver appends the rest (00 00 ff ff), as RFC 7692 7.2.3.6.
    if (data.length === 0) return EMPTY;
    const t0 = performance.now();
    // A sync flush never needs more than the input plus 5 bytes per 16 KiB stored block, plus 6.
    const need = data.length + 5 * Math.ceil(data.length / 16384 + 1) + 16;
    if (this.out.length < need) this.out = Buffer.allocUnsafeSlow(need * 2);
    if (this.z.destroyed) throw new ClientError('EDEFLATE', 'permessage-deflate: the deflater was closed');
    this.handle.writeSync(zlib.constants.Z_SYNC_FLUSH, data, 0, data.length, this.out, 0, this.out.length);
    const availOut = this.state[0];
    const availIn = this.state[1];
    if (availIn !== 0 || availOut === 0)
      throw new ClientError('EDEFLATE', 'permessage-deflate: deflate output overflow');
    const n = this.out.length - availOut - 4;
    if (n < 0) throw new ClientError('EDEFLATE', 'permessage-deflate: zlib returned no sync-flushed output');
    this.busyMs += performance.now() - t0;
    this.bytesIn += data.length;
    this.bytesOut += n;
    return this.out.subarray(0, n);
  }

  close(): void {
    this.z.close();
  }
}
