/**
 * argv options -> a validated RunPlan. Every problem is a UsageError whose one line names the
 * flag and the valid values; nothing is written before the plan is valid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ADAPTERS, DEFAULT_LIBRARIES, findAdapter, LIBRARY_GROUPS } from '../adapters/index.js';
import type { AdapterInfo } from '../adapters/types.js';
import { allScenarios, DEFAULT_SCENARIOS, findScenario, SCENARIO_NAMES } from '../scenarios/index.js';
import type { CaseRef } from './report/schema.js';
import type { ParamDef, ParamValue, Scenario, ScenarioOptions } from '../scenarios/types.js';
import { UsageError } from './errors.js';
import { isLoopback } from './loopback.js';
import { expandCases, parseTransport, type TransportPlan } from './transport.js';
import { customLibrary, isPathEntry } from './custom-lib.js';
import { planTarget, type TargetInfo } from './target.js';
import { planLoadgen, type LoadgenPlacement } from './process/loadgen-placement.js';
import { runtimeMissing } from './process/runtimes.js';
import { optionValue, parseNumber, type RawOptions } from './options.js';
import { planTopology, type TopologyPlan } from './topology/index.js';
import { windowPlan, type WindowPlan } from './sidebyside/windows.js';

export { parseNumber, type RawOptions };

export interface PlannedScenario {
  scenario: Scenario;
  options: ScenarioOptions;
  cases: CaseRef[];
}

/**
 * A library to run: an adapter, possibly loaded from another install folder (`--lib
 * ws@<folder>`): then its name is `ws@<folder basename>`, its server gets WSBENCH_LIB_DIR, and
 * its version is the one installed in that folder.
 */
export interface PlannedLibrary extends AdapterInfo {
  /** Absolute folder whose node_modules holds the library (`name@folder` entries only). */
  libDir?: string;
  /** Version installed in libDir. */
  libVersion?: string;
  /** `--lib <path>` entries: the adapter's path and its codec (a module, or raw RFC 6455). */
  custom?: { path: string; codec: string };
  /** The `--target` entry: no server is started for it. */
  target?: TargetInfo;
}

export interface RunPlan {
  libraries: PlannedLibrary[];
  scenarios: PlannedScenario[];
  runs: number;
  warmupMs: number;
  durationMs: number;
  quick: boolean;
  outDir: string;
  baselineLib: string;
  readyTimeoutMs: number;
  /** How long a run may overrun its warm-up and measured window before it counts as hung. */
  runSlackMs: number;
  host: string;
  /** The user allowed a non-loopback host; the load generator refuses one otherwise. */
  allowRemote: boolean;
  /** Parameters the user gave, for the report. */
  params: Record<string, string | number | boolean>;
  /** Frame type, TLS and compression values (each a case), and the TLS files. */
  transport: TransportPlan;
  /** Blocks, window and settle of the scenarios that alternate (runner/sidebyside/windows.ts). */
  windows?: WindowPlan;
  /** Load-generator processes and CPU placement (--loadgen-procs, --server-cpus, --loadgen-cpus); absent: as before. */
  loadgen?: LoadgenPlacement;
  /** --server-procs: each server as several processes in its library's idiom; absent: one process. */
  topology?: TopologyPlan;
}

/** Every scenario parameter, by name (shared names like --connections appear once). */
export function allParams(): Map<string, ParamDef[]> {
  const byName = new Map<string, ParamDef[]>();
  for (const s of allScenarios()) for (const p of s.params) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return byName;
}

function list(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return items;
}

function parseParam(def: ParamDef, raw: string): ParamValue {
  const flag = `--${def.name}`;
  const min = def.min ?? 1;
  if (def.kind === 'bool') return raw !== 'false';
  if (def.kind === 'list') return list(raw, flag)!.map((v) => parseNumber(v, flag, { int: true, min }));
  return parseNumber(raw, flag, { int: def.kind === 'int', min, minExclusive: min === 0 });
}

/** `ws@../other` -> the ws adapter, loaded from ../other/node_modules, named `ws@other`. */
function libraryFromFolder(a: AdapterInfo, entry: string, folder: string): PlannedLibrary {
  const libDir = path.resolve(folder);
  const pkg = path.join(libDir, 'node_modules', a.packageName, 'package.json');
  let version: unknown;
  try {
    version = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: unknown }).version;
  } catch {
    throw new UsageError(
      `--lib ${entry}: no ${a.packageName} in ${path.join(libDir, 'node_modules')} (install one with: npm install --prefix ${folder} ${a.packageName}@<version>)`,
    );
  }
  return {
    ...a,
    name: `${a.name}@${path.basename(libDir)}`,
    libDir,
    libVersion: typeof version === 'string' ? version : 'unknown',
  };
}

