/**
 * connections: ramp to N idle connections, spread over 127.0.0.x source addresses; handshake
 * times and rate, failures, and what each connection costs the server in memory after a forced
 * garbage collection; then every connection must still echo.
 */
import type { Scenario } from './types.js';
import { cpuMetrics, latencyDefs, latencyMetrics, m, nofileFor } from './common.js';
import { isClientBound } from '../runner/stats.js';

/** Default connections per source address: below the ~28k ephemeral ports of one address. */
const PER_ADDRESS = 20_000;

export const connections: Scenario = {
  name: 'connections',
  description:
    'Ramp to N idle connections; handshake rate and latency, server memory per connection after GC, echo at that count.',
  pacing:
    'handshakes as fast as possible, a bounded number in flight; past --per-address connections, the next 127.0.0.x source address',
  params: [
    { name: 'connections', description: 'connections to open', kind: 'int', default: 10_000, quick: 1000, min: 1 },
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
  cases(o) {
    const n = o.params.connections as number;
    const perAddress = o.params['per-address'] as number;
    return [
      {
        id: `n${n}`,
        label: `${n} connections`,
        params: { connections: n, concurrency: o.params.concurrency as number, perAddress },
      },
    ];
  },
  nofile: (c) => nofileFor(c.params.connections as number),
  async run(ctx, c, o) {
    const n = c.params.connections as number;
    const perAddress = c.params.perAddress as number;
    const before = await ctx.server.memory();
    let after = before;
    const x = await ctx.measure(
      {
        kind: 'connections',
        ...ctx.target,
        warmupMs: 0,
        durationMs: o.durationMs,
        connections: n,
        concurrency: c.params.concurrency as number,
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
  estimateMs: (c, o) => (c.params.connections as number) / 3 + o.durationMs + 2000,
};
