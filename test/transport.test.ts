/**
 * Frames, TLS and compression as case lists: the cross product and its labels, which library
 * skips what and why, the text payload, Socket.IO's escaped text events, the transport-cost
 * lines, and bad transport input (one line, exit 2, before anything starts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { makePlan, type RawOptions } from '../runner/plan.js';
import { SCENARIOS } from '../scenarios/index.js';
import { UsageError } from '../runner/errors.js';
import { compressionOn, transportSkip, withJobTransport } from '../runner/transport-run.js';
import { makeTextPayload } from '../runner/loadgen/payload.js';
import { readSeq } from '../runner/loadgen/frame.js';
import { codec as socketIo } from '../adapters/socket.io/codec.js';
import { transportCosts, costText } from '../runner/report/transport-cost.js';
import type { CaseSummary, Report } from '../runner/report/schema.js';
import type { EchoJob } from '../runner/loadgen/jobs.js';
import { runBench, tempDir } from './helpers/bench.js';

const plan = (o: Partial<RawOptions> = {}) => makePlan({ params: {}, out: tempDir('wsbench-transport-'), ...o });
const cases = (o: Partial<RawOptions>, scenario: string) =>
  plan(o).scenarios.find((s) => s.scenario.name === scenario)!.cases;

test('--tls off,on and --frames text,binary: every value a case, labelled and with its params', () => {
  const c = cases(
    { scenario: 'throughput', params: { payload: '1024' }, transport: { tls: 'off,on', frames: 'text,binary' } },
    'throughput',
  );
  assert.deepEqual(
    c.map((x) => x.label),
    ['1 KiB, 50x16, text', '1 KiB, 50x16, text, TLS', '1 KiB, 50x16, binary', '1 KiB, 50x16, binary, TLS'],
  );
  assert.deepEqual(
    c.map((x) => [x.params.frames, x.params.tls, x.params.compression]),
    [
      ['text', false, false],
      ['text', true, false],
      ['binary', false, false],
      ['binary', true, false],
    ],
  );
  assert.equal(new Set(c.map((x) => x.id)).size, 4, 'case ids are distinct');
  // A bare --tls / --compression means on; connections has no frame type in its label.
  const z = cases({ scenario: 'connections', transport: { tls: true, compression: true } }, 'connections');
  assert.deepEqual(
    z.map((x) => x.label),
    ['5000 connections, TLS, deflate'],
  );
});

test('the default suite: text frames, plus production cases in throughput and connections', () => {
  const p = plan({ quick: true });
  // --quick keeps within its 3 minutes: no production case at all.
  assert.ok(p.scenarios.every((s) => s.cases.every((x) => !x.params.production)));
  const t = plan().scenarios.find((s) => s.scenario.name === 'throughput')!.cases;
  assert.ok(t.every((x) => x.params.frames === 'text'));
  const prod = t.filter((x) => x.params.production === true);
  assert.equal(prod.length, 1);
  assert.deepEqual([prod[0].params.payload, prod[0].params.tls, prod[0].params.compression], [1024, true, true]);
  assert.match(prod[0].label, /1 KiB, 50x16, text, TLS, deflate where supported \(production\)/);
  const conn = plan().scenarios.find((s) => s.scenario.name === 'connections')!.cases;
  assert.deepEqual(
    conn.map((x) => x.params.tls),
    [false, true],
  );
  assert.deepEqual(
    p.scenarios.find((s) => s.scenario.name === 'connections')!.cases.map((x) => x.params.tls),
    [false],
  );
  // Any transport flag means: exactly what was asked, no production case.
  assert.ok(
    !cases({ scenario: 'throughput', transport: { frames: 'text' } }, 'throughput').some((x) => x.params.production),
  );
  // So does a sweep the user sized (--payload, --connections...).
  assert.ok(
    !cases({ scenario: 'throughput', params: { payload: '32' } }, 'throughput').some((x) => x.params.production),
  );
  assert.ok(
    !cases({ scenario: 'connections', params: { connections: '500' } }, 'connections').some((x) => x.params.production),
  );
});

test('what a library cannot carry is skipped with its reason, in the production case too', () => {
  const [bin] = cases(
    { scenario: 'throughput', params: { payload: '32' }, transport: { frames: 'binary' } },
    'throughput',
  );
  assert.match(transportSkip(SCENARIOS.throughput, 'sockjs', bin) ?? '', /SockJS carries text messages only/i);
  assert.equal(transportSkip(SCENARIOS.throughput, 'ws', bin), null);
  const [z] = cases(
    { scenario: 'throughput', params: { payload: '32' }, transport: { compression: 'on' } },
    'throughput',
  );
  assert.match(transportSkip(SCENARIOS.throughput, 'websocket', z) ?? '', /no permessage-deflate/);
  assert.equal(transportSkip(SCENARIOS.throughput, 'uwebsockets', z), null);
  const prod = plan({ scenario: 'throughput' }).scenarios[0].cases.find((x) => x.params.production)!;
  // Skipped, not run uncompressed: the production table ranks only libraries that did the same work.
  assert.match(transportSkip(SCENARIOS.throughput, 'websocket', prod) ?? '', /no permessage-deflate/);
  assert.equal(transportSkip(SCENARIOS.throughput, 'ws', prod), null);
  assert.equal(compressionOn('ws', prod), true);
  const job = { kind: 'echo', binary: true } as unknown as EchoJob;
  const tls = { certFile: 'c', keyFile: 'k', client: { resume: false }, dispose: () => {} };
  const out = withJobTransport(job, 'ws', prod, tls);
  assert.deepEqual([out.binary, out.compression, out.tls], [false, true, { resume: false }], 'text frames: binary off');
  const [fb] = cases({ scenario: 'fallback', transport: { tls: 'on' } }, 'fallback');
  assert.match(transportSkip(SCENARIOS.fallback, 'socket.io', fb) ?? '', /not run over TLS/);
});

test('text payloads: exact size, valid UTF-8 with non-ASCII characters, the sequence number first', () => {
  for (const size of [8, 9, 31, 32, 100, 1024, 16384, 65536]) {
    const p = makeTextPayload(size);
    assert.equal(p.length, size, `${size}: length`);
    assert.ok(isUtf8(p), `${size}: valid UTF-8`);
    assert.equal(readSeq(p), 0, `${size}: sequence number at offset 0`);
    if (size >= 100)
      assert.ok(
        p.some((b) => b >= 0x80),
        `${size}: has non-ASCII bytes`,
      );
  }
  assert.match(makeTextPayload(200).toString(), /^0{8} \{"id":0,"room":"général"/);
});

test('socket.io text events: the payload JSON-escaped once, and decode hands back what the template expects', () => {
  const payload = makeTextPayload(300);
  const { frames, payloadOffset, echoed } = socketIo.encode('echo', payload, false);
  assert.equal(frames.length, 1);
  assert.equal(frames[0].opcode, 1);
  const text = frames[0].payload.toString();
  assert.ok(text.startsWith('42['));
  assert.deepEqual(JSON.parse(text.slice(2)), ['echo', payload.toString()]);
  assert.ok(echoed, 'a payload with quotes is escaped');
  assert.equal(frames[0].payload.subarray(payloadOffset, payloadOffset + 8).toString(), '00000000');
  // The server re-stringifies the same string: the echo is this very frame.
  const back = socketIo.decode(1, frames[0].payload, () => {});
  assert.ok(back && back.equals(echoed));
  // Binary mode: the attachment, unescaped.
  assert.equal(socketIo.encode('echo', payload, true).frames[1].payload, payload);
});

test('transport costs: cases that differ only by TLS give "TLS costs <lib> N % of its msgs/s"', () => {
  const metric = { key: 'msgsPerSec', label: 'msgs/s', unit: 'msg/s', better: 'higher' as const, primary: true };
  const agg = (v: number) => ({ median: v, min: v, max: v, spread: 0, noisy: false });
  const summary = (library: string, tls: boolean, v: number): CaseSummary => ({
    scenario: 'throughput',
    library,
    status: 'completed',
    runsCompleted: 1,
    runsTotal: 1,
    latency: {},
    clientBound: false,
    noisy: false,
    errors: [],
    case: {
      id: tls ? 'p1024-text-tls' : 'p1024-text',
      label: tls ? '1 KiB, 50x16, text, TLS' : '1 KiB, 50x16, text',
      params: { payload: 1024, frames: 'text', tls, compression: false },
    },
    metrics: { msgsPerSec: agg(v) },
  });
  // Three repetitions per case, ±1 % around the median: the cost's interval excludes 0.
  const runs = (library: string, tls: boolean, v: number) =>
    [0.99, 1, 1.01].map((f, rep) => ({
      status: 'completed',
      scenario: 'throughput',
      library,
      rep,
      case: { id: tls ? 'p1024-text-tls' : 'p1024-text' },
      stats: { metrics: { msgsPerSec: v * f } },
    }));
  const report = {
    scenarios: [{ name: 'throughput', description: '', metrics: [metric], headline: 'msgsPerSec', pacing: '' }],
    libraries: [],
    runs: [
      ...runs('ws', false, 100_000),
      ...runs('ws', true, 69_000),
      ...runs('uwebsockets', false, 200_000),
      ...runs('uwebsockets', true, 176_000),
    ],
    summaries: [
      summary('ws', false, 100_000),
      summary('ws', true, 69_000),
      summary('uwebsockets', false, 200_000),
      summary('uwebsockets', true, 176_000),
    ],
  } as unknown as Report;
  const costs = transportCosts(report);
  assert.equal(costs.length, 1);
  assert.deepEqual(
    costs[0].entries.map((e) => [e.library, Math.round(e.pct)]),
    [
      ['ws', 31],
      ['uwebsockets', 12],
    ],
  );
  assert.match(
    costText(costs[0]),
    /^throughput \[1 KiB, 50x16, text\]: TLS costs ws 31 % \[\d+–\d+ %\] of its msgs\/s .*uwebsockets 12 %/,
  );
});

/** A certificate and a key that is not its own, made with the openssl CLI. */
function mismatchedPair(dir: string): { cert: string; key: string; otherKey: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const otherKey = path.join(dir, 'other.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey],
    { stdio: 'ignore' },
  );
  return { cert, key, otherKey };
}

