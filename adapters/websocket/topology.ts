/** websocket with --server-procs: node:cluster workers, rooms through the shared Redis relay. */
import { CLUSTER_RELAY } from '../_shared/topology.js';

export const topology = CLUSTER_RELAY;
