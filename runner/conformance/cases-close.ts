/** Cases: the close handshake (valid and invalid codes and reasons) and message size limits. */
import { FAIR_SETTINGS } from '../../adapters/types.js';
import { appPayloads, badFrame, closeCode, closeText, encoded, FAIL_WITHIN_MS } from './expect.js';
import { closePayload, frame, type Probe } from './probe.js';
import { outcome, type CaseEnv, type ConformanceCase, type Outcome, type Verdict } from './types.js';

const RANK: Verdict[] = ['pass', 'informational', 'non-strict', 'fail', 'errored', 'crashed'];
const worse = (a: Verdict, b: Verdict): Verdict => (RANK.indexOf(a) >= RANK.indexOf(b) ? a : b);

/** A clean close: the server answers with a close frame and ends the TCP connection. */
async function cleanClose(env: CaseEnv, payload: Buffer): Promise<Outcome> {
  const p = await env.open();
  await p.send(frame(8, payload));
  await p.until(() => p.closedAt !== null, FAIL_WITHIN_MS);
  const code = closeCode(p);
  const seen = closeText(p);
  if (code === null) return outcome(p.closedAt !== null ? 'non-strict' : 'fail', seen);
  const sent = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
  if (code !== sent && code !== 1000 && !(sent === 1005 && code === 1005))
    return outcome('non-strict', `${seen} (sent ${sent})`);
  return outcome(p.closedAt !== null ? 'pass' : 'non-strict', seen);
}

const VALID = [1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999];
const INVALID = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999];

const closeCases: ConformanceCase[] = [
  {
    id: 'close-empty',
    category: 'close',
    title: 'close frame without a code',
    expected: 'closed cleanly',
    run: (env) => cleanClose(env, Buffer.alloc(0)),
  },
  {
    id: 'close-1000',
    category: 'close',
    title: 'close 1000 with a reason',
    expected: 'closed cleanly',
    run: (env) => cleanClose(env, closePayload(1000, 'bye')),
  },
  {
    id: 'close-valid-codes',
    category: 'close',
    title: `close codes ${VALID.join(', ')}, one connection each`,
    expected: 'each closed cleanly',
    async run(env) {
      let verdict: Verdict = 'pass';
      const odd: string[] = [];
      for (const code of VALID) {
        const o = await cleanClose(env, closePayload(code));
        verdict = worse(verdict, o.verdict);
        if (o.verdict !== 'pass') odd.push(`${code}: ${o.seen}`);
      }
      return outcome(verdict, odd.length ? odd.join('; ') : `all ${VALID.length} closed cleanly`);
    },
  },
  ...INVALID.map((code): ConformanceCase => ({
    id: `close-invalid-${code}`,
    category: 'close',
    title: `close with invalid code ${code}`,
    expected: 'connection failed with 1002',
    run: (env) => badFrame(() => env.open(), env.codec, frame(8, closePayload(code)), 1002),
  })),
  {
    id: 'close-1-byte',
    category: 'close',
    title: 'close frame with a 1-byte payload',
    expected: 'connection failed with 1002',
    run: (env) => badFrame(() => env.open(), env.codec, frame(8, Buffer.from([0x03])), 1002),
  },
  {
    id: 'close-reason-124',
    category: 'close',
    title: 'close with a 124-byte reason (a 126-byte control frame)',
    expected: 'connection failed with 1002',
    run: (env) => badFrame(() => env.open(), env.codec, frame(8, closePayload(1000, 'r'.repeat(124))), 1002),
  },
  {
    id: 'close-reason-utf8',
    category: 'close',
    title: 'close reason that is not UTF-8',
    expected: 'connection failed with 1007',
    run: (env) =>
      badFrame(
        () => env.open(),
        env.codec,
        frame(8, closePayload(1000, Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80]))),
        1007,
      ),
  },
  {
    id: 'close-then-data',
    category: 'close',
    title: 'a message right after the close frame',
    expected: 'close answered, message not',
    async run(env) {
      const p = await env.open();
      await p.send(
        Buffer.concat([frame(8, closePayload(1000)), ...encoded(env.codec, Buffer.from('after-close'), false)]),
      );
      await p.until(() => p.closedAt !== null, FAIL_WITHIN_MS);
      const answered = appPayloads(p, env.codec).length;
      if (answered) return outcome('fail', `answered a message sent after the close; ${closeText(p)}`);
      return outcome(closeCode(p) !== null ? 'pass' : 'non-strict', closeText(p));
    },
  },
];

