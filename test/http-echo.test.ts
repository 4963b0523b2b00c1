/**
 * POST /http-echo, the HTTP side of every server (http-vs-ws scenario): real server processes,
 * real requests. The body must come back byte for byte (all 256 byte values, random binary, a
 * body sent in pieces, an empty body), on a kept-alive connection and on a fresh one; other
 * routes must not echo. Then the two HTTP clients of the load generator: autocannon with our
 * one-request-per-connection hook really opens a connection per request, and the raw fresh
 * request helper returns the body and rejects a wrong route.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { LIBRARY_NAMES } from '../adapters/index.js';
import { HTTP_ECHO_PATH, httpEchoListener } from '../adapters/_shared/http-echo.js';
import { freshConnections } from '../runner/loadgen/http.js';
import { postOnFreshConnection } from '../runner/loadgen/http-request.js';
import type { ServerHandle } from '../runner/process/server-process.js';
import { start } from './lib/server.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));

/** POST `chunks` (each written separately) on `agent`; the status and the body that came back. */
function post(
  port: number,
  chunks: Buffer[],
  agent: http.Agent,
  path = HTTP_ECHO_PATH,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + c.length, 0);
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-length': length } },
      (res) => {
        const got: Buffer[] = [];
        res.on('data', (d: Buffer) => got.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(got) }));
      },
    );
    req.on('error', reject);
    // Pieces leave in separate writes, so servers see a body in more than one chunk.
    const write = (i: number): void => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i], () => setTimeout(() => write(i + 1), 2));
    };
    write(0);
  });
}

for (const name of LIBRARY_NAMES) {
  describe(`${name}: POST ${HTTP_ECHO_PATH}`, () => {
    let server: ServerHandle;
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const fresh = new http.Agent({ keepAlive: false });
    before(async () => {
      server = await start(name);
    });
    after(async () => {
      keepAlive.destroy();
      fresh.destroy();
      await server?.stop();
    });

    test('echoes every body byte for byte, kept-alive and on fresh connections', async () => {
      const bodies: Array<[string, Buffer[]]> = [
        ['all 256 byte values', [ALL_BYTES]],
        ['256 KiB of random binary', [randomBytes(256 * 1024)]],
        ['a body in three pieces', [randomBytes(3000), ALL_BYTES, randomBytes(70_000)]],
        ['invalid UTF-8', [Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x80])]],
        ['an empty body', []],
      ];
      for (const agent of [keepAlive, fresh]) {
        for (const [what, chunks] of bodies) {
          const sent = Buffer.concat(chunks);
          const { status, body } = await post(server.port, chunks, agent);
          assert.equal(status, 200, `${what}: status`);
          assert.ok(body.equals(sent), `${what}: ${body.length} bytes came back for ${sent.length}, or different ones`);
        }
      }
    });

    test('answers other routes without echoing', async () => {
      const res = await post(server.port, [ALL_BYTES], fresh, '/not-the-echo').catch((e: Error) => ({
        status: -1,
        body: Buffer.from(e.message),
      }));
      assert.notEqual(res.status, 200);
      assert.ok(!res.body.equals(ALL_BYTES));
    });

    test('the raw fresh-connection request gets the body back', async () => {
      const body = randomBytes(5000);
      assert.ok(
        (await postOnFreshConnection({ host: '127.0.0.1', port: server.port, path: HTTP_ECHO_PATH, body })).equals(
          body,
        ),
      );
    });
  });
}

describe('load generator HTTP clients', () => {
  let server: http.Server;
  let port = 0;
  let connections = 0;
  before(async () => {
    server = http.createServer(httpEchoListener);
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('autocannon with freshConnections: one TCP connection per counted request', async () => {
    connections = 0;
    const opened = { opened: 0 };
    let responses = 0;
    const body = Buffer.from('0123456789abcdef');
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}${HTTP_ECHO_PATH}`,
        method: 'POST',
        body,
        connections: 2,
        amount: 40,
        expectBody: body.toString(),
        headers: { connection: 'close' },
        setupClient: freshConnections(opened),
      },
      () => {},
    );
    instance.on('response', () => responses++);
    const result = await new Promise<autocannon.Result>((resolve) => instance.on('done', resolve));
    assert.equal(result.mismatches, 0);
    assert.equal(result.errors, 0);
    assert.ok(responses >= 38, `only ${responses} of 40 responses were reported`);
    // Without the hook autocannon keeps each connection alive: 2 connections for 40 requests.
    assert.ok(connections >= responses, `${connections} connections for ${responses} responses`);
    assert.ok(opened.opened >= responses);
  });

  test('the raw fresh-connection request rejects a non-200 answer', async () => {
    await assert.rejects(
      postOnFreshConnection({ host: '127.0.0.1', port, path: '/nope', body: Buffer.from('x') }),
      /404/,
    );
  });
});
