/**
 * capacity: how much load a library takes before its latency passes a bound, found by a search
 * (geometric ramp, then bisection to within 5 %), each probe a short measured window against one
 * server. Two cases: the highest echo rate whose p99 stays at or under --p99-max while at least
 * 99 % of it is achieved, and the largest chat room (every member posting once per
 * --post-interval seconds) whose fan-out p99 stays at or under --fanout-p99-max.
 */
import type { Probe } from '../runner/report/schema.js';
import { capacityCharts } from './capacity-charts.js';
import { echoJob, formatBytes, latencyMetrics, m, nofileFor, pacedMetrics } from './common.js';
import { bounds, measured, searchCapacity, type ProbeOutcome, type SearchResult } from './capacity-search.js';
import type { Case, RunContext, Scenario, ScenarioOptions, ScenarioOutcome } from './types.js';

type CapacityParams = {
  connections: number;
  payload: number[];
  'p99-max': number;
  'fanout-p99-max': number;
  'post-interval': number;
  probe: number;
  'start-rate': number;
  'start-room': number;
  'room-max': number;
  'capacity-room': boolean;
};
type RateSearchCase = {
  search: 'rate';
  bound: number;
  connections: number;
  payload: number;
  probe: number;
  start: number;
};
type RoomSearchCase = {
  search: 'room';
  bound: number;
  every: number;
  payload: number;
  probe: number;
  start: number;
  max: number;
};
type CapacityCase = RateSearchCase | RoomSearchCase;

/** Probes stop bisecting at this relative width of the bracket. */
const TOLERANCE = 0.05;
/** At most this many probes per search: keeps the default within its time budget. */
const MAX_PROBES = 14;
/** A probe's warm-up before its window. */
const PROBE_WARMUP_MS = 250;
/** A probe passes only if this share of the offered rate (or of the deliveries) was achieved. */
const ACHIEVED_MIN = 0.99;

