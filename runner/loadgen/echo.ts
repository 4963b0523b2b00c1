/**
 * The echo workload. Closed loop: every connection keeps `inflight` messages outstanding and
 * sends the next one in the same write that follows the echo. Open loop: messages leave on a
 * fixed schedule whatever comes back, and latency counts from when each was due.
 * Every echo is verified: length, sequence number (order, loss, duplication) and content.
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError, RawConnection } from './connection.js';
import { readSeq, sameBytes, SEQ_BYTES } from './frame.js';
import { encodeHistogram, newHistogram, Recorder } from './histogram.js';
import type { EchoJob, JobResult } from './jobs.js';
import { openConnections } from './open.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { busyPct, Pacer } from './pacer.js';
import { counts, histograms, type Counts, type Histograms } from './result-names.js';
import { runWorkload, type WorkloadSteps } from './workload.js';
import { clientDeflate, echoMessages, type EchoMessages } from './echo-messages.js';

/** Outstanding messages per connection are tracked in a ring this large. */
const RING = 1 << 16;
const RING_MASK = RING - 1;
/** How long in-flight echoes may take to come back after the window ends. */
const DRAIN_MS = 5000;

export class EchoConn {
  nextSeq = 0;
  expected = 0;
  /** Send time (closed loop) or due time (open loop) of each outstanding message. */
  readonly times = new Float64Array(RING);
  /** The connection's received wire bytes up to the last message handled. */
  wireSeen = 0;
  /** Open loop: how late each outstanding message left (ms), for its service time. */
  lags: Float32Array | null = null;
  /** Open loop: the first sequence number of the batch being queued. */
  batchFrom = 0;
  /** The template each outstanding message used. */
  readonly picks = new Int32Array(RING);

  constructor(
    readonly conn: RawConnection,
    readonly index: number,
  ) {}

  get outstanding(): number {
    return this.nextSeq - this.expected;
  }
}

export async function runEcho(
  job: EchoJob,
  codec: WireCodec,
  send: Send,
  go?: () => Promise<void>,
): Promise<JobResult> {
  const conns = (await openConnections(job, codec, 'echo', job.connections)).map((c, i) => new EchoConn(c, i));
  // Several load-generator processes (--loadgen-procs) start their windows together.
  if (job.barrier && go) {
    send({ type: 'phase', phase: 'ramped' });
    await go();
  }
  // Built once the connections are open: with compression, as negotiated.
  const messages = echoMessages(
    job,
    codec,
    conns.map((c) => c.conn),
  );
  const phases = new Phases(send);
  const latch = new FailureLatch<ClientError>();
  return runWorkload(job, phases, latch, echoSteps(job, conns, messages, phases, latch));
}

/** What an echo run counts, shared by its data handlers and its steps. */
interface EchoTally {
  /** The measured messages are those sent (or due) inside the window, whenever their echo comes. */
  readonly win: { start: number; end: number };
  /** Measured echoes (latency samples). */
  received: number;
  /** Measured echoes that came back inside the window (the rate). */
  answered: number;
  /** Payload bytes of those. */
  answeredBytes: number;
  /**
   * Bytes on the wire, server to client, of the measured echoes (frame headers included; with
   * compression, as compressed; TLS records not counted); protocol frames of the library (an
   * Engine.IO ping, a Socket.IO attachment header) count towards the message that follows them.
   */
  wireBytes: number;
  /** Messages sent and not yet echoed, over all connections: the open-loop pacer stays awake while any is. */
  inFlight: number;
  sending: boolean;
  readonly latency: Recorder;
  /** Open loop: the service time, counted from when each message actually left. */
  readonly service: Recorder;
}

export function echoSteps(
  job: EchoJob,
  conns: EchoConn[],
  messages: EchoMessages,
  phases: Phases,
  latch: FailureLatch<ClientError>,
): WorkloadSteps {
  const t: EchoTally = {
    // The slowest answers, which arrive after the window, count too, and a warm-up backlog does not.
    win: { start: Number.POSITIVE_INFINITY, end: Number.POSITIVE_INFINITY },
    received: 0,
    answered: 0,
    answeredBytes: 0,
    wireBytes: 0,
    inFlight: 0,
    sending: true,
    latency: new Recorder(newHistogram()),
    service: new Recorder(newHistogram()),
  };
  const fail = (e: ClientError): void => {
    t.sending = false;
    latch.fail(e);
  };
  const { templates } = messages;
  const sendOne = (c: EchoConn, at: number): void => {
    t.inFlight++;
    const seq = c.nextSeq++;
    c.times[seq & RING_MASK] = at;
    const pick = messages.pick(c.index, seq);
    c.picks[seq & RING_MASK] = pick;
    c.conn.sendMessage(templates[pick], seq);
  };
  listen(job, conns, messages, phases, t, fail, sendOne);
  let pacer: Loop;
  let readBusy = 0;
  let sent = 0;
  // A kept session's connections have sent in earlier windows: this one counts its own.
  const sentBefore = totalSent(conns);
  return {
    start: () => {
      pacer =
        job.rate === undefined
          ? startClosedLoop(conns, job.inflight, sendOne)
          : startOpenLoop(conns, job.rate, sendOne, t.win, fail, () => t.inFlight > 0);
    },
    onMeasure: () => {
      t.win.start = performance.now();
      pacer.markWindow?.();
      readBusy = -sumBusy(conns);
    },
    endWindow: () => {
      t.win.end = phases.measureEnd;
      readBusy += sumBusy(conns);
      t.sending = false;
      sent = pacer.stop() - sentBefore;
    },
    drain: () => drain(conns, Math.max(DRAIN_MS, job.durationMs)),
    close: () => Promise.all(conns.map((c) => c.conn.close())),
    result: () => echoResult(job, conns, messages, phases, t, { pacer, readBusy, sent }),
  };
}

