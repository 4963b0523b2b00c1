/** What wsbench knows about websocket (websocket-node) without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { NODE_TLS, nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('websocket', 'websocket'),
  topology,
  capabilities: {
    backpressure: { unsupported: 'websocket-node has no send-side limit (outputBufferFull is only a signal)' },
    binary: true,
    compression: { unsupported: 'websocket (websocket-node) has no permessage-deflate support' },
    broadcast: true,
    tls: NODE_TLS,
  },
  micro: async () => ({ tasks: (await import('./micro.js')).websocketTasks() }),
} satisfies LibraryManifest;
