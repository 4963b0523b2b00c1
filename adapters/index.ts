/**
 * The registry: library name -> adapter. Adding a library is one folder and one line here.
 * Test-only adapters (crashing, hanging, corrupting, stalling servers) live in test/adapters and
 * are reachable only by name from tests; they never appear in default runs, --help or reports.
 */
import type { AdapterInfo, AdapterRuntime } from './types.js';
import { CLUSTER_RELAY, noTopology, SOCKET_IO_CLUSTER, SOCKET_IO_UWS_TOPOLOGY, UWS_TOPOLOGY } from './topologies.js';

function entry(name: string, packageName: string, folder = name): AdapterInfo {
  return { name, packageName, serverModule: `${folder}/server.js`, codecModule: `${folder}/codec.js` };
}

/** A server run by another runtime: its entry is the plain .js file in the adapter's folder. */
function runtimeEntry(name: AdapterRuntime['name'], ready: AdapterRuntime['ready']): AdapterInfo {
  return { ...entry(name, name), runtime: { name, ready, entry: `adapters/${name}/server.js` } };
}

export const ADAPTERS = {
  ws: { ...entry('ws', 'ws'), topology: CLUSTER_RELAY },
  'socket.io': { ...entry('socket.io', 'socket.io'), topology: SOCKET_IO_CLUSTER },
  sockjs: { ...entry('sockjs', 'sockjs'), topology: CLUSTER_RELAY },
  websocket: { ...entry('websocket', 'websocket'), topology: CLUSTER_RELAY },
  uwebsockets: { ...entry('uwebsockets', 'uWebSockets.js'), topology: UWS_TOPOLOGY },
  bun: { ...runtimeEntry('bun', 'ipc'), topology: noTopology('Bun') },
  deno: { ...runtimeEntry('deno', 'stdout'), topology: noTopology('Deno') },
  'socket.io-uws': { ...entry('socket.io-uws', 'socket.io'), topology: SOCKET_IO_UWS_TOPOLOGY },
  'fastify-websocket': { ...entry('fastify-websocket', '@fastify/websocket'), topology: CLUSTER_RELAY },
  'faye-websocket': { ...entry('faye-websocket', 'faye-websocket'), topology: CLUSTER_RELAY },
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
