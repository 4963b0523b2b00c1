/** The scenario registry: name -> scenario. A new scenario is one file and one line here. */
import type { Scenario } from './types.js';
import { latency } from './latency.js';
import { throughput } from './throughput.js';
import { rate } from './rate.js';
import { connections } from './connections.js';
import { broadcast } from './broadcast.js';

export const SCENARIOS = { latency, throughput, rate, connections, broadcast } as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
/** What `npm run bench` runs when no --scenario is given. */
export const DEFAULT_SCENARIOS: ScenarioName[] = ['latency', 'throughput', 'rate', 'connections', 'broadcast'];
