/** Cases: the opening handshake, and hostile input (many headers, a slow handshake, a ping flood). */
import { setTimeout as delay } from 'node:timers/promises';
import { frame, upgradeRequest, type Probe } from './probe.js';
import { outcome, type CaseEnv, type ConformanceCase, type Outcome } from './types.js';

/** What came back instead of (or as) an upgrade. */
function answer(p: Probe): string {
  if (p.http)
    return `HTTP ${p.http.status}${p.http.headers['sec-websocket-version'] ? ` with Sec-WebSocket-Version: ${p.http.headers['sec-websocket-version']}` : ''}`;
  return p.closedAt !== null ? `TCP close after ${Math.round(p.closedAt)} ms without an HTTP answer` : 'no answer';
}

async function request(env: CaseEnv, text: string, within = 2000): Promise<Probe> {
  const p = await env.connect();
  await p.send(text);
  await p.until(() => p.http !== null || p.closedAt !== null, within);
  return p;
}

const path = (env: CaseEnv): string => env.codec.path('echo');

const handshakeCases: ConformanceCase[] = [
  {
    id: 'handshake-no-key',
    category: 'handshake',
    title: 'upgrade request without Sec-WebSocket-Key',
    expected: 'HTTP 400',
    async run(env) {
      const p = await request(env, upgradeRequest(env.host, env.port, path(env), { key: null }));
      const s = p.http?.status;
      if (s === 400) return outcome('pass', answer(p));
      if (s === 101) return outcome('fail', 'upgraded without a key');
      if (s && s >= 400) return outcome('non-strict', `${answer(p)} (expected 400)`);
      return outcome(p.closedAt !== null ? 'non-strict' : 'fail', answer(p));
    },
  },
  {
    id: 'handshake-version',
    category: 'handshake',
    title: 'upgrade request with Sec-WebSocket-Version: 99',
    expected: 'HTTP 426 with a Sec-WebSocket-Version header',
    async run(env) {
      const p = await request(env, upgradeRequest(env.host, env.port, path(env), { version: '99' }));
      const s = p.http?.status;
      const header = p.http?.headers['sec-websocket-version'] !== undefined;
      if (s === 101) return outcome('fail', 'upgraded with an unsupported version');
      if (s === 426 && header) return outcome('pass', answer(p));
      if (s && s >= 400 && header) return outcome('non-strict', `${answer(p)} (expected 426)`);
      return outcome('fail', `${answer(p)}: no Sec-WebSocket-Version header naming the versions it speaks`);
    },
  },
  {
    id: 'handshake-plain-get',
    category: 'handshake',
    title: 'plain GET without Upgrade headers on the WebSocket path',
    expected: 'not upgraded',
    async run(env) {
      const p = await request(env, `GET ${path(env)} HTTP/1.1\r\nHost: ${env.host}:${env.port}\r\n\r\n`);
      if (p.http?.status === 101) return outcome('fail', 'upgraded a plain GET');
      return outcome(p.http || p.closedAt !== null ? 'pass' : 'fail', answer(p));
    },
  },
];

const FLOOD_MS = 2000;
const SLOW_MS = 3000;

/** Pings, 125 bytes each, written as fast as the kernel takes them, to a client that never reads. */
async function pingFlood(env: CaseEnv): Promise<Outcome> {
  const p = await env.open();
  p.socket.pause();
  const before = await env.rss();
  const batch = Buffer.concat(Array.from({ length: 256 }, () => frame(9, Buffer.alloc(125, 0x70))));
  let sent = 0;
  const end = Date.now() + FLOOD_MS;
  while (Date.now() < end && p.closedAt === null && !p.socket.destroyed) {
    sent += batch.length;
    if (!p.socket.write(batch)) await Promise.race([new Promise((r) => p.socket.once('drain', r)), delay(50)]);
  }
  const closed = p.closedAt;
  const after = await env.rss();
  const growth = before !== null && after !== null ? (after - before) / 2 ** 20 : null;
  const mem =
    growth === null
      ? 'server RSS not available'
      : `server RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB (${(growth / (FLOOD_MS / 1000)).toFixed(1)} MiB/s)`;
  const conn =
    closed !== null
      ? `connection ended by the server after ${Math.round(closed)} ms${p.error ? ` (${p.error})` : ''}`
      : `still open after ${FLOOD_MS / 1000} s`;
  return outcome(
    'informational',
    `${(sent / 2 ** 20).toFixed(1)} MiB of pings sent, none of the pongs read: ${mem}; ${conn}`,
  );
}

const hostileCases: ConformanceCase[] = [
  {
    id: 'hostile-headers',
    category: 'hostile',
    title: '3,000 headers before the upgrade headers (about 15 KB)',
    expected: 'refused, and the server stays up',
    async run(env) {
      const extra = Array.from({ length: 3000 }, () => 'x:1');
      const p = await request(env, upgradeRequest(env.host, env.port, path(env), { extra }));
      return outcome('informational', p.http?.status === 101 ? 'upgraded' : answer(p));
    },
  },
  {
    id: 'hostile-slow-handshake',
    category: 'hostile',
    title: 'upgrade request sent one byte a second',
    expected: 'closed after a handshake timeout, and the server stays up',
    limitMs: SLOW_MS + 3000,
    async run(env) {
      const p = await env.connect();
      const text = upgradeRequest(env.host, env.port, path(env));
      let i = 0;
      for (; i < SLOW_MS / 1000 && p.closedAt === null; i++) {
        await p.send(text[i]);
        await p.until(() => p.closedAt !== null, 1000);
      }
      if (p.closedAt !== null)
        return outcome(
          'informational',
          `closed the connection after ${(p.closedAt / 1000).toFixed(1)} s (${i} bytes sent)`,
        );
      return outcome(
        'informational',
        `still waiting after ${SLOW_MS / 1000} s and ${i} bytes: no handshake timeout within ${SLOW_MS / 1000} s`,
      );
    },
  },
  {
    id: 'hostile-ping-flood',
    category: 'hostile',
    title: `ping flood for ${FLOOD_MS / 1000} s from a client that never reads`,
    expected: 'bounded memory, and the server stays up',
    limitMs: FLOOD_MS + 8000,
    run: pingFlood,
  },
];

export const HTTP_CASES: ConformanceCase[] = [...handshakeCases, ...hostileCases];
