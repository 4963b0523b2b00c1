/** Topology declarations shared by several libraries (each library's own is in its folder's topology.ts). */
import type { AdapterTopology } from '../types.js';

/** node:cluster workers, rooms through the shared Redis relay (room-bus.ts). */
export const CLUSTER_RELAY: AdapterTopology = { idiom: 'node-cluster', bus: 'redis-relay' };

/** A runtime whose own idiom (reusePort) is not wired into --server-procs yet. */
export function notWired(runtime: string): AdapterTopology {
  return {
    idiom: 'none',
    reason: `${runtime}'s topology (serve with reusePort in several processes) is not wired into --server-procs yet`,
  };
}
