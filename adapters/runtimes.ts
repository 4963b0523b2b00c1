/** The runtimes other than Node that run a server, by name: each one's launch lives in its folder. */
import type { AdapterRuntime, RuntimeLaunch } from './types.js';
import { runtime as bun } from './bun/runtime.js';
import { runtime as deno } from './deno/runtime.js';

export const RUNTIMES = { bun, deno } as const satisfies Record<AdapterRuntime['name'], RuntimeLaunch>;
