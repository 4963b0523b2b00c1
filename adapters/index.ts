/**
 * The registry: library name -> adapter. Adding a library is one folder and one line here.
 * Test-only adapters (crashing, hanging, corrupting, stalling servers) live in test/adapters and
 * are reachable only by name from tests; they never appear in default runs, --help or reports.
 */
import type { AdapterInfo, AdapterRuntime } from './types.js';
import { topology as bunTopology } from './bun/topology.js';
import { topology as denoTopology } from './deno/topology.js';
import { topology as fastifyTopology } from './fastify-websocket/topology.js';
import { topology as fayeTopology } from './faye-websocket/topology.js';
import { topology as ioTopology } from './socket.io/topology.js';
import { topology as ioUwsTopology } from './socket.io-uws/topology.js';
import { topology as sockjsTopology } from './sockjs/topology.js';
import { topology as uwsTopology } from './uwebsockets/topology.js';
import { topology as websocketTopology } from './websocket/topology.js';
import { topology as wsTopology } from './ws/topology.js';

function entry(name: string, packageName: string, folder = name): AdapterInfo {
  return { name, packageName, serverModule: `${folder}/server.js`, codecModule: `${folder}/codec.js` };
}

/** A server run by another runtime: its entry is the plain .js file in the adapter's folder. */
function runtimeEntry(name: AdapterRuntime['name'], ready: AdapterRuntime['ready']): AdapterInfo {
  return { ...entry(name, name), runtime: { name, ready, entry: `adapters/${name}/server.js` } };
}

export const ADAPTERS = {
  ws: { ...entry('ws', 'ws'), topology: wsTopology },
  'socket.io': { ...entry('socket.io', 'socket.io'), topology: ioTopology },
  sockjs: { ...entry('sockjs', 'sockjs'), topology: sockjsTopology },
  websocket: { ...entry('websocket', 'websocket'), topology: websocketTopology },
  uwebsockets: { ...entry('uwebsockets', 'uWebSockets.js'), topology: uwsTopology },
  bun: { ...runtimeEntry('bun', 'ipc'), topology: bunTopology },
  deno: { ...runtimeEntry('deno', 'stdout'), topology: denoTopology },
  'socket.io-uws': { ...entry('socket.io-uws', 'socket.io'), topology: ioUwsTopology },
  'fastify-websocket': { ...entry('fastify-websocket', '@fastify/websocket'), topology: fastifyTopology },
  'faye-websocket': { ...entry('faye-websocket', 'faye-websocket'), topology: fayeTopology },
} as const satisfies Record<string, AdapterInfo>;

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

/** Test-only servers, each a misbehaving (or, test-slow, slowed) ws server; served from dist/test/adapters. */
export const TEST_ADAPTERS: Record<string, AdapterInfo> = Object.fromEntries(
  [
    'test-crash',
    'test-hang',
    'test-corrupt',
    'test-stall',
    'test-noready',
    'test-slow',
    'test-delay',
    'test-ratecap',
    'test-fragile',
    'test-lax',
    'test-unbounded',
    'test-closer',
    'test-dropper',
  ].map((name) => [
    name,
    {
      name,
      packageName: 'ws',
      serverModule: `../test/adapters/${name}.js`,
      codecModule: 'ws/codec.js',
      testOnly: true,
    },
  ]),
);
// Servers run by Bun and Deno that never report ready (plain .js, run from test/adapters).
for (const [name, ready] of [
  ['bun', 'ipc'],
  ['deno', 'stdout'],
] as const) {
  TEST_ADAPTERS[`test-noready-${name}`] = {
    ...runtimeEntry(name, ready),
    name: `test-noready-${name}`,
    testOnly: true,
    runtime: { name, ready, entry: `test/adapters/test-noready-${name}.js` },
  };
}

/** Looks a name up among real adapters, then (only when allowed) the test-only ones. */
export function findAdapter(
  name: string,
  allowTest = process.env.WSBENCH_TEST_ADAPTERS === '1',
): AdapterInfo | undefined {
  if (Object.hasOwn(ADAPTERS, name)) return ADAPTERS[name as LibraryName];
  if (allowTest && Object.hasOwn(TEST_ADAPTERS, name)) return TEST_ADAPTERS[name];
  return undefined;
}
