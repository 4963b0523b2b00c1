/** The words a gathered row carries about its shards: one note each, and what went wrong. */
import type { ShardPlan } from './plan-file.js';
import type { ShardResult } from './result.js';

const ms = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)} ms`;
const label = (d: { index: number }, plan: ShardPlan): string => `shard ${d.index + 1}/${plan.shards}`;

/** One line per shard: where it ran, its share, its start delay, clock offset and CPU. */
export function shardNote(d: ShardResult): string {
  const where = [d.node ? `node ${d.node}` : null, d.host, ...d.addresses.slice(0, 1)].filter(Boolean).join(', ');
  const share = `${d.connections} conn${d.rate !== undefined ? `, ${Math.round(d.rate)} msg/s offered` : ''}`;
  if (d.status === 'failed')
    return `${label(d, d.plan)} (${where}): ${share}: failed: ${d.error?.message ?? 'no reason given'}`;
  const clock = d.clock
    ? `clock offset ${ms(d.clock.offsetMs)} (±${(d.clock.rttMs / 2).toFixed(1)} ms, NTP ${d.clock.source})`
    : `clock offset not measured${d.clockError ? ` (${d.clockError})` : ' (no NTP server in the plan)'}`;
  const start = d.startDelayMs === null ? 'never started' : `start ${ms(d.startDelayMs)}`;
  const ramped =
    d.rampedDelayMs === undefined
      ? ''
      : d.rampedDelayMs <= 0
        ? `, ramped ${(-d.rampedDelayMs).toFixed(0)} ms before the hold time`
        : `, ramped ${ms(d.rampedDelayMs)} after the hold time`;
  // connections: the ramp's CPU says who limited the handshakes (the idle window's says nothing).
  const ramp = d.measured?.rampClientCpu;
  const cpu =
    ramp != null
      ? `, loadgen CPU ${Math.round(ramp)} % over its ramp`
      : d.measured?.clientCpu != null
        ? `, loadgen CPU ${Math.round(d.measured.clientCpu)} %`
        : '';
  const busy = d.busyPct !== undefined ? `, busy ${Math.round(d.busyPct)} %` : '';
  const flags = [d.clientBound ? 'client-bound' : null, d.pacingBound ? 'pacing-bound' : null].filter(Boolean);
  return `${label(d, d.plan)} (${where}): ${share}, ${start}${ramped}, ${clock}${cpu}${busy}${flags.length ? `, ${flags.join(', ')}` : ''}`;
}

/** Missing, failed, late and client-bound shards, named; `late` counts the late ones. */
export function shardProblems(plan: ShardPlan, shards: Map<number, ShardResult>): { lines: string[]; late: number } {
  const lines: string[] = [];
  const missing = Array.from({ length: plan.shards }, (_, i) => i).filter((i) => !shards.has(i));
  if (missing.length) {
    lines.push(
      `INCOMPLETE: ${missing.length} of ${plan.shards} shards never reported (${missing.map((i) => `shard ${i + 1}`).join(', ')}): the merged figures cover ${plan.shards - missing.length} shards' load`,
    );
  }
  let late = 0;
  for (const d of [...shards.values()].sort((a, b) => a.index - b.index)) {
    if (d.status === 'failed') {
      lines.push(
        `FAILED: ${label(d, plan)} on ${d.host}: ${d.error?.message ?? 'no reason given'}${d.error ? ` [${d.error.code}]` : ''}`,
      );
      continue;
    }
    const startLate = d.startDelayMs !== null && d.startDelayMs > plan.lateMs;
    const rampLate = d.rampedDelayMs !== undefined && d.rampedDelayMs > plan.lateMs;
    if (startLate || rampLate) {
      late++;
      const what = startLate
        ? `started ${ms(d.startDelayMs!)} after the barrier`
        : `ramped ${ms(d.rampedDelayMs!)} after the hold time`;
      lines.push(
        `LATE: ${label(d, plan)} on ${d.host} ${what} (more than ${plan.lateMs} ms): the shards did not load the server together for the whole window`,
      );
    }
    if (d.clientBound) lines.push(`CLIENT-BOUND: ${label(d, plan)} on ${d.host}: its load generator was the limit`);
  }
  return { lines, late };
}
