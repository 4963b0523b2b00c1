/** What wsbench knows about socket.io without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { NODE_TLS, nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('socket.io', 'socket.io'),
  topology,
  capabilities: {
    backpressure: { unsupported: "Engine.IO's write buffer has no limit" },
    binary: true,
    compression: true,
    broadcast: true,
    tls: NODE_TLS,
    fallback: { client: 'socket.io-client', transports: { polling: 'polling', websocket: 'websocket' } },
  },
  protocol: 'socket.io',
  conformanceLayer:
    "Engine.IO's websocket transport (/socket.io/?EIO=4&transport=websocket), after the Engine.IO open and Socket.IO connect packets",
  micro: async () => ({ tasks: (await import('./micro.js')).socketIoTasks() }),
} satisfies LibraryManifest;
