/**
 * socket.io with --server-procs: node:cluster workers, rooms through @socket.io/redis-adapter
 * (Socket.IO's own way; redis-adapter.ts wires it).
 */
import type { AdapterTopology } from '../types.js';

export const topology: AdapterTopology = { idiom: 'node-cluster', bus: 'socket.io-redis-adapter' };
