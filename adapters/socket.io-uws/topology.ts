/** socket.io on uWebSockets.js listens through uWS: see adapters/uwebsockets/topology.ts. */
import type { AdapterTopology } from '../types.js';

export const topology: AdapterTopology = {
  idiom: 'none',
  reason:
    'socket.io on uWebSockets.js listens through uWS: the pinned build can share its port neither between threads nor through node:cluster',
};
