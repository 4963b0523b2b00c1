/**
 * Runtimes other than Node that run a server: Bun and Deno, from the pinned npm packages `bun`
 * and `deno`. Their binaries are started directly (never through `npx`, a shell or the packages'
 * JS launchers), so the pid the runner pins, samples and kills is the runtime's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../../adapters/_shared/errors.js';
import type { AdapterRuntime } from '../../adapters/types.js';

/** The project root: dist/runner/process/runtimes.js is three levels below it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Where each runtime's binary may be, in order. npm 11 runs no install scripts: Bun's binary is
 * found in its platform package, or in `bun/bin/bun.exe` where npm placed it there; Deno's in
 * its platform package. WSBENCH_BUN / WSBENCH_DENO name another binary.
 */
function candidates(name: AdapterRuntime['name']): string[] {
  const nm = path.join(ROOT, 'node_modules');
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x64';
  if (name === 'bun') {
    return [
      process.env.WSBENCH_BUN ?? '',
      path.join(nm, 'bun', 'bin', 'bun.exe'),
      path.join(nm, '@oven', `bun-${process.platform}-${arch}`, 'bin', 'bun'),
      path.join(nm, '@oven', `bun-${process.platform}-${arch}-baseline`, 'bin', 'bun'),
      path.join(nm, '@oven', `bun-${process.platform}-${arch}-musl`, 'bin', 'bun'),
    ].filter(Boolean);
  }
  const denoArch = process.arch === 'arm64' ? 'arm64' : 'x64';
  return [
    process.env.WSBENCH_DENO ?? '',
    path.join(nm, '@deno', `${process.platform}-${denoArch}-glibc`, 'deno'),
    path.join(nm, '@deno', `${process.platform}-${denoArch}`, 'deno'),
    path.join(nm, 'deno', 'deno'),
  ].filter(Boolean);
}

/** A real executable (not the few-byte placeholder some packages ship before their install step). */
function isBinary(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size < 1024 * 1024) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const found = new Map<string, string | null>();

/** The runtime's binary, or null when it is not installed. */
export function findRuntime(name: AdapterRuntime['name']): string | null {
  if (!found.has(name)) found.set(name, candidates(name).find(isBinary) ?? null);
  return found.get(name)!;
}

/** Why a runtime cannot be used (a one-line fix), or null when it can. */
export function runtimeMissing(name: AdapterRuntime['name']): string | null {
  if (findRuntime(name)) return null;
  return `the ${name} runtime is not installed (looked for ${candidates(name).join(', ')}): run npm ci, or set WSBENCH_${name.toUpperCase()}=<path to ${name}>`;
}

/** The executable and arguments that run `runtime.entry` (a path from the project root). */
export function runtimeCommand(runtime: AdapterRuntime): { executable: string; args: string[] } {
  const executable = findRuntime(runtime.name);
  if (!executable) throw new CodedError('ERUNTIME', runtimeMissing(runtime.name)!);
  const entry = path.join(ROOT, runtime.entry);
  if (runtime.name === 'bun') return { executable, args: ['run', '--no-install', entry] };
  // Only what a server needs: the network and its own environment; --expose-gc for `mem`.
  return {
    executable,
    args: [
      'run',
      '--quiet',
      '--no-prompt',
      '--no-config',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--v8-flags=--expose-gc',
      entry,
    ],
  };
}

/** Environment for a runtime: no update checks, no telemetry, no prompts. */
export function runtimeEnv(runtime: AdapterRuntime): Record<string, string> {
  if (runtime.name === 'deno') return { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' };
  return { BUN_DISABLE_TELEMETRY: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' };
}
