/**
 * The registry: library name -> its manifest (adapters/<name>/manifest.ts). Adding a library is
 * one folder and one line here; the registry's type rejects an entry that is not a complete
 * manifest, or whose key is not its manifest's name. Libraries of tests (crashing, hanging,
 * corrupting servers...) are registered at run time from test/ (registerLibrary, see
 * runner/register.ts): they never appear in this table, default runs, --help or reports.
 */
import type { AdapterInfo, Capabilities, LibraryManifest } from './types.js';
import { manifest as ws } from './ws/manifest.js';
import { manifest as socketIo } from './socket.io/manifest.js';
import { manifest as sockjs } from './sockjs/manifest.js';
import { manifest as websocket } from './websocket/manifest.js';
import { manifest as uwebsockets } from './uwebsockets/manifest.js';
import { manifest as bun } from './bun/manifest.js';
import { manifest as deno } from './deno/manifest.js';
import { manifest as socketIoUws } from './socket.io-uws/manifest.js';
import { manifest as fastifyWebsocket } from './fastify-websocket/manifest.js';
import { manifest as fayeWebsocket } from './faye-websocket/manifest.js';

/** Checks, at compile time, that every entry is a manifest named as its key (test/registry.test.ts proves it). */
export function registry<T extends { [K in keyof T]: LibraryManifest & { name: K } }>(entries: T): T {
  return entries;
}

export const ADAPTERS = registry({
  ws,
  'socket.io': socketIo,
  sockjs,
  websocket,
  uwebsockets,
  bun,
  deno,
  'socket.io-uws': socketIoUws,
  'fastify-websocket': fastifyWebsocket,
  'faye-websocket': fayeWebsocket,
});

export type LibraryName = keyof typeof ADAPTERS;
/** Every library (the adapter contract test covers them all). */
export const LIBRARY_NAMES = Object.keys(ADAPTERS) as LibraryName[];

/**
 * `--lib` groups. The default stays the original five Node libraries: all ten do not fit the
 * default suite in 15 minutes.
 */
export const LIBRARY_GROUPS: Record<string, LibraryName[]> = {
  node: ['ws', 'socket.io', 'sockjs', 'websocket', 'uwebsockets'],
  all: LIBRARY_NAMES,
};
export const DEFAULT_LIBRARIES = LIBRARY_GROUPS.node;
/** The library others are compared with unless --baseline-lib says otherwise. */
export const DEFAULT_BASELINE: LibraryName = 'ws';

/** Libraries registered at run time (tests): reachable only by name. */
const registered = new Map<string, AdapterInfo>();

/** Adds a library (from a WSBENCH_REGISTER module), marked test-only: it runs only when named. */
export function registerLibrary(info: AdapterInfo): void {
  if (Object.hasOwn(ADAPTERS, info.name) || registered.has(info.name))
    throw new Error(`registerLibrary: a library named '${info.name}' exists already`);
  registered.set(info.name, { ...info, testOnly: true });
}

/** Looks a name up among the built-in libraries, then the registered ones. */
export function findAdapter(name: string): AdapterInfo | undefined {
  if (Object.hasOwn(ADAPTERS, name)) return ADAPTERS[name as LibraryName];
  return registered.get(name);
}

/** The manifest of a built-in library (`name@folder`: the library `name`), or undefined. */
export function manifestOf(library: string): LibraryManifest | undefined {
  const base = library.replace(/@.*$/, '');
  return Object.hasOwn(ADAPTERS, base) ? ADAPTERS[base as LibraryName] : undefined;
}

/** The capabilities of a library: a custom or registered entry's own, else its manifest's. */
export function capabilitiesOf(lib: string | AdapterInfo): Capabilities | undefined {
  if (typeof lib !== 'string' && lib.capabilities) return lib.capabilities;
  return manifestOf(typeof lib === 'string' ? lib : lib.name)?.capabilities;
}
