/**
 * Entry of a micro-benchmark process: `node dist/runner/micro/main.js`, started by runMicro with
 * IPC and pinned to a core, one per library so libraries never share a JIT or a heap. Receives
 * one request, sends each task's result as it completes, then `done`, and exits. Never prints.
 */
import { benchTask, type BenchTiming, type MicroResult } from './bench.js';
import { suiteFor } from './suites.js';

/** runMicro -> micro process. */
export interface MicroRequest extends BenchTiming {
  type: 'run';
  library: string;
}

/** Micro process -> runMicro. */
export type MicroMessage =
  | { type: 'result'; result: MicroResult }
  | { type: 'skip'; reason: string }
  | { type: 'done' }
  | { type: 'error'; message: string };

const send = (m: MicroMessage): Promise<void> => new Promise((resolve) => process.send?.(m, () => resolve()));

async function run(req: MicroRequest): Promise<void> {
  const suite = await suiteFor(req.library);
  if ('unreachable' in suite) return send({ type: 'skip', reason: suite.unreachable });
  for (const task of suite.tasks) await send({ type: 'result', result: benchTask(req.library, task, req) });
}

process.on('disconnect', () => process.exit());
process.once('message', (m: MicroRequest) => {
  if (m.type !== 'run') return;
  run(m).then(
    () => send({ type: 'done' }).then(() => process.disconnect?.()),
    (err: Error) =>
      send({ type: 'error', message: err.message ?? String(err) }).then(() => {
        process.exitCode = 1;
        process.disconnect?.();
      }),
  );
});