export const capacity: Scenario<CapacityParams, CapacityCase> = {
  name: 'capacity',
  description:
    'Capacity search: the highest echo rate with p99 ≤ --p99-max (≥ 99 % achieved), and the largest chat room (each member posting every --post-interval s) with fan-out p99 ≤ --fanout-p99-max.',
  pacing:
    'open loop, as in rate and broadcast; a geometric ramp (x2) then bisection to within 5 %, each probe a short window (--probe s) on one server',
  params: [
    {
      name: 'p99-max',
      description: 'p99 bound in ms for the highest sustainable rate',
      kind: 'number',
      default: 10,
      min: 0,
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
      name: 'probe',
      description: 'measured seconds of each capacity probe (capacity)',
      kind: 'number',
      default: 1,
      quick: 0.5,
      min: 0,
    },
    {
      name: 'start-rate',
      description: 'first rate the capacity search probes, msg/s (capacity)',
      kind: 'int',
      default: 2000,
      min: 1,
    },
    {
      name: 'fanout-p99-max',
      description: 'fan-out p99 bound in ms for the largest room (capacity)',
      kind: 'number',
      default: 50,
      min: 0,
    },
    {
      name: 'post-interval',
      description: 'seconds between two posts of one room member (capacity)',
      kind: 'number',
      default: 5,
      min: 0,
    },
    {
      name: 'start-room',
      description: 'first room size the capacity search probes (capacity)',
      kind: 'int',
      default: 50,
      min: 2,
    },
    {
      name: 'capacity-room',
      description: 'also search the largest chat room (capacity; false: the rate only)',
      kind: 'bool',
      default: true,
    },
    {
      name: 'room-max',
      description: 'largest room the capacity search may probe (capacity)',
      kind: 'int',
      default: 4000,
      min: 2,
    },
  ],
  metrics: [
    m('maxRate', 'max rate', 'msg/s', 'higher', true),
    m('maxClients', 'max room', 'conn', 'higher', true),
    m('bracketLow', 'bracket low', '', 'none', true),
    m('bracketHigh', 'bracket high', '', 'none', true),
    m('p50AtUs', 'p50 there', 'µs', 'none', true),
    m('p99AtUs', 'p99 there', 'µs', 'none', true),
    m('probeCount', 'probes', 'count', 'none', true),
    m('searchSec', 'search time', 's', 'none'),
  ],
  headline: 'maxRate',
  // A search is many measured windows already; repeating it --runs times would take the default
  // (five libraries, rate and room) from about 5 to about 14 minutes.
  runsOnce: true,
  cases(o) {
    const connections = o.params.connections;
    const payload = o.params.payload[0];
    const bound = o.params['p99-max'];
    const fanoutBound = o.params['fanout-p99-max'];
    const every = o.params['post-interval'];
    const probe = o.params.probe;
    const cases: Case<CapacityCase>[] = [
      {
        id: `rate-p99-${bound}ms`,
        label: `echo rate with p99 ≤ ${bound} ms, ${connections} conn, ${formatBytes(payload)}`,
        params: { search: 'rate', bound, connections, payload, probe, start: o.params['start-rate'] },
      },
      {
        id: `room-p99-${fanoutBound}ms`,
        label: `room, 1 post per member every ${every} s, fan-out p99 ≤ ${fanoutBound} ms`,
        params: {
          search: 'room',
          bound: fanoutBound,
          every,
          payload,
          probe,
          start: o.params['start-room'],
          max: o.params['room-max'],
        },
      },
    ];
    return o.params['capacity-room'] === false ? cases.slice(0, 1) : cases;
  },
  nofile: (c) => (c.params.search === 'room' ? nofileFor(c.params.max) : undefined),
  async run(ctx, c, o) {
    const t0 = performance.now();
    const p = c.params;
    const result = p.search === 'room' ? await roomSearch(ctx, p) : await rateSearch(ctx, { ...c, params: p }, o);
    return outcome(result, c, (performance.now() - t0) / 1000);
  },
  estimateMs: (c) => 10 * (c.params.probe * 1000 + (c.params.search === 'room' ? 2500 : 1200)),
  charts: capacityCharts,
};

function rateSearch(
  ctx: RunContext,
  c: Case<RateSearchCase>,
  o: Pick<ScenarioOptions, 'warmupMs' | 'durationMs'>,
): Promise<SearchResult> {
  const bound = c.params.bound * 1000;
  const probeMs = c.params.probe * 1000;
  return searchCapacity(
    async (offered): Promise<ProbeOutcome> => {
      const job = {
        ...echoJob(ctx, c, o, { inflight: 1, rate: offered }),
        warmupMs: PROBE_WARMUP_MS,
        durationMs: probeMs,
      };
      const x = await measured(ctx, () => ctx.measure(job, { timeoutMs: probeMs + 30_000 }));
      if ('error' in x) return { offered, pass: false, figures: {}, why: `${x.error} [${x.code}]` };
      const r = x.result;
      const lat = latencyMetrics(r.histograms.latency);
      const achieved = r.counts.messages / (r.measuredMs / 1000);
      const paced = pacedMetrics(x, lat.p50Us);
      const figures = {
        achieved,
        p50Us: lat.p50Us,
        p99Us: lat.p99Us,
        sendLagP99Us: paced.metrics.sendLagP99Us ?? 0,
        ...bounds(x, paced),
      };
      const why =
        lat.p99Us > bound
          ? `p99 ${Math.round(lat.p99Us)} µs > ${bound} µs`
          : achieved < ACHIEVED_MIN * offered
            ? `achieved ${Math.round(achieved)} of ${offered} msg/s`
            : undefined;
      return { offered, pass: why === undefined, figures, ...(why ? { why } : {}) };
    },
    {
      start: c.params.start,
      factor: 2,
      tolerance: TOLERANCE,
      max: 5_000_000,
      round: Math.round,
      maxProbes: MAX_PROBES,
    },
  );
}

