/**
 * Micro-benchmarks of what each library does per message (framing, masking, UTF-8 validation,
 * its own packet format), with tinybench, in a child process per library pinned to a core
 * (the load generator's: no server runs meanwhile). The runner only collects the rows.
 */
import { fileURLToPath } from 'node:url';
import { CodedError } from '../errors.js';
import { decidePinning } from '../process/pinning.js';
import type { Report } from '../report/schema.js';
import { stopProcess } from '../process/server-process.js';
import { spawnNode } from '../process/spawn.js';
import type { MicroResult } from './bench.js';
import type { MicroMessage, MicroRequest } from './main.js';

export type { MicroResult } from './bench.js';

const MICRO_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

export interface MicroOptions {
  /** Time budget per task in ms (tinybench `time`); default 300. */
  timeMs?: number;
  /** Warm-up per task in ms; default 100. */
  warmupMs?: number;
  /** Core to pin to; default the load generator's core. */
  cpu?: string;
  /** Install folder of each `name@folder` library (`--lib ws@<folder>`). */
  libDirs?: Record<string, string>;
  /** Each task's result, as it completes (for progress output). */
  onResult?: (r: MicroResult) => void;
  /** Why a library has no micro-benchmarks (uWebSockets.js: native framing, not reachable). */
  onSkip?: (library: string, reason: string) => void;
  /** No message from a micro process for this long is an error; default 60 s. */
  idleTimeoutMs?: number;
}

/** Runs every library's suite, one process after another; resolves with all rows. */
export async function runMicro(libraries: string[], opts: MicroOptions = {}): Promise<NonNullable<Report['micro']>> {
  const rows: MicroResult[] = [];
  for (const library of libraries) rows.push(...(await runLibrary(library, opts)));
  return rows;
}

async function runLibrary(library: string, opts: MicroOptions): Promise<MicroResult[]> {
  const libDir = opts.libDirs?.[library];
  const { child, pid, tail } = spawnNode({
    kind: 'micro',
    cpu: opts.cpu ?? decidePinning().clientCpu,
    nodeArgs: [MICRO_MAIN],
    env: libDir ? { WSBENCH_LIB_DIR: libDir } : {},
    startError: ['EMICRO', `could not start the micro-benchmark process for ${library}`],
  });
  const exited = child.then(() => undefined);
  const rows: MicroResult[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const idle = (): void => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            reject(
              new CodedError(
                'ETIMEOUT',
                `${library}: a micro-benchmark made no progress for ${(opts.idleTimeoutMs ?? 60_000) / 1000} s`,
              ),
            ),
          opts.idleTimeoutMs ?? 60_000,
        );
      };
      idle();
      child.on('message', (raw: unknown) => {
        const m = raw as MicroMessage;
        idle();
        if (m.type === 'result') {
          rows.push(m.result);
          opts.onResult?.(m.result);
        } else if (m.type === 'skip') opts.onSkip?.(library, m.reason);
        else if (m.type === 'done') resolve();
        else if (m.type === 'error') reject(new CodedError('EMICRO', m.message));
      });
      void exited.then(() =>
        reject(
          new CodedError(
            'EMICRO',
            `${library}: the micro-benchmark process exited early${tail.lastLines(3) ? `: ${tail.lastLines(3)}` : ''}`,
          ),
        ),
      );
      void child.sendMessage!({
        type: 'run',
        library,
        timeMs: opts.timeMs ?? 300,
        warmupMs: opts.warmupMs ?? 100,
      } satisfies MicroRequest as never);
    });
  } finally {
    clearTimeout(timer);
    await stopProcess(pid, exited, 1000);
  }
  return rows;
}
