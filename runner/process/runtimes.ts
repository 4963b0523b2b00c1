/**
 * Runtimes other than Node that run a server: Bun and Deno, from the npm packages `bun` and
 * `deno` (devDependencies: optional for a project that installs wsbench). Their binaries are
 * started directly (never through `npx`, a shell or the packages' JS launchers), so the pid the
 * runner pins, samples and kills is the runtime's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../errors.js';
import type { AdapterRuntime } from '../../adapters/types.js';
import { RUNTIMES } from '../../adapters/runtimes.js';

/** The project root: dist/runner/process/runtimes.js is three levels below it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** wsbench's own package.json: resolution starts here, so a runtime installed beside wsbench is found. */
const PKG = path.join(ROOT, 'package.json');

/** The folder of an installed package, resolved as Node would from `from`, or null. */
function packageDir(name: string, from: string): string | null {
  try {
    return path.dirname(createRequire(from).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/**
 * Where a runtime's binary may be, in order: WSBENCH_<NAME>, then what its launch
 * (adapters/<runtime>/runtime.ts) lists. Its packages are resolved as Node resolves them from
 * wsbench's folder: this checkout's node_modules, or (wsbench installed as a dependency) the
 * user's node_modules beside it.
 */
function candidates(name: AdapterRuntime['name']): string[] {
  const main = packageDir(name, PKG);
  const inPackage = (pkg: string, file: string): string => {
    const dir = packageDir(pkg, PKG) ?? (main && packageDir(pkg, path.join(main, 'package.json')));
    return dir ? path.join(dir, file) : '';
  };
  return [process.env[`WSBENCH_${name.toUpperCase()}`] ?? '', ...RUNTIMES[name].binaries({ main, inPackage })].filter(
    Boolean,
  );
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

/** The version wsbench is tested with (its devDependencies pin both runtimes). */
function pinnedVersion(name: AdapterRuntime['name']): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(PKG, 'utf8')) as { devDependencies?: Record<string, string> };
    return pkg.devDependencies?.[name] ?? 'latest';
  } catch {
    return 'latest';
  }
}

/**
 * Why a runtime cannot be used (a one-line fix), or null when it can. Bun and Deno are
 * devDependencies: this checkout's `npm ci` installs them, a project that installs wsbench does not.
 */
export function runtimeMissing(name: AdapterRuntime['name']): string | null {
  if (findRuntime(name)) return null;
  const installed = ROOT.split(path.sep).includes('node_modules');
  const fix = installed ? `npm install --save-dev ${name}@${pinnedVersion(name)}` : 'npm ci';
  return `the ${name} runtime is not installed: run ${fix}, or set WSBENCH_${name.toUpperCase()}=<path to ${name}>`;
}

/** The executable and arguments that run `runtime.entry` (a path from the project root). */
export function runtimeCommand(runtime: AdapterRuntime): { executable: string; args: string[] } {
  const executable = findRuntime(runtime.name);
  if (!executable) throw new CodedError('ERUNTIME', runtimeMissing(runtime.name)!);
  return { executable, args: RUNTIMES[runtime.name].args(path.join(ROOT, runtime.entry)) };
}

/** Environment for a runtime: no update checks, no telemetry, no prompts. */
export function runtimeEnv(runtime: AdapterRuntime): Record<string, string> {
  return RUNTIMES[runtime.name].env;
}
