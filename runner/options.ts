/**
 * The bench command's options, in one table: it generates the commander definitions (`addOptions`),
 * the parsed type (`RawOptions`), the defaults shown by `--help` and applied by `optionValue`, and
 * the validation of single values (`parse`). Scenario parameters (`--payload`, `--rates`…) are not
 * here: each scenario declares its own (`ParamDef`) and cli.ts adds them after these.
 *
 * To add a flag, add one entry to BENCH_OPTIONS (help lists them in this order):
 *   - the key is the option in camelCase: `serverProcs` is `--server-procs` on the command line
 *     and `raw.serverProcs` in makePlan;
 *   - `arg`: `'<n>'` for a flag that takes a value (a string), `'[on|off]'` for an optional value
 *     (`true` when bare), none for a switch (a boolean); `repeat: true` collects every use;
 *   - `help`: the wording; `default` (and `quick`, the --quick default) are shown as
 *     "(default 3, quick 2)" and returned by `optionValue`; `defaultNote` shows a default that is
 *     not one value (computed elsewhere);
 *   - `parse(raw, flag)`: validates and converts, throwing a UsageError whose one line names the
 *     flag (`number({ int: true, min: 1 })` for counts, `seconds()` for durations);
 *   - `group: 'transport'` puts it in `raw.transport` (read by parseTransport); `hidden` keeps it
 *     out of --help.
 * Then read it where it matters: `optionValue(raw, 'serverProcs', quick)` (parsed, or its default).
 * A new subcommand declares its own table of the same shape and calls `addOptions` and
 * `collectOptions` on it.
 */
import { Option, type Command } from 'commander';
import { DEFAULT_BASELINE, LIBRARY_GROUPS, LIBRARY_NAMES } from '../adapters/index.js';
import { UsageError } from './errors.js';
import { DEFAULT_THRESHOLD } from './compare/compare.js';
import { EXPORTERS } from './export/index.js';

export interface OptionDef {
  readonly arg?: string;
  readonly help: string;
  readonly default?: string | number;
  readonly quick?: string | number;
  readonly defaultNote?: string;
  readonly parse?: (raw: string, flag: string) => string | number;
  readonly repeat?: true;
  readonly hidden?: true;
  readonly group?: 'transport';
}

const SIZE = /^(-?\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib)?$/i;

