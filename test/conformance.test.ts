/**
 * The conformance scenario's verdicts against known behaviour: ws passes every strict case except
 * the ones its own code treats otherwise on purpose; a lax node:net server (echoes invalid UTF-8,
 * ignores masking) fails exactly those cases; a server that crashes on a bad frame gets `crashed`
 * and the next case still runs on a new server; no case can hang the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findAdapter } from '../adapters/index.js';
import { CASES } from '../runner/conformance/cases.js';
import { runConformance } from '../runner/conformance/run.js';
import { summaryLine } from '../runner/conformance/summary.js';
import type { CaseResult, ConformanceCase } from '../runner/conformance/types.js';
import { startServer, type ServerHandle } from '../runner/process/server-process.js';
import { runBench, runFolder, tempDir } from './helpers/bench.js';
import { codecOf } from './lib/server.js';
import './helpers/register.js';

type Lib = { library: string; summary: string; cases: CaseResult[] };

/** Cases that are neither a pass nor informational, by id -> verdict. */
function notPassing(lib: Lib): Record<string, string> {
  return Object.fromEntries(
    lib.cases.filter((c) => c.verdict !== 'pass' && c.verdict !== 'informational').map((c) => [c.id, c.verdict]),
  );
}

test('conformance: ws, a lax server and a crashing server, through the CLI', { timeout: 180_000 }, async () => {
  const out = path.join(tempDir(), 'results');
  const r = await runBench(['bench', '--scenario', 'conformance', '--lib', 'ws,test-lax,test-fragile', '--out', out], {
    timeoutMs: 170_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const dir = runFolder(out);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { conformance: Lib[] };
  const by = Object.fromEntries(report.conformance.map((l) => [l.library, l]));
  for (const l of report.conformance)
    assert.equal(l.cases.length, CASES.length, `${l.library}: every case has a verdict`);

  // ws validates UTF-8 once a message is whole (lib/receiver.js), and answers an unsupported
  // version with 400 plus Sec-WebSocket-Version (lib/websocket-server.js): non-strict by design.
  assert.deepEqual(notPassing(by.ws), {
    'utf8-split-surrogate': 'non-strict',
    'utf8-split-straddle': 'non-strict',
    'handshake-version': 'non-strict',
  });

  const lax = notPassing(by['test-lax']);
  const expected = [
    'unmasked',
    ...CASES.filter((c) => c.id.startsWith('utf8-invalid-') || c.id.startsWith('utf8-split-')).map((c) => c.id),
  ];
  assert.deepEqual(Object.keys(lax).sort(), expected.sort(), `lax server: ${JSON.stringify(lax)}`);
  for (const id of expected) assert.equal(lax[id], 'fail', `lax server, ${id}`);
  assert.match(by['test-lax'].summary, /^60\/67 strict, 7 fail: unmasked client text frame/);

  const fragile = by['test-fragile'].cases;
  const first = fragile.findIndex((c) => c.verdict === 'crashed');
  assert.equal(fragile[first].id, 'ping-126', 'the first bad frame crashes the careless server');
  assert.match(fragile[first].seen, /exited with code 1/);
  // The next case ran on a new server, and so did every echo after a crash.
  assert.equal(fragile[first + 1].id, 'pong-unsolicited');
  assert.equal(fragile[first + 1].verdict, 'pass');
  for (const c of fragile.filter((x) => x.category === 'utf8' && !x.id.includes('invalid') && !x.id.includes('split')))
    assert.equal(c.verdict, 'pass', c.id);

  // The matrix is in every output.
  assert.match(r.stdout, /conformance matrix/);
  assert.match(r.stdout, /At a glance:\n {2}conformance, ws: 64\/67 strict, 3 non-strict/);
  assert.match(
    fs.readFileSync(path.join(dir, 'report.md'), 'utf8'),
    /## Conformance[\s\S]*\| Case \| Expected \| ws \| test-lax \| test-fragile \|/,
  );
  assert.match(
    fs.readFileSync(path.join(dir, 'report.html'), 'utf8'),
    /<section id="conformance">[\s\S]*verdict-crashed/,
  );
});

test(
  'conformance: a case past its time limit and a server that stops answering are errored, and the run goes on',
  { timeout: 60_000 },
  async () => {
    const adapter = findAdapter('test-hang')!;
    const start = (): Promise<ServerHandle> =>
      startServer({ adapter, cpu: 'any', readyTimeoutMs: 15_000, env: { WSBENCH_HANG_AFTER: '3' } });
    let server = await start();
    const started = [server];
    const codec = await codecOf('ws');
    const never: ConformanceCase = {
      id: 'never',
      category: 'framing',
      title: 'never answers',
      expected: '-',
      limitMs: 300,
      run: () => new Promise(() => {}),
    };
    const echoes = CASES.filter((c) => ['framing-text-0', 'framing-text-125', 'framing-text-126'].includes(c.id));
    const t0 = Date.now();
    try {
      const results = await runConformance(
        {
          host: '127.0.0.1',
          codec,
          server: () => server,
          restart: async () => {
            await server.stop();
            server = await start();
            started.push(server);
          },
        },
        [never, ...echoes],
      );
      assert.equal(results.length, 4);
      assert.equal(results[0].verdict, 'errored');
      assert.match(results[0].seen, /no result within 300 ms/);
      // Three echoes (two liveness checks and case 2's), then the server hangs in case 3.
      assert.ok(
        results.some((r) => r.verdict === 'errored' && /stopped serving/.test(r.seen)),
        JSON.stringify(results),
      );
      assert.equal(results[3].verdict, 'pass', 'the last case ran on a fresh server');
      assert.ok(started.length >= 2, 'the hung server was replaced');
      assert.ok(Date.now() - t0 < 40_000, `took ${Date.now() - t0} ms`);
    } finally {
      for (const s of started) await s.stop();
    }
  },
);

test('conformance summary line', () => {
  const r = (id: string, verdict: CaseResult['verdict'], title = id): CaseResult => ({
    id,
    category: 'framing',
    title,
    expected: '',
    verdict,
    seen: '',
    ms: 1,
  });
  const cases = [
    ...Array.from({ length: 58 }, (_, i) => r(`p${i}`, 'pass')),
    r('n', 'non-strict'),
    r('u', 'fail', 'unmasked frame accepted'),
    r('h', 'informational'),
  ];
  assert.equal(summaryLine(cases), '58/60 strict, 1 non-strict, 1 fail: unmasked frame accepted; 1 informational');
  assert.equal(
    summaryLine([r('a', 'crashed', 'bad opcode'), r('b', 'errored', 'slow')]),
    '0/2 strict, 1 crashed the server: bad opcode, 1 errored: slow',
  );
});
