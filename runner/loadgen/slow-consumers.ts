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
import { counts, histograms, type Counts } from './result-names.js';
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
  /** Next post expected from each stream (a sender, or a slow member's own echo stream). */
  readonly expected: Int32Array;
  delivered = 0;
  duplicates = 0;
  gaps = 0;
  closed: { atS: number; code: number; bytes: number; port: number } | null = null;
  /** Its source port, read while open (a closed socket no longer says): the runner's key to its server socket. */
  readonly port: number;
  constructor(
    readonly conn: RawConnection,
    readonly slow: boolean,
    /** Its own stream of posts (a sender's, or an echo member's), or -1. */
    readonly stream: number,
    /** It sends on the echo channel and gets only its own messages back. */
    readonly echo: boolean,
    /** Streams 0..senders-1 are the room's senders. */
    readonly senders: number,
    streams: number,
  ) {
    this.expected = new Int32Array(streams);
    this.port = conn.socket.localPort ?? 0;
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
        await RawConnection.open({
          host: job.host,
          port: job.port,
          codec,
          channel: job.slowEcho ? 'echo' : 'broadcast',
          localAddress,
        }),
      );
  } catch (err) {
    resetAll([...fast, ...slow]);
    throw err;
  }
  return [...fast, ...slow];
}

/** Reads of a slow member: none (paused), or `bytesPerSec` from the first post on. */
function throttle(members: Member[], bytesPerSec: number, t0: number): { release(): void } {
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
    release: () => {
      clearInterval(timer);
      for (const m of slow) m.conn.socket.resume();
    },
  };
}

/** The room's state while it runs: what each sender posted, what each member got, per second. */
class Room {
  readonly members: Member[];
  readonly nSenders: number;
  /** Senders, then (echo variant) one stream per slow member. */
  readonly nStreams: number;
  readonly fastReceivers: number;
  readonly template: MessageTemplate;
  readonly echoTemplate: MessageTemplate;
  /** The connection of each stream. */
  readonly streamConn: RawConnection[] = [];
  readonly sentAt: Float64Array[];
  readonly fastGot: Uint32Array[];
  readonly next: Int32Array;
  readonly latency = newHistogram();
  readonly fanout = newHistogram();
  readonly series = {
    fastDelivered: [] as number[],
    slowDelivered: [] as number[],
    fastP50Us: [] as number[],
    fastP99Us: [] as number[],
  };
  readonly perSecondFanout: number[][] = [];
  readonly latch = new FailureLatch<ClientError>();
  readonly phases: Phases;
  t0 = performance.now();
  draining = false;

  constructor(
    readonly job: SlowConsumersJob,
    codec: WireCodec,
    readonly conns: RawConnection[],
    send: Send,
  ) {
    const fast = job.clients - job.slow;
    const echo = job.slowEcho === true;
    this.nSenders = Math.min(job.senders, fast);
    this.nStreams = this.nSenders + (echo ? job.slow : 0);
    const streamOf = (i: number): number => (i < this.nSenders ? i : i >= fast && echo ? this.nSenders + i - fast : -1);
    this.members = conns.map(
      (c, i) => new Member(c, i >= fast, streamOf(i), i >= fast && echo, this.nSenders, this.nStreams),
    );
    for (const m of this.members) if (m.stream >= 0) this.streamConn[m.stream] = m.conn;
    this.fastReceivers = fast - 1;
    const payload = payloadFor(job.binary && codec.binary, job.payloadBytes);
    this.template = new MessageTemplate(codec, 'broadcast', payload, job.binary, null);
    this.echoTemplate = new MessageTemplate(codec, 'echo', payload, job.binary, null);
    this.sentAt = Array.from({ length: this.nStreams }, () => new Float64Array(RING));
    this.fastGot = Array.from({ length: this.nStreams }, () => new Uint32Array(RING));
    this.next = new Int32Array(this.nStreams);
    this.phases = new Phases(send);
    this.members.forEach((m, r) => this.listen(m, r));
  }

  private second(): number {
    return Math.floor((performance.now() - this.t0) / 1000);
  }

  /** A fast member's failure fails the run; a slow member's close is recorded. */
  private listen(m: Member, r: number): void {
    m.conn.onFailure = (e) => {
      if (!m.slow && !this.draining) return this.latch.fail(new ClientError(e.code, `fast client ${r}: ${e.message}`));
      const code = Number(/close (\d+)/.exec(e.message)?.[1] ?? 0);
      m.closed ??= { atS: (performance.now() - this.t0) / 1000, code, bytes: m.conn.wireIn, port: m.port };
    };
    const delivered = (m.echo ? this.echoTemplate : this.template).payload;
    const size = delivered.length;
    m.conn.onData = (buf, start, end) => {
      const id = end - start === size ? readSeq(buf, start) : -1;
      const s = id >>> POST_BITS;
      if (id < 0 || s >= this.nStreams || !sameBytes(delivered, buf, start, SEQ_BYTES, size))
        return this.latch.fail(
          new ClientError('EECHO', `client ${r} received a corrupted broadcast (${end - start} bytes)`),
        );
      if (m.echo ? s === m.stream : s !== m.stream && s < this.nSenders) this.receive(m, s, id & POST_MASK);
    };
  }

