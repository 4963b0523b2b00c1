/**
 * A load generator kept connected to one warm server across the windows of a side-by-side case
 * (runner/sidebyside/windows.ts): one process and one set of connections per library, started
 * with the first window and asked for one more window each time (loadgen/echo.ts
 * runEchoSession). A window then costs its settle time and its measured time, not a process
 * start, a connection ramp and a close (about a second per window here, most of a quick bench).
 * Any failure ends the session; the next window of that library starts a fresh one.
 */
import { fileURLToPath } from 'node:url';
import { CodedError, passCode } from '../errors.js';
import type { EchoJob, JobResult, LoadgenMessage, RunnerMessage } from '../loadgen/jobs.js';
import { CpuSampler, expiry, type LoadgenHooks, type Measured } from './loadgen-process.js';
import { stopProcess } from './server-process.js';
import { spawnNode, type Spawned } from './spawn.js';

const LOADGEN_MAIN = fileURLToPath(new URL('../loadgen/main.js', import.meta.url));

/** What a window needs of the run: the server to sample, its death, the time limit, progress. */
export type WindowHooks = Pick<LoadgenHooks, 'serverPid' | 'serverGone' | 'timeoutMs' | 'onTick'>;

/** The job without its timing: two windows with the same shape reuse one session. */
export function sessionShape(job: EchoJob, serverPid: number): string {
  const { warmupMs: _w, durationMs: _d, ...shape } = job;
  return JSON.stringify({ ...shape, serverPid });
}

/**
 * Sends a message to the load generator if it can still hear it: execa's sendMessage throws at
 * once when the process is gone (a Ctrl-C's SIGTERM reached it first) and rejects when it goes
 * meanwhile; either way its exit is what answers.
 */
function post(child: Spawned['child'], message: RunnerMessage): void {
  try {
    child.sendMessage!(message as never).catch(() => {});
  } catch {
    // gone: `exited` settles the window
  }
}

export class LoadgenSession {
  private readonly spawned: Spawned;
  private readonly exited: Promise<void>;
  private dead = false;

  constructor(
    job: EchoJob,
    /** sessionShape of its job: which windows it can serve. */
    readonly shape: string,
    opts: { cpu: string; nofile?: number },
  ) {
    this.spawned = spawnNode({
      kind: 'loadgen',
      cpu: opts.cpu,
      nodeArgs: [LOADGEN_MAIN],
      nofile: opts.nofile,
      startError: ['ELOADGEN', 'could not start the load generator process'],
    });
    this.exited = this.spawned.child.then(() => {
      this.dead = true;
    });
    post(this.spawned.child, { type: 'job', job: { ...job, session: true } });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** One window on the kept connections; a failure ends the session (and is thrown). */
  async window(timing: { warmupMs: number; durationMs: number }, hooks: WindowHooks): Promise<Measured> {
    const { child, pid, tail } = this.spawned;
    const sampler = new CpuSampler({ server: hooks.serverPid, client: pid });
    const deadline = expiry(hooks.timeoutMs);
    let listen: ((raw: unknown) => void) | undefined;
    const result = new Promise<JobResult>((resolve, reject) => {
      listen = (raw: unknown): void => {
        const m = raw as LoadgenMessage;
        if (m.type === 'phase') sampler.phase(m.phase);
        else if (m.type === 'tick') hooks.onTick?.(m);
        else if (m.type === 'result') resolve(m.result);
        else if (m.type === 'error') reject(new CodedError(passCode(m.code, 'ELOADGEN'), m.message));
      };
      child.on('message', listen);
      void this.exited.then(() =>
        reject(
          new CodedError(
            'ELOADGEN',
            `the load generator exited without a result${tail.lastLines(3) ? `: ${tail.lastLines(3)}` : ''}`,
          ),
        ),
      );
    });
    try {
      post(child, { type: 'window', ...timing });
      const r = await Promise.race([result, hooks.serverGone, deadline.expired]);
      return sampler.measured(r, hooks.serverPid > 0);
    } catch (err) {
      await this.kill();
      throw err;
    } finally {
      deadline.clear();
      if (listen) child.off('message', listen);
    }
  }

  /** Closes the connections and lets the process exit (killed if it does not, soon). */
  async end(): Promise<void> {
    if (!this.dead) post(this.spawned.child, { type: 'end' });
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (grace = setTimeout(r, 1000)))]);
    clearTimeout(grace);
    await this.kill();
  }

  private async kill(): Promise<void> {
    this.dead = true;
    await stopProcess(this.spawned.pid, this.exited, 1000);
  }
}