/** Over every library's limit (socket.io's frame limit is the harness's plus room for its framing). */
const OVER = FAIR_SETTINGS.maxPayloadBytes + 64 * 1024;
const MiB = (n: number): string => `${(n / 2 ** 20).toFixed(2)} MiB`;

/** A frame header (zero mask, so the payload is sent as is) for `len` bytes. */
function header(opcode: number, len: number, fin: boolean): Buffer {
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const h = Buffer.alloc(2 + ext + 4);
  h[0] = (fin ? 0x80 : 0) | opcode;
  h[1] = 0x80 | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) h.writeUInt16BE(len, 2);
  if (ext === 8) h.writeBigUInt64BE(BigInt(len), 2);
  return h;
}

/** After sending too much: 1009 (or a TCP close) is the expected refusal. */
function refused(p: Probe, what: string): Outcome | null {
  if (p.closedAt === null && !p.closeFrame()) return null;
  const code = closeCode(p);
  return outcome(
    code === 1009 || code === null ? 'pass' : 'non-strict',
    `${closeText(p)} ${what}${code === 1009 || code === null ? '' : ' (expected 1009)'}`,
  );
}

const limitCases: ConformanceCase[] = [
  {
    id: 'limit-message',
    category: 'limits',
    title: `one ${MiB(OVER)} message, above the harness's ${MiB(FAIR_SETTINGS.maxPayloadBytes)} maximum`,
    expected: 'failed with 1009 before it is read whole',
    limitMs: 8000,
    async run(env) {
      const p = await env.open();
      const op = env.codec.binary ? 2 : 1;
      await p.send(Buffer.concat([header(op, OVER, true), Buffer.alloc(64 * 1024)]));
      await p.until(() => p.closedAt !== null || p.closeFrame() !== undefined, FAIL_WITHIN_MS);
      const early = refused(p, 'after its header and 64 KiB');
      if (early) return early;
      await p.send(Buffer.alloc(OVER - 64 * 1024));
      await p.until(() => p.closedAt !== null || p.closeFrame() !== undefined || p.appMessages().length > 0, 3000);
      if (p.appMessages().length > 0) return outcome('fail', `accepted and answered a ${MiB(OVER)} message`);
      const late = refused(p, 'only once the whole message was sent');
      if (late) return outcome('non-strict', late.seen);
      return outcome('fail', `no refusal within 3 s of the whole ${MiB(OVER)} message`);
    },
  },
  {
    id: 'limit-fragments',
    category: 'limits',
    title: `1 KiB fragments adding up to ${MiB(OVER)}, never finished`,
    expected: 'failed with 1009',
    limitMs: 8000,
    async run(env) {
      const p = await env.open();
      const n = Math.ceil(OVER / 1024);
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++)
        parts.push(header(i === 0 ? (env.codec.binary ? 2 : 1) : 0, 1024, false), Buffer.alloc(1024));
      await p.send(Buffer.concat(parts));
      await p.until(() => p.closedAt !== null || p.closeFrame() !== undefined, 3000);
      return (
        refused(p, `with ${n} fragments sent`) ??
        outcome('fail', `accepted ${n} fragments (${MiB(OVER)}) without closing`)
      );
    },
  },
];

export const CLOSE_CASES: ConformanceCase[] = [...closeCases, ...limitCases];
