/**
 * uWebSockets.js threads need SO_REUSEPORT (all threads on one port) or addChildAppDescriptor (an
 * acceptor app); the pinned build (20.30.0-unofficial) has neither: no addChildAppDescriptor on
 * its App, and a second thread's listen on the same port fails (tried). node:cluster cannot share
 * a uWS listen socket (uWS does not listen through Node's net).
 */
import type { AdapterTopology } from '../types.js';

export const topology: AdapterTopology = {
  idiom: 'none',
  reason:
    'the pinned uWebSockets.js build (20.30.0-unofficial) has no addChildAppDescriptor and no SO_REUSEPORT (a second listen on the port fails), and node:cluster cannot share a uWS listen socket: no multi-process topology',
};
