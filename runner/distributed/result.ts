/**
 * One shard's result document: what its load generator measured (HDR histograms encoded as the
 * local runs encode them, counters, CPU), its own flags, its start delay and clock offset, and
 * where it ran. Written to a file, and printed on stdout between two marker lines so that
 * `kubectl logs` carries it back; `gather` reads either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Measured } from '../process/loadgen-process.js';
import { ShardPlan } from './plan-file.js';

export const SHARD_RESULT_SCHEMA = 'wsbench/shard-result';
export const BEGIN = '=== wsbench shard result begin ===';
export const END = '=== wsbench shard result end ===';

const Measured = z.object({
  result: z.object({
    measuredMs: z.number(),
    counts: z.record(z.string(), z.number()),
    histograms: z.record(z.string(), z.string()),
    timeline: z.array(z.number()),
    warnings: z.array(z.string()),
    tls: z.object({ protocol: z.string(), cipher: z.string(), keyType: z.string(), resumed: z.number() }).optional(),
  }),
  serverCpu: z.number().nullable(),
  clientCpu: z.number().nullable(),
  serverRss: z.number().nullable(),
  clientRss: z.number().nullable(),
  rampServerCpu: z.number().nullable().optional(),
  rampClientCpu: z.number().nullable().optional(),
  serverUnmeasured: z.boolean().optional(),
});

export const ShardResult = z.object({
  schema: z.literal(SHARD_RESULT_SCHEMA),
  version: z.literal(1),
  plan: ShardPlan,
  index: z.number().int(),
  status: z.enum(['completed', 'failed']),
  host: z.string(),
  /** This machine's non-internal addresses (a pod's IP; a namespace's veth address). */
  addresses: z.array(z.string()),
  /** Kubernetes node, from the downward API (WSBENCH_NODE_NAME), when set. */
  node: z.string().optional(),
  connections: z.number().int(),
  rate: z.number().optional(),
  /** Reference-clock ms after the plan's startAt at which this shard's load began (negative: never). */
  startDelayMs: z.number().nullable(),
  /** connections: ms after the plan's holdAt at which this shard had ramped (positive: it was late). */
  rampedDelayMs: z.number().optional(),
  clock: z.object({ offsetMs: z.number(), rttMs: z.number(), source: z.string(), samples: z.number() }).nullable(),
  clockError: z.string().optional(),
  measured: Measured.optional(),
  /** The scenario's own verdicts on this shard alone. */
  clientBound: z.boolean().optional(),
  pacingBound: z.boolean().optional(),
  /** The load generator's own busy share (open loop), % of its core. */
  busyPct: z.number().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  finishedAt: z.string(),
});
export type ShardResult = z.infer<typeof ShardResult> & { measured?: Measured };

/** The document as printed for `kubectl logs`: a marker line, one JSON line, a marker line. */
export function printable(doc: ShardResult): string {
  return `${BEGIN}\n${JSON.stringify(doc)}\n${END}\n`;
}

/**
 * Every result document in a text: a whole JSON file, or log output holding marked blocks (each
 * line may carry a prefix, as `kubectl logs --prefix` writes it). A block cut short (no end
 * marker, torn JSON) is reported in `broken`, never guessed at.
 */
export function parseResults(text: string, where: string): { docs: ShardResult[]; broken: string[] } {
  const docs: ShardResult[] = [];
  const broken: string[] = [];
  const take = (raw: string, label: string): void => {
    try {
      const parsed = ShardResult.safeParse(JSON.parse(raw));
      if (parsed.success) docs.push(parsed.data as ShardResult);
      else
        broken.push(
          `${label}: not a shard result (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message})`,
        );
    } catch {
      broken.push(`${label}: torn JSON`);
    }
  };
  if (text.trimStart().startsWith('{')) {
    take(text, where);
    return { docs, broken };
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i].indexOf(BEGIN);
    if (at < 0) continue;
    const prefix = lines[i].slice(0, at);
    const body = lines[i + 1]?.startsWith(prefix) ? lines[i + 1].slice(prefix.length) : undefined;
    const end = lines[i + 2]?.includes(END);
    if (body === undefined || !end)
      broken.push(`${where} line ${i + 1}: a result block without its end marker (log cut short?)`);
    else take(body, `${where} line ${i + 2}`);
    i += 2;
  }
  return { docs, broken };
}

/** Every result in the given files and folders (a folder: each file in it, not recursing). */
export function readResults(inputs: string[]): { docs: ShardResult[]; broken: string[]; files: number } {
  const files = inputs.flatMap((p) =>
    fs.existsSync(p) && fs.statSync(p).isDirectory()
      ? fs
          .readdirSync(p)
          .sort()
          .map((f) => path.join(p, f))
          .filter((f) => fs.statSync(f).isFile())
      : [p],
  );
  const docs: ShardResult[] = [];
  const broken: string[] = [];
  for (const f of files) {
    if (!fs.existsSync(f)) {
      broken.push(`${f}: no such file`);
      continue;
    }
    const r = parseResults(fs.readFileSync(f, 'utf8'), f);
    docs.push(...r.docs);
    broken.push(...r.broken);
  }
  return { docs, broken, files: files.length };
}
