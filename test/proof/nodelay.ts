/**
 * Is Nagle's algorithm off on both ends, over plain TCP and over TLS (issue 21)? Starts each
 * library's server as wsbench does, traces its setsockopt calls (strace) while one client
 * connection opens and echoes, and prints whether the server set TCP_NODELAY on the accepted
 * socket. The load generator sets it on every connection itself (tls-socket.ts: noDelay: true,
 * setNoDelay(true) over TLS), which the same trace of this process shows.
 *   npm run build && flock /tmp/wsbench.lock node dist/test/proof/nodelay.js [ws,uwebsockets]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findAdapter } from '../../adapters/index.js';
import type { WireCodec } from '../../adapters/types.js';
import { RawConnection } from '../../runner/loadgen/connection.js';
import { startServer } from '../../runner/process/server-process.js';
import { tlsMaterial } from '../../runner/tls-cert.js';
import { parseTransport } from '../../runner/transport.js';

const libs = (process.argv[2] ?? 'ws,uwebsockets').split(',');
const tls = tlsMaterial(parseTransport({ tls: 'on' }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const lib of libs) {
  for (const secure of [false, true]) {
    const adapter = findAdapter(lib)!;
    const env: Record<string, string> = secure ? { WSBENCH_TLS_CERT: tls.certFile, WSBENCH_TLS_KEY: tls.keyFile } : {};
    const server = await startServer({ adapter, cpu: 'any', readyTimeoutMs: 15_000, env });
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-nodelay-')), 'strace');
    const strace = spawn('strace', ['-f', '-e', 'trace=setsockopt', '-o', log, '-p', String(server.pid)], {
      stdio: 'ignore',
    });
    await sleep(500);
    const { codec } = (await import(new URL(`../../adapters/${adapter.codecModule}`, import.meta.url).href)) as {
      codec: WireCodec;
    };
    const conn = await RawConnection.open({
      host: '127.0.0.1',
      port: server.port,
      codec,
      channel: 'echo',
      ...(secure ? { tls: tls.client } : {}),
    });
    await sleep(300);
    await conn.close();
    strace.kill('SIGINT');
    await new Promise((r) => strace.once('exit', r));
    const calls = fs.readFileSync(log, 'utf8');
    const nodelay = calls.split('\n').filter((l) => l.includes('TCP_NODELAY'));
    console.log(
      `${lib} ${secure ? 'TLS' : 'plain'}: server setsockopt TCP_NODELAY on the accepted socket: ${nodelay.length ? nodelay.map((l) => l.replace(/^\d+\s+/, '')).join('; ') : 'none seen'}`,
    );
    await server.stop();
  }
}
tls.dispose();