function pickLibraries(value: string | undefined): PlannedLibrary[] {
  // Group names (`node`, `all`) stand for their libraries.
  const names = (list(value, '--lib') ?? DEFAULT_LIBRARIES).flatMap((n) =>
    Object.hasOwn(LIBRARY_GROUPS, n) ? LIBRARY_GROUPS[n] : [n],
  );
  const picked = [...new Set(names)].map((given) => {
    const { label, entry } = splitLabel(given);
    return label ? labelled(pickLibrary(entry), label, given) : pickLibrary(entry);
  });
  const seen = new Set<string>();
  for (const l of picked) {
    // Two folders with the same basename would share a row in every report.
    if (seen.has(l.name))
      throw new UsageError(
        `--lib: two entries are both named '${l.name}': name them, e.g. ${l.name.replace(/@.*$/, '')}@base=<folder>,${l.name.replace(/@.*$/, '')}@head=<folder>`,
      );
    seen.add(l.name);
  }
  return picked;
}

/** `ws@head=ws@../head`, `chat@base=../base/adapter`: a row name given to an entry. */
function splitLabel(given: string): { label?: string; entry: string } {
  const m = /^([A-Za-z0-9][\w.-]*(?:@[\w.-]+)?)=(.+)$/.exec(given);
  return m ? { label: m[1], entry: m[2] } : { entry: given };
}

/**
 * The entry under the name it was given: a built-in library keeps its name before the @ (its
 * capabilities are looked up by it), an adapter of your own takes no built-in name.
 */
function labelled(lib: PlannedLibrary, label: string, given: string): PlannedLibrary {
  const base = label.replace(/@.*$/, '');
  const builtIn = !lib.custom && !lib.target;
  const own = lib.name.replace(/@.*$/, '');
  if (builtIn && (base !== own || !label.includes('@')))
    throw new UsageError(
      `--lib ${given}: name a ${own} entry ${own}@<label>, e.g. ${own}@head=${given.slice(label.length + 1)}`,
    );
  if (!builtIn && Object.hasOwn(ADAPTERS, base))
    throw new UsageError(`--lib ${given}: '${base}' is the name of a built-in library: choose another name`);
  return { ...lib, name: label };
}

function pickLibrary(entry: string): PlannedLibrary {
  const at = entry.indexOf('@');
  const name = at > 0 ? entry.slice(0, at) : entry;
  const a = findAdapter(name);
  // `./my-adapter`, `/abs/adapter.js`: an adapter from outside the project (built-in names win).
  // `nope@/tmp` is the name@folder form of an unknown library, not a path.
  if (!a && isPathEntry(at > 0 ? name : entry)) return customLibrary(entry);
  if (!a)
    throw new UsageError(
      `unknown library '${name}' (--lib): choose from ${Object.keys(ADAPTERS).join(', ')}, or a group: ${Object.keys(LIBRARY_GROUPS).join(', ')}`,
    );
  const noRuntime = a.runtime && at < 0 ? runtimeMissing(a.runtime.name) : null;
  if (noRuntime) throw new UsageError(`--lib ${entry}: ${noRuntime}`);
  if (at < 0) return a;
  if (at === entry.length - 1)
    throw new UsageError(`--lib ${entry}: name a folder after the @, e.g. ${name}@../${name}-next`);
  // The runtime's binary is found in this project (or WSBENCH_BUN / WSBENCH_DENO), never in a folder.
  if (a.runtime)
    throw new UsageError(
      `--lib ${entry}: ${name} cannot be loaded from a folder; to run another ${name}, set WSBENCH_${name.toUpperCase()}=<path to its binary>`,
    );
  return libraryFromFolder(a, entry, entry.slice(at + 1));
}

function pickScenarios(value: string | undefined): Scenario[] {
  const names = list(value, '--scenario') ?? DEFAULT_SCENARIOS;
  return [...new Set(names)].map((name) => {
    const s = findScenario(name);
    if (!s) throw new UsageError(`unknown scenario '${name}' (--scenario): choose from ${SCENARIO_NAMES.join(', ')}`);
    return s;
  });
}

/** Fails unless `dir` (or the nearest folder that exists above it) is a writable folder. */
export function checkWritable(dir: string): void {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  const stat = fs.statSync(probe);
  const why = !stat.isDirectory() ? `${probe} is not a folder` : null;
  try {
    if (why) throw new Error(why);
    // Create and remove a folder, not access(W_OK): root passes access() everywhere, and on
    // /proc the results folder's recursive mkdir would then spin forever (a Node bug).
    fs.rmdirSync(fs.mkdtempSync(path.join(probe, '.wsbench-probe-')));
  } catch {
    throw new UsageError(
      `cannot write results to '${dir}' (${why ?? `${probe} is not writable`}): pass --out with a writable folder`,
    );
  }
}

