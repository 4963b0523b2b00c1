/**
 * Test-only servers for the slow-consumers scenario: ws with a broadcast that applies a policy of
 * our own to a member whose ws buffer (bufferedAmount) is past WSBENCH_BACKPRESSURE_LIMIT
 * (default 1 MiB), so the scenario's verdict can be checked against a known behaviour and the
 * server's own count:
 * - `unbounded`: keeps 1 MiB of its own per message for such a member (memory grows fast, until
 *   the runner's cap stops it);
 * - `close`: closes it with 1008 (and counts it);
 * - `drop`: skips the send to it (and counts every message skipped).
 */
import http from 'node:http';
import type { WebSocket } from 'ws';
import type { ServerAdapter } from '../../adapters/types.js';
import { loadLibrary } from '../../adapters/_shared/load-library.js';
import { BACKPRESSURE_LIMIT } from '../../adapters/_shared/backpressure.js';

export type Policy = 'unbounded' | 'close' | 'drop';

const LIMIT = BACKPRESSURE_LIMIT ?? 2 ** 20;
const counts = { dropped: 0, closed: 0 };
const kept: Buffer[] = [];
const room = new Set<WebSocket>();

/** The server's own account: what it dropped, whom it closed, what ws buffers (server-main asks). */
export const probe = () => {
  let bufferedBytes = 0;
  for (const s of room) bufferedBytes += s.bufferedAmount;
  return { ...counts, bufferedBytes };
};

function relay(policy: Policy, peer: WebSocket, data: Buffer, isBinary: boolean): void {
  if (peer.bufferedAmount > LIMIT) {
    if (policy === 'drop') return void counts.dropped++;
    if (policy === 'close') {
      counts.closed++;
      room.delete(peer);
      return peer.close(1008, 'too slow');
    }
    kept.push(Buffer.alloc(2 ** 20, 1));
  }
  peer.send(data, { binary: isBinary });
}

export function policyAdapter(policy: Policy): ServerAdapter {
  return {
    settings: { policy, limit: LIMIT },
    async start({ host, port }) {
      const { WebSocketServer } = loadLibrary<typeof import('ws')>('ws');
      const server = http.createServer();
      const wss = new WebSocketServer({ server, perMessageDeflate: false });
      wss.on('connection', (socket, req) => {
        socket.on('error', () => {});
        if (req.url !== '/broadcast') return void socket.on('message', (d, b) => socket.send(d, { binary: b }));
        room.add(socket);
        socket.on('close', () => room.delete(socket));
        socket.on('message', (data, isBinary) => {
          for (const peer of [...room]) if (peer !== socket) relay(policy, peer, data as Buffer, isBinary);
        });
      });
      await new Promise<void>((resolve) => server.listen(port, host, resolve));
      const a = server.address();
      return {
        port: a && typeof a === 'object' ? a.port : port,
        close: () => new Promise<void>((resolve) => wss.close(() => server.close(() => resolve()))),
      };
    },
  };
}
