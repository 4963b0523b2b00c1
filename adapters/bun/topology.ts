/** Bun has reusePort (several processes on one port); not wired into --server-procs yet. */
import { notWired } from '../_shared/topology.js';

export const topology = notWired('Bun');
