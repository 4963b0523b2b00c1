/** ws with --server-procs: node:cluster workers (ws's maintainers point to a proxy or cluster for several cores), rooms through the shared Redis relay. */
import { CLUSTER_RELAY } from '../_shared/topology.js';

export const topology = CLUSTER_RELAY;
