/**
 * conformance: about 70 RFC 6455 cases in the spirit of Autobahn|Testsuite's categories, plus
 * hostile input, run with our raw probe client (runner/conformance) against one server per
 * library: a fresh connection per case, and a fresh server after a crash. Not a load test: the
 * verdicts (pass, non-strict, fail, informational, crashed, errored) go to the report's
 * conformance matrix; the run's metrics are their counts.
 */
import { loadCodec } from '../runner/loadgen/paths.js';
import { CASES } from '../runner/conformance/cases.js';
import { runConformance } from '../runner/conformance/run.js';
import { countVerdicts } from '../runner/conformance/summary.js';
import type { Scenario } from './types.js';
import { m } from './common.js';

export const conformance: Scenario = {
  name: 'conformance',
  description:
    `RFC 6455 conformance and hostile input: ${CASES.length} cases (framing, pings, reserved bits and opcodes, fragmentation, UTF-8, close, limits, handshake, masking, hostile), ` +
    "each on a fresh connection; socket.io is tested at Engine.IO's websocket transport, sockjs at its raw WebSocket endpoint.",
  pacing:
    'one case at a time, each with a time limit; after every case the server must still serve a new connection (a crashed server is replaced)',
  params: [],
  metrics: [
    m('pass', 'strict', 'count', 'none', true),
    m('nonStrict', 'non-strict', 'count', 'none', true),
    m('fail', 'fail', 'count', 'none', true),
    m('crashed', 'crashed', 'count', 'none', true),
    m('errored', 'errored', 'count', 'none', true),
    m('informational', 'informational', 'count', 'none', true),
  ],
  headline: 'pass',
  // Its one-line verdict summary per library, in "At a glance".
  glance: (report) =>
    (report.conformance ?? []).map((c) => ({ scenario: 'conformance', library: c.library, summary: c.summary })),
  runsOnce: true,
  cases: () => [
    { id: 'rfc6455', label: `RFC 6455 conformance, ${CASES.length} cases`, params: { cases: CASES.length } },
  ],
  async run(ctx) {
    // A custom adapter's codec by its own path; a target's codec with the target's paths.
    const codec = await loadCodec(ctx.target.codecModule, ctx.target.paths);
    const results = await runConformance(
      {
        host: ctx.target.host,
        codec,
        server: () => ctx.server,
        restart: ctx.restartServer ? async () => void (await ctx.restartServer!()) : undefined,
      },
      CASES,
    );
    const n = countVerdicts(results);
    const metrics = {
      pass: n.pass,
      nonStrict: n['non-strict'],
      fail: n.fail,
      crashed: n.crashed,
      errored: n.errored,
      informational: n.informational,
    };
    return { stats: { metrics, histograms: {}, clientBound: false }, warnings: [], conformance: results };
  },
  estimateMs: () => 9000,
};
