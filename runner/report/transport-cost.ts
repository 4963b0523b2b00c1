/**
 * What TLS and compression cost each library, from cases that differ only by them: "TLS costs
 * ws 31 % of its msgs/s". And one line naming the transport of the bench (frame type, TLS
 * version and cipher, resumption, compression). Console, Markdown and HTML all print these.
 */
import { findScenario } from '../../scenarios/index.js';
import { compressionUnsupported } from '../../adapters/capabilities.js';
import { formatWithUnit } from './numbers.js';
import type { CaseSummary, MetricDef, Report } from './schema.js';
import { compareCases, sameText, type PairedComparison } from '../sidebyside/verdict.js';

/** One library's cost in one pair of cases. */
export interface CostEntry {
  library: string;
  /** Change of the metric in percent of the plain case's value, positive = worse. */
  pct: number;
  plain: number;
  variant: number;
  /** 95 % interval of `pct` (Welch, the two cases' runs), null when a side has one run. */
  pctLo: number | null;
  pctHi: number | null;
  /** Variant against plain over the runs: `same` when the runs cannot tell a cost. */
  comparison: PairedComparison;
  note?: string;
}

export interface CostLine {
  scenario: string;
  /** Label of the plain case. */
  plainLabel: string;
  /** `TLS`, `compression`, `TLS + compression`. */
  feature: string;
  metric: MetricDef;
  entries: CostEntry[];
}

const TRANSPORT_KEYS = new Set(['tls', 'compression', 'production']);