/** A number, allowing size suffixes (16KiB, 1m) for byte counts. */
export function parseNumber(
  raw: string,
  flag: string,
  opts: { int?: boolean; min?: number; minExclusive?: boolean } = {},
): number {
  const m = SIZE.exec(raw.trim());
  const unit = m?.[2]?.toLowerCase() ?? '';
  const n = m ? Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1) : Number.NaN;
  const bound = opts.min ?? 0;
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got '${raw}'`);
  if (opts.int && !Number.isInteger(n)) throw new UsageError(`${flag} must be a whole number, got '${raw}'`);
  if (opts.minExclusive ? n <= bound : n < bound) {
    throw new UsageError(`${flag} must be ${opts.minExclusive ? 'greater than' : 'at least'} ${bound}, got '${raw}'`);
  }
  return n;
}

/** A `parse` for numbers: `number({ int: true, min: 1 })`. */
const number =
  (opts: { int?: boolean; min?: number; minExclusive?: boolean }) =>
  (raw: string, flag: string): number =>
    parseNumber(raw, flag, opts);
/** A `parse` for seconds: greater than 0 (or at least 0 with `{ zero: true }`). */
const seconds = (o: { zero?: boolean } = {}) => number(o.zero ? { min: 0 } : { min: 0, minExclusive: true });

export const BENCH_OPTIONS = {
  lib: {
    arg: '<names>',
    help: `libraries, comma separated (${LIBRARY_NAMES.join(', ')}), or a group (${Object.keys(LIBRARY_GROUPS).join(', ')}; default: node, the original five); name@<folder> loads it from <folder>/node_modules; a path loads your own adapter; <name>@<label>=<entry> names a row (ws@aa=ws: a second copy of ws, for same-code noise)`,
  },
  scenario: { arg: '<names>', help: 'scenarios, comma separated (default: all; see below)' },
  quick: {
    help: 'a short suite (about 3 min): 6 blocks side by side, 1 run elsewhere, 0.5 s warm-up, 1 s windows, smaller sweeps, no production cases',
  },
  runs: {
    arg: '<n>',
    help: 'repetitions of every measurement, libraries interleaved (side by side: blocks of windows, 10, quick 6)',
    default: 3,
    quick: 1,
    parse: number({ int: true, min: 1 }),
  },
  duration: {
    arg: '<s>',
    help: 'measured window per run, in seconds (side by side: each window; slow-consumers: 30, quick 10; connections: its idle hold, 1)',
    default: 3,
    quick: 1,
    parse: seconds(),
  },
  warmup: {
    arg: '<s>',
    help: 'warm-up per run, measured and discarded, in seconds',
    default: 2,
    quick: 0.5,
    parse: seconds({ zero: true }),
  },
  out: { arg: '<dir>', help: 'results folder', default: 'results' },
  baselineLib: { arg: '<name>', help: 'library the relative column compares against', default: DEFAULT_BASELINE },
  readyTimeout: { arg: '<s>', help: 'seconds a server may take to start', default: 10, parse: seconds() },
  frames: {
    arg: '<types>',
    help: 'frame type of the messages: text (UTF-8 JSON-like, the default) or binary; text,binary gives both as cases',
    group: 'transport',
  },
  tls: {
    arg: '[on|off]',
    help: 'over TLS (wss://, https://); --tls off,on gives both as cases, side by side',
    defaultNote: 'off',
    group: 'transport',
  },
  compression: {
    arg: '[on|off]',
    help: 'permessage-deflate where the library supports it; off,on gives both as cases',
    defaultNote: 'off',
    group: 'transport',
  },
  deflateOffer: {
    arg: '<offer>',
    help: 'with --compression: what the client offers: browser (permessage-deflate; client_max_window_bits, context kept on both sides), no-context-takeover, or a header value',
    defaultNote: 'browser',
    group: 'transport',
  },
  messages: {
    arg: '<sets>',
    help: 'latency, throughput and rate send these messages: a file (one per line, .jsonl lines JSON, base64:<data> binary) or a built-in set, chat or words; a list gives each as a case',
    group: 'transport',
  },
  messagesOrder: {
    arg: '<order>',
    help: 'with --messages: order (each connection from its own offset) or sample',
    defaultNote: 'order',
    group: 'transport',
  },
  tlsCert: {
    arg: '<file>',
    help: 'with --tls: your own PEM certificate (default: a throwaway self-signed ECDSA P-256 one per bench)',
    group: 'transport',
  },
  tlsKey: { arg: '<file>', help: 'with --tls-cert: its PEM private key', group: 'transport' },
  tlsResume: {
    help: 'with --tls: resume TLS sessions after the first connection (default: every handshake is full)',
    group: 'transport',
  },
  json: { help: 'print report.json to stdout instead of the table' },
  micro: {
    help: "micro-benchmarks (tinybench) of each library's framing, masking, UTF-8 and packet code; without --scenario, only those",
  },
  export: {
    arg: '<format=file>',
    help: `also write a CI export: ${Object.keys(EXPORTERS).join(', ')} (repeatable)`,
    repeat: true,
  },
  compare: {
    arg: '<baseline>',
    help: 'then compare with a baseline report.json (or results folder); exit 1 on a regression',
  },
  threshold: {
    arg: '<pct>',
    help: 'with --compare: smallest change, in percent, that may be called',
    defaultNote: String(DEFAULT_THRESHOLD * 100),
  },
  target: {
    arg: '<url>',
    help: 'benchmark a running server at ws://host:port/path instead of starting one (loopback unless --allow-remote)',
  },
  protocol: {
    arg: '<name>',
    help: 'with --target: its wire protocol, raw, socket.io or sockjs',
    default: 'raw',
  },
  serverPid: { arg: '<pid>', help: "with --target: the server's process id, for its CPU and memory columns" },
  targetBroadcast: {
    arg: '<path>',
    help: 'with --target: request path of its broadcast endpoint (else broadcast is skipped)',
  },
  allowRemote: { help: 'allow a non-loopback --target (or --host)' },
  loadgenProcs: {
    arg: '<n>',
    help: 'load-generator processes per run, connections split among them',
    defaultNote: '1',
  },
  serverCpus: { arg: '<list>', help: 'CPUs the server is pinned to, e.g. 0 or 0-3', defaultNote: '0' },
  loadgenCpus: {
    arg: '<list>',
    help: 'CPUs for the load-generator processes, one each, round robin',
    defaultNote: '1',
  },
  serverProcs: {
    arg: '<n>',
    help: "each server as n processes in its library's idiom, rooms through a Redis the runner starts (docs/TOPOLOGY.md)",
    defaultNote: 'one process, no Redis',
  },
  host: {
    arg: '<addr>',
    help: 'address servers bind and the load generator targets',
    default: '127.0.0.1',
    hidden: true,
  },
  runTimeout: {
    arg: '<s>',
    help: 'seconds a run may overrun warm-up + duration before it is errored as hung',
    default: 30,
    parse: seconds(),
    hidden: true,
  },
} as const satisfies Record<string, OptionDef>;

/** What commander gives for an entry: a string, a boolean (switch), both (optional value), or a list. */
type RawValue<D> = D extends { repeat: true }
  ? string[]
  : D extends { arg: `<${string}>` }
    ? string
    : D extends { arg: `[${string}]` }
      ? string | boolean
      : boolean;
type KeysOf<T, G> = { [K in keyof T]: T[K] extends { group: G } ? K : never }[keyof T];
type Ungrouped<T> = { [K in keyof T]: T[K] extends { group: string } ? never : K }[keyof T];

/** The options of a table as typed: every one optional (absent when not given). */
export type ParsedOptions<T> = { -readonly [K in Ungrouped<T>]?: RawValue<T[K]> };
type Bench = typeof BENCH_OPTIONS;
/** --frames, --tls, --compression, --deflate-offer, --messages and the TLS files, as typed. */
export type RawTransport = { -readonly [K in KeysOf<Bench, 'transport'>]?: RawValue<Bench[K]> };
export type RawOptions = ParsedOptions<Bench> & {
  /** Scenario parameters by name, as typed. */
  params: Record<string, string | undefined>;
  transport?: RawTransport;
};

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function describe(def: OptionDef): string {
  const quick = def.quick !== undefined ? `, quick ${def.quick}` : '';
  if (def.default !== undefined) return `${def.help} (default ${def.default}${quick})`;
  return def.defaultNote !== undefined ? `${def.help} (default ${def.defaultNote})` : def.help;
}

/** Adds every entry of a table to a command, in table order. */
export function addOptions(cmd: Command, table: Record<string, OptionDef>): Command {
  for (const [key, def] of Object.entries(table)) {
    const option = new Option(`--${kebab(key)}${def.arg ? ` ${def.arg}` : ''}`, describe(def));
    if (def.repeat) option.argParser((v: string, p: string[] = []) => [...p, v]).default([]);
    if (def.hidden) option.hideHelp();
    cmd.addOption(option);
  }
  return cmd;
}

/** Commander's values -> the parsed type: switches are booleans, grouped entries nest. */
export function collectOptions(
  opts: Record<string, unknown>,
  table: Record<string, OptionDef>,
): Record<string, unknown> & { transport: Record<string, unknown> } {
  const out: Record<string, unknown> & { transport: Record<string, unknown> } = { transport: {} };
  for (const [key, def] of Object.entries(table)) {
    const value = def.arg === undefined ? opts[key] === true : opts[key];
    if (def.group) out[def.group][key] = value;
    else out[key] = value;
  }
  return out;
}

type WithDefault = { [K in keyof Bench]: Bench[K] extends { default: unknown } ? K : never }[keyof Bench];
type DefaultOf<K extends WithDefault> = Bench[K] extends { default: infer V }
  ? V extends number
    ? number
    : string
  : never;

/** An option's value: parsed as given, else its default (the --quick one under --quick). */
export function optionValue<K extends WithDefault>(raw: ParsedOptions<Bench>, key: K, quick = false): DefaultOf<K> {
  const def: OptionDef = BENCH_OPTIONS[key];
  const given = raw[key as keyof ParsedOptions<Bench>];
  if (typeof given === 'string') return (def.parse ? def.parse(given, `--${kebab(key)}`) : given) as DefaultOf<K>;
  return (quick && def.quick !== undefined ? def.quick : def.default) as DefaultOf<K>;
}
