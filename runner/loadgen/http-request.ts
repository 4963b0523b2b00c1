/**
 * One HTTP/1.1 request on a new TCP connection, with a raw net.Socket like our WebSocket client
 * (so the handshake case compares the two protocols, not two client stacks): connect, POST the
 * body with `Connection: close`, read the status, headers and a Content-Length body, close.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsJobOptions } from './jobs.js';
import { tlsConnectOptions } from './tls-socket.js';
import { CodedError as ClientError, passCode } from '../errors.js';

export interface FreshRequest {
  host: string;
  port: number;
  path: string;
  body: Buffer;
  timeoutMs?: number;
  /** Over TLS (https://), trusted as the WebSocket connections are. */
  tls?: TlsJobOptions;
}

/** Resolves with the response body once it is complete; rejects on a non-200 or a bad response. */
export function postOnFreshConnection(r: FreshRequest): Promise<Buffer> {
  const head = Buffer.from(
    `POST ${r.path} HTTP/1.1\r\nHost: ${r.host}:${r.port}\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Length: ${r.body.length}\r\nConnection: close\r\n\r\n`,
    'latin1',
  );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let bodyStart = -1;
    let length = -1;
    const t = r.tls;
    const socket = t
      ? tls.connect({ host: r.host, port: r.port, ...tlsConnectOptions(t) }).setNoDelay(true)
      : net.connect({ host: r.host, port: r.port, noDelay: true });
    let settled = false;
    const finish = (err: ClientError | null, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.destroy();
      if (err) reject(err);
      else resolve(body!);
    };
    const timer = setTimeout(
      () => finish(new ClientError('ETIMEOUT', `no HTTP response within ${r.timeoutMs ?? 10_000} ms`)),
      r.timeoutMs ?? 10_000,
    );
    socket.on(t ? 'secureConnect' : 'connect', () => socket.write(Buffer.concat([head, r.body])));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      finish(new ClientError(passCode(e.code, 'ECONNECT'), `HTTP request failed: ${e.message}`)),
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (bodyStart < 0) {
        const all = Buffer.concat(chunks);
        const end = all.indexOf('\r\n\r\n');
        if (end < 0) return;
        const header = all.subarray(0, end).toString('latin1');
        if (!/^HTTP\/1\.[01] 200 /.test(header))
          return finish(new ClientError('EHTTP', `HTTP response: ${header.split('\r\n')[0]}`));
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(header);
        if (!m) return finish(new ClientError('EHTTP', 'HTTP response without Content-Length'));
        length = Number(m[1]);
        bodyStart = end + 4;
        chunks.splice(0, chunks.length, all);
      }
      if (received - bodyStart >= length) finish(null, Buffer.concat(chunks).subarray(bodyStart, bodyStart + length));
    });
    socket.on('end', () =>
      finish(new ClientError('EHTTP', 'the server closed the connection before the response was complete')),
    );
  });
}
