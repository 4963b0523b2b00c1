/**
 * What a custom adapter's manifest declares, checked against its server: the manifest's shape,
 * then (in the check process, with WSBENCH_COMPRESSION / WSBENCH_TLS_CERT+KEY set as a run would
 * set them) one WebSocket upgrade that must complete over TLS and negotiate permessage-deflate
 * when the manifest says the server does. Each problem is one line naming the capability.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Capabilities } from '../adapters/types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function capabilityProblem(name: string, v: unknown): string | null {
  if (v === true) return null;
  if (isObject(v) && typeof v.unsupported === 'string' && v.unsupported) return null;
  return `its manifest.capabilities.${name} must be true or { unsupported: '<why not>' }`;
}

/** What a `manifest` export lacks, or null when it has the shape (see CustomManifest). */
export function manifestProblem(manifest: unknown): string | null {
  if (!isObject(manifest) || !isObject(manifest.capabilities))
    return "its 'manifest' export has no capabilities object (export const manifest = { capabilities: { ... } })";
  const c = manifest.capabilities;
  for (const name of ['binary', 'compression', 'broadcast']) {
    const bad = capabilityProblem(name, c[name]);
    if (bad) return bad;
  }
  const t = c.tls;
  if (
    !isObject(t) ||
    !((typeof t.stack === 'string' && t.stack) || (typeof t.unsupported === 'string' && t.unsupported))
  )
    return "its manifest.capabilities.tls must be { stack: '<how it serves TLS>' } or { unsupported: '<why not>' }";
  return null;
}

/** Whether the declared capabilities need the server started to be checked (compression, TLS). */
export function needsProbe(c: Capabilities): boolean {
  return c.compression === true || 'stack' in c.tls;
}

/** The status line and headers of one upgrade of `path`, over TLS and offering permessage-deflate as asked. */
function upgrade(
  port: number,
  path: string,
  o: { tls: boolean; compression: boolean },
): Promise<{ status: number; extensions: string }> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = o.tls
      ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5000);
    let head = '';
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      const key = crypto.randomBytes(16).toString('base64');
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
          (o.compression ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : '') +
          '\r\n',
      );
    });
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      const lines = head.slice(0, end).split('\r\n');
      const ext = lines.find((l) => /^sec-websocket-extensions:/i.test(l));
      resolve({
        status: Number(lines[0].split(' ')[1]),
        extensions: ext ? ext.slice(ext.indexOf(':') + 1).trim() : '',
      });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('close', () => reject(new Error('the connection closed before the upgrade answer')));
  });
}

/**
 * Checks the declared TLS and compression against a server listening on `port` (started with
 * the environment a TLS, compressed run gets): null, or the one-line problem naming the capability.
 */
export async function probeDeclared(port: number, path: string, c: Capabilities): Promise<string | null> {
  const overTls = 'stack' in c.tls;
  const compression = c.compression === true;
  let answer: { status: number; extensions: string };
  try {
    answer = await upgrade(port, path, { tls: overTls, compression });
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    return overTls
      ? `its manifest declares TLS (capabilities.tls.stack) but its server, given WSBENCH_TLS_CERT and WSBENCH_TLS_KEY, did not answer a TLS upgrade: ${why}`
      : `its server did not answer a WebSocket upgrade of ${path}: ${why}`;
  }
  if (answer.status !== 101) return `its server answered the upgrade of ${path} with HTTP ${answer.status}, not 101`;
  if (compression && !/permessage-deflate/i.test(answer.extensions))
    return 'its manifest declares compression (capabilities.compression: true) but its server, given WSBENCH_COMPRESSION=1, did not negotiate permessage-deflate: serve it, or declare { unsupported: ... }';
  return null;
}