/** The case's parameters other than TLS and compression: cases with the same key differ only by those. */
function baseKey(s: CaseSummary): string {
  const rest = Object.entries(s.case.params)
    .filter(([k]) => !TRANSPORT_KEYS.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return `${s.scenario}\u0000${s.library}\u0000${JSON.stringify(rest)}`;
}

/** The metric a transport cost is told in: the scenario's declared costMetric, else its headline. */
function costMetric(report: Report, scenario: string): MetricDef | undefined {
  const info = report.scenarios.find((x) => x.name === scenario);
  if (!info) return undefined;
  const key = findScenario(scenario)?.costMetric ?? info.headline;
  return info.metrics.find((m) => m.key === key);
}

function feature(s: CaseSummary): string {
  const tls = s.case.params.tls === true;
  const z = s.case.params.compression === true;
  return tls && z ? 'TLS + compression' : tls ? 'TLS' : z ? 'compression' : '';
}

/** Every pair (plain case, same case with TLS and/or compression), per scenario and feature. */
export function transportCosts(report: Report): CostLine[] {
  const done = report.summaries.filter((s) => s.status === 'completed');
  const plain = new Map<string, CaseSummary>();
  for (const s of done) if (s.case.params.tls !== true && s.case.params.compression !== true) plain.set(baseKey(s), s);
  const lines = new Map<string, CostLine>();
  for (const s of done) {
    const f = feature(s);
    const base = f ? plain.get(baseKey(s)) : undefined;
    const metric = costMetric(report, s.scenario);
    if (!base || !metric) continue;
    const p = base.metrics[metric.key]?.median;
    const v = s.metrics[metric.key]?.median;
    if (p === undefined || v === undefined || p === 0) continue;
    const pct = (metric.better === 'lower' ? v / p - 1 : 1 - v / p) * 100;
    const skipped = s.case.params.compression === true ? compressionUnsupported(s.library) : null;
    const note = skipped ? 'TLS only: no compression' : f === 'TLS' && pct < 0 ? tlsGainNote(report, s.library) : null;
    const id = `${s.scenario}\u0000${base.case.id}\u0000${s.case.id}`;
    const line = lines.get(id) ?? {
      scenario: s.scenario,
      plainLabel: base.case.label,
      feature: f,
      metric,
      entries: [],
    };
    const cmp = compareCases(report, s.scenario, base.case.id, s.case.id, s.library, metric);
    // The cost's interval from the ratio variant / plain's, as pct is computed from the medians.
    const known = Number.isFinite(cmp.lo) && Number.isFinite(cmp.hi);
    const [lo, hi] = metric.better === 'lower' ? [cmp.lo - 1, cmp.hi - 1] : [1 - cmp.hi, 1 - cmp.lo];
    line.entries.push({
      library: s.library,
      pct,
      plain: p,
      variant: v,
      pctLo: known ? lo * 100 : null,
      pctHi: known ? hi * 100 : null,
      comparison: cmp,
      ...(note ? { note } : {}),
    });
    lines.set(id, line);
  }
  return [...lines.values()];
}

/**
 * Why TLS can be faster: measured for ws (docs/ARCHITECTURE.md, "Why TLS is faster than plain
 * TCP"): a Node server that writes each message makes a write system call per message on a
 * plain socket, while Node's TLS layer writes one event-loop turn's messages together.
 */
function tlsGainNote(report: Report, library: string): string | null {
  const server = report.libraries.find((l) => l.name === library)?.facts.tlsServer;
  if (typeof server !== 'string' || !server.includes('node:tls')) return null;
  return "real, not our setup: on plain TCP each message is its own write system call (ws: 0.97 per message), Node's TLS layer writes a turn's messages together (0.16), see ARCHITECTURE.md";
}

function entryText(e: CostEntry, m: MetricDef, first: boolean): string {
  const iv = e.pctLo !== null && e.pctHi !== null ? ` [${e.pctLo.toFixed(0)}–${e.pctHi.toFixed(0)} %]` : '';
  const pct = `${Math.abs(e.pct).toFixed(0)} %${iv}`;
  const note = e.note ? ` (${e.note})` : '';
  if (e.comparison.verdict === 'same')
    return `${e.library} ${sameText(e.comparison)}${first ? ` on its ${m.label}` : ''}${note}`;
  if (m.better === 'lower')
    return `${e.library} ${e.pct >= 0 ? '+' : '−'}${pct}${first ? ` on its ${m.label}` : ''}${note}`;
  if (e.pct < 0) return `${e.library} −${pct}${first ? ` of its ${m.label}` : ''}, a gain${note}`;
  return `${e.library} ${pct}${first ? ` of its ${m.label}` : ''}${note}`;
}

/**
 * `TLS costs ws 31 % [27–35 %] of its msgs/s (69.7k → 48.1k msg/s), uwebsockets 12 % [...] (...)`:
 * the interval is Welch's on the two cases' runs (taken minutes apart, not side by side), and
 * `~ same (...)` where they cannot tell a cost.
 */
export function costText(line: CostLine): string {
  const parts = line.entries.map(
    (e, i) =>
      `${entryText(e, line.metric, i === 0)} (${formatWithUnit(e.plain, line.metric.unit)} → ${formatWithUnit(e.variant, line.metric.unit)})`,
  );
  return `${line.scenario} [${line.plainLabel}]: ${line.feature} costs ${parts.join(', ')}`;
}

/** The bench's transport in one line, or null for a report written before transports existed. */
export function transportText(report: Report): string | null {
  const t = report.options.transport;
  if (!t) return null;
  const tls = report.libraries.find((l) => l.facts.tlsProtocol !== undefined)?.facts;
  const usesTls = String(t.tls).includes('on') || t.productionCases === true;
  const tlsText = usesTls
    ? `TLS ${String(t.tls)}${t.productionCases === true && t.tls === 'off' ? ' (on in the production cases)' : ''}` +
      `${tls ? `: ${String(tls.tlsProtocol)} ${String(tls.tlsCipher)}, ${String(tls.tlsKeyType)} certificate` : ''}` +
      `; session resumption ${t.tlsResume === true ? 'on (handshakes after the first may resume)' : 'off: every handshake is a full one'}; ${String(t.tlsCertificate)}`
    : 'TLS off';
  const answers = report.libraries
    .filter((l) => l.facts.deflateNegotiated !== undefined)
    .map((l) => `${l.name} "${String(l.facts.deflateNegotiated)}"`);
  const deflate =
    t.deflateOffer !== undefined
      ? ` (offered "${String(t.deflateOffer)}"${answers.length ? `; servers answered ${answers.join(', ')}` : ''})`
      : '';
  const messages = t.messages !== undefined ? ` · Messages: ${String(t.messages)}` : '';
  return `Transport: ${String(t.frames)} frames · ${tlsText} · compression (permessage-deflate) ${String(t.compression)}${deflate}${messages}`;
}
