/**
 * Runs micro-benchmark tasks with tinybench, one task at a time, and turns tinybench's
 * statistics into report rows. A task's `fn` repeats its operation `reps` times; rates and
 * means are scaled back to one operation (the relative margin of error is unchanged).
 */
import { Bench } from 'tinybench';
import type { Report } from '../report/schema.js';
import type { MicroTask } from './tasks.js';

/** One row of report.micro. */
export type MicroResult = NonNullable<Report['micro']>[number];

export interface BenchTiming {
  /** Time budget per task, ms (tinybench `time`). */
  timeMs: number;
  /** Warm-up per task, ms (tinybench `warmupTime`). */
  warmupMs: number;
}

/** Aim for timed calls of at least this long, so the clock's resolution and cost stay small beside them. */
const SAMPLE_NS = 20_000;

/**
 * Repeats a task's call as often as it takes to last about SAMPLE_NS (a 64 KiB frame header
 * takes 100 ns, a 64 KiB UTF-8 regex 250 µs: no fixed count fits both).
 */
export function calibrate(task: MicroTask): MicroTask {
  // Doubling batches timed whole (a clock read per call would outweigh a 30 ns operation), up
  // to about a millisecond; twice, so the second pass times JIT-compiled code. The fastest
  // batch counts: on a shared machine a batch may be preempted for milliseconds.
  let perCall = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    for (let batch = 1; ; batch *= 2) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) task.fn();
      const ns = Number(process.hrtime.bigint() - start);
      perCall = Math.min(perCall, ns / batch);
      if (ns >= 1e6 || batch >= 1 << 24) break;
    }
  }
  const times = Math.ceil(SAMPLE_NS / perCall);
  if (times <= 1) return task;
  const fn = task.fn;
  return {
    name: task.name,
    reps: task.reps * times,
    fn: () => {
      for (let i = 0; i < times; i++) fn();
    },
  };
}

/** Benchmarks one task (calibrated first); throws if tinybench reports it errored. */
export function benchTask(library: string, raw: MicroTask, timing: BenchTiming): MicroResult {
  const task = calibrate(raw);
  const bench = new Bench({
    time: timing.timeMs,
    warmupTime: timing.warmupMs,
    iterations: 10,
    warmupIterations: 5,
    throws: true,
  });
  bench.add(task.name, task.fn);
  const [t] = bench.runSync();
  const r = t.result;
  if (r.state !== 'completed')
    throw new Error(
      `${library}: micro-benchmark '${task.name}' ${r.state === 'errored' ? `failed: ${r.error.message}` : r.state}`,
    );
  return {
    library,
    task: task.name,
    // Operations over the time they took (1 / mean latency). tinybench's throughput.mean is the
    // mean of per-sample rates, which a few preempted samples inflate (seen: 2.7x on a busy VM).
    opsPerSec: (1e3 * task.reps) / r.latency.mean,
    meanNs: (r.latency.mean * 1e6) / task.reps,
    marginPct: r.latency.rme,
    samples: r.latency.samplesCount,
  };
}
