/** What wsbench knows about faye-websocket without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { NODE_TLS, nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('faye-websocket', 'faye-websocket'),
  topology,
  capabilities: {
    backpressure: { unsupported: 'faye-websocket has no send-side limit' },
    binary: true,
    compression: {
      unsupported:
        'faye-websocket takes permessage-deflate only as the permessage-deflate package, which is not installed',
    },
    broadcast: true,
    tls: NODE_TLS,
  },
  micro: { unreachable: 'no micro-benchmark suite for faye-websocket (websocket-driver) yet' },
} satisfies LibraryManifest;
