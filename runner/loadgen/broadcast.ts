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
import { openConnections } from './open.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { MessageTemplate } from './template.js';
import { commonDeflate } from './deflate.js';
import { ringSize, variedPayloads } from './varied.js';

const RING = 1 << 16;
const RING_MASK = RING - 1;
/** A post id is sender << 20 | post number, written as the payload's sequence number. */
const POST_BITS = 20;
const DRAIN_MS = 5000;

class Sender {
  next = 0;
  due = 0;
  readonly sentAt = new Float64Array(RING);
  readonly inWindow = new Uint8Array(RING);
  readonly received = new Uint32Array(RING);
}

export async function runBroadcast(job: BroadcastJob, codec: WireCodec, send: Send): Promise<JobResult> {
  const n = job.clients;
  const others = n - 1;
  const conns = await openConnections(job, codec, 'broadcast', n);
  // With compression, a ring of distinct payloads: post p uses template p % ring (varied.ts).
  const deflate = commonDeflate(conns.map((c) => c.deflate));
  const binary = job.binary && codec.binary;
  const ring = deflate ? ringSize(job.payloadBytes) : 1;
  const payloads = deflate ? variedPayloads(job.payloadBytes, ring) : [payloadFor(binary, job.payloadBytes)];
  const templates = payloads.map((p) => new MessageTemplate(codec, 'broadcast', p, job.binary, deflate));
  // As delivered (a codec may escape the payload); the ring's payloads need no escaping.
  const delivered = templates.map((t) => t.payload);
  const size = delivered[0].length;
  // Give the server a moment to put the last members into the room before anyone posts.
  await new Promise((r) => setTimeout(r, 200));
  const senders = Array.from({ length: job.senders }, () => new Sender());
  const phases = new Phases(send);
  const latency = newHistogram();
  const fanout = newHistogram();
  // wireBytes: server-to-client bytes of the measured deliveries (frame headers included).
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
      if (id < 0 || s >= senders.length || !sameBytes(delivered[(id & ((1 << POST_BITS) - 1)) % ring], buf, start, SEQ_BYTES, size)) {
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
        c.complete++;
      }
    };
  });

  let sending = true;
  const interval = (1000 * job.senders) / job.rate;
  const t0 = performance.now();
  senders.forEach((s, i) => (s.due = t0 + (interval * i) / job.senders));
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (!sending) return;
    const now = performance.now();
    senders.forEach((s, i) => {
      const conn = conns[i];
      conn.beginBatch();
      while (s.due <= now) {
        const slot = s.next & RING_MASK;
        s.sentAt[slot] = s.due;
        s.received[slot] = 0;
        s.inWindow[slot] = phases.measuring ? 1 : 0;
        if (phases.measuring) c.sent++;
        conn.sendMessage(templates[(s.next & ((1 << POST_BITS) - 1)) % ring], (i << POST_BITS) | s.next);
        s.next++;
        s.due += interval;
      }
      conn.flush();
    });
    timer = setTimeout(tick, 1);
  };
  tick();
  await Promise.race([phases.run(job.warmupMs, job.durationMs, () => {}), failed]);
  sending = false;
  clearTimeout(timer);
  await Promise.race([waitAll(() => c.complete >= c.sent), failed]);
  latch.check();
  for (const conn of conns) conn.socket.destroy();
  const expectedDeliveries = c.sent * others;
  const warnings: string[] = [];
  if (c.self > 0) warnings.push(`${c.self} posts came back to their own sender`);
  return {
    measuredMs: phases.measuredMs,
    counts: {
      sent: c.sent,
      deliveries: c.deliveries,
      expectedDeliveries,
      lost: expectedDeliveries - c.deliveries,
      duplicates: c.duplicates + c.self,
      clients: n,
      messages: c.deliveries,
      bytes: c.deliveries * job.payloadBytes,
      wireBytes: c.wireBytes,
    },
    histograms: { latency: encodeHistogram(latency), fanout: encodeHistogram(fanout) },
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
