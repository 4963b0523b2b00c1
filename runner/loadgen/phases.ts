/**
 * Warm-up, then the measured window: tells the runner when measuring starts and ends (it samples
 * CPU then), sends a progress tick every second, and keeps the per-second timeline.
 */
import type { LoadgenMessage } from './jobs.js';

export type Send = (m: LoadgenMessage) => void;

export class Phases {
  /** True inside the measured window: workloads record only then. */
  measuring = false;
  /** Messages counted in the current second (the workload increments it). */
  perSecond = 0;
  readonly timeline: number[] = [];
  measureStart = 0;
  measureEnd = 0;

  constructor(private readonly send: Send) {}

  /** Runs warm-up then the window; `onMeasure` resets the workload's counters. */
  async run(warmupMs: number, durationMs: number, onMeasure: () => void): Promise<void> {
    const t0 = performance.now();
    await this.ticking('warmup', warmupMs, t0, false);
    onMeasure();
    this.perSecond = 0;
    this.measuring = true;
    this.measureStart = performance.now();
    this.send({ type: 'phase', phase: 'measure' });
    await this.ticking('measure', durationMs, this.measureStart, true);
    this.measuring = false;
    this.measureEnd = performance.now();
    this.send({ type: 'phase', phase: 'done' });
  }

  get measuredMs(): number {
    return this.measureEnd - this.measureStart;
  }

  private ticking(phase: 'warmup' | 'measure', totalMs: number, from: number, keep: boolean): Promise<void> {
    if (totalMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let second = 1;
      const step = (): void => {
        const elapsed = performance.now() - from;
        if (elapsed >= totalMs - 1) {
          // A last partial second is scaled to a rate, so the timeline stays in messages/s.
          const partial = elapsed - (second - 1) * 1000;
          if (keep && partial > 100) this.timeline.push((this.perSecond * 1000) / partial);
          return resolve();
        }
        if (elapsed >= second * 1000) {
          if (keep) this.timeline.push(this.perSecond);
          this.send({ type: 'tick', phase, elapsedMs: elapsed, totalMs, perSecond: this.perSecond });
          this.perSecond = 0;
          second++;
        }
        setTimeout(step, Math.max(1, Math.min(second * 1000, totalMs) - elapsed));
      };
      setTimeout(step, Math.min(1000, totalMs));
    });
  }
}

/**
 * The first failure of a workload: `fail` records it (later ones are ignored), `failed` rejects
 * with it (race it against the workload's phases), `check` throws it.
 */
export class FailureLatch<E extends Error> {
  private first: E | null = null;
  private reject: (e: E) => void = () => {};
  readonly failed: Promise<never> = new Promise<never>((_, reject) => (this.reject = reject));

  constructor() {
    this.failed.catch(() => {});
  }

  get failure(): E | null {
    return this.first;
  }

  readonly fail = (e: E): void => {
    if (this.first) return;
    this.first = e;
    this.reject(e);
  };

  check(): void {
    if (this.first) throw this.first;
  }
}
