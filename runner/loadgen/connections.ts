/**
 * The connections workload: ramp to N idle connections (spread over 127.0.0.x source addresses),
 * report that the ramp is done so the runner can weigh the server, hold them for the window,
 * then check that every one of them still echoes.
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError, type RawConnection } from './connection.js';
import { readSeq } from './frame.js';
import { makeTextPayload } from './payload.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { ConnectionsJob, JobResult } from './jobs.js';
import { openConnections, resetAll } from './open.js';
import type { Send } from './phases.js';
import { MessageTemplate } from './template.js';
import { counts, histograms } from './result-names.js';

export async function runConnections(
  job: ConnectionsJob,
  codec: WireCodec,
  send: Send,
  nextContinue: () => Promise<void>,
): Promise<JobResult> {
  const handshake = newHistogram();
  const timeline: number[] = [];
  let opened = 0;
  let failures = 0;
  let firstError: ClientError | null = null;
  let lastSecond = 0;
  // The runner samples both processes' CPU from here to 'ramped': who limited the handshakes.
  send({ type: 'phase', phase: 'ramp' });
  const t0 = performance.now();
  const ticker = setInterval(() => {
    timeline.push(opened - lastSecond);
    send({
      type: 'tick',
      phase: 'ramp',
      elapsedMs: performance.now() - t0,
      totalMs: 0,
      perSecond: opened - lastSecond,
    });
    lastSecond = opened;
  }, 1000);
  let conns: RawConnection[];
  try {
    conns = await openConnections(
      {
        host: job.host,
        port: job.port,
        concurrency: job.concurrency,
        perAddress: job.perAddress,
        tls: job.tls,
        compression: job.compression,
        onOpen: (ms) => {
          handshake.recordValue(Math.max(1, Math.round(ms * 1e6)));
          opened++;
        },
        onError: (e) => {
          failures++;
          firstError ??= e;
          return true;
        },
      },
      codec,
      'echo',
      job.connections,
    );
  } finally {
    clearInterval(ticker);
  }
  const rampMs = performance.now() - t0;
  if (opened === 0) throw firstError ?? new ClientError('ECONNECT', 'no connection could be opened');
  send({ type: 'phase', phase: 'ramped' });
  await nextContinue();
  // Hold the idle connections for the window: the runner measures the server's idle cost.
  send({ type: 'phase', phase: 'measure' });
  await new Promise((r) => setTimeout(r, job.durationMs));
  send({ type: 'phase', phase: 'done' });
  const echoed = await echoCheck(conns, codec);
  resetAll(conns);
  const warnings: string[] = [];
  if (failures > 0)
    warnings.push(
      `${failures} of ${job.connections} handshakes failed (first: ${(firstError as ClientError | null)?.message})`,
    );
  return {
    measuredMs: rampMs,
    counts: counts({ opened, failures, rampMs, echoed, connections: conns.length }),
    histograms: histograms({ handshake: encodeHistogram(handshake) }),
    timeline,
    warnings,
  };
}

/** Every open connection sends one message; all must come back intact. */
async function echoCheck(conns: RawConnection[], codec: WireCodec, timeoutMs = 60_000): Promise<number> {
  const template = new MessageTemplate(codec, 'echo', makeTextPayload(32), false);
  let echoed = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new ClientError(
            'EMISSING',
            `echo check: ${conns.length - echoed} of ${conns.length} connections did not echo within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    conns.forEach((c, i) => {
      c.onFailure = (e) => reject(new ClientError(e.code, `echo check, connection ${i}: ${e.message}`));
      c.onData = (buf, start, end) => {
        const data = buf.subarray(start, end);
        if (readSeq(data) !== i || !data.subarray(8).equals(template.payload.subarray(8))) {
          reject(new ClientError('EECHO', `echo check, connection ${i}: wrong echo`));
          return;
        }
        if (++echoed === conns.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      template.emit(i, (b) => c.send(b));
    });
  });
  return echoed;
}
