/**
 * What a micro-benchmark suite is made of, and the helpers every suite shares: the message
 * sizes, the frames a client would send, and loading a library's internals from where the
 * library itself would load them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { libraryDir } from '../../adapters/_shared/load-library.js';
import { buildFrame } from '../loadgen/frame.js';

/** One operation a library performs per message, timed by tinybench. */
export interface MicroTask {
  /** Row name, shared by the libraries that do the same thing (e.g. `frame parse 1 KiB`). */
  name: string;
  /**
   * Operations per call of `fn`: small operations are repeated inside one call so a sample is
   * long enough to time; results are divided back to one operation.
   */
  reps: number;
  fn: () => void;
}

/** A library's suite, or why it has none. */
export type Suite = { tasks: MicroTask[] } | { unreachable: string };

/** Message sizes of the frame, mask and parser tasks. */
export const SIZES = [32, 1024, 65536] as const;

/** Aim for about 16 KiB of payload per timed call (512 x 32 B, 16 x 1 KiB, 1 x 64 KiB). */
export function repsFor(size: number): number {
  return Math.max(1, Math.floor(16384 / size));
}

/** `32 B`, `1 KiB`, `64 KiB`: the size part of task names. */
export function sizeLabel(n: number): string {
  return n >= 1024 ? `${n / 1024} KiB` : `${n} B`;
}

/** `size` bytes of ASCII, as the load generator sends (JSON-safe, valid UTF-8). */
export function asciiPayload(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = 97 + (i % 26);
  return buf;
}

/** About `size` bytes of valid UTF-8 with 2-, 3- and 4-byte characters: what validators work for. */
export function utf8Text(size: number): Buffer {
  const unit = 'héllo wörld ✓ 日本 🙂 ';
  let s = '';
  while (Buffer.byteLength(s) < size) s += unit;
  let out = Buffer.from(s);
  // Cut at a character boundary at or below `size`.
  let end = size;
  while (end > 0 && (out[end] & 0xc0) === 0x80) end--;
  out = out.subarray(0, end);
  return Buffer.from(out);
}

/** A masked client frame (what a server parses), text opcode unless said otherwise. */
export function clientFrame(payload: Buffer, opcode = 1): Buffer {
  return buildFrame(opcode, payload).bytes;
}

/**
 * A require function rooted in a package, following a dependency chain, e.g. socket.io, then
 * engine.io, then ws: the ws that socket.io actually runs on. The first package is found
 * where loadLibrary finds it (WSBENCH_LIB_DIR for `--lib name@folder`).
 */
export function requireFrom(chain: string[]): NodeJS.Require {
  const dir = libraryDir();
  let req = createRequire(dir ? path.join(path.resolve(dir), 'package.json') : import.meta.url);
  for (const name of chain) req = createRequire(packageJson(req, name));
  return req;
}

/** Where `name`'s package.json is, as `req` resolves it, even when its `exports` hide it. */
function packageJson(req: NodeJS.Require, name: string): string {
  try {
    return req.resolve(`${name}/package.json`);
  } catch {
    // The main entry lies inside the package: walk up to the package.json that names it.
    for (let d = path.dirname(req.resolve(name)); d !== path.dirname(d); d = path.dirname(d)) {
      const file = path.join(d, 'package.json');
      if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === name) return file;
    }
    throw new Error(`cannot find the package.json of ${name}`);
  }
}

/** Fails a suite at setup when a task does not do what it says (checked once before timing). */
export function verify(condition: boolean, message: string): void {
  if (!condition) throw new Error(`micro-benchmark setup: ${message}`);
}
