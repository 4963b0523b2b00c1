/**
 * Test-only libraries and scenarios, registered from test/ and never in the production
 * registries: misbehaving servers (crashing, hanging, corrupting, stalling, slowed...) and the
 * `test-echo` scenario. The CLI imports this module when WSBENCH_REGISTER names it (startBench
 * sets it, see runner/register.ts); a test that plans in-process imports it directly.
 */
import { fileURLToPath } from 'node:url';
import { registerLibrary } from '../../adapters/index.js';
import { runtimeEntry } from '../../adapters/_shared/entry.js';
import { registerScenario } from '../../scenarios/index.js';
import { testEcho } from '../scenarios/test-echo.js';

/** This module's path, for WSBENCH_REGISTER. */
export const REGISTER_MODULE = fileURLToPath(import.meta.url);

// Misbehaving (or, test-slow, slowed) ws servers, served from dist/test/adapters; ws's codec.
for (const name of [
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
]) {
  registerLibrary({ name, packageName: 'ws', serverModule: `../test/adapters/${name}.js`, codecModule: 'ws/codec.js' });
}
// Servers run by Bun and Deno that never report ready (plain .js, run from test/adapters).
for (const [name, ready] of [
  ['bun', 'ipc'],
  ['deno', 'stdout'],
] as const) {
  registerLibrary({
    ...runtimeEntry(name, ready),
    name: `test-noready-${name}`,
    runtime: { name, ready, entry: `test/adapters/test-noready-${name}.js` },
  });
}

registerScenario(testEcho);
