/** Starts test/servers/plain-echo.ts as a process of its own (optionally under a command prefix, e.g. `ip netns exec`). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './bench.js';

export interface PlainServer {
  child: ChildProcess;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

const SCRIPT = path.join(ROOT, 'dist/test/servers/plain-echo.js');

export function startPlainServer(
  host = '127.0.0.1',
  prefix: string[] = [],
  env: Record<string, string> = {},
): Promise<PlainServer> {
  const [file, ...args] = [...prefix, process.execPath, SCRIPT, host];
  // stdin a pipe: the server exits when this test process (and so the pipe) goes away.
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the plain echo server did not start within 10 s: ${err}`));
    }, 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, pid: child.pid!, port: Number(m[1]), stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the plain echo server exited with ${code}: ${err}`));
    });
  });
}
