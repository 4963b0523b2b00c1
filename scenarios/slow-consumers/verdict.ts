/**
 * The policy a server showed towards its slow clients, from what was observed (never from what
 * its documentation says): it was stopped at the memory cap, or it closed them, or it dropped
 * messages to them while keeping them open, or it held everything and delivered it when they read
 * again (it buffers; without bound unless a limit was reached), or they kept up (no policy seen).
 */

export type PolicyKind = 'buffers without bound' | 'drops' | 'disconnects' | 'kept up';

export interface Observed {
  /** The watchdog stopped the server. */
  capped: { rssMiB: number; atS: number } | null;
  capMiB: number;
  /** Slow clients the server closed: when (s since the load began), close code (0: none seen), bytes they got. */
  closes: Array<{ atS: number; code: number; bytes: number }>;
  /** Messages lost by slow clients the server kept open. */
  dropped: number;
  /** The library's own count of what it dropped, when it keeps one (test servers, a probe). */
  serverDropped: number | null;
  /** Bytes the slow clients had not read when the window ended, and since when they lagged (s). */
  backlogBytes: number;
  lagSeconds: number;
  /** The backlog below which the slow clients count as keeping up. */
  keptUpBelowBytes: number;
}

export interface Policy {
  kinds: PolicyKind[];
  /** One line: `drops (1,234, silent)`, `disconnects (after 3.1 s, 2.0 MiB, close 1006)`... */
  text: string;
  /** Growth of what the server held for the slow clients (MiB/s); 0 when it did not hold. */
  growthMiBPerS: number;
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function policyOf(o: Observed): Policy {
  const kinds: PolicyKind[] = [];
  const parts: string[] = [];
  const growth = o.lagSeconds > 0 ? o.backlogBytes / 2 ** 20 / o.lagSeconds : 0;
  if (o.capped) {
    kinds.push('buffers without bound');
    parts.push(`buffers without bound (grew past ${o.capMiB} MiB in ${o.capped.atS.toFixed(1)} s; stopped)`);
  }
  if (o.closes.length > 0) {
    const first = o.closes.reduce((a, b) => (b.atS < a.atS ? b : a));
    const codes = [...new Set(o.closes.map((c) => (c.code ? String(c.code) : 'no close frame')))].join(', ');
    kinds.push('disconnects');
    parts.push(
      `disconnects (${o.closes.length}; first after ${first.atS.toFixed(1)} s, ${mib(first.bytes)} delivered; ${codes})`,
    );
  }
  if (o.dropped > 0) {
    kinds.push('drops');
    const signalled = o.serverDropped !== null && o.serverDropped > 0;
    parts.push(
      `drops (${o.dropped.toLocaleString('en-US')}, ${signalled ? `signalled: the server counted ${o.serverDropped}` : 'silent'})`,
    );
  }
  if (kinds.length === 0) {
    if (o.backlogBytes < o.keptUpBelowBytes)
      return { kinds: ['kept up'], text: 'kept up (no backlog formed)', growthMiBPerS: 0 };
    kinds.push('buffers without bound');
    parts.push(
      `buffers without bound (${growth.toFixed(2)} MiB/s; ${mib(o.backlogBytes)} held at the end, all delivered later)`,
    );
  }
  return {
    kinds,
    text: parts.join(' + '),
    growthMiBPerS: o.capped ? growth : kinds.includes('buffers without bound') ? growth : 0,
  };
}

/** Least-squares slope of y over t (per second), null with fewer than 3 points. */
export function slope(points: Array<[number, number]>): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mt = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, y] of points) {
    num += (t - mt) * (y - my);
    den += (t - mt) ** 2;
  }
  return den > 0 ? num / den : null;
}
