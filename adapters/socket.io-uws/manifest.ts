/** What wsbench knows about socket.io on uWebSockets.js without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('socket.io-uws', 'socket.io'),
  topology,
  capabilities: {
    backpressure: { knob: "uWS's maxBackpressure through io.attachApp (wsbench sets 64 MiB)" },
    binary: true,
    compression: {
      unsupported:
        "this adapter does not turn on compression in uWS's attachApp yet (not verified with the load generator)",
    },
    broadcast: true,
    tls: { stack: 'uWS.SSLApp (native TLS)' },
  },
  micro: {
    unreachable:
      'see socket.io: the same socket.io-parser and engine.io-parser code; the framing is uWebSockets.js native code',
  },
} satisfies LibraryManifest;
