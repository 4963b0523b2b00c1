/**
 * test-echo: a scenario that exists only in tests, registered from test/helpers/register.ts. It
 * declares what a scenario can (typed parameters, frames, a highlight, a chart of its own) so a
 * test can check that a bench, report.json, Markdown and HTML carry it with no change under runner/.
 */
import type { CaseSummary } from '../../runner/report/schema.js';
import { metricAcrossCases } from '../../runner/report/chart-kit.js';
import type { Scenario } from '../../scenarios/types.js';
import { CPU_DEFS, echoJob, echoOutcome, latencyDefs, m } from '../../scenarios/common.js';

type TestEchoParams = { 'test-size': number };
type TestEchoCase = { connections: number; payload: number };

export const testEcho: Scenario<TestEchoParams, TestEchoCase> = {
  name: 'test-echo',
  description: 'Test only: one connection, one message in flight, a size of its own parameter.',
  pacing: 'closed loop, one message in flight',
  params: [{ name: 'test-size', description: 'message size (test-echo)', kind: 'int', default: 48, min: 8 }],
  metrics: [m('msgsPerSec', 'msgs/s', 'msg/s', 'higher', true), ...latencyDefs('', ['p50']), ...CPU_DEFS],
  headline: 'msgsPerSec',
  transports: { frames: true },
  cases: (o) => [
    {
      id: `s${o.params['test-size']}`,
      label: `test echo of ${o.params['test-size']} B`,
      params: { connections: 1, payload: o.params['test-size'] },
    },
  ],
  async run(ctx, c, o) {
    return echoOutcome(await ctx.measure(echoJob(ctx, c, o, { inflight: 1 })));
  },
  estimateMs: (_c, o) => o.warmupMs + o.durationMs + 800,
  highlights: (summaries: CaseSummary[]) =>
    summaries.map((s) => ({
      scenario: s.scenario,
      library: s.library,
      label: 'test-echo highlight: echoes per second',
      value: s.metrics.msgsPerSec?.median ?? null,
      unit: 'msg/s',
    })),
  charts: (report, scenario) => [metricAcrossCases(report, scenario, 'msgsPerSec', 'test-echo size')],
};
