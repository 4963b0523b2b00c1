/**
 * The handshake workload: what it costs to start talking. One after another, never overlapping:
 * open a WebSocket (TCP connect, HTTP upgrade, and the library's own protocol handshake, e.g.
 * Socket.IO's connect, until the first message could be sent), close it; then one HTTP POST on
 * a new TCP connection, until its response is complete. Both are timed on the same clock and the
 * same raw client, alternately, so drift hits both alike.
 */
import type { WireCodec } from '../../adapters/types.js';
import { CodedError as ClientError } from '../errors.js';
import { HTTP_ECHO_PATH } from '../../adapters/_shared/http-echo.js';
import { RawConnection } from './connection.js';
import { makePayload } from './frame.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import { postOnFreshConnection } from './http-request.js';
import type { HandshakeJob, JobResult } from './jobs.js';
import { Phases, type Send } from './phases.js';
import { counts, histograms } from './result-names.js';

const ns = (ms: number): number => Math.max(1, Math.round(ms * 1e6));

/** Runs a HandshakeJob: alternately times WebSocket opens and fresh-connection HTTP requests. */
export async function runHandshake(job: HandshakeJob, codec: WireCodec, send: Send): Promise<JobResult> {
  const body = makePayload(job.payloadBytes);
  const phases = new Phases(send);
  const handshake = newHistogram();
  const request = newHistogram();
  let handshakes = 0;
  let requests = 0;
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const t0 = performance.now();
      const conn = await RawConnection.open({ host: job.host, port: job.port, codec, channel: 'echo', tls: job.tls });
      const t1 = performance.now();
      await conn.close();
      const t2 = performance.now();
      const echoed = await postOnFreshConnection({
        host: job.host,
        port: job.port,
        path: HTTP_ECHO_PATH,
        body,
        tls: job.tls,
      });
      const t3 = performance.now();
      if (!echoed.equals(body))
        throw new ClientError('EECHO', `POST ${HTTP_ECHO_PATH}: the response body differs from the request body`);
      if (!phases.measuring) continue;
      handshake.recordValue(ns(t1 - t0));
      request.recordValue(ns(t3 - t2));
      handshakes++;
      requests++;
      phases.perSecond++;
    }
  };
  const looping = loop();
  looping.catch(() => {});
  const onMeasure = (): void => {
    handshake.reset();
    request.reset();
    handshakes = requests = 0;
  };
  await Promise.race([phases.run(job.warmupMs, job.durationMs, onMeasure), looping]);
  running = false;
  await looping;
  return {
    measuredMs: phases.measuredMs,
    counts: counts({ handshakes, requests }),
    histograms: histograms({ handshake: encodeHistogram(handshake), latency: encodeHistogram(request) }),
    timeline: phases.timeline,
    warnings: [],
  };
}
