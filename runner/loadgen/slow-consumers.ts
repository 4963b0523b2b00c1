/**
 * The slow-consumers workload: the broadcast room (broadcast.ts) with `slow` members that stop
 * reading (their sockets paused: the kernel's receive window fills and closes) or read at a fixed
 * byte rate. The fast members go on as usual; senders are fast members. Counted per member from
 * the first post (warm-up included, so a server's own drop count can be compared): delivered,
 * lost (a gap in a sender's sequence, or posts never delivered) and duplicated. Fan-out latency
 * is to the last fast member. Per second: deliveries to fast and slow members, fast fan-out
 * p50/p99. After the window the slow members read what is left, for up to `drainMs`: what never
 * comes was dropped by the server. A slow member the server closes is recorded, never a failure
 * (a paused socket sees the close only when it reads again: the runner dates the close from the
 * server's socket state).
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError, RawConnection } from './connection.js';
import { readSeq, sameBytes, SEQ_BYTES } from './frame.js';
import { payloadFor } from './payload.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { JobResult, SlowConsumersJob } from './jobs.js';
import { openConnections, resetAll } from './open.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { MessageTemplate } from './template.js';
import { busyPct, Pacer } from './pacer.js';
import { isLoopback } from '../loopback.js';

const POST_BITS = 20;
const POST_MASK = (1 << POST_BITS) - 1;
/** Posts of one sender remembered for fan-out timing (a ring). */
const RING = 1 << 16;
/** How often a rate-limited slow member re-decides whether to read (ms). */
const READ_TICK_MS = 20;

/** One member's account of what it received. */
class Member {
  /** Next post expected from each sender. */
  readonly expected: Int32Array;
  delivered = 0;
  duplicates = 0;
  gaps = 0;
  closed: { atS: number; code: number; bytes: number; port: number } | null = null;
  constructor(
    readonly conn: RawConnection,
    readonly slow: boolean,
    senders: number,
  ) {
    this.expected = new Int32Array(senders);
  }
}

/** Percentile of a sorted array (nearest rank). */
function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

/** Opens the fast members (the senders first), then the slow ones from their own source address. */
async function openRoom(job: SlowConsumersJob, codec: WireCodec): Promise<RawConnection[]> {
  const fast = await openConnections(job, codec, 'broadcast', job.clients - job.slow);
  const slow: RawConnection[] = [];
  const localAddress = job.slowAddress && isLoopback(job.host) ? job.slowAddress : undefined;
  try {
    for (let i = 0; i < job.slow; i++)
      slow.push(
        await RawConnection.open({ host: job.host, port: job.port, codec, channel: 'broadcast', localAddress }),
      );
  } catch (err) {
    resetAll([...fast, ...slow]);
    throw err;
  }
  return [...fast, ...slow];
}

/** Reads of a slow member: none (paused), or `bytesPerSec` from the first post on. */
function throttle(members: Member[], bytesPerSec: number, t0: number): { stop(): void; release(): void } {
  const slow = members.filter((m) => m.slow);
  for (const m of slow) m.conn.socket.pause();
  let timer: NodeJS.Timeout | undefined;
  if (bytesPerSec > 0)
    timer = setInterval(() => {
      const allowed = ((performance.now() - t0) / 1000) * bytesPerSec;
      for (const m of slow) {
        if (m.conn.wireIn < allowed) m.conn.socket.resume();
        else m.conn.socket.pause();
      }
    }, READ_TICK_MS);
  return {
    stop: () => clearInterval(timer),
    release: () => {
      clearInterval(timer);
      for (const m of slow) m.conn.socket.resume();
    },
  };
}

