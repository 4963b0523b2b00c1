/**
 * Echo through a library's own client (socket.io-client, sockjs-client) on a chosen transport:
 * `connections` clients, one text message in flight each (closed loop, as the latency scenario
 * does). Every echo is verified: sequence number and content.
 */
import { CodedError as ClientError } from '../errors.js';
import { makePayload, SEQ_BYTES } from './frame.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { ClientEchoJob, JobResult } from './jobs.js';
import { openNativeClient, type NativeClient } from './native-clients.js';
import { Phases, type Send } from './phases.js';
import { counts, histograms } from './result-names.js';

/** How long the last echoes may take to come back after the window ends. */
const DRAIN_MS = 5000;

const seqText = (seq: number): string => seq.toString(16).padStart(SEQ_BYTES, '0');

/** Runs a ClientEchoJob: connects the clients one by one, then echoes through them. */
export async function runClientEcho(job: ClientEchoJob, send: Send): Promise<JobResult> {
  const rest = makePayload(job.payloadBytes).toString('latin1').slice(SEQ_BYTES);
  const opts = { host: job.host, port: job.port, transport: job.transport };
  const clients: NativeClient[] = [];
  try {
    // One at a time: the polling handshakes are several requests each; a burst proves nothing.
    for (let i = 0; i < job.connections; i++) clients.push(await openNativeClient(job.client, opts));
    return await measure(job, clients, rest, send);
  } finally {
    for (const c of clients) c.close();
  }
}

async function measure(job: ClientEchoJob, clients: NativeClient[], rest: string, send: Send): Promise<JobResult> {
  const phases = new Phases(send);
  const latency = newHistogram();
  let received = 0;
  let sending = true;
  let outstanding = 0;
  let onFailure: (e: ClientError) => void = () => {};
  const failed = new Promise<never>((_, reject) => (onFailure = reject));
  failed.catch(() => {});
  const sendNext = (c: NativeClient, state: { seq: number; sentAt: number }): void => {
    state.sentAt = performance.now();
    outstanding++;
    c.send(seqText(state.seq) + rest);
  };
  clients.forEach((c, i) => {
    const state = { seq: 0, sentAt: 0 };
    c.onFailure = (e) => onFailure(new ClientError(e.code, `client ${i}: ${e.message}`));
    c.onMessage = (text) => {
      const now = performance.now();
      outstanding--;
      if (text.length !== SEQ_BYTES + rest.length || !text.startsWith(seqText(state.seq)) || !text.endsWith(rest)) {
        return onFailure(
          new ClientError(
            'EECHO',
            `wrong echo on client ${i}, expected message #${state.seq}: ${JSON.stringify(text.slice(0, 40))}`,
          ),
        );
      }
      if (phases.measuring) {
        latency.recordValue(Math.max(1, Math.round((now - state.sentAt) * 1e6)));
        received++;
        phases.perSecond++;
      }
      state.seq++;
      if (sending) sendNext(c, state);
    };
    sendNext(c, state);
  });
  const onMeasure = (): void => {
    latency.reset();
    received = 0;
  };
  await Promise.race([phases.run(job.warmupMs, job.durationMs, onMeasure), failed]);
  sending = false;
  await Promise.race([drained(() => outstanding), failed]);
  return {
    measuredMs: phases.measuredMs,
    counts: counts({ messages: received, bytes: received * job.payloadBytes, connections: clients.length }),
    histograms: histograms({ latency: encodeHistogram(latency) }),
    timeline: phases.timeline,
    warnings: [],
  };
}

function drained(outstanding: () => number): Promise<void> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (outstanding() <= 0) return resolve();
      if (performance.now() - start > DRAIN_MS) {
        return reject(new ClientError('EMISSING', `${outstanding()} echoes never came back within ${DRAIN_MS} ms`));
      }
      setTimeout(check, 5);
    };
    check();
  });
}
