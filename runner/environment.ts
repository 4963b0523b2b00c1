/** The facts of the machine and the software a report was measured with. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Environment } from './report/schema.js';
import type { Pinning } from './process/pinning.js';

/** The project root: dist/runner/environment.js is two levels below it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function readJson(file: string): { version?: string } {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string };
  } catch {
    return {};
  }
}

export function wsbenchVersion(): string {
  return readJson(path.join(PROJECT_ROOT, 'package.json')).version ?? 'unknown';
}

/** Installed version of an npm package, read from its package.json. */
export function packageVersion(name: string): string {
  try {
    const require = createRequire(path.join(PROJECT_ROOT, 'package.json'));
    return readJson(require.resolve(`${name}/package.json`)).version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/**
 * The commit benchmarked: the git checkout the command runs in (a user's repository when wsbench
 * is installed there, as the action runs it in the base and the head), else wsbench's own.
 */
function gitCommit(): string | null {
  for (const cwd of [process.cwd(), PROJECT_ROOT]) {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      /* not a git checkout: try the next */
    }
  }
  return null;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch {
    /* not Linux */
  }
  return `${os.type()} ${os.release()}`;
}

export function environment(pinning: Pinning, argv: string[]): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    os: osName(),
    kernel: os.release(),
    arch: process.arch,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    pinning: { method: pinning.method, serverCpu: pinning.serverCpu, clientCpu: pinning.clientCpu, note: pinning.note },
    wsbenchVersion: wsbenchVersion(),
    gitCommit: gitCommit(),
    command: ['wsbench', ...argv].map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' '),
  };
}
