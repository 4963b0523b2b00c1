/**
 * The scenario registry: name -> scenario. A new scenario is one file (or folder) and one line
 * here; the runner and the reporters read everything else from the scenario's declaration.
 * Scenarios of tests are registered at run time (registerScenario, see runner/register.ts) and
 * never appear in this table.
 */
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
/** What a distributed run (wsbench k8s / worker) measures when no --scenario is given. */
export const DEFAULT_SHARD_SCENARIO: ScenarioName = 'throughput';
export const DEFAULT_SCENARIOS: ScenarioName[] = ['latency', 'throughput', 'rate', 'connections', 'broadcast'];

/** Scenarios registered at run time (tests): never in the default suite. */
const registered = new Map<string, Scenario>();

/** Adds a scenario (from a WSBENCH_REGISTER module): it runs when named with --scenario. */
export function registerScenario(s: Scenario): void {
  if (Object.hasOwn(SCENARIOS, s.name) || registered.has(s.name))
    throw new Error(`registerScenario: a scenario named '${s.name}' exists already`);
  registered.set(s.name, s);
}

/** A scenario by name: a built-in one, else a registered one. */
export function findScenario(name: string): Scenario | undefined {
  if (Object.hasOwn(SCENARIOS, name)) return SCENARIOS[name as ScenarioName];
  return registered.get(name);
}

/** Every scenario: the built-in ones, then the registered ones. */
export function allScenarios(): Scenario[] {
  return [...SCENARIO_NAMES.map((n) => findScenario(n)!), ...registered.values()];
}