/** Every echo is checked, timed if it was sent in the window, and answered (closed loop). */
function listen(
  job: EchoJob,
  conns: EchoConn[],
  messages: EchoMessages,
  phases: Phases,
  t: EchoTally,
  fail: (e: ClientError) => void,
  sendOne: (c: EchoConn, at: number) => void,
): void {
  const { expected, corpus } = messages;
  const size = expected[0].length;
  const { win, latency, service } = t;
  for (const c of conns) {
    c.conn.onFailure = (e) => fail(new ClientError(e.code, `connection ${c.index}: ${e.message}`));
    c.conn.onData = (buf, start, end) => {
      const now = c.conn.readAt;
      const seq = c.expected;
      const want = expected[c.picks[seq & RING_MASK]];
      if (corpus) {
        // A corpus message carries no sequence number: its place on the connection decides.
        if (end - start !== want.length || !sameBytes(want, buf, start, 0, want.length))
          return fail(corpusMismatch(c, end - start, want.length));
      } else {
        const got = end - start === size ? readSeq(buf, start) : -2;
        if (got !== seq || !sameBytes(want, buf, start, SEQ_BYTES, size))
          return fail(echoMismatch(c, end - start, size, got));
      }
      c.expected++;
      t.inFlight--;
      phases.perSecond++; // progress and the timeline (Phases resets it when measuring starts)
      const sentAt = c.times[seq & RING_MASK];
      const wire = c.conn.wireIn;
      if (sentAt >= win.start && sentAt < win.end) {
        latency.record(Math.max(1, Math.round((now - sentAt) * 1e6)));
        if (c.lags) service.record(Math.max(1, Math.round((now - sentAt - c.lags[seq & RING_MASK]) * 1e6)));
        t.received++;
        t.wireBytes += wire - c.wireSeen;
        if (now < win.end) {
          t.answered++;
          t.answeredBytes += corpus ? want.length : job.payloadBytes;
        }
      }
      c.wireSeen = wire;
      if (job.rate === undefined && t.sending) sendOne(c, now);
    };
  }
}

function echoResult(
  job: EchoJob,
  conns: EchoConn[],
  messages: EchoMessages,
  phases: Phases,
  t: EchoTally,
  loop: { pacer: Loop; readBusy: number; sent: number },
): JobResult {
  const warnings: string[] = [];
  const paced: { counts: Partial<Counts>; histograms: Partial<Histograms> } = { counts: {}, histograms: {} };
  if (job.rate !== undefined) {
    const achieved = (t.answered * 1000) / phases.measuredMs;
    if (achieved < job.rate * 0.95) warnings.push(`achieved ${Math.round(achieved)} msg/s of ${job.rate} offered`);
    const busyMs = loop.readBusy + (loop.pacer.busySendMs ?? 0);
    paced.counts = {
      busyMs,
      idleMs: Math.max(0, phases.measuredMs - busyMs),
      busyPct: busyPct(busyMs, phases.measuredMs),
    };
    paced.histograms = { sendLag: encodeHistogram(loop.pacer.lag!.done()), service: encodeHistogram(t.service.done()) };
  }
  const uncompressed = conns.reduce((n, c) => n + c.conn.uncompressedIn, 0);
  if (job.compression && uncompressed > 0)
    warnings.push(
      `${uncompressed} messages came back from the server uncompressed although permessage-deflate was negotiated`,
    );
  // Client-to-server bytes per message: as compressed at send time with a deflater, else the templates'.
  const deflatedOut = conns.reduce((n, c) => n + c.conn.deflatedOut, 0);
  const wireOut =
    deflatedOut > 0
      ? deflatedOut / loop.sent
      : messages.templates.reduce((n, x) => n + x.bytes.length, 0) / messages.templates.length;
  const z = clientDeflate(
    job,
    conns.map((c) => c.conn),
  );
  return {
    measuredMs: phases.measuredMs,
    // messages: answered within the window (a rate); measured: every message sent in it (latency).
    // wireBytes: server-to-client bytes of the measured messages; wireBytesOut: client-to-server.
    counts: counts({
      messages: t.answered,
      bytes: t.answeredBytes,
      measured: t.received,
      sent: loop.sent,
      connections: conns.length,
      wireBytes: t.wireBytes,
      wireBytesOut: Math.round(t.received * wireOut),
      ...paced.counts,
      ...z.counts,
    }),
    histograms: histograms({ latency: encodeHistogram(t.latency.done()), ...paced.histograms }),
    timeline: phases.timeline,
    warnings,
    ...(z.deflate ? { deflate: z.deflate } : {}),
  };
}

