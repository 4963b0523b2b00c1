/**
 * Entry of the load generator process: `node dist/runner/loadgen/main.js`, started by the runner
 * with IPC. Receives one job, runs it, sends the result, exits; a kept echo session (side by side)
 * answers a result per window until the runner ends it. It only counts and records; it never prints.
 */
import { runBroadcast } from './broadcast.js';
import { runSlowConsumers } from './slow-consumers.js';
import { runConnections } from './connections.js';
import { runEcho } from './echo.js';
import { runEchoSession } from './echo-session.js';
import { runClientEcho } from './client-echo.js';
import { runHandshake } from './handshake.js';
import { runHttp } from './http.js';
import type { Job, JobResult, LoadgenMessage, RunnerMessage } from './jobs.js';
import { CodedError } from '../errors.js';
import { isLoopback } from '../loopback.js';
import { tlsInfo } from './tls-socket.js';
import { loadCodec } from './paths.js';

const send = (m: LoadgenMessage): void => {
  process.send?.(m);
};

/**
 * A kept session's requests, queued from the start: the runner asks for the first window at once,
 * while the connections may still be opening.
 */
const windows: Array<{ warmupMs: number; durationMs: number } | null> = [];
let wake: (() => void) | null = null;
process.on('message', (m: RunnerMessage) => {
  if (m.type !== 'window' && m.type !== 'end') return;
  windows.push(m.type === 'window' ? { warmupMs: m.warmupMs, durationMs: m.durationMs } : null);
  wake?.();
});

/** The next window of a kept session, or null at `end`. */
async function nextWindow(): Promise<{ warmupMs: number; durationMs: number } | null> {
  while (windows.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = null;
  return windows.shift()!;
}

/** Resolves the next `continue` from the runner (the connections job waits for one). */
export function nextContinue(): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: RunnerMessage): void => {
      if (m.type !== 'continue') return;
      process.off('message', on);
      resolve();
    };
    process.on('message', on);
  });
}

/** A job's result; null for a kept session, which answered each window's result itself. */
async function run(job: Job): Promise<JobResult | null> {
  // Checked here too, not only in the plan: whatever sends a job, no stray load leaves the machine.
  if (!isLoopback(job.host) && job.allowRemote !== true) {
    throw new CodedError(
      'EREMOTE',
      `refusing to load ${job.host}: not a loopback address, and remote targets were not allowed (--allow-remote)`,
    );
  }
  // These two speak HTTP or drive a library's own client: no WebSocket codec involved.
  if (job.kind === 'http') return runHttp(job, send);
  if (job.kind === 'client-echo') return runClientEcho(job, send);
  // A running target (--target) names its own request paths.
  const codec = await loadCodec(job.codecModule, job.paths);
  if (job.kind === 'echo' && job.session) return runEchoSession(job, codec, send, nextWindow).then(() => null);
  if (job.kind === 'echo') return runEcho(job, codec, send, nextContinue);
  if (job.kind === 'hold') return runConnections(job, codec, send, nextContinue);
  if (job.kind === 'handshake') return runHandshake(job, codec, send);
  if (job.kind === 'slow-room') return runSlowConsumers(job, codec, send);
  return runBroadcast(job, codec, send);
}

function finish(code: number): void {
  process.exitCode = code;
  process.disconnect?.();
}

// No runner, no reason to live: also how a killed runner never leaves a load generator behind.
process.on('disconnect', () => process.exit());
process.once('message', (m: RunnerMessage) => {
  if (m.type !== 'job') return;
  run(m.job).then(
    (result) => {
      if (!result) return finish(0);
      const tls = tlsInfo();
      if (tls) result.tls = tls;
      process.send?.({ type: 'result', result } satisfies LoadgenMessage, () => finish(0));
    },
    (err: { code?: string; message?: string }) => {
      const message: LoadgenMessage = {
        type: 'error',
        code: err.code ?? 'ELOADGEN',
        message: err.message ?? String(err),
      };
      process.send?.(message, () => finish(1));
    },
  );
});
