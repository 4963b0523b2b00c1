/** Cases: fragmentation and UTF-8 (valid text echoed; invalid text refused, at once or at the end). */
import { badFrame, closeText, encoded, expectEcho, expectFailure, FAIL_WITHIN_MS, probeMessage } from './expect.js';
import { frame, type Probe } from './probe.js';
import { outcome, type CaseEnv, type ConformanceCase, type Outcome } from './types.js';

/** `payload` as a fragmented message of `opcode`: pieces cut at the given offsets. */
function fragmented(opcode: number, payload: Buffer, cuts: number[]): Buffer[] {
  const at = [0, ...cuts, payload.length];
  return at
    .slice(0, -1)
    .map((start, i) => frame(i === 0 ? opcode : 0, payload.subarray(start, at[i + 1]), { fin: i === at.length - 2 }));
}

/** The codec's single text frame for `payload`, fragmented in three. */
function textFragments(env: CaseEnv, payload: Buffer): Buffer[] | null {
  const frames = env.codec.encode('echo', payload, false).frames;
  if (frames.length !== 1) return null;
  const body = frames[0].payload;
  return fragmented(frames[0].opcode, body, [Math.floor(body.length / 3), Math.floor((2 * body.length) / 3)]);
}

const fragmentCases: ConformanceCase[] = [
  {
    id: 'frag-text',
    category: 'fragmentation',
    title: 'text message in three fragments',
    expected: 'echoed whole',
    async run(env) {
      const payload = Buffer.from('fragmented-message-in-three-parts');
      const p = await env.open();
      const from = p.appMessages().length;
      await p.send(Buffer.concat(textFragments(env, payload)!));
      return expectEcho(p, env.codec, payload, from);
    },
  },
  {
    id: 'frag-ping-between',
    category: 'fragmentation',
    title: 'ping between the fragments of a message',
    expected: 'pong at once (before the message ends), then the message echoed',
    async run(env) {
      const payload = Buffer.from('message-around-a-ping');
      const [first, ...rest] = textFragments(env, payload)!;
      const p = await env.open();
      const from = p.appMessages().length;
      await p.send(Buffer.concat([first, frame(9, 'between')]));
      const early = await p.until(() => p.frames.some((f) => f.opcode === 10) || p.closedAt !== null, FAIL_WITHIN_MS);
      await p.send(Buffer.concat(rest));
      const echo = await expectEcho(p, env.codec, payload, from);
      const pong = p.frames.some((f) => f.opcode === 10 && f.payload.toString() === 'between');
      if (echo.verdict !== 'pass') return echo;
      if (!pong) return outcome('fail', 'message echoed, ping never answered');
      return early
        ? outcome('pass', 'pong before the last fragment, message echoed')
        : outcome('non-strict', 'pong only after the message ended');
    },
  },
  {
    id: 'frag-cont-first',
    category: 'fragmentation',
    title: 'continuation frame with nothing to continue',
    expected: 'connection failed with 1002',
    run: (env) => badFrame(() => env.open(), env.codec, frame(0, 'orphan continuation'), 1002),
  },
  {
    id: 'frag-control',
    category: 'fragmentation',
    title: 'fragmented control frame (ping without FIN)',
    expected: 'connection failed with 1002',
    run: (env) =>
      badFrame(() => env.open(), env.codec, Buffer.concat([frame(9, 'part', { fin: false }), frame(0, 'rest')]), 1002),
  },
  {
    id: 'frag-new-data',
    category: 'fragmentation',
    title: 'new data frame inside a fragmented message',
    expected: 'connection failed with 1002',
    run: (env) =>
      badFrame(
        () => env.open(),
        env.codec,
        Buffer.concat([frame(1, 'first half', { fin: false }), frame(1, 'intruder')]),
        1002,
      ),
  },
];

function validText(id: string, title: string, text: string): ConformanceCase {
  return {
    id,
    category: 'utf8',
    title,
    expected: 'echoed unchanged',
    async run(env) {
      const p = await env.open();
      const payload = Buffer.from(text, 'utf8');
      const from = p.appMessages().length;
      for (const b of encoded(env.codec, payload, false)) await p.send(b);
      return expectEcho(p, env.codec, payload, from);
    },
  };
}

const INVALID: [string, string, number[]][] = [
  ['truncated', 'truncated 3-byte sequence', [0x68, 0x69, 0xe2, 0x82]],
  ['overlong', "overlong encoding of '/'", [0x68, 0xc0, 0xaf, 0x69]],
  ['surrogate', 'UTF-16 surrogate U+D800', [0x68, 0xed, 0xa0, 0x80, 0x69]],
  ['above-max', 'code point above U+10FFFF', [0x68, 0xf4, 0x90, 0x80, 0x80]],
];

/**
 * A fragmented text whose bad bytes arrive before its last fragment: refused then is strict,
 * refused only once the message ends is non-strict, echoed is a fail.
 */
async function splitInvalid(env: CaseEnv, early: Buffer[], last: Buffer): Promise<Outcome> {
  const p: Probe = await env.open();
  const from = p.appMessages().length;
  await p.send(Buffer.concat(early));
  await p.until(() => p.closedAt !== null || p.closeFrame() !== undefined, FAIL_WITHIN_MS);
  if (p.closeFrame() || p.closedAt !== null) return expectFailure(p, env.codec, 1007, { from });
  await p.send(Buffer.concat([last, ...probeMessage(env.codec)]));
  const late = await expectFailure(p, env.codec, 1007, { from });
  if (late.verdict !== 'pass') return late;
  return outcome('non-strict', `refused only at the end of the message: ${closeText(p)}`);
}

const utf8Cases: ConformanceCase[] = [
  validText('utf8-multibyte', 'valid 2-, 3- and 4-byte sequences', 'κόσμε € 日本語 𝄞'),
  validText('utf8-fffe', 'noncharacter U+FFFE (valid UTF-8)', 'a\uFFFEb'),
  validText('utf8-fffd', 'replacement character U+FFFD', 'a\uFFFDb'),
  ...INVALID.map(([id, title, bytes]): ConformanceCase => ({
    id: `utf8-invalid-${id}`,
    category: 'utf8',
    title: `text with a ${title}`,
    expected: 'connection failed with 1007',
    run: (env) => badFrame(() => env.open(), env.codec, frame(1, Buffer.from(bytes)), 1007),
  })),
  {
    id: 'utf8-split-surrogate',
    category: 'utf8',
    title: 'fragmented text, a surrogate in its first fragment',
    expected: 'failed with 1007 at the bad fragment',
    run: (env) =>
      splitInvalid(env, [frame(1, Buffer.from([0x68, 0x69, 0xed, 0xa0, 0x80]), { fin: false })], frame(0, 'end')),
  },
  {
    id: 'utf8-split-straddle',
    category: 'utf8',
    title: 'fragmented text, a sequence above U+10FFFF split across two fragments',
    expected: 'failed with 1007 at the second fragment',
    run: (env) =>
      splitInvalid(
        env,
        [
          frame(1, Buffer.from([0x68, 0xf4]), { fin: false }),
          frame(0, Buffer.from([0x90, 0x80, 0x80, 0x69]), { fin: false }),
        ],
        frame(0, 'end'),
      ),
  },
];

export const MESSAGE_CASES: ConformanceCase[] = [...fragmentCases, ...utf8Cases];
