/**
 * CPU and RSS of a multi-process server (--server-procs): every process of its tree (the
 * cluster primary and its workers), summed and each on its own, and of its Redis, sampled over
 * the measured window like a single server's.
 */
import { rssBytes, treePids } from '../process/procstat.js';

export interface TopologyMeasured {
  procs: Array<{ pid: number; cpuPct: number | null; rssBytes: number | null }>;
  redisCpuPct: number | null;
  redisRssBytes: number | null;
}

export class TopologySampler {
  private tree: number[] | null = null;

  constructor(
    private readonly serverPid: number,
    private readonly redisPid?: number,
  ) {}

  /** The pids to snapshot, by name; the tree is read once (at the first snapshot) and kept. */
  pids(): Record<string, number> {
    this.tree ??= treePids(this.serverPid);
    const out: Record<string, number> = Object.fromEntries(this.tree.map((p) => [`proc:${p}`, p]));
    if (this.redisPid) out.redis = this.redisPid;
    return out;
  }

  /** Per-process figures from the window's CPU percentages; RSS read now. */
  measured(cpu: Record<string, number | null>): TopologyMeasured {
    const procs = (this.tree ?? []).map((pid) => ({
      pid,
      cpuPct: cpu[`proc:${pid}`] ?? null,
      rssBytes: rssBytes(pid),
    }));
    return {
      procs,
      redisCpuPct: this.redisPid ? (cpu.redis ?? null) : null,
      redisRssBytes: this.redisPid ? rssBytes(this.redisPid) : null,
    };
  }
}

/** The sum of known values, or null when any is unknown. */
export function sumOrNull(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
}
