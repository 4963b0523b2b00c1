/**
 * POST /http-echo bounds its body on every server: a chunked body (no Content-Length) past the
 * shared limit is refused, not read whole or echoed, and the server goes on serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ADAPTERS } from '../adapters/index.js';
import { FAIR_SETTINGS } from '../adapters/types.js';
import { start } from './lib/server.js';

interface Answer {
  status: number | null;
  bytes: number;
  error?: string;
}

/** Streams `total` bytes as a chunked POST; the first of an answer or an error wins. */
function post(port: number, total: number): Promise<Answer> {
  return new Promise((resolve) => {
    let bytes = 0;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/http-echo',
        headers: { 'content-type': 'application/octet-stream' },
      },
      (res) => {
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? null, bytes }));
        res.on('error', () => resolve({ status: res.statusCode ?? null, bytes }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: null, bytes: 0, error: e.code }));
    const chunk = Buffer.alloc(Math.min(total, 256 * 1024), 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

for (const name of Object.keys(ADAPTERS)) {
  test(
    `${name}: a chunked /http-echo body past the limit is refused and the server serves on`,
    { timeout: 60_000 },
    async () => {
      const server = await start(name);
      try {
        const big = await post(server.port, FAIR_SETTINGS.maxPayloadBytes + 1024 * 1024);
        assert.notEqual(
          big.status,
          200,
          `a body past ${FAIR_SETTINGS.maxPayloadBytes} B was answered 200 (${big.bytes} B echoed)`,
        );
        assert.ok(big.status === 413 || big.error !== undefined, `refused: ${JSON.stringify(big)}`);
        const small = await post(server.port, 1000);
        assert.deepEqual([small.status, small.bytes], [200, 1000], 'a small body is still echoed');
      } finally {
        await server.stop();
      }
    },
  );
}
