/** What wsbench knows about @fastify/websocket without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { NODE_TLS, nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('fastify-websocket', '@fastify/websocket'),
  topology,
  capabilities: {
    backpressure: { unsupported: 'ws underneath: no send-side limit' },
    binary: true,
    compression: true,
    broadcast: true,
    tls: NODE_TLS,
  },
  micro: { unreachable: 'see ws: @fastify/websocket hands every frame to ws (the same code, the same figures)' },
} satisfies LibraryManifest;
