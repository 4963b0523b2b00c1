/**
 * Cross-check of wsbench's compressed echo against an independent client (issue 21): the same
 * server (the project's adapter, pinned to CPU 0, WSBENCH_COMPRESSION=1), the same negotiation
 * (permessage-deflate; client_max_window_bits, context kept both ways), the same messages in
 * the same order per connection, the same connections and messages in flight; the independent
 * client is the `ws` library's own (socket.io-client for socket.io), pinned to CPU 1. Then
 * wsbench's throughput case with those settings. Prints both figures with both processes' CPU.
 *
 *   npm run build && flock /tmp/wsbench.lock node dist/test/proof/crosscheck.js \
 *     [--lib ws,socket.io,uwebsockets] [--messages chat] [--seconds 3] [--runs 3]
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findAdapter } from '../../adapters/index.js';
import type { WireCodec } from '../../adapters/types.js';
import { cpuSeconds } from '../../runner/process/procstat.js';
import { startServer } from '../../runner/process/server-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const flag = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const libs = flag('lib', 'ws,socket.io,uwebsockets').split(',');
const source = flag('messages', 'chat');
const seconds = Number(flag('seconds', '3'));
const runs = Number(flag('runs', '3'));
const CONNECTIONS = 50;
const INFLIGHT = 16;
const WARMUP_MS = 1000;

interface Figure {
  msgs: number;
  server: number;
  client: number;
}

async function independent(lib: string): Promise<Figure> {
  const adapter = findAdapter(lib);
  if (!adapter) throw new Error(`no adapter ${lib}`);
  const server = await startServer({ adapter, cpu: '0', readyTimeoutMs: 15_000, env: { WSBENCH_COMPRESSION: '1' } });
  try {
    const { codec } = (await import(path.join(root, 'dist/adapters', adapter.codecModule))) as { codec: WireCodec };
    const socketIo = lib === 'socket.io';
    const args = {
      protocol: socketIo ? 'socket.io' : 'raw',
      url: socketIo ? `http://127.0.0.1:${server.port}` : `ws://127.0.0.1:${server.port}${codec.path('echo')}`,
      connections: CONNECTIONS,
      inflight: INFLIGHT,
      source,
      warmupMs: WARMUP_MS,
      durationMs: seconds * 1000,
    };
    const child = spawn(
      'taskset',
      ['-c', '1', process.execPath, path.join(here, 'crosscheck-client.js'), JSON.stringify(args)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let start: { at: number; s: number; c: number } | null = null;
    let result: Figure | null = null;
    for await (const line of readline.createInterface({ input: child.stdout })) {
      const m = JSON.parse(line) as { phase: string; messages?: number; ms?: number };
      const now = { at: performance.now(), s: cpuSeconds(server.pid) ?? 0, c: cpuSeconds(child.pid!) ?? 0 };
      if (m.phase === 'measure') start = now;
      else if (m.phase === 'done' && start) {
        const sec = (now.at - start.at) / 1000;
        result = {
          msgs: (m.messages! * 1000) / m.ms!,
          server: (100 * (now.s - start.s)) / sec,
          client: (100 * (now.c - start.c)) / sec,
        };
      }
    }
    if (!result) throw new Error(`${lib}: the independent client ended without a result`);
    return result;
  } finally {
    await server.stop();
  }
}

function wsbench(lib: string): Figure {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-crosscheck-'));
  try {
    const json = execFileSync(
      process.execPath,
      [
        path.join(root, 'dist/runner/cli.js'),
        'bench',
        ...['--lib', lib, '--scenario', 'throughput', '--compression', '--messages', source],
        ...['--connections', String(CONNECTIONS), '--inflight', String(INFLIGHT), '--runs', '1'],
        ...['--duration', String(seconds), '--warmup', String(WARMUP_MS / 1000), '--out', out, '--json'],
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 },
    );
    const s = (JSON.parse(json) as { summaries: Array<{ metrics: Record<string, { median: number }> }> }).summaries[0];
    return {
      msgs: s.metrics.msgsPerSec.median,
      server: s.metrics.serverCpuPct.median,
      client: s.metrics.clientCpuPct.median,
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const fmt = (f: Figure): string =>
  `${(f.msgs / 1000).toFixed(1)}k msg/s (server ${f.server.toFixed(0)} %, client ${f.client.toFixed(0)} %)`;
console.log(
  `messages ${source}, ${CONNECTIONS} connections x ${INFLIGHT} in flight, ${seconds} s windows, ${runs} alternating runs each`,
);
for (const lib of libs) {
  for (let r = 1; r <= runs; r++) {
    const a = await independent(lib);
    const b = wsbench(lib);
    console.log(
      `${lib} run ${r}: independent ${fmt(a)} | wsbench ${fmt(b)} | wsbench/independent ${(b.msgs / a.msgs).toFixed(2)}`,
    );
  }
}
