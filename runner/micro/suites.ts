/** Which micro-benchmark suite each library has (by adapter name), or why it has none. */
import { socketIoTasks } from './socket-io.js';
import { sockjsTasks } from './sockjs.js';
import type { Suite } from './tasks.js';
import { websocketTasks } from './websocket-node.js';
import { wsTasks } from './ws-family.js';
import { requireFrom } from './tasks.js';

const SUITES: Record<string, () => Suite> = {
  ws: () => ({ tasks: wsTasks(requireFrom(['ws'])) }),
  'socket.io': () => ({ tasks: socketIoTasks() }),
  sockjs: () => ({ tasks: sockjsTasks() }),
  websocket: () => ({ tasks: websocketTasks() }),
  uwebsockets: () => ({
    unreachable:
      'not reachable: uWebSockets.js frames, masks and validates in native code (C++) and exposes no JS framing API',
  }),
  // The micro-benchmarks run in Node: a server run by another runtime has no code here to time.
  bun: () => ({
    unreachable:
      'not measured: micro-benchmarks run in Node (tinybench), and Bun frames, masks and validates in native code with no JS framing API',
  }),
  deno: () => ({
    unreachable:
      'not measured: micro-benchmarks run in Node (tinybench), and Deno frames, masks and validates in Rust with no JS framing API',
  }),
  'socket.io-uws': () => ({
    unreachable:
      'see socket.io: the same socket.io-parser and engine.io-parser code; the framing is uWebSockets.js native code',
  }),
  'fastify-websocket': () => ({
    unreachable: 'see ws: @fastify/websocket hands every frame to ws (the same code, the same figures)',
  }),
  'faye-websocket': () => ({ unreachable: 'no micro-benchmark suite for faye-websocket (websocket-driver) yet' }),
};

/** The suite of `library` (`name@folder` uses name's suite, loaded from folder). */
export function suiteFor(library: string): Suite {
  const make = SUITES[library.replace(/@.*$/, '')];
  return make ? make() : { unreachable: `no micro-benchmark suite for ${library}` };
}
