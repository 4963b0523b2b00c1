/** The conformance matrix's words: per-library counts, a one-line summary, and the layer tested. */
import type { ConformanceCaseResult, ConformanceLibrary, RunResult } from '../report/schema.js';
import { VERDICTS, type Verdict } from './types.js';
import { manifestOf } from '../../adapters/index.js';

/** Where the cases ran: the WebSocket layer the library exposes (its manifest's conformanceLayer). */
export function layerOf(library: string): string {
  return manifestOf(library)?.conformanceLayer ?? 'plain RFC 6455 on /echo';
}

export function countVerdicts(cases: ConformanceCaseResult[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of cases) counts[c.verdict]++;
  return counts;
}

const listed = (cases: ConformanceCaseResult[], v: Verdict, max = 3): string => {
  const hit = cases.filter((c) => c.verdict === v).map((c) => c.title);
  return hit.slice(0, max).join('; ') + (hit.length > max ? `; +${hit.length - max} more` : '');
};

/** `58/60 strict, 1 non-strict, 1 fail: unmasked client text frame; 3 informational`. */
export function summaryLine(cases: ConformanceCaseResult[]): string {
  const n = countVerdicts(cases);
  const judged = cases.length - n.informational;
  const parts = [`${n.pass}/${judged} strict`];
  if (n['non-strict']) parts.push(`${n['non-strict']} non-strict`);
  if (n.fail) parts.push(`${n.fail} fail: ${listed(cases, 'fail')}`);
  if (n.crashed) parts.push(`${n.crashed} crashed the server: ${listed(cases, 'crashed')}`);
  if (n.errored) parts.push(`${n.errored} errored: ${listed(cases, 'errored')}`);
  return parts.join(', ') + (n.informational ? `; ${n.informational} informational` : '');
}

/** The report's conformance section: the last conformance run of each library, in library order. */
export function conformanceSection(runs: RunResult[], order: string[]): ConformanceLibrary[] {
  const last = new Map<string, ConformanceCaseResult[]>();
  for (const r of runs) if (r.status === 'completed' && r.conformance) last.set(r.library, r.conformance);
  const libs = [...last.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return libs.map((library) => {
    const cases = last.get(library)!;
    return { library, summary: summaryLine(cases), counts: countVerdicts(cases), layer: layerOf(library), cases };
  });
}
