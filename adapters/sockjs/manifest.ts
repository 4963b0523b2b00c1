/** What wsbench knows about sockjs without loading it: how to run it, what it can do (and why not), its micro-benchmarks. */
import type { LibraryManifest } from '../types.js';
import { topology } from './topology.js';
import { NODE_TLS, nodeEntry } from '../_shared/entry.js';

const SEND_WAIT =
  'sockjs-client waits 25 ms after each completed xhr_send before sending again (BufferedSender#sendScheduleWait): ' +
  "with one message in flight per client, latency is at least that; it is the client library's own pacing, part of what a SockJS client pays";

export const manifest = {
  ...nodeEntry('sockjs', 'sockjs'),
  topology,
  capabilities: {
    backpressure: { unsupported: 'sockjs has no send-side limit' },
    binary: { unsupported: 'SockJS carries text messages only' },
    compression: {
      unsupported:
        "sockjs's faye-websocket layer takes extensions only through faye_server_options.extensions, " +
        'and the permessage-deflate package it needs is not installed',
    },
    broadcast: true,
    tls: NODE_TLS,
    fallback: {
      client: 'sockjs-client',
      transports: { polling: 'xhr-polling', streaming: 'xhr-streaming', websocket: 'websocket' },
      httpNote: SEND_WAIT,
    },
  },
  protocol: 'sockjs',
  conformanceLayer: "SockJS's raw WebSocket endpoint (/echo/websocket), served by faye-websocket",
  micro: async () => ({ tasks: (await import('./micro.js')).sockjsTasks() }),
} satisfies LibraryManifest;
