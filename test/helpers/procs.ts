/**
 * Finds the runner's child processes by what the runner puts in their environment
 * (WSBENCH_CHILD=server|loadgen, WSBENCH_PARENT=<runner pid>), by scanning /proc: a leftover
 * has no parent left to ask, so the kernel's process table is the only honest witness.
 */
import fs from 'node:fs';

export interface ChildProc {
  pid: number;
  ppid: number;
  /** `server`, `loadgen`, `micro` or `redis`. */
  role: string;
  /** The runner that started it (WSBENCH_PARENT), if it said. */
  parent: number | null;
  /** Start time, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  startTicks: number;
  env: Map<string, string>;
  cmdline: string;
}

function readEnviron(pid: string): Map<string, string> | null {
  try {
    const env = new Map<string, string>();
    for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    return env;
  } catch {
    return null; // gone meanwhile, or not ours to read
  }
}

/** ppid and start time from /proc/<pid>/stat (the command name may hold spaces and parens). */
export function procStat(pid: number | string): { ppid: number; startTicks: number; state: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]), startTicks: Number(rest[19]) };
  } catch {
    return null;
  }
}

/** Every live (non-zombie) process whose environment has WSBENCH_CHILD. */
export function wsbenchChildren(): ChildProc[] {
  const out: ChildProc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const env = readEnviron(name);
    const role = env?.get('WSBENCH_CHILD');
    const stat = role ? procStat(name) : null;
    if (!env || !role || !stat || stat.state === 'Z') continue;
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
    } catch {
      /* gone */
    }
    const parent = env.has('WSBENCH_PARENT') ? Number(env.get('WSBENCH_PARENT')) : null;
    out.push({ pid: Number(name), ppid: stat.ppid, role, parent, startTicks: stat.startTicks, env, cmdline });
  }
  return out;
}

/** The runner's children that carry `WSBENCH_TEST_MARK=mark` (inherited from a test's bench). */
export function markedChildren(mark: string): ChildProc[] {
  return wsbenchChildren().filter((p) => p.env.get('WSBENCH_TEST_MARK') === mark);
}

/** Polls `find` until it returns nothing or `withinMs` passes; returns what was left. */
export async function waitGone(find: () => ChildProc[], withinMs: number): Promise<ChildProc[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = find();
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One line per process, for an assertion message. */
export function describeProcs(procs: ChildProc[]): string {
  return procs
    .map((p) => `pid ${p.pid} (${p.role}, ppid ${p.ppid}, runner ${p.parent ?? '?'}): ${p.cmdline}`)
    .join('\n');
}