function roomSearch(ctx: RunContext, c: RoomSearchCase): Promise<SearchResult> {
  const bound = c.bound * 1000;
  const probeMs = c.probe * 1000;
  const every = c.every;
  return searchCapacity(
    async (clients): Promise<ProbeOutcome> => {
      const job = {
        kind: 'room' as const,
        ...ctx.target,
        warmupMs: PROBE_WARMUP_MS,
        durationMs: Math.max(probeMs, 1000),
        clients,
        senders: clients,
        rate: clients / every,
        payloadBytes: c.payload,
        // The run's transport sets the frame type (withJobTransport): text, capacity has no --frames.
        binary: false,
      };
      const x = await measured(ctx, () => ctx.measure(job, { timeoutMs: probeMs + 60_000 + clients * 5 }));
      if ('error' in x) return { offered: clients, pass: false, figures: {}, why: `${x.error} [${x.code}]` };
      const r = x.result;
      const fan = latencyMetrics(r.histograms.fanout, 'fanout');
      const delivered = r.counts.expectedDeliveries ? r.counts.deliveries / r.counts.expectedDeliveries : 0;
      const paced = pacedMetrics(x, fan.fanoutP50Us);
      const figures = {
        posts: r.counts.sent,
        delivered: delivered * 100,
        p50Us: fan.fanoutP50Us,
        p99Us: fan.fanoutP99Us,
        ...bounds(x, paced),
      };
      const why =
        r.counts.sent === 0
          ? 'no post in the window'
          : fan.fanoutP99Us > bound
            ? `fan-out p99 ${Math.round(fan.fanoutP99Us)} µs > ${bound} µs`
            : delivered < ACHIEVED_MIN
              ? `delivered ${(delivered * 100).toFixed(1)} %`
              : undefined;
      return { offered: clients, pass: why === undefined, figures, ...(why ? { why } : {}) };
    },
    {
      start: c.start,
      factor: 2,
      tolerance: TOLERANCE,
      max: c.max,
      round: Math.round,
      maxProbes: MAX_PROBES,
    },
  );
}

function outcome(s: SearchResult, c: Case<CapacityCase>, searchSec: number): ScenarioOutcome {
  const at = s.probes.find((p) => p.offered === s.found && p.pass);
  const metrics: Record<string, number> = { probeCount: s.probes.length, searchSec };
  if (s.found !== null) metrics[c.params.search === 'room' ? 'maxClients' : 'maxRate'] = s.found;
  if (s.low !== null) metrics.bracketLow = s.low;
  if (s.high !== null) metrics.bracketHigh = s.high;
  if (at) {
    metrics.p50AtUs = at.figures.p50Us;
    metrics.p99AtUs = at.figures.p99Us;
  }
  const warnings: string[] = [];
  if (s.found === null)
    warnings.push(`even the first probe (${s.probes[0]?.offered}) failed: ${s.probes[0]?.why ?? 'unknown'}`);
  if (s.high === null) warnings.push(`no probe failed up to ${s.low}: the capacity is at least that`);
  else if (s.low !== null && s.high / s.low - 1 > TOLERANCE)
    warnings.push(
      `the search stopped after ${s.probes.length} probes with the bracket ${s.low}–${s.high} still wider than 5 %`,
    );
  // The bracket's ends decide the result: if the generator's sends were late there, so is it.
  const atEnds = (flag: string): boolean =>
    s.probes.some((p) => (p.offered === s.low || p.offered === s.high) && p.figures[flag] === 1);
  const pacingBound = atEnds('pacingBound');
  // A bracket end that the load generator, not the server, limited: the capacity is ours, a floor.
  const clientBound = atEnds('clientBound');
  const probes: Probe[] = s.probes.map((p) => ({
    offered: p.offered,
    pass: p.pass,
    figures: p.figures,
    ...(p.why ? { why: p.why } : {}),
  }));
  return { stats: { metrics, histograms: {}, clientBound, pacingBound, probes }, warnings };
}