function corpusMismatch(c: EchoConn, length: number, want: number): ClientError {
  const where = `connection ${c.index}, its message #${c.expected}`;
  if (length !== want) return new ClientError('EECHO', `wrong echo on ${where}: ${length} bytes instead of ${want}`);
  return new ClientError('EECHO', `wrong echo on ${where}: not the message sent (content altered, lost or reordered)`);
}

function echoMismatch(c: EchoConn, length: number, size: number, seq: number): ClientError {
  const where = `connection ${c.index}, expected message #${c.expected}`;
  if (length !== size) return new ClientError('EECHO', `wrong echo on ${where}: ${length} bytes instead of ${size}`);
  if (seq === -1) return new ClientError('EECHO', `wrong echo on ${where}: its sequence number was altered`);
  if (seq < c.expected) return new ClientError('EECHO', `duplicated echo on ${where}: got #${seq} again`);
  if (seq > c.expected) return new ClientError('EECHO', `missing or reordered echo on ${where}: got #${seq} first`);
  return new ClientError('EECHO', `wrong echo on ${where}: payload content altered`);
}

interface Loop {
  /** Stops sending; returns how many messages were sent in all. */
  stop(): number;
  markWindow?(): void;
  /** Open loop: time spent sending in the window (ms), and the send-lag recorder. */
  readonly busySendMs?: number;
  readonly lag?: Recorder;
}

function totalSent(conns: EchoConn[]): number {
  return conns.reduce((n, c) => n + c.nextSeq, 0);
}

function sumBusy(conns: EchoConn[]): number {
  return conns.reduce((n, c) => n + c.conn.busyMs, 0);
}

function startClosedLoop(conns: EchoConn[], inflight: number, sendOne: (c: EchoConn, at: number) => void): Loop {
  const now = performance.now();
  for (const c of conns) {
    c.conn.beginBatch();
    for (let i = 0; i < inflight; i++) sendOne(c, now);
    c.conn.flush();
  }
  return { stop: () => totalSent(conns) };
}

/**
 * Fixed schedule (see pacer.ts): `rate` messages/s in total, round-robin over the connections,
 * each sent within microseconds of its due time and stamped with it; its send lag is recorded.
 */
function startOpenLoop(
  conns: EchoConn[],
  rate: number,
  sendOne: (c: EchoConn, at: number) => void,
  win: { start: number; end: number },
  fail: (e: ClientError) => void,
  awaiting: () => boolean,
): Loop {
  for (const c of conns) c.lags = new Float32Array(RING);
  const pacer: Pacer = new Pacer(conns.length, rate, {
    begin: (i) => {
      conns[i].batchFrom = conns[i].nextSeq;
      conns[i].conn.beginBatch();
    },
    send: (i, due) => {
      const c = conns[i];
      if (c.outstanding >= RING - 1) {
        pacer.stop();
        return fail(
          new ClientError(
            'EBACKLOG',
            `connection ${c.index}: ${RING} messages unanswered; the server stopped answering`,
          ),
        );
      }
      sendOne(c, due);
    },
    flush: (i, at) => {
      const c = conns[i];
      for (let seq = c.batchFrom; seq < c.nextSeq; seq++) c.lags![seq & RING_MASK] = at - c.times[seq & RING_MASK];
      c.conn.flush();
    },
    measured: (due) => due >= win.start && due < win.end,
    awaiting,
  });
  return {
    stop: () => {
      pacer.stop();
      return totalSent(conns);
    },
    markWindow: () => pacer.markWindow(),
    get busySendMs() {
      return pacer.busySendMs;
    },
    lag: pacer.lag,
  };
}

/** Waits until every sent message has come back, or fails naming what is missing. */
function drain(conns: EchoConn[], limitMs: number): Promise<void> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const missing = conns.filter((c) => c.outstanding > 0);
      if (missing.length === 0) return resolve();
      if (performance.now() - start > limitMs) {
        const total = missing.reduce((n, c) => n + c.outstanding, 0);
        const c = missing[0];
        return reject(
          new ClientError(
            'EMISSING',
            `${total} echoes never came back within ${limitMs} ms (connection ${c.index} waits for #${c.expected})`,
          ),
        );
      }
      setTimeout(check, 5);
    };
    check();
  });
}