  private receive(m: Member, s: number, post: number): void {
    if (post < m.expected[s]) return void m.duplicates++;
    m.gaps += post - m.expected[s];
    m.expected[s] = post + 1;
    m.delivered++;
    const sec = this.second();
    const counts = m.slow ? this.series.slowDelivered : this.series.fastDelivered;
    while (counts.length <= sec) counts.push(0);
    counts[sec]++;
    this.phases.perSecond++;
    if (m.slow) return;
    const slot = post & (RING - 1);
    const us = Math.max(1, (m.conn.readAt - this.sentAt[s][slot]) * 1000);
    if (this.phases.measuring) this.latency.recordValue(Math.round(us * 1000));
    if (++this.fastGot[s][slot] === this.fastReceivers) {
      if (this.phases.measuring) this.fanout.recordValue(Math.round(us * 1000));
      (this.perSecondFanout[sec] ??= []).push(us);
    }
  }

  pacer(): Pacer {
    // Every stream at a sender's rate: an echo member sends as often as each sender posts.
    return new Pacer(this.nStreams, (this.job.rate * this.nStreams) / this.nSenders, {
      begin: (i) => this.streamConn[i].beginBatch(),
      send: (i, due) => {
        const slot = this.next[i] & (RING - 1);
        this.sentAt[i][slot] = due;
        this.fastGot[i][slot] = 0;
        const template = i < this.nSenders ? this.template : this.echoTemplate;
        this.streamConn[i].sendMessage(template, (i << POST_BITS) | this.next[i]);
        this.next[i]++;
      },
      flush: (i) => this.streamConn[i].flush(),
      measured: () => this.phases.measuring,
    });
  }

  /** Bytes the open slow members had not read (frames as the server sends them, unmasked). */
  backlogBytes(): number {
    const unread = this.members.reduce(
      (a, m) => a + (m.slow && !m.closed ? expectedOf(m, this.next) - m.delivered - m.gaps : 0),
      0,
    );
    return unread * (this.template.bytes.length - 4);
  }

  /** Fast fan-out p50/p99 of each second. */
  percentiles(): void {
    for (let s = 0; s < this.perSecondFanout.length; s++) {
      const v = (this.perSecondFanout[s] ?? []).sort((a, b) => a - b);
      this.series.fastP50Us[s] = pct(v, 50);
      this.series.fastP99Us[s] = pct(v, 99);
    }
  }
}

export async function runSlowConsumers(job: SlowConsumersJob, codec: WireCodec, send: Send): Promise<JobResult> {
  const conns = await openRoom(job, codec);
  const room = new Room(job, codec, conns, send);
  await new Promise((r) => setTimeout(r, 200));
  room.t0 = performance.now();
  const reads = throttle(room.members, job.slowReadBytesPerSec, room.t0);
  const pacer = room.pacer();
  const { phases, latch, members, next } = room;
  await Promise.race([phases.run(job.warmupMs, job.durationMs, () => pacer.markWindow()), latch.failed]);
  const sendLag = pacer.stop();
  const backlogBytes = room.backlogBytes();
  const lagSeconds = (performance.now() - room.t0) / 1000;
  room.draining = true;
  reads.release();
  await drain(members, next, job.drainMs);
  latch.check();
  const closes = members.flatMap((m, client) => (m.closed ? [{ client, slow: m.slow, ...m.closed }] : []));
  resetAll(conns);
  room.percentiles();
  const posts = next.reduce((a, b) => a + b, 0);
  return {
    measuredMs: phases.measuredMs,
    counts: counts({
      ...tally(members, next),
      ...{ posts, backlogBytes, lagSeconds, slowMembers: job.slow },
      busyPct: busyPct(pacer.busySendMs, phases.measuredMs),
    }),
    histograms: histograms({
      latency: encodeHistogram(room.latency),
      fanout: encodeHistogram(room.fanout),
      sendLag: encodeHistogram(sendLag),
    }),
    timeline: phases.timeline,
    warnings: [],
    series: room.series,
    closes,
  };
}

/** Posts a member should have had: every post of every sender but its own (echo: its own, back). */
function expectedOf(m: Member, next: Int32Array): number {
  if (m.echo) return next[m.stream];
  let n = 0;
  for (let s = 0; s < m.senders; s++) if (s !== m.stream) n += next[s];
  return n;
}

/** Delivered, lost and duplicated, for the fast and for the slow members. */
function tally(members: Member[], next: Int32Array): Partial<Counts> {
  const out: Record<string, number> = {
    fastDelivered: 0,
    fastLost: 0,
    fastDuplicates: 0,
    slowDelivered: 0,
    slowLost: 0,
  };
  Object.assign(out, { slowDuplicates: 0, slowLostOpen: 0, slowClosed: 0, fastClosed: 0, slowBytes: 0 });
  members.forEach((m) => {
    const k = m.slow ? 'slow' : 'fast';
    const lost = expectedOf(m, next) - m.delivered;
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
      const done = members.every((m) => m.closed || m.delivered + m.gaps >= expectedOf(m, next));
      if (done || now - start > ms || now - quietSince > 1000) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}
