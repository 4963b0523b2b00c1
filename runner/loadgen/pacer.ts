/**
 * The open-loop pacer: a fixed schedule of sends, message k due at t0 + k / rate, spread
 * round-robin over the streams (connections or senders). When no answer is awaited it sleeps on
 * a timer until shortly before the next due time; otherwise, and from then on, it spins on
 * setImmediate (the event loop still reads every socket between two checks, so answers are read
 * as they arrive), and for the last few microseconds spins on the clock, so each message
 * leaves within a few µs of its due time while the generator keeps up. Everything due at once
 * on one stream leaves in one write. Its own account of busy time (sending, and reading as told
 * by the workload) against idle time (sleeping, spinning) replaces /proc CPU, which reads 100 %
 * for a spinning core.
 */
import { newHistogram, Recorder, type Histogram } from './histogram.js';

/** Sleep on a timer only when the next send is further away than this (ms)... */
const SLEEP_ABOVE_MS = 2;
/** ...and wake this long before it (timers are ms-grained and may fire early or late). */
const WAKE_BEFORE_MS = 1.5;
/** Spin on the clock, without yielding, only this close to the due time (ms). */
const CLOCK_SPIN_MS = 0.01;

/** Test hook only: burn this many µs per message sent, a generator too slow for its rate. */
const BURN_US = process.env.WSBENCH_TEST_ADAPTERS === '1' ? Number(process.env.WSBENCH_TEST_PACER_BURN_US ?? 0) : 0;

export interface PacerHooks {
  /** Stream `stream` begins a batch (every send until `flush` goes in one write). */
  begin(stream: number): void;
  /** Queues one message of `stream`, due at `due` (it leaves at the stream's flush). */
  send(stream: number, due: number): void;
  /** Writes what the stream queued; `at` is the clock just before the write (its send time). */
  flush(stream: number, at: number): void;
  /** Whether the message due at `due` is measured (its send lag recorded). */
  measured(due: number): boolean;
  /**
   * Whether an answer is still awaited. While one is, the pacer does not sleep on a timer
   * between sends: it keeps the event loop spinning, so the answer is read the moment it
   * arrives rather than after the generator's own wake-up from an idle core (100-300 µs on a
   * VM, measured here, added to every latency at low rates). Absent: always awaited.
   */
  awaiting?(): boolean;
}

export class Pacer {
  /** Send lag (actual send − due) of the measured messages, in ns. */
  readonly lag: Recorder = new Recorder(newHistogram());
  /** Messages sent in all. */
  sent = 0;
  private k = 0;
  private readonly gap: number;
  private readonly t0: number;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly touched: Uint8Array;
  private readonly list: number[] = [];
  /** Time spent sending (ms), and spinning on the clock; measured from `markWindow`. */
  private sendMs = 0;
  private windowStart = Number.POSITIVE_INFINITY;

  constructor(
    private readonly streams: number,
    rate: number,
    private readonly hooks: PacerHooks,
  ) {
    this.gap = 1000 / rate;
    this.touched = new Uint8Array(streams);
    this.t0 = performance.now();
    this.step();
  }

  /** Due time of message k. */
  private dueOf(k: number): number {
    return this.t0 + k * this.gap;
  }

  /** Starts the busy-time account (call when the measured window starts). */
  markWindow(): void {
    this.windowStart = performance.now();
    this.sendMs = 0;
  }

  /** Time spent sending since `markWindow`, in ms. */
  get busySendMs(): number {
    return this.sendMs;
  }

  private readonly step = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.stopped) return;
    let now = performance.now();
    let due = this.dueOf(this.k);
    if (due > now && due - now <= CLOCK_SPIN_MS) {
      while (now < due) now = performance.now();
    }
    if (due <= now) this.sendDue(now);
    if (this.stopped) return;
    due = this.dueOf(this.k);
    const wait = due - performance.now();
    if (wait > SLEEP_ABOVE_MS && this.hooks.awaiting?.() === false)
      this.timer = setTimeout(this.step, Math.floor(wait - WAKE_BEFORE_MS));
    else this.immediate = setImmediate(this.step);
  };

  /**
   * Sends every message due by `now`, one write per stream. A message's send lag is counted to
   * the clock read just before its stream's write, so time spent queueing a long backlog counts.
   */
  private sendDue(now: number): void {
    const { hooks, touched, list } = this;
    const k0 = this.k;
    let due = this.dueOf(this.k);
    while (due <= now) {
      const s = this.k % this.streams;
      if (!touched[s]) {
        touched[s] = 1;
        list.push(s);
        hooks.begin(s);
      }
      hooks.send(s, due);
      if (BURN_US > 0) burn(BURN_US);
      this.k++;
      this.sent++;
      due = this.dueOf(this.k);
    }
    const n = this.streams;
    for (const s of list) {
      touched[s] = 0;
      const at = performance.now();
      hooks.flush(s, at);
      // This stream's messages of the step: k0 <= k < this.k with k % n === s.
      for (let k = k0 + ((s - (k0 % n) + n) % n); k < this.k; k += n) {
        const d = this.dueOf(k);
        if (hooks.measured(d)) this.lag.record(Math.max(1, Math.round((at - d) * 1e6)));
      }
    }
    list.length = 0;
    if (now >= this.windowStart) this.sendMs += performance.now() - now;
  }

  /** Stops sending; returns the send-lag histogram. */
  stop(): Histogram {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    return this.lag.done();
  }
}

function burn(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    /* test hook: a slow generator */
  }
}

/**
 * The generator's busy share of a window: time sending plus time handling reads, over the
 * window's length, in % (capped at 100). Spinning and sleeping are idle.
 */
export function busyPct(busyMs: number, windowMs: number): number {
  return windowMs > 0 ? Math.min(100, (100 * busyMs) / windowMs) : 0;
}
