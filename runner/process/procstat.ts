/** CPU time and memory of a process, read from /proc (Linux); null where /proc is absent. */
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc/<pid>/stat times; 100 on every Linux we target. */
const CLK_TCK = 100;

/** User + system CPU seconds used so far by `pid`, or null if it cannot be read. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces; fields after it are space separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
  } catch {
    return null;
  }
}

/** Resident set size of `pid` in bytes, or null. */
export function rssBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A CPU/RSS snapshot of several processes at one instant. */
export interface Snapshot {
  at: number;
  cpu: Record<string, number | null>;
}

export function snapshot(pids: Record<string, number>): Snapshot {
  const cpu: Record<string, number | null> = {};
  for (const [name, pid] of Object.entries(pids)) cpu[name] = cpuSeconds(pid);
  return { at: performance.now(), cpu };
}

/** CPU % of one core used by each process between two snapshots. */
export function cpuPercent(a: Snapshot, b: Snapshot): Record<string, number | null> {
  const seconds = (b.at - a.at) / 1000;
  const out: Record<string, number | null> = {};
  for (const name of Object.keys(a.cpu)) {
    const x = a.cpu[name];
    const y = b.cpu[name];
    out[name] = x === null || y === null || seconds <= 0 ? null : (100 * (y - x)) / seconds;
  }
  return out;
}

/** `root` and all its descendants (children of every thread), from /proc; [root] where unreadable. */
export function treePids(root: number): number[] {
  const out: number[] = [];
  const visit = (pid: number): void => {
    out.push(pid);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      try {
        const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').trim();
        for (const k of kids ? kids.split(' ') : []) visit(Number(k));
      } catch {
        // The thread ended meanwhile.
      }
    }
  };
  visit(root);
  return out;
}