/** --baseline-lib names one of the libraries being run (ws by default, when it is not, is no error). */
function checkBaseline(raw: RawOptions, libraries: PlannedLibrary[]): string {
  const baselineLib = optionValue(raw, 'baselineLib');
  if (!libraries.some((l) => l.name === baselineLib) && raw.baselineLib !== undefined) {
    throw new UsageError(
      `--baseline-lib '${baselineLib}' is not among the libraries being run (${libraries.map((l) => l.name).join(', ')})`,
    );
  }
  return baselineLib;
}

/** --host: loopback, or another address with --allow-remote. */
function checkHost(raw: RawOptions): string {
  const host = optionValue(raw, 'host');
  if (!isLoopback(host) && !raw.allowRemote) {
    throw new UsageError(
      `--host ${host} is not a loopback address: pass --allow-remote to bind and target it on purpose`,
    );
  }
  return host;
}

/** The scenario parameters the user gave, parsed (each by its first declaration). */
function parseParams(raw: Record<string, string | undefined>): Record<string, ParamValue> {
  const defs = allParams();
  const given: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const def = defs.get(name)?.[0];
    if (def) given[name] = parseParam(def, value);
  }
  return given;
}

export function makePlan(raw: RawOptions): RunPlan {
  const quick = raw.quick === true;
  const target = planTarget(raw);
  // With --target alone only the target runs; --lib adds libraries beside it.
  const libraries = [...(target && raw.lib === undefined ? [] : pickLibraries(raw.lib)), ...(target ? [target] : [])];
  // --micro without --scenario: the micro-benchmarks only.
  const scenarios = raw.micro && raw.scenario === undefined ? [] : pickScenarios(raw.scenario);
  const runs = optionValue(raw, 'runs', quick);
  const durationMs = 1000 * optionValue(raw, 'duration', quick);
  const warmupMs = 1000 * optionValue(raw, 'warmup', quick);
  const readyTimeoutMs = 1000 * optionValue(raw, 'readyTimeout');
  const runSlackMs = 1000 * optionValue(raw, 'runTimeout');
  const baselineLib = checkBaseline(raw, libraries);
  const host = checkHost(raw);
  // --quick leaves out the production cases (TLS + compression): the default suite has them.
  const parsed = parseTransport(raw.transport ?? {});
  const transport = quick ? { ...parsed, defaults: false } : parsed;
  const given = parseParams(raw.params);
  // The production cases belong to the default suite: a sweep the user sized is run as given.
  const sized = Object.keys(given).some((k) =>
    allParams()
      .get(k)
      ?.some((d) => d.sizes),
  );
  const planned = scenarios.map((scenario) => {
    const params: Record<string, ParamValue> = {};
    for (const p of scenario.params)
      params[p.name] = given[p.name] ?? (quick && p.quick !== undefined ? p.quick : p.default);
    // A scenario's own window (slow consumers) unless --duration was given.
    const own = raw.duration === undefined ? scenario.window : undefined;
    const windowMs = own ? 1000 * (quick ? own.quickDurationS : own.durationS) : durationMs;
    const options: ScenarioOptions = { params, warmupMs, durationMs: windowMs, quick };
    return {
      scenario,
      options,
      cases: expandCases(
        scenario,
        options,
        scenario.cases(options),
        sized ? { ...transport, defaults: false } : transport,
      ),
    };
  });
  const out = optionValue(raw, 'out');
  checkWritable(out);
  const params: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(given)) params[k] = Array.isArray(v) ? v.join(',') : v;
  const loadgen = planLoadgen(raw);
  const topology = planTopology(raw.serverProcs, target !== undefined);
  return {
    libraries,
    scenarios: planned,
    runs,
    warmupMs,
    durationMs,
    quick,
    outDir: out,
    baselineLib,
    readyTimeoutMs,
    runSlackMs,
    host,
    allowRemote: raw.allowRemote === true,
    params,
    transport,
    windows: windowPlan(
      { quick },
      {
        ...(raw.runs !== undefined ? { runs } : {}),
        ...(raw.duration !== undefined ? { durationMs } : {}),
        ...(raw.warmup !== undefined ? { warmupMs } : {}),
      },
    ),
    ...(loadgen ? { loadgen } : {}),
    ...(topology ? { topology } : {}),
  };
}
