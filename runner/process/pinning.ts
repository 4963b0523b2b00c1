/**
 * Which core the server gets and which the load generator gets. On this 2-core machine: server
 * on CPU 0, load generator on CPU 1, with taskset (which execs, so the pid stays the node's).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { nofileToRequest } from './limits.js';

export interface Pinning {
  method: 'taskset' | 'none';
  serverCpu: string;
  clientCpu: string;
  note: string;
}

function has(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let cached: Pinning | undefined;

export function decidePinning(enabled = process.env.WSBENCH_NO_PIN !== '1'): Pinning {
  if (cached) return cached;
  const cores = os.availableParallelism();
  if (!enabled)
    cached = { method: 'none', serverCpu: 'any', clientCpu: 'any', note: 'pinning turned off (WSBENCH_NO_PIN=1)' };
  else if (cores < 2)
    cached = {
      method: 'none',
      serverCpu: 'any',
      clientCpu: 'any',
      note: `only ${cores} core: server and load generator share it`,
    };
  else if (!has('taskset'))
    cached = {
      method: 'none',
      serverCpu: 'any',
      clientCpu: 'any',
      note: 'taskset not found (util-linux): processes not pinned',
    };
  else
    cached = {
      method: 'taskset',
      serverCpu: '0',
      clientCpu: '1',
      note: `server on CPU 0, load generator on CPU 1 of ${cores}`,
    };
  return cached;
}

let prlimitAvailable: boolean | undefined;
let setprivAvailable: boolean | undefined;

/**
 * The command and arguments that start `node args` (or another `executable`) pinned to `cpu` and, when asked, with a raised
 * open-files limit (prlimit, which also execs). Where setpriv exists the child also gets
 * SIGKILL when the runner dies: a server stuck in a busy loop never notices its IPC channel
 * closing, and must not outlive a runner that was itself killed.
 */
export function pinnedCommand(
  cpu: string,
  nodeArgs: string[],
  nofile?: number,
  executable = process.execPath,
): { file: string; args: string[] } {
  const pin = decidePinning();
  let file = executable;
  let args = nodeArgs;
  if (pin.method === 'taskset' && cpu !== 'any') {
    args = ['-c', cpu, file, ...args];
    file = 'taskset';
  }
  const raise = nofileToRequest(nofile);
  if (raise) {
    prlimitAvailable ??= has('prlimit');
    if (prlimitAvailable) {
      args = [`--nofile=${raise}`, file, ...args];
      file = 'prlimit';
    }
  }
  setprivAvailable ??= process.platform === 'linux' && has('setpriv');
  if (setprivAvailable) {
    args = ['--pdeathsig', 'KILL', file, ...args];
    file = 'setpriv';
  }
  return { file, args };
}
