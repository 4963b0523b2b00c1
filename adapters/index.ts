/**
 * The registry: library name -> adapter. Adding a library is one folder and one line here.
 * Test-only adapters (crashing, hanging, corrupting, stalling servers) live in test/adapters and
 * are reachable only by name from tests; they never appear in default runs, --help or reports.
 */
import type { AdapterInfo } from './types.js';

function entry(name: string, packageName: string, folder = name): AdapterInfo {
  return { name, packageName, serverModule: `${folder}/server.js`, codecModule: `${folder}/codec.js` };
}

export const ADAPTERS = {
  ws: entry('ws', 'ws'),
  'socket.io': entry('socket.io', 'socket.io'),
  sockjs: entry('sockjs', 'sockjs'),
  websocket: entry('websocket', 'websocket'),
  uwebsockets: entry('uwebsockets', 'uWebSockets.js'),
} as const satisfies Record<string, AdapterInfo>;

export type LibraryName = keyof typeof ADAPTERS;
export const LIBRARY_NAMES = Object.keys(ADAPTERS) as LibraryName[];

/** Test-only servers, each a misbehaving ws server; served from dist/test/adapters. */
export const TEST_ADAPTERS: Record<string, AdapterInfo> = Object.fromEntries(
  ['test-crash', 'test-hang', 'test-corrupt', 'test-stall', 'test-noready', 'test-fragile', 'test-lax'].map((name) => [
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

/** Looks a name up among real adapters, then (only when allowed) the test-only ones. */
export function findAdapter(name: string, allowTest = process.env.WSBENCH_TEST_ADAPTERS === '1'): AdapterInfo | undefined {
  if (Object.hasOwn(ADAPTERS, name)) return ADAPTERS[name as LibraryName];
  if (allowTest && Object.hasOwn(TEST_ADAPTERS, name)) return TEST_ADAPTERS[name];
  return undefined;
}
