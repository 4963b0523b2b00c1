/**
 * rate: open loop at a fixed total rate; latency from when each message was due, so a stalled
 * server cannot hide its stalls (coordinated omission corrected, as wrk2 does). A list of rates
 * is a sweep: a latency-versus-load curve.
 */
import type { Measured } from '../runner/process/loadgen-process.js';
import type { Scenario, ScenarioOutcome } from './types.js';
import { echoJob, echoOutcome, latencyDefs, m, PACED_CPU_DEFS, PACED_DEFS, pacedMetrics, WIRE_DEFS } from './common.js';

export const rate: Scenario = {
  name: 'rate',
  description: "Open loop: a fixed total rate spread over N connections; latency measured from each send's due time.",
  pacing:
    'open loop: each message leaves at its due time (a spin that still reads sockets; a timer sleep only while no answer is awaited); latency counts from the due time, ' +
    'service time from the actual send; send lag = actual send − due',
  params: [
    {
      name: 'rates',
      description: 'offered rates in messages/s (a sweep)',
      kind: 'list',
      default: [5000, 20000],
      quick: [5000],
      min: 1,
    },
    { name: 'connections', description: 'connections sharing the rate', kind: 'int', default: 10, min: 1 },
    {
      name: 'payload',
      description: 'message size in bytes, at least 8 (the first of a list)',
      kind: 'list',
      default: [32],
      min: 8,
    },
    {
      name: 'p99-max',
      description: 'p99 bound in ms for the highest sustainable rate',
      kind: 'number',
      default: 10,
      min: 0,
    },
  ],
  metrics: [
    m('offeredRate', 'offered', 'msg/s', 'none', true),
    m('achievedRate', 'achieved', 'msg/s', 'higher', true),
    ...latencyDefs('', ['p50', 'p99', 'max']),
    ...PACED_DEFS,
    ...PACED_CPU_DEFS,
    ...WIRE_DEFS,
  ],
  headline: 'p99Us',
  cases(o) {
    const connections = o.params.connections as number;
    const payload = (o.params.payload as number[])[0];
    return (o.params.rates as number[]).map((r) => ({
      id: `r${r}`,
      label: `${r} msg/s over ${connections} conn`,
      params: { rate: r, connections, payload },
    }));
  },
  async run(ctx, c, o) {
    const offered = c.params.rate as number;
    const x = await ctx.measure(echoJob(ctx, c, o, { inflight: 1, rate: offered }));
    const out = echoOutcome(x, { offeredRate: offered });
    out.stats.metrics.achievedRate = out.stats.metrics.msgsPerSec;
    return withPacing(out, x);
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 800,
};

/** Adds the pacer's metrics and flags to an open-loop echo outcome. */
export function withPacing(out: ScenarioOutcome, x: Measured): ScenarioOutcome {
  const paced = pacedMetrics(x, out.stats.metrics.p50Us ?? 0);
  Object.assign(out.stats.metrics, paced.metrics);
  out.stats.clientBound = paced.clientBound;
  out.stats.pacingBound = paced.pacingBound;
  for (const name of ['sendLag', 'service'] as const)
    if (x.result.histograms[name]) out.stats.histograms[name] = x.result.histograms[name];
  return out;
}
