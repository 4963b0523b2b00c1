/**
 * `--lib <path>`: an adapter from outside the project. A folder holds `server.js` (exporting
 * `adapter`) and optionally `codec.js` (exporting `codec`); a file is the server module itself,
 * and may export `codec` too. Without a codec the load generator speaks raw RFC 6455. The
 * server module may export `manifest` (its capabilities, as a built-in library's manifest says
 * them): then it runs in every case it declares, the production case too. The modules, and what
 * the manifest declares, are checked in short-lived processes of their own before anything is
 * measured.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADAPTERS } from '../adapters/index.js';
import { UsageError } from './errors.js';
import type { Capabilities } from '../adapters/types.js';
import { needsProbe } from './adapter-probe.js';
import { generate as generateCertificate } from './tls-cert.js';
import type { PlannedLibrary } from './plan.js';

const CHECK_MAIN = fileURLToPath(new URL('./adapter-check-main.js', import.meta.url));
/** The raw RFC 6455 codec, as a module exporting `codec`. */
export const RAW_CODEC_MODULE = 'ws/codec.js';
const CHECK_TIMEOUT_MS = 15_000;

/** Whether a --lib entry names a path rather than a built-in library. */
export function isPathEntry(entry: string): boolean {
  return entry.includes('/') || entry.includes('\\') || entry.startsWith('.') || fs.existsSync(entry);
}

function readPackage(dir: string): { name?: string; version?: string } {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    return {
      name: typeof pkg.name === 'string' ? pkg.name : undefined,
      version: typeof pkg.version === 'string' ? pkg.version : undefined,
    };
  } catch {
    return {};
  }
}

/** Server and (optional) codec module files of a --lib path. */
function modulesOf(entry: string, abs: string): { server: string; codec?: string; dir: string } {
  if (fs.statSync(abs).isDirectory()) {
    const server = ['server.js', 'server.mjs', 'index.js'].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    if (!server)
      throw new UsageError(
        `--lib ${entry}: the folder has no server.js exporting 'adapter' (see docs/CUSTOM-ADAPTERS.md)`,
      );
    const codec = ['codec.js', 'codec.mjs'].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    return { server, codec, dir: abs };
  }
  const sibling = ['codec.js', 'codec.mjs']
    .map((f) => path.join(path.dirname(abs), f))
    .find((f) => fs.existsSync(f) && f !== abs);
  return { server: abs, codec: sibling, dir: path.dirname(abs) };
}

type Verdict = { ok?: boolean; problem?: string; exportsCodec?: boolean; capabilities?: Capabilities };

function runCheck(
  entry: string,
  args: string[],
  env: Record<string, string> = {},
): { exportsCodec?: boolean; capabilities?: Capabilities } {
  const r = spawnSync(process.execPath, [CHECK_MAIN, ...args], {
    encoding: 'utf8',
    timeout: CHECK_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  let verdict: Verdict = {};
  try {
    verdict = JSON.parse(line) as typeof verdict;
  } catch {
    const why = r.error
      ? `it did not finish loading within ${CHECK_TIMEOUT_MS / 1000} s`
      : `the check exited with ${r.status ?? r.signal}`;
    throw new UsageError(`--lib ${entry}: could not check the adapter (${why})`);
  }
  if (!verdict.ok) throw new UsageError(`--lib ${entry}: ${verdict.problem ?? 'not a valid adapter'}`);
  return verdict;
}

/** Starts the adapter as a TLS, compressed run would (as far as it declares them) and checks it serves them. */
function probeDeclared(entry: string, files: { server: string; codec?: string }, c: Capabilities): void {
  if (!needsProbe(c)) return;
  const cert = 'stack' in c.tls ? generateCertificate() : undefined;
  try {
    runCheck(entry, ['--probe', files.server, ...(files.codec ? [files.codec] : [])], {
      ...(c.compression === true ? { WSBENCH_COMPRESSION: '1' } : {}),
      ...(cert ? { WSBENCH_TLS_CERT: cert.certFile, WSBENCH_TLS_KEY: cert.keyFile } : {}),
    });
  } finally {
    cert?.dispose();
  }
}

/** A --lib path -> a library entry, after checking its modules. */
export function customLibrary(entry: string): PlannedLibrary {
  const abs = path.resolve(entry);
  if (!fs.existsSync(abs)) {
    throw new UsageError(
      `--lib ${entry}: no such file or folder (give an adapter folder with server.js, or a module exporting 'adapter')`,
    );
  }
  const files = modulesOf(entry, abs);
  const verdict = runCheck(entry, [files.server, ...(files.codec ? [files.codec] : [])]);
  if (verdict.capabilities) probeDeclared(entry, files, verdict.capabilities);
  const pkg = readPackage(files.dir);
  const name = fs.statSync(abs).isDirectory() ? path.basename(abs) : path.basename(abs).replace(/\.[cm]?js$/, '');
  if (Object.hasOwn(ADAPTERS, name)) {
    throw new UsageError(
      `--lib ${entry}: '${name}' is the name of a built-in library: rename the adapter's folder or file`,
    );
  }
  const codecModule = files.codec ?? (verdict.exportsCodec ? files.server : RAW_CODEC_MODULE);
  return {
    name,
    packageName: pkg.name ?? name,
    serverModule: files.server,
    codecModule,
    libVersion: pkg.version ?? 'unknown',
    custom: { path: abs, codec: files.codec ?? (verdict.exportsCodec ? files.server : 'raw RFC 6455') },
    // What its manifest declares (checked above); without one, only --tls / --compression ask for those.
    ...(verdict.capabilities ? { capabilities: verdict.capabilities } : {}),
  };
}
