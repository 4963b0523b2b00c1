/** What wsbench knows about ws without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { NODE_TLS, nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('ws', 'ws'),
  topology,
  capabilities: {
    backpressure: { unsupported: 'ws has no send-side limit: send() queues without bound (bufferedAmount)' },
    binary: true,
    compression: true,
    broadcast: true,
    tls: NODE_TLS,
  },
  protocol: 'raw',
  micro: async () => {
    const [{ wsTasks }, { requireFrom }] = await Promise.all([
      import('./micro.js'),
      import('../../runner/micro/tasks.js'),
    ]);
    return { tasks: wsTasks(requireFrom(['ws'])) };
  },
} satisfies LibraryManifest;
