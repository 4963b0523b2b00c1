/**
 * The broadcast workload, a chat room: `clients` connections join the room, `senders` of them
 * post at a fixed total rate, and the server relays each post to every other member. Measured:
 * latency to each receiver, latency to the last receiver of each post (fan-out), deliveries per
 * second, and every lost or duplicated delivery.
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError, type RawConnection } from './connection.js';
import { readSeq, sameBytes, SEQ_BYTES } from './frame.js';
import { encodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { BroadcastJob, JobResult } from './jobs.js';
import { openConnections, resetAll } from './open.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { busyPct, Pacer } from './pacer.js';
import { counts, histograms } from './result-names.js';
import { messageSet, runWorkload, type MessageSet, type WorkloadSteps } from './workload.js';

/** Posts of one sender tracked at once, at most (a ring); fewer when each sender posts rarely. */
const RING_MAX = 1 << 16;

/** A ring that holds every post one sender can have in flight (its posts over the run, twice). */
function ringSize(job: BroadcastJob): number {
  const posts = ((job.rate / job.senders) * (job.warmupMs + job.durationMs + DRAIN_MS)) / 1000;
  let size = 64;
  while (size < 2 * posts && size < RING_MAX) size *= 2;
  return size;
}
/** A post id is sender << 20 | post number, written as the payload's sequence number. */
const POST_BITS = 20;
const DRAIN_MS = 5000;

class Sender {
  next = 0;
  /** The first post of the batch being queued. */
  batchFrom = 0;
  /** Due time of each post (latency counts from it), and how late it actually left (ms). */
  readonly sentAt: Float64Array;
  readonly lag: Float32Array;
  readonly inWindow: Uint8Array;
  readonly received: Uint32Array;

  constructor(ring: number) {
    this.sentAt = new Float64Array(ring);
    this.lag = new Float32Array(ring);
    this.inWindow = new Uint8Array(ring);
    this.received = new Uint32Array(ring);
  }
}

export async function runBroadcast(job: BroadcastJob, codec: WireCodec, send: Send): Promise<JobResult> {
  const conns = await openConnections(job, codec, 'broadcast', job.clients);
  const binary = job.binary && codec.binary;
  const messages = messageSet(
    codec,
    'broadcast',
    job.payloadBytes,
    binary,
    conns.map((c) => c.deflate),
  );
  // Give the server a moment to put the last members into the room before anyone posts.
  await new Promise((r) => setTimeout(r, 200));
  const phases = new Phases(send);
  const latch = new FailureLatch<ClientError>();
  return runWorkload(job, phases, latch, broadcastSteps(job, conns, messages, phases, latch));
}

/** What a broadcast run counts, shared by its data handlers, its pacer and its result. */
interface RoomTally {
  /** Posts sent in the window, deliveries of them, and posts every other member received. */
  sent: number;
  deliveries: number;
  complete: number;
  duplicates: number;
  /** Posts that came back to their own sender. */
  self: number;
  /** Server-to-client bytes of the measured deliveries (frame headers included). */
  wireBytes: number;
  readonly latency: Histogram;
  readonly fanout: Histogram;
  /** Fan-out counted from when each post actually left: the server's share without our lag. */
  readonly service: Histogram;
}

function broadcastSteps(
  job: BroadcastJob,
  conns: RawConnection[],
  messages: MessageSet,
  phases: Phases,
  latch: FailureLatch<ClientError>,
): WorkloadSteps {
  const ring = ringSize(job);
  const senders = Array.from({ length: job.senders }, () => new Sender(ring));
  const c: RoomTally = {
    sent: 0,
    deliveries: 0,
    duplicates: 0,
    self: 0,
    complete: 0,
    wireBytes: 0,
    latency: newHistogram(),
    fanout: newHistogram(),
    service: newHistogram(),
  };
  listen(job, conns, senders, messages, phases, c, latch.fail);
  const readBusy = (): number => conns.reduce((n, x) => n + x.busyMs, 0);
  let pacer: Pacer;
  let busyMs = 0;
  let sendLag: Histogram;
  return {
    start: () => (pacer = startPosting(job.rate, conns, senders, messages, phases, c)),
    onMeasure: () => {
      pacer.markWindow();
      busyMs = -readBusy();
    },
    endWindow: () => {
      busyMs += readBusy();
      sendLag = pacer.stop();
      busyMs += pacer.busySendMs;
    },
    drain: () => waitAll(() => c.complete >= c.sent),
    close: () => resetAll(conns),
    result: () => broadcastResult(job, phases, c, busyMs, sendLag),
  };
}

