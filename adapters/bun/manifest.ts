/** What wsbench knows about Bun's own WebSocket server without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { runtimeEntry } from '../_shared/entry.js';

export const manifest = {
  ...runtimeEntry('bun', 'ipc'),
  topology,
  capabilities: {
    backpressure: {
      knob: 'backpressureLimit (wsbench sets 64 MiB, closeOnBackpressureLimit true; Bun default 16 MiB)',
    },
    binary: true,
    compression: {
      unsupported:
        "this adapter does not turn on Bun's perMessageDeflate yet (its negotiation with the load generator is not verified)",
    },
    broadcast: true,
    tls: { stack: "Bun.serve's tls (Bun's own TLS)" },
  },
  // The micro-benchmarks run in Node: a server run by another runtime has no code here to time.
  micro: {
    unreachable:
      'not measured: micro-benchmarks run in Node (tinybench), and Bun frames, masks and validates in native code with no JS framing API',
  },
} satisfies LibraryManifest;
