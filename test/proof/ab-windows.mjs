#!/usr/bin/env node
// Side-by-side windows measured by an independent client (test/proof/ab-windows.c, in C): starts
// `--servers` identical servers of one adapter (pinned to CPU 0, as wsbench pins them), builds and
// runs the C client (pinned to CPU 1), and prints, for every pair of servers, the spread of the
// per-block log ratio and how many windows apart the pair's windows were: the noise a paired
// comparison of identical code has on this machine, without wsbench's load generator. The C
// client's own lines (block, server, msgs/s) are kept in $TMPDIR/wsbench-ab-windows.txt.
//
//   npm run build && flock /tmp/wsbench.lock node test/proof/ab-windows.mjs \
//     [--adapter ws] [--servers 4] [--blocks 15] [--conns 50] [--inflight 16] [--payload 1024] \
//     [--settle 250] [--window 1000]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const adapter = opt('adapter', 'ws');
const servers = Number(opt('servers', 4));
const blocks = Number(opt('blocks', 15));
const binary = path.join(os.tmpdir(), 'wsbench-ab-windows');
execFileSync('cc', ['-O2', '-o', binary, path.join(root, 'test/proof/ab-windows.c')], { stdio: 'inherit' });

// Started as wsbench starts them (pinned to CPU 0, ready over IPC, stopped with their children).
const { findAdapter } = await import(path.join(root, 'dist/adapters/index.js'));
const { startServer } = await import(path.join(root, 'dist/runner/process/server-process.js'));
const started = [];
for (let i = 0; i < servers; i++)
  started.push(await startServer({ adapter: findAdapter(adapter), cpu: '0', readyTimeoutMs: 15_000 }));
const ports = started.map((s) => s.port);
const args = [opt('conns', 50), opt('inflight', 16), opt('payload', 1024), opt('settle', 250), opt('window', 1000)];
const out = execFileSync('taskset', ['-c', '1', binary, ...args, String(blocks), ...ports.map(String)], {
  encoding: 'utf8',
});
await Promise.all(started.map((s) => s.stop()));
// rate[block][server], position[block][server]: the window's place in the whole sequence
const rate = [];
const position = [];
out
  .trim()
  .split('\n')
  .forEach((line, at) => {
    const [b, s, r] = line.split(' ').map(Number);
    (rate[b] ??= [])[s] = r;
    (position[b] ??= [])[s] = at;
  });
const all = rate.flat();
console.log(`${servers} ${adapter} servers, ${blocks} blocks: windows ${Math.min(...all)}-${Math.max(...all)} msgs/s`);
for (let a = 0; a < servers; a++)
  for (let b = a + 1; b < servers; b++) {
    const d = rate.map((r) => Math.log(r[b] / r[a]));
    const mean = d.reduce((x, y) => x + y, 0) / d.length;
    const sd = Math.sqrt(d.reduce((x, y) => x + (y - mean) ** 2, 0) / (d.length - 1));
    const apart = position.map((p) => Math.abs(p[b] - p[a])).reduce((x, y) => x + y, 0) / position.length;
    console.log(
      `servers ${a} and ${b}, ${apart.toFixed(1)} windows apart: ln ratio mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)} (n ${d.length})`,
    );
  }
fs.writeFileSync(path.join(os.tmpdir(), 'wsbench-ab-windows.txt'), out);
