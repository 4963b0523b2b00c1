/**
 * The connections workload: ramp to N idle connections (spread over 127.0.0.x source addresses),
 * report that the ramp is done so the runner can weigh the server, hold them for the window,
 * then check that every one of them still echoes.
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError, type RawConnection } from './connection.js';
import { readSeq } from './frame.js';
import { makeTextPayload } from './payload.js';
import { encodeHistogram, newHistogram, type Histogram } from './histogram.js';
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
  const r = await ramp(job, codec, send);
  if (r.opened === 0) throw r.firstError ?? new ClientError('ECONNECT', 'no connection could be opened');
  send({ type: 'phase', phase: 'ramped' });
  await nextContinue();
  // Hold the idle connections for the window: the runner measures the server's idle cost.
  send({ type: 'phase', phase: 'measure' });
  await new Promise((resolve) => setTimeout(resolve, job.durationMs));
  send({ type: 'phase', phase: 'done' });
  const echoed = await echoCheck(r.conns, codec);
  resetAll(r.conns);
  const warnings: string[] = [];
  if (r.failures > 0)
    warnings.push(`${r.failures} of ${job.connections} handshakes failed (first: ${r.firstError?.message})`);
  const { opened, failures, rampMs } = r;
  return {
    measuredMs: rampMs,
    counts: counts({ opened, failures, rampMs, echoed, connections: r.conns.length }),
    histograms: histograms({ handshake: encodeHistogram(r.handshake) }),
    timeline: r.timeline,
    warnings,
  };
}

interface Ramp {
  conns: RawConnection[];
  opened: number;
  failures: number;
  firstError: ClientError | null;
  rampMs: number;
  handshake: Histogram;
  /** Connections opened per second of the ramp. */
  timeline: number[];
}

/** Opens the connections, timing each handshake, with a progress tick every second. */
async function ramp(job: ConnectionsJob, codec: WireCodec, send: Send): Promise<Ramp> {
  const r: Omit<Ramp, 'conns' | 'rampMs'> = {
    opened: 0,
    failures: 0,
    firstError: null,
    handshake: newHistogram(),
    timeline: [],
  };
  let lastSecond = 0;
  // The runner samples both processes' CPU from here to 'ramped': who limited the handshakes.
  send({ type: 'phase', phase: 'ramp' });
  const t0 = performance.now();
  const ticker = setInterval(() => {
    r.timeline.push(r.opened - lastSecond);
    const elapsedMs = performance.now() - t0;
    send({ type: 'tick', phase: 'ramp', elapsedMs, totalMs: 0, perSecond: r.opened - lastSecond });
    lastSecond = r.opened;
  }, 1000);
  try {
    const conns = await openConnections(
      {
        host: job.host,
        port: job.port,
        concurrency: job.concurrency,
        perAddress: job.perAddress,
        tls: job.tls,
        compression: job.compression,
        deflateOffer: job.deflateOffer,
        onOpen: (ms) => {
          r.handshake.recordValue(Math.max(1, Math.round(ms * 1e6)));
          r.opened++;
        },
        onError: (e) => {
          r.failures++;
          r.firstError ??= e;
          return true;
        },
      },
      codec,
      'echo',
      job.connections,
    );
    return { ...r, conns, rampMs: performance.now() - t0 };
  } finally {
    clearInterval(ticker);
  }
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