/** Every delivery is checked, and timed if its post left in the window; duplicates and lost counted. */
function listen(
  job: BroadcastJob,
  conns: RawConnection[],
  senders: Sender[],
  messages: MessageSet,
  phases: Phases,
  c: RoomTally,
  fail: (e: ClientError) => void,
): void {
  const others = job.clients - 1;
  const RING_MASK = senders[0].sentAt.length - 1;
  const { expected: delivered, size, ring: payloadRing } = messages;
  const { latency, fanout, service } = c;
  conns.forEach((conn, r) => {
    const expected = new Int32Array(job.senders);
    let wireSeen = 0;
    conn.onFailure = (e) => fail(new ClientError(e.code, `client ${r}: ${e.message}`));
    conn.onData = (buf, start, end) => {
      const id = end - start === size ? readSeq(buf, start) : -1;
      const s = id >>> POST_BITS;
      if (
        id < 0 ||
        s >= senders.length ||
        !sameBytes(delivered[(id & ((1 << POST_BITS) - 1)) % payloadRing], buf, start, SEQ_BYTES, size)
      ) {
        return fail(new ClientError('EECHO', `client ${r} received a corrupted broadcast (${end - start} bytes)`));
      }
      const post = id & ((1 << POST_BITS) - 1);
      const wire = conn.wireIn - wireSeen;
      wireSeen += wire;
      if (s === r) return void c.self++;
      if (post < expected[s]) return void c.duplicates++;
      expected[s] = post + 1;
      const sender = senders[s];
      const slot = post & RING_MASK;
      phases.perSecond++;
      if (!sender.inWindow[slot]) return;
      const ns = Math.max(1, Math.round((conn.readAt - sender.sentAt[slot]) * 1e6));
      latency.recordValue(ns);
      c.deliveries++;
      c.wireBytes += wire;
      if (++sender.received[slot] === others) {
        fanout.recordValue(ns);
        service.recordValue(Math.max(1, Math.round((conn.readAt - sender.sentAt[slot] - sender.lag[slot]) * 1e6)));
        c.complete++;
      }
    };
  });
}

/** The senders post on a fixed schedule (see pacer.ts), each post stamped with its due time. */
function startPosting(
  rate: number,
  conns: RawConnection[],
  senders: Sender[],
  messages: MessageSet,
  phases: Phases,
  c: RoomTally,
): Pacer {
  const RING_MASK = senders[0].sentAt.length - 1;
  const { templates, ring: payloadRing } = messages;
  return new Pacer(senders.length, rate, {
    begin: (i) => {
      senders[i].batchFrom = senders[i].next;
      conns[i].beginBatch();
    },
    send: (i, due) => {
      const s = senders[i];
      const slot = s.next & RING_MASK;
      s.sentAt[slot] = due;
      s.received[slot] = 0;
      s.inWindow[slot] = phases.measuring ? 1 : 0;
      if (phases.measuring) c.sent++;
      conns[i].sendMessage(templates[(s.next & ((1 << POST_BITS) - 1)) % payloadRing], (i << POST_BITS) | s.next);
      s.next++;
    },
    flush: (i, at) => {
      const s = senders[i];
      for (let post = s.batchFrom; post < s.next; post++) s.lag[post & RING_MASK] = at - s.sentAt[post & RING_MASK];
      conns[i].flush();
    },
    measured: () => phases.measuring,
  });
}

function broadcastResult(
  job: BroadcastJob,
  phases: Phases,
  c: RoomTally,
  busyMs: number,
  sendLag: Histogram,
): JobResult {
  const expectedDeliveries = c.sent * (job.clients - 1);
  const warnings: string[] = [];
  if (c.self > 0) warnings.push(`${c.self} posts came back to their own sender`);
  return {
    measuredMs: phases.measuredMs,
    counts: counts({
      sent: c.sent,
      deliveries: c.deliveries,
      expectedDeliveries,
      lost: expectedDeliveries - c.deliveries,
      duplicates: c.duplicates + c.self,
      clients: job.clients,
      messages: c.deliveries,
      bytes: c.deliveries * job.payloadBytes,
      wireBytes: c.wireBytes,
      busyMs,
      idleMs: Math.max(0, phases.measuredMs - busyMs),
      busyPct: busyPct(busyMs, phases.measuredMs),
    }),
    histograms: histograms({
      latency: encodeHistogram(c.latency),
      fanout: encodeHistogram(c.fanout),
      sendLag: encodeHistogram(sendLag),
      service: encodeHistogram(c.service),
    }),
    timeline: phases.timeline,
    warnings,
  };
}

/** Resolves when `done()` holds, or after DRAIN_MS: what is still missing then is lost. */
function waitAll(done: () => boolean): Promise<void> {
  const start = performance.now();
  return new Promise((resolve) => {
    const check = (): void => {
      if (done() || performance.now() - start > DRAIN_MS) resolve();
      else setTimeout(check, 10);
    };
    check();
  });
}