export async function runSlowConsumers(job: SlowConsumersJob, codec: WireCodec, send: Send): Promise<JobResult> {
  const conns = await openRoom(job, codec);
  const nSenders = Math.min(job.senders, job.clients - job.slow);
  const members = conns.map((c, i) => new Member(c, i >= job.clients - job.slow, nSenders));
  const fastReceivers = job.clients - job.slow - 1;
  const template = new MessageTemplate(
    codec,
    'broadcast',
    payloadFor(job.binary && codec.binary, job.payloadBytes),
    job.binary,
    null,
  );
  const delivered = template.payload;
  const size = delivered.length;
  await new Promise((r) => setTimeout(r, 200));
  const sentAt = Array.from({ length: nSenders }, () => new Float64Array(RING));
  const fastGot = Array.from({ length: nSenders }, () => new Uint32Array(RING));
  const next = new Int32Array(nSenders);
  const phases = new Phases(send);
  const latency = newHistogram();
  const fanout = newHistogram();
  const series = {
    fastDelivered: [] as number[],
    slowDelivered: [] as number[],
    fastP50Us: [] as number[],
    fastP99Us: [] as number[],
  };
  const perSecondFanout: number[][] = [];
  const t0 = performance.now();
  const second = (): number => Math.floor((performance.now() - t0) / 1000);
  const bump = (a: number[], s: number): void => {
    while (a.length <= s) a.push(0);
    a[s]++;
  };
  const latch = new FailureLatch<ClientError>();
  let draining = false;

  members.forEach((m, r) => {
    m.conn.onFailure = (e) => {
      if (!m.slow && !draining) return latch.fail(new ClientError(e.code, `fast client ${r}: ${e.message}`));
      const code = Number(/close (\d+)/.exec(e.message)?.[1] ?? 0);
      m.closed ??= {
        atS: (performance.now() - t0) / 1000,
        code,
        bytes: m.conn.wireIn,
        port: m.conn.socket.localPort ?? 0,
      };
    };
    m.conn.onData = (buf, start, end) => {
      const id = end - start === size ? readSeq(buf, start) : -1;
      const s = id >>> POST_BITS;
      if (id < 0 || s >= nSenders || !sameBytes(delivered, buf, start, SEQ_BYTES, size))
        return latch.fail(
          new ClientError('EECHO', `client ${r} received a corrupted broadcast (${end - start} bytes)`),
        );
      if (s === r) return;
      const post = id & POST_MASK;
      if (post < m.expected[s]) return void m.duplicates++;
      m.gaps += post - m.expected[s];
      m.expected[s] = post + 1;
      m.delivered++;
      const sec = second();
      bump(m.slow ? series.slowDelivered : series.fastDelivered, sec);
      phases.perSecond++;
      if (m.slow) return;
      const slot = post & (RING - 1);
      const us = Math.max(1, (m.conn.readAt - sentAt[s][slot]) * 1000);
      if (phases.measuring) latency.recordValue(Math.round(us * 1000));
      if (++fastGot[s][slot] === fastReceivers) {
        if (phases.measuring) fanout.recordValue(Math.round(us * 1000));
        (perSecondFanout[sec] ??= []).push(us);
      }
    };
  });
  const reads = throttle(members, job.slowReadBytesPerSec, t0);
  const pacer = new Pacer(nSenders, job.rate, {
    begin: (i) => conns[i].beginBatch(),
    send: (i, due) => {
      const slot = next[i] & (RING - 1);
      sentAt[i][slot] = due;
      fastGot[i][slot] = 0;
      conns[i].sendMessage(template, (i << POST_BITS) | next[i]);
      next[i]++;
    },
    flush: (i) => conns[i].flush(),
    measured: () => phases.measuring,
    awaiting: () => false,
  });
  await Promise.race([phases.run(job.warmupMs, job.durationMs, () => pacer.markWindow()), latch.failed]);
  const sendLag = pacer.stop();
  reads.stop();
  // What the slow members had not read when the window ended (frames as the server sends them, unmasked).
  const unread = members.reduce(
    (a, m, r) => a + (m.slow && !m.closed ? expectedOf(m, r, next) - m.delivered - m.gaps : 0),
    0,
  );
  const backlogBytes = unread * (template.bytes.length - 4);
  const lagSeconds = (performance.now() - t0) / 1000;
  draining = true;
  reads.release();
  await drain(members, next, job.drainMs);
  latch.check();
  const closes = members.flatMap((m, client) => (m.closed ? [{ client, slow: m.slow, ...m.closed }] : []));
  resetAll(conns);
  for (let s = 0; s < perSecondFanout.length; s++) {
    const v = (perSecondFanout[s] ?? []).sort((a, b) => a - b);
    series.fastP50Us[s] = pct(v, 50);
    series.fastP99Us[s] = pct(v, 99);
  }
  return {
    measuredMs: phases.measuredMs,
    counts: {
      ...tally(members, next),
      posts: next.reduce((a, b) => a + b, 0),
      backlogBytes,
      lagSeconds,
      slowMembers: job.slow,
      busyPct: busyPct(pacer.busySendMs, phases.measuredMs),
    },
    histograms: {
      latency: encodeHistogram(latency),
      fanout: encodeHistogram(fanout),
      sendLag: encodeHistogram(sendLag),
    },
    timeline: phases.timeline,
    warnings: [],
    series,
    closes,
  };
}

/** Posts a member should have had: every post of every sender but its own. */
function expectedOf(m: Member, r: number, next: Int32Array): number {
  return next.reduce((a, n, s) => a + (s === r ? 0 : n), 0);
}

/** Delivered, lost and duplicated, for the fast and for the slow members. */
function tally(members: Member[], next: Int32Array): Record<string, number> {
  const out: Record<string, number> = {
    fastDelivered: 0,
    fastLost: 0,
    fastDuplicates: 0,
    slowDelivered: 0,
    slowLost: 0,
  };
  Object.assign(out, { slowDuplicates: 0, slowLostOpen: 0, slowClosed: 0, fastClosed: 0, slowBytes: 0 });
  members.forEach((m, r) => {
    const k = m.slow ? 'slow' : 'fast';
    const lost = expectedOf(m, r, next) - m.delivered;
    out[`${k}Delivered`] += m.delivered;
    out[`${k}Lost`] += lost;
    out[`${k}Duplicates`] += m.duplicates;
    if (m.closed) out[`${k}Closed`]++;
    // Lost by a slow member the server kept open: dropped, not cut off.
    if (m.slow && !m.closed) out.slowLostOpen += lost;
    if (m.slow) out.slowBytes += m.conn.wireIn;
  });
  return out;
}

/** Waits until every open member has every post, or nothing arrived for a while, or `ms` passed. */
function drain(members: Member[], next: Int32Array, ms: number): Promise<void> {
  const start = performance.now();
  let last = -1;
  let quietSince = start;
  return new Promise((resolve) => {
    const check = (): void => {
      const now = performance.now();
      const got = members.reduce((a, m) => a + m.delivered, 0);
      if (got !== last) [last, quietSince] = [got, now];
      const done = members.every((m, r) => m.closed || m.delivered + m.gaps >= expectedOf(m, r, next));
      if (done || now - start > ms || now - quietSince > 1000) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}
