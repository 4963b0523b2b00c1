/**
 * What each library does with several cores (--server-procs; runner/topology runs it). Each
 * library's own choice is named in adapters/index.ts; the reasons for the ones that have none here
 * are measured facts about the pinned builds.
 */
import type { AdapterTopology } from './types.js';

/** node:cluster workers, rooms through the shared Redis relay (adapters/_shared/room-bus.ts). */
export const CLUSTER_RELAY: AdapterTopology = { idiom: 'node-cluster', bus: 'redis-relay' };

/** node:cluster workers, rooms through @socket.io/redis-adapter (Socket.IO's own way). */
export const SOCKET_IO_CLUSTER: AdapterTopology = { idiom: 'node-cluster', bus: 'socket.io-redis-adapter' };

/**
 * uWebSockets.js threads need SO_REUSEPORT (all threads on one port) or addChildAppDescriptor (an
 * acceptor app); the pinned build (20.30.0-unofficial) has neither: no addChildAppDescriptor on
 * its App, and a second thread's listen on the same port fails. node:cluster cannot share a uWS
 * listen socket (uWS does not listen through Node's net).
 */
export const UWS_TOPOLOGY: AdapterTopology = {
  idiom: 'none',
  reason:
    'the pinned uWebSockets.js build (20.30.0-unofficial) has no addChildAppDescriptor and no SO_REUSEPORT (a second listen on the port fails), and node:cluster cannot share a uWS listen socket: no multi-process topology',
};

export const SOCKET_IO_UWS_TOPOLOGY: AdapterTopology = {
  idiom: 'none',
  reason:
    'socket.io on uWebSockets.js listens through uWS: the pinned build can share its port neither between threads nor through node:cluster',
};

/** Bun and Deno have reusePort; not wired here yet. */
export function noTopology(runtime: string): AdapterTopology {
  return {
    idiom: 'none',
    reason: `${runtime}'s topology (serve with reusePort in several processes) is not wired into --server-procs yet`,
  };
}