test('bad transport input: one line naming the fix, exit 2, before anything starts', { timeout: 120_000 }, async () => {
  const dir = tempDir('wsbench-tlsbad-');
  const pair = mismatchedPair(dir);
  // The right pair passes the plan.
  assert.doesNotThrow(() => plan({ transport: { tls: true, tlsCert: pair.cert, tlsKey: pair.key } }));
  const bad: Array<[string[], RegExp]> = [
    [['--frames', 'json'], /--frames takes text, binary or text,binary, got 'json'/],
    [['--tls', 'maybe'], /--tls takes on, off or a list of them/],
    [
      ['--tls', '--tls-cert', path.join(dir, 'missing.pem'), '--tls-key', pair.key],
      /--tls-cert .*missing\.pem: cannot read it \(ENOENT\)/,
    ],
    [
      ['--tls', '--tls-cert', pair.cert, '--tls-key', pair.otherKey],
      /--tls-key .*other\.pem does not match --tls-cert/,
    ],
    [['--tls', '--tls-cert', pair.key, '--tls-key', pair.key], /is not a PEM certificate/],
    [['--tls', '--tls-cert', pair.cert], /--tls-cert needs --tls-key too/],
    [['--tls-resume'], /--tls-resume applies only over TLS: add --tls/],
  ];
  for (const [args, says] of bad) {
    const out = path.join(dir, 'results');
    const r = await runBench(['bench', '--scenario', 'throughput', '--lib', 'ws', '--out', out, ...args], {
      timeoutMs: 20_000,
    });
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
    assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
    assert.match(lines[0], /^wsbench: error: /);
    assert.match(lines[0], says);
    assert.equal(fs.existsSync(out), false, `${args.join(' ')}: nothing written`);
  }
  assert.throws(() => plan({ transport: { frames: 'text,utf16' } }), UsageError);
});

test('wire metrics: bytes on the wire per measured message and their ratio to the payload, only when counted', async () => {
  const { wireMetrics } = await import('../scenarios/common.js');
  assert.deepEqual(wireMetrics({ messages: 100, bytes: 102_400, measured: 100 }), {});
  assert.deepEqual(wireMetrics({ messages: 100, bytes: 102_400, measured: 200, wireBytes: 60_000 }), {
    wireBytesPerMsg: 300,
    wireRatio: 300 / 1024,
  });
});
