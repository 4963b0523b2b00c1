/** The scenario registry: name -> scenario. A new scenario is one file and one line here. */
import type { Scenario } from './types.js';
import { latency } from './latency.js';
import { throughput } from './throughput.js';
import { rate } from './rate.js';
import { connections } from './connections.js';
import { broadcast } from './broadcast.js';
import { httpVsWs } from './http-vs-ws.js';
import { fallback } from './fallback.js';
import { conformance } from './conformance.js';
import { capacity } from './capacity.js';
import { slowConsumers } from './slow-consumers/index.js';

/** Every scenario; the ones outside DEFAULT_SCENARIOS run only when named with --scenario. */
export const SCENARIOS = {
  latency,
  throughput,
  rate,
  connections,
  broadcast,
  'http-vs-ws': httpVsWs,
  fallback,
  conformance,
  capacity,
  'slow-consumers': slowConsumers,
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
/** What `npm run bench` runs when no --scenario is given. */
export const DEFAULT_SCENARIOS: ScenarioName[] = ['latency', 'throughput', 'rate', 'connections', 'broadcast'];
