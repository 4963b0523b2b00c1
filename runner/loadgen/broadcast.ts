/**
 * The broadcast workload, a chat room: `clients` connections join the room, `senders` of them
 * post at a fixed total rate, and the server relays each post to every other member. Measured:
 * latency to each receiver, latency to the last receiver of each post (fan-out), deliveries per
 * second, and every lost or duplicated delivery.
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError } from './connection.js';
import { readSeq, sameBytes, SEQ_BYTES } from './frame.js';
import { payloadFor } from './payload.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { BroadcastJob, JobResult } from './jobs.js';
import { openConnections, resetAll } from './open.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { MessageTemplate } from './template.js';
import { commonDeflate } from './deflate.js';
import { ringSize as payloadRingSize, variedPayloads } from './varied.js';
import { busyPct, Pacer } from './pacer.js';
import { counts, histograms } from './result-names.js';

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
  const n = job.clients;
  const others = n - 1;
  const conns = await openConnections(job, codec, 'broadcast', n);
  // With compression, a ring of distinct payloads: post p uses template p % ring (varied.ts).
  const deflate = commonDeflate(conns.map((c) => c.deflate));
  const binary = job.binary && codec.binary;
  const payloadRing = deflate ? payloadRingSize(job.payloadBytes) : 1;
  const payloads = deflate ? variedPayloads(job.payloadBytes, payloadRing) : [payloadFor(binary, job.payloadBytes)];
  const templates = payloads.map((p) => new MessageTemplate(codec, 'broadcast', p, job.binary, deflate));
  // As delivered (a codec may escape the payload); the ring's payloads need no escaping.
  const delivered = templates.map((t) => t.payload);
  const size = delivered[0].length;
  // Give the server a moment to put the last members into the room before anyone posts.
  await new Promise((r) => setTimeout(r, 200));
  const ring = ringSize(job);
  const RING_MASK = ring - 1;
  const senders = Array.from({ length: job.senders }, () => new Sender(ring));
  const phases = new Phases(send);
  const latency = newHistogram();
  const fanout = newHistogram();
  // wireBytes: server-to-client bytes of the measured deliveries (frame headers included).
  // Fan-out counted from when each post actually left: the server's share without our lag.
  const service = newHistogram();
  const c = { sent: 0, deliveries: 0, duplicates: 0, self: 0, complete: 0, wireBytes: 0 };
  const latch = new FailureLatch<ClientError>();
  const { fail, failed } = latch;

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

  const pacer = new Pacer(senders.length, job.rate, {
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
  const readBusy = (): number => conns.reduce((n, x) => n + x.busyMs, 0);
  let busyMs = 0;
  await Promise.race([
    phases.run(job.warmupMs, job.durationMs, () => {
      pacer.markWindow();
      busyMs = -readBusy();
    }),
    failed,
  ]);
  busyMs += readBusy();
  const sendLag = pacer.stop();
  busyMs += pacer.busySendMs;
  await Promise.race([waitAll(() => c.complete >= c.sent), failed]);
  latch.check();
  resetAll(conns);
  const expectedDeliveries = c.sent * others;
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
      clients: n,
      messages: c.deliveries,
      bytes: c.deliveries * job.payloadBytes,
      wireBytes: c.wireBytes,
      busyMs,
      idleMs: Math.max(0, phases.measuredMs - busyMs),
      busyPct: busyPct(busyMs, phases.measuredMs),
    }),
    histograms: histograms({
      latency: encodeHistogram(latency),
      fanout: encodeHistogram(fanout),
      sendLag: encodeHistogram(sendLag),
      service: encodeHistogram(service),
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
