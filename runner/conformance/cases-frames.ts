/** Cases: framing (echo sizes, chopped writes), pings and pongs, reserved bits and opcodes, masking. */
import { makePayload } from '../loadgen/frame.js';
import { badFrame, echoCase, expectEcho, expectFailure, encoded, FAIL_WITHIN_MS } from './expect.js';
import { frame } from './probe.js';
import { outcome, type CaseEnv, type ConformanceCase } from './types.js';

const SIZES = [0, 125, 126, 65535, 65536];

function echoSize(size: number, binary: boolean, chop = 0): ConformanceCase {
  const kind = binary ? 'binary' : 'text';
  return {
    id: `framing-${kind}-${size}${chop ? `-chop${chop}` : ''}`,
    category: 'framing',
    title: `${kind} message of ${size} bytes${chop ? `, written in ${chop}-byte chops` : ''}`,
    expected: 'echoed unchanged',
    async run(env) {
      if (binary && !env.codec.binary)
        return outcome('informational', 'not tested: the library carries text messages only');
      const p = await env.open();
      return echoCase(p, env.codec, makePayload(size, size), binary, chop);
    },
  };
}

/** Waits for `n` pongs after `from` frames; checks their payloads. */
async function pongs(env: CaseEnv, payloads: Buffer[]): Promise<ReturnType<typeof outcome>> {
  const p = await env.open();
  const before = p.frames.length;
  await p.send(Buffer.concat(payloads.map((b) => frame(9, b))));
  const got = () => p.frames.slice(before).filter((f) => f.opcode === 10);
  await p.until(() => got().length >= payloads.length || p.closedAt !== null, 2000);
  const seen = got();
  if (seen.length < payloads.length)
    return outcome(
      'fail',
      `${seen.length} pong(s) for ${payloads.length} ping(s)${p.closedAt !== null ? ', connection closed' : ''}`,
    );
  const wrong = seen.findIndex((f, i) => !f.payload.equals(payloads[i]));
  if (wrong >= 0)
    return outcome(
      'fail',
      `pong ${wrong + 1} carries ${seen[wrong].payload.length} bytes, not the ping's ${payloads[wrong].length}`,
    );
  return outcome('pass', `${seen.length} equal pong(s)`);
}

const pingCases: ConformanceCase[] = [
  {
    id: 'ping-empty',
    category: 'pings',
    title: 'empty ping',
    expected: 'an empty pong',
    run: (env) => pongs(env, [Buffer.alloc(0)]),
  },
  {
    id: 'ping-binary',
    category: 'pings',
    title: 'ping with 16 binary bytes',
    expected: 'a pong with the same bytes',
    run: (env) => pongs(env, [Buffer.from([0, 255, 254, 253, 1, 2, 3, 4, 0xc0, 0xaf, 9, 10, 11, 12, 13, 14])]),
  },
  {
    id: 'ping-125',
    category: 'pings',
    title: 'ping with 125 bytes (the most allowed)',
    expected: 'a pong with the same 125 bytes',
    run: (env) => pongs(env, [makePayload(125)]),
  },
  {
    id: 'ping-ten',
    category: 'pings',
    title: 'ten pings in a row',
    expected: 'ten pongs, in order',
    run: (env) =>
      pongs(
        env,
        Array.from({ length: 10 }, (_, i) => Buffer.from(`ping ${i}`)),
      ),
  },
  {
    id: 'ping-126',
    category: 'pings',
    title: 'ping with 126 bytes (control frames carry at most 125)',
    expected: 'connection failed with 1002',
    run: async (env) => badFrame(() => env.open(), env.codec, frame(9, makePayload(126)), 1002),
  },
  {
    id: 'pong-unsolicited',
    category: 'pings',
    title: 'unsolicited pong, then a message',
    expected: 'pong ignored, message echoed',
    async run(env) {
      const p = await env.open();
      const from = p.appMessages().length;
      const payload = Buffer.from('after-pong');
      await p.send(Buffer.concat([frame(10, 'unasked'), ...encoded(env.codec, payload, false)]));
      return expectEcho(p, env.codec, payload, from);
    },
  },
];

const reservedCases: ConformanceCase[] = [
  ...[0x40, 0x20, 0x10].map((bit, i): ConformanceCase => ({
    id: `rsv${i + 1}`,
    category: 'reserved',
    title: `text frame with RSV${i + 1} set (no extension negotiated)`,
    expected: 'connection failed with 1002, nothing echoed after it',
    run: (env) => badFrame(() => env.open(), env.codec, frame(1, 'reserved bit', { rsv: bit }), 1002),
  })),
  ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((op): ConformanceCase => ({
    id: `opcode-${op}`,
    category: 'reserved',
    title: `frame with reserved ${op < 8 ? 'data' : 'control'} opcode ${op}`,
    expected: 'connection failed with 1002, nothing echoed after it',
    run: (env) => badFrame(() => env.open(), env.codec, frame(op, op < 8 ? 'reserved opcode' : ''), 1002),
  })),
];

const maskingCases: ConformanceCase[] = [
  {
    id: 'unmasked',
    category: 'masking',
    title: 'unmasked client text frame',
    expected: 'connection failed with 1002, nothing echoed',
    async run(env) {
      const p = await env.open();
      const from = p.appMessages().length;
      // The unmasked frame carries a valid message: a server that ignores the mask bit echoes it.
      const [message] = env.codec.encode('echo', Buffer.from('unmasked'), false).frames;
      await p.send(frame(message.opcode, message.payload, { mask: false }));
      return expectFailure(p, env.codec, 1002, { from, within: FAIL_WITHIN_MS });
    },
  },
];

export const FRAME_CASES: ConformanceCase[] = [
  ...SIZES.map((n) => echoSize(n, false)),
  ...SIZES.map((n) => echoSize(n, true)),
  echoSize(126, false, 1),
  echoSize(65536, true, 4096),
  ...pingCases,
  ...reservedCases,
  ...maskingCases,
];
