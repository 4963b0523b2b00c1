/** What wsbench knows about Deno's own WebSocket server without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { runtimeEntry } from '../_shared/entry.js';

export const manifest = {
  ...runtimeEntry('deno', 'stdout'),
  topology,
  capabilities: {
    backpressure: { unsupported: 'Deno.upgradeWebSocket has no send-side limit option' },
    binary: true,
    compression: { unsupported: 'Deno.upgradeWebSocket offers no permessage-deflate' },
    broadcast: true,
    tls: { stack: "Deno.serve's cert/key (Deno's own TLS)" },
  },
  micro: {
    unreachable:
      'not measured: micro-benchmarks run in Node (tinybench), and Deno frames, masks and validates in Rust with no JS framing API',
  },
} satisfies LibraryManifest;
