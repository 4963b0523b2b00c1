/**
 * The HTTP echo workload, driven by autocannon inside the load generator process (so it is pinned
 * to the client core and its CPU is sampled like every job): `connections` clients POST the same
 * body to /http-echo, one request in flight each, and every response must be that body.
 * Keep-alive reuses each connection; without it, every request goes on a new TCP connection.
 */
import autocannon from 'autocannon';
import { CodedError as ClientError } from '../errors.js';
import { HTTP_ECHO_PATH } from '../../adapters/_shared/http-echo.js';
import { makePayload } from './frame.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { HttpJob, JobResult } from './jobs.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { counts, histograms } from './result-names.js';

/** The part of autocannon's per-connection client that freshConnections() relies on. */
interface AutocannonClient {
  conn: unknown;
  _doRequest(...args: unknown[]): void;
  _destroyConnection(): void;
  _connect(): void;
}

/**
 * Makes an autocannon client use each TCP connection for exactly one request. autocannon's own
 * `reconnectRate: 1` cannot do it: it drops the response that triggers the reconnect without
 * reporting it, so every response would go uncounted (checked on autocannon 8.0.0). Instead,
 * when the client is about to send its next request on a connection that has already served
 * one, it closes that connection and connects anew (`_connect` sends the request). Relies on
 * autocannon's client internals; `counter.opened` counts the connections used.
 */
export function freshConnections(counter: { opened: number }): (client: autocannon.Client) => void {
  return (c) => {
    const client = c as unknown as AutocannonClient;
    const doRequest = client._doRequest;
    let used: unknown = null;
    client._doRequest = function (this: AutocannonClient, ...args: unknown[]) {
      if (this.conn && this.conn === used) {
        this._destroyConnection();
        this._connect();
        return;
      }
      used = this.conn;
      counter.opened++;
      doRequest.apply(this, args);
    };
  };
}

function autocannonOptions(job: HttpJob, body: Buffer, fresh: { opened: number }): autocannon.Options {
  return {
    url: `${job.tls ? 'https' : 'http'}://${job.host}:${job.port}${HTTP_ECHO_PATH}`,
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(job.keepAlive ? {} : { connection: 'close' }) },
    body,
    connections: job.connections,
    pipelining: 1,
    // Stopped by us when the window ends; the duration is only a bound.
    duration: (job.warmupMs + job.durationMs) / 1000 + 60,
    // autocannon notices stop() on its next sample tick: keep that short.
    sampleInt: 100,
    expectBody: body.toString('latin1'),
    ...(job.keepAlive ? {} : { setupClient: freshConnections(fresh) }),
  };
}

/** Runs an HttpJob: warm-up, then the measured window; fails on any wrong or failed response. */
export async function runHttp(job: HttpJob, send: Send): Promise<JobResult> {
  const body = makePayload(job.payloadBytes);
  const phases = new Phases(send);
  const latency = newHistogram();
  const fresh = { opened: 0 };
  let responses = 0;
  const latch = new FailureLatch<ClientError>();
  const { fail, failed } = latch;
  let finished: (r: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve) => (finished = resolve));
  const instance = autocannon(autocannonOptions(job, body, fresh), (err, result) =>
    err ? fail(new ClientError('EAUTOCANNON', `autocannon failed: ${(err as Error).message}`)) : finished(result),
  );
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status !== 200) return fail(new ClientError('EHTTP', `POST ${HTTP_ECHO_PATH} answered ${status}`));
    if (!phases.measuring) return;
    latency.recordValue(Math.max(1, Math.round(ms * 1e6)));
    responses++;
    phases.perSecond++;
  });
  // Not in autocannon's typings, but emitted for every response that fails expectBody.
  (instance as unknown as NodeJS.EventEmitter).on('reqMismatch', () =>
    fail(new ClientError('EECHO', `POST ${HTTP_ECHO_PATH}: the response body differs from the request body`)),
  );
  instance.on('reqError', (err: Error) => fail(new ClientError('ECONNECT', `HTTP request failed: ${err.message}`)));
  try {
    const onMeasure = (): void => {
      latency.reset();
      responses = 0;
    };
    await Promise.race([phases.run(job.warmupMs, job.durationMs, onMeasure), failed]);
  } finally {
    instance.stop();
  }
  const result = await Promise.race([done, failed]);
  latch.check();
  return {
    measuredMs: phases.measuredMs,
    counts: counts({
      messages: responses,
      bytes: responses * job.payloadBytes,
      connections: job.connections,
      ...(job.keepAlive ? {} : { connectionsOpened: fresh.opened }),
      errors: result.errors,
    }),
    histograms: histograms({ latency: encodeHistogram(latency) }),
    timeline: phases.timeline,
    warnings: [],
  };
}
