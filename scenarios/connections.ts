/**
 * connections: ramp to N idle connections, spread over 127.0.0.x source addresses; handshake
 * times and rate, failures, and what each connection costs the server in memory after a forced
 * garbage collection; then every connection must still echo.
 */
import type { CaseSummary } from '../runner/report/schema.js';
import { metricMedian, scenarioCases } from '../runner/report/format.js';
import { groupedBars, metricAcrossCases } from '../runner/report/chart-kit.js';
import type { Scenario } from './types.js';
import { cpuMetrics, latencyDefs, latencyMetrics, m, nofileFor } from './common.js';
import { isClientBound } from '../runner/stats.js';

/** Default connections per source address: below the ~28k ephemeral ports of one address. */
const PER_ADDRESS = 20_000;

type ConnectionsParams = { connections: number; concurrency: number; 'per-address': number };
type ConnectionsCase = { connections: number; concurrency: number; perAddress: number };

export const connections: Scenario<ConnectionsParams, ConnectionsCase> = {
  name: 'connections',
  description:
    'Ramp to N idle connections; handshake rate and latency, server memory per connection after GC, echo at that count.',
  pacing:
    'handshakes as fast as possible, a bounded number in flight; past --per-address connections, the next 127.0.0.x source address',
  params: [
    {
      name: 'connections',
      description: 'connections to open',
      kind: 'int',
      default: 5000,
      quick: 1000,
      min: 1,
      sizes: true,
    },
    {
      name: 'concurrency',
      description: 'handshakes in flight at once (connections scenario)',
      kind: 'int',
      default: 100,
      min: 1,
    },
    {
      name: 'per-address',
      description: 'connections per 127.0.0.x source address (connections scenario)',
      kind: 'int',
      default: PER_ADDRESS,
      min: 1,
    },
  ],
  metrics: [
    m('opened', 'open', 'conn', 'higher', true),
    m('failures', 'failed', 'conn', 'lower', true),
    m('handshakesPerSec', 'handshakes/s', '1/s', 'higher', true),
    ...latencyDefs('handshake', ['p99']),
    m('kibPerConnRss', 'RSS per conn', 'KiB', 'lower', true),
    m('kibPerConnHeap', 'heap per conn', 'KiB', 'lower', true),
    m('echoed', 'echo check', 'conn', 'higher'),
    m('sourceAddresses', 'source addresses', '', 'none'),
    m('rampServerCpuPct', 'server CPU ramp', '%', 'none', true),
    m('rampClientCpuPct', 'loadgen CPU ramp', '%', 'none', true),
    m('serverCpuPct', 'server CPU idle', '%', 'lower'),
    m('serverRssMiB', 'server RSS', 'MiB', 'lower'),
  ],
  headline: 'kibPerConnRss',
  shardable: true,
  transports: { compression: true },
  // Memory per connection needs a forced GC in the server.
  target: () => 'needs a forced GC in the server for memory per connection, which a running target does not offer',
  costMetric: 'handshakesPerSec',
  cases(o) {
    const n = o.params.connections;
    const perAddress = o.params['per-address'];
    return [
      {
        id: `n${n}`,
        label: `${n} connections`,
        params: { connections: n, concurrency: o.params.concurrency, perAddress },
      },
    ];
  },
  // Its figures come from the ramp (handshakes, and memory sampled when the last connection
  // opened); the window is only the idle hold before the echo check, so 1 s whatever the suite's
  // window (it was --duration: 3 s in the default suite, 60 s of its 15-minute budget).
  window: { durationS: 1, quickDurationS: 1 },
  nofile: (c) => nofileFor(c.params.connections),
  async run(ctx, c, o) {
    const n = c.params.connections;
    const perAddress = c.params.perAddress;
    const before = await ctx.server.memory();
    let after = before;
    const x = await ctx.measure(
      {
        kind: 'hold',
        ...ctx.target,
        warmupMs: 0,
        durationMs: o.durationMs,
        connections: n,
        concurrency: c.params.concurrency,
        // On loopback the client always binds its source address and an explicit port (see
        // runner/loadgen/source-ports.ts): one address or several, the same cheap path.
        perAddress: n > perAddress || ctx.target.host.startsWith('127.') ? perAddress : 0,
      },
      {
        onRamped: async () => {
          after = await ctx.server.memory(60_000);
        },
        timeoutMs: 120_000 + n * 5,
      },
    );
    const r = x.result;
    const opened = r.counts.opened;
    const cpu = cpuMetrics(x);
    const metrics: Record<string, number> = {
      opened,
      failures: r.counts.failures,
      handshakesPerSec: opened / (r.counts.rampMs / 1000),
      ...latencyMetrics(r.histograms.handshake, 'handshake'),
      kibPerConnRss: (after.rss - before.rss) / 1024 / opened,
      kibPerConnHeap: (after.heapUsed - before.heapUsed) / 1024 / opened,
      echoed: r.counts.echoed,
      sourceAddresses: n > perAddress ? Math.ceil(n / perAddress) : 1,
      ...cpu.metrics,
      ...(x.rampServerCpu != null ? { rampServerCpuPct: x.rampServerCpu } : {}),
      ...(x.rampClientCpu != null ? { rampClientCpuPct: x.rampClientCpu } : {}),
    };
    // The handshake rate is the server's only if the load generator had CPU to spare meanwhile.
    const clientBound = isClientBound(x.rampServerCpu ?? null, x.rampClientCpu ?? null);
    const warnings = [...r.warnings];
    if (!after.gc) warnings.push('the server ran without --expose-gc: memory was not measured after a forced GC');
    // A runtime other than Node says what its memory figures are not (Bun: JavaScriptCore's heap).
    if (after.note) warnings.push(after.note);
    return {
      stats: { metrics, histograms: { handshake: r.histograms.handshake }, timeline: r.timeline, clientBound },
      warnings,
    };
  },
  estimateMs: (c, o) => c.params.connections / 3 + o.durationMs + 2000,
  /** Production: the handshake rate over TLS. Not in --quick: it would take that past its 3 minutes. */
  production(o) {
    return o.quick
      ? []
      : this.cases(o)
          .slice(0, 1)
          .map((c) => ({ case: c, compression: false }));
  },
  charts: (report, scenario) => [
    ...scenarioCases(report, scenario).map((c) => ({
      name: `memory:${scenario}:${c.id}`,
      section: scenario,
      title: `Memory per connection — ${c.label}`,
      kind: 'bar' as const,
      labels: ['RSS', 'JS heap'],
      xTitle: 'memory',
      yTitle: 'KiB per connection',
      datasets: groupedBars(
        report,
        scenario,
        ['kibPerConnRss', 'kibPerConnHeap'].map((k, i) => ({
          label: i ? 'JS heap' : 'RSS',
          caseId: c.id,
          pick: (s: CaseSummary) => metricMedian(s, k),
          key: k,
        })),
      ),
    })),
    metricAcrossCases(report, scenario, 'handshakesPerSec', 'case'),
  ],
};
