/** What wsbench knows about uWebSockets.js without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { nodeEntry } from '../_shared/entry.js';

export const manifest = {
  ...nodeEntry('uwebsockets', 'uWebSockets.js'),
  topology,
  capabilities: {
    backpressure: { knob: 'maxBackpressure (wsbench sets 64 MiB; uWS default 64 KiB)' },
    binary: true,
    compression: true,
    broadcast: true,
    tls: { stack: 'uWS.SSLApp (native TLS)' },
  },
  micro: {
    unreachable:
      'not reachable: uWebSockets.js frames, masks and validates in native code (C++) and exposes no JS framing API',
  },
} satisfies LibraryManifest;
