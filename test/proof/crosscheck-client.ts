/**
 * An independent client for the cross-check (crosscheck.ts): the `ws` library's own WebSocket
 * client (for raw WebSocket servers) or socket.io-client over its websocket transport, with
 * permessage-deflate as browsers offer it, sending the same messages wsbench would send, closed
 * loop (each connection keeps `inflight` messages out), every echo compared with what was sent.
 * Prints one JSON line: messages echoed in the measured window, and its length.
 * Usage: node crosscheck-client.js <json: {protocol, url, connections, inflight, source, warmupMs, durationMs}>
 */
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import { loadCorpus } from '../../runner/loadgen/corpus.js';

interface Args {
  protocol: 'raw' | 'socket.io';
  url: string;
  connections: number;
  inflight: number;
  source: string;
  warmupMs: number;
  durationMs: number;
}

const args = JSON.parse(process.argv[2]) as Args;
const corpus = loadCorpus(args.source).messages.map((m) => m.toString());
let counting = false;
let counted = 0;

/** One connection's closed loop: message k is corpus[(k + index) % n], as wsbench picks it. */
function loop(index: number, send: (m: string) => void): (got: string) => void {
  let next = 0;
  let expected = 0;
  const pick = (k: number): string => corpus[(k + index) % corpus.length];
  for (let i = 0; i < args.inflight; i++) send(pick(next++));
  return (got) => {
    if (got !== pick(expected++))
      throw new Error(`connection ${index}: echo ${expected - 1} differs from the message sent`);
    if (counting) counted++;
    send(pick(next++));
  };
}

function openRaw(index: number): Promise<void> {
  // threshold 0: every message compressed (ws skips messages under 1 KiB by default); ws offers
  // client_max_window_bits by default, as browsers do.
  const ws = new WebSocket(args.url, { perMessageDeflate: { threshold: 0 } });
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => {
      const onEcho = loop(index, (m) => ws.send(m));
      ws.on('message', (d) => onEcho(d.toString()));
      resolve();
    });
  });
}

function openSocketIo(index: number): Promise<void> {
  const s: Socket = io(args.url, {
    transports: ['websocket'],
    forceNew: true,
    perMessageDeflate: { threshold: 0 },
  } as never);
  return new Promise((resolve, reject) => {
    s.on('connect_error', reject);
    s.on('connect', () => {
      const onEcho = loop(index, (m) => s.emit('echo', m));
      s.on('echo', (m: string) => onEcho(m));
      resolve();
    });
  });
}

const open = args.protocol === 'socket.io' ? openSocketIo : openRaw;
await Promise.all(Array.from({ length: args.connections }, (_, i) => open(i)));
await new Promise((r) => setTimeout(r, args.warmupMs));
process.stdout.write(`${JSON.stringify({ phase: 'measure' })}\n`);
counting = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, args.durationMs));
counting = false;
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ phase: 'done', messages: counted, ms })}\n`);
process.exit(0);
