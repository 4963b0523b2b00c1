/**
 * Side by side, in alternating windows. For a case of a scenario that alternates (latency,
 * throughput: `alternates` in its file), every compared server is started once and kept running
 * and warm; after a steady-state check, each block measures one short window of every library,
 * in the order A B C, then C B A, then A B C... (ABBA for two), so drift over the case hits
 * every side alike and each block's windows are adjacent in time. The baseline sits in the middle
 * of that order (`sideOrder`): every comparison is against it, and two windows pair the better the
 * closer they are in time. A window is a run whose `rep` is its block: reports pair the windows of
 * a block (sidebyside/verdict.ts).
 *
 * Numbers (measured on this 2-core VM, ws, 50 x 16 x 1 KiB echo): adjacent 1-s windows agreed
 * within ~2 % on 2026-12-03 and within 6-16 % the day after (docs/statistics.md, What limits the
 * power), runs minutes apart drift up to 2x; so a window is 1 s (or --duration if given),
 * after a 0.25-s settle with the load generator connected, and a quick bench takes 6 blocks, the
 * default 10 (the signed-rank test cannot reach p ≤ 0.05 with fewer than 6).
 *
 * Scenarios that do not alternate: `connections` ramps idle connections into one fresh server
 * per run (memory per connection needs a fresh heap); `conformance` and `capacity` run once, a
 * verdict matrix and a search; `rate` and `broadcast` are open loop at fixed offered rates (a
 * latency ranked there is mostly pacing-bound) and run as repetitions, fresh server each, so their
 * comparisons are of runs minutes apart, with intervals and tests as wide as that makes them.
 */
import type { PlannedLibrary, PlannedScenario, RunPlan } from '../plan.js';
import type { RunResult } from '../report/schema.js';
import { startServer, type ServerHandle } from '../process/server-process.js';
import type { EchoJob } from '../loadgen/jobs.js';
import type { Measured } from '../process/loadgen-process.js';
import { LoadgenSession, sessionShape, type WindowHooks } from '../process/loadgen-session.js';

/** A window of the measured blocks, unless --duration says otherwise. */
export const WINDOW_MS = 1000;
/**
 * Load generator connected, not yet counting: the settle time of each window. Its connections are
 * kept open between windows (process/loadgen-session.ts), so a quarter second brings the server
 * from idle to the window's load (0.5 s cost the default suite a minute over its 15).
 */
export const SETTLE_MS = 250;
/** Blocks of a quick bench and of the default one (unless --runs says otherwise). */
export const QUICK_BLOCKS = 6;
export const DEFAULT_BLOCKS = 10;
/** A warm-up window's two seconds agreeing within this much: the server is steady. */
export const STEADY_TOLERANCE = 0.1;
/**
 * Warm-up windows a server may take to get steady before its windows count anyway (flagged). Two:
 * with three, warm-ups took a third of a quick bench on a slow day (60 of 176 s: 1-connection
 * latency moves 10-12 % within two seconds here however long it runs), past its 3 minutes.
 */
export const MAX_WARMUPS = 2;
/** A warm-up window: two seconds, so its timeline shows whether the rate still moves. */
const WARMUP_WINDOW_MS = 2000;

/** How windows of one bench are timed, from the plan (`--runs`, `--duration` and `--warmup` override). */
export interface WindowPlan {
  blocks: number;
  windowMs: number;
  settleMs: number;
}

export function windowPlan(
  plan: Pick<RunPlan, 'quick'>,
  given: { runs?: number; durationMs?: number; warmupMs?: number },
): WindowPlan {
  return {
    blocks: given.runs ?? (plan.quick ? QUICK_BLOCKS : DEFAULT_BLOCKS),
    windowMs: given.durationMs ?? WINDOW_MS,
    settleMs: given.warmupMs ?? SETTLE_MS,
  };
}

/**
 * The order of a block, the baseline in its middle: what every row is compared with sits next to,
 * or within one window of, as many libraries as can be. Measured here (2026-12-04, an independent
 * C client, four identical ws servers in blocks A B C D | D C B A, four sets of 15 blocks): the
 * per-block log ratio of two servers one window apart had a spread (sd) of 0.08-0.14, three
 * windows apart 0.14-0.16. The others keep their given order around it (the first half before
 * it). Without the baseline among
 * them (the gate's rows are `<lib>@base`, `@head`, `@aa`: action/bench.sh orders each library's
 * head, base and second base itself), the order is the one given.
 */
export function sideOrder<T extends { name: string }>(libs: T[], baseline: string | undefined): T[] {
  const at = libs.findIndex((l) => l.name === baseline);
  // Two are adjacent in any order (A B | B A).
  if (at < 0 || libs.length < 3) return [...libs];
  const others = libs.filter((_, i) => i !== at);
  const mid = Math.floor(others.length / 2);
  return [...others.slice(0, mid), libs[at], ...others.slice(mid)];
}

/** The libraries of block `b` in order: forward on even blocks, reversed on odd (A B | B A | A B ...). */
export function blockOrder<T>(libs: T[], b: number): T[] {
  return b % 2 === 0 ? [...libs] : [...libs].reverse();
}

/**
 * Servers kept running across the windows of one case, one per library, restarted if one died;
 * and with each, its load generator kept connected (process/loadgen-session.ts) while the windows
 * it measures keep the same shape.
 */
export class WarmServers {
  private readonly servers = new Map<string, ServerHandle>();
  private readonly sessions = new Map<string, LoadgenSession>();

  /** A window of `job` for `lib`, on its kept session (started, or replaced when the job changed). */
  async measure(
    lib: string,
    job: EchoJob,
    opts: { cpu: string; nofile?: number },
    hooks: WindowHooks,
  ): Promise<Measured> {
    const shape = sessionShape(job, hooks.serverPid);
    let s = this.sessions.get(lib);
    if (s && (!s.alive || s.shape !== shape)) {
      await s.end();
      s = undefined;
    }
    if (!s) this.sessions.set(lib, (s = new LoadgenSession(job, shape, opts)));
    return s.window({ warmupMs: job.warmupMs, durationMs: job.durationMs }, hooks);
  }

  async get(lib: PlannedLibrary, start: () => ReturnType<typeof startServer>): Promise<ServerHandle> {
    const s = this.servers.get(lib.name);
    if (s && !s.exit) return s;
    const fresh = await start();
    this.servers.set(lib.name, fresh);
    return fresh;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.end()));
    this.sessions.clear();
    await Promise.all([...this.servers.values()].map((s) => s.stop()));
    this.servers.clear();
  }
}

/**
 * How the orchestrator runs a case's windows, with the scenario's timing replaced by the window's:
 * `warmup` runs one not recorded (rep < 0); `window` runs one, adds `notes` to its warnings and
 * records it, or answers null once the bench was interrupted; `failed` records a warm-up window
 * that errored as the library's row of the case (a wrong or missing echo voids it, warm-up or not).
 */
export interface CaseRunner {
  warmup(lib: PlannedLibrary, ps: PlannedScenario, rep: number): Promise<RunResult>;
  window(lib: PlannedLibrary, ps: PlannedScenario, rep: number, notes: string[]): Promise<RunResult | null>;
  failed(lib: PlannedLibrary, ps: PlannedScenario, result: RunResult): Promise<RunResult | null>;
}

/** The timing of a window (or a warm-up window), as the scenario sees it. */
export function withTiming(ps: PlannedScenario, warmupMs: number, durationMs: number): PlannedScenario {
  return { ...ps, options: { ...ps.options, warmupMs, durationMs } };
}

/** Whether a warm-up window's per-second timeline shows a steady rate. */
export function steady(timeline: number[]): { steady: boolean; change: number | null } {
  const [a, b] = timeline;
  if (!(a > 0) || !(b > 0)) return { steady: false, change: null };
  const change = b / a - 1;
  return { steady: Math.abs(change) <= STEADY_TOLERANCE, change };
}

/**
 * Warm-up windows, round after round, until every library's last one was steady (or MAX_WARMUPS):
 * returns a warning for each library that never got steady, and the warm-up window of each library
 * that errored (its server crashed, or gave a wrong echo). Warm-up windows are not recorded.
 */
export async function warmUp(
  libs: PlannedLibrary[],
  ps: PlannedScenario,
  warmup: CaseRunner['warmup'],
  wp: WindowPlan,
): Promise<{ notes: Map<string, string>; failures: Map<string, RunResult> }> {
  const pending = new Set(libs.map((l) => l.name));
  const failures = new Map<string, RunResult>();
  const last = new Map<string, number | null>();
  for (let round = 0; round < MAX_WARMUPS && pending.size > 0; round++) {
    for (const lib of blockOrder(libs, round)) {
      if (!pending.has(lib.name)) continue;
      const r = await warmup(lib, withTiming(ps, wp.settleMs, WARMUP_WINDOW_MS), -1 - round);
      if (r.status !== 'completed') {
        pending.delete(lib.name);
        if (r.status === 'errored') failures.set(lib.name, r);
        continue;
      }
      const s = steady(r.stats.timeline ?? []);
      last.set(lib.name, s.change);
      if (s.steady) pending.delete(lib.name);
    }
  }
  const notes = new Map<string, string>();
  for (const name of pending) {
    if (failures.has(name)) continue;
    const change = last.get(name);
    const moved = change === null || change === undefined ? 'gave no rate' : `moved ${(change * 100).toFixed(0)} %`;
    notes.set(
      name,
      `not steady: after ${MAX_WARMUPS} warm-up windows its rate still ${moved} within a window (steady: within ±${STEADY_TOLERANCE * 100} %); its windows counted anyway`,
    );
  }
  return { notes, failures };
}

/** Every window of one case: warm-up, then `blocks` blocks in alternating order. */
export async function runCaseSideBySide(
  libs: PlannedLibrary[],
  ps: PlannedScenario,
  wp: WindowPlan,
  run: CaseRunner,
  baseline?: string,
): Promise<void> {
  libs = sideOrder(libs, baseline);
  const { notes, failures } = await warmUp(libs, ps, run.warmup, wp);
  for (const lib of libs) {
    const failed = failures.get(lib.name);
    if (failed && (await run.failed(lib, ps, { ...failed, rep: 0 })) === null) return;
  }
  const timed = withTiming(ps, wp.settleMs, wp.windowMs);
  for (let b = 0; b < wp.blocks; b++) {
    for (const lib of blockOrder(libs, b)) {
      if (failures.has(lib.name)) continue;
      const note = notes.get(lib.name);
      if ((await run.window(lib, timed, b, note ? [note] : [])) === null) return;
    }
  }
}
