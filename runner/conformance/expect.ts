/**
 * The checks cases share: an echo through the library's codec, a connection that must fail with
 * a close code, a clean close, and a few words on what the server did.
 */
import type { WireCodec } from '../../adapters/types.js';
import { Probe, frame } from './probe.js';
import { outcome, type Outcome } from './types.js';

/** How long a failing connection may take: a close frame or a TCP close within 1 s. */
export const FAIL_WITHIN_MS = 1000;
/** How long an echo may take. */
export const ECHO_WITHIN_MS = 3000;

/** The close frame's code (null without one; 1005 for an empty close frame). */
export function closeCode(p: Probe): number | null {
  const f = p.closeFrame();
  if (!f) return null;
  return f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
}

/** What the connection showed: close code and timing, or that it is still open. */
export function closeText(p: Probe): string {
  const code = closeCode(p);
  const tcp = p.closedAt === null ? 'connection still open' : `TCP close after ${Math.round(p.closedAt)} ms`;
  if (code === null) return p.closedAt === null ? tcp : `${tcp}, no close frame`;
  return `close ${code === 1005 ? '(no code)' : code}, ${tcp}`;
}

/** The application messages the server sent after `from`, decoded by the codec (protocol packets dropped). */
export function appPayloads(p: Probe, codec: WireCodec, from = 0): Buffer[] {
  const out: Buffer[] = [];
  for (const m of p.appMessages().slice(from)) {
    const d = codec.decode(m.opcode, m.payload, (t) => p.sendText(t));
    if (d) out.push(Buffer.from(d));
  }
  return out;
}

/** The frames that carry `payload` through the codec, as client bytes. */
export function encoded(codec: WireCodec, payload: Buffer, binary: boolean): Buffer[] {
  return codec.encode('echo', payload, binary).frames.map((f) => frame(f.opcode, f.payload));
}

const preview = (b: Buffer): string => (b.length > 24 ? `${b.length} bytes` : JSON.stringify(b.toString('latin1')));

/** Waits for the echo of `payload`: pass when it comes back unchanged. */
export async function expectEcho(
  p: Probe,
  codec: WireCodec,
  payload: Buffer,
  from = 0,
  within = ECHO_WITHIN_MS,
): Promise<Outcome> {
  await p.until(
    () => appPayloads(p, codec, from).length > 0 || p.closedAt !== null || p.closeFrame() !== undefined,
    within,
  );
  const got = appPayloads(p, codec, from)[0];
  if (!got) {
    if (p.closedAt !== null || p.closeFrame()) return outcome('fail', `no echo: ${closeText(p)}`);
    return outcome('errored', `no echo within ${within} ms`);
  }
  if (!got.equals(payload)) return outcome('fail', `echo differs: ${preview(got)} for ${preview(payload)}`);
  return outcome('pass', `echoed ${payload.length} bytes`);
}

/** Sends `payload` (chopped or not) and expects it back. */
export async function echoCase(
  p: Probe,
  codec: WireCodec,
  payload: Buffer,
  binary: boolean,
  chop = 0,
): Promise<Outcome> {
  const from = p.appMessages().length;
  for (const b of encoded(codec, payload, binary)) await p.send(b, chop);
  return expectEcho(p, codec, payload, from);
}

/**
 * After a bad frame (followed, when the case sent one, by a valid message that must not be
 * echoed): the expected close code or a TCP close within 1 s is `pass`; another close code is
 * `non-strict`; an echo after the bad frame, or no reaction, is `fail`.
 */
export async function expectFailure(
  p: Probe,
  codec: WireCodec,
  code: number,
  o: { from?: number; within?: number } = {},
): Promise<Outcome> {
  const within = o.within ?? FAIL_WITHIN_MS;
  await p.until(() => p.closedAt !== null, within);
  // A close frame without the TCP close: give the close handshake a moment more.
  if (p.closedAt === null && p.closeFrame()) await p.until(() => p.closedAt !== null, 300);
  const echoed = appPayloads(p, codec, o.from ?? 0).length;
  const seen = closeText(p);
  if (echoed > 0) return outcome('fail', `answered ${echoed} message(s) sent after the bad frame; ${seen}`);
  const got = closeCode(p);
  if (got === code) return outcome('pass', seen);
  if (got === null && p.closedAt !== null) return outcome('pass', seen);
  if (got === null) return outcome('fail', `accepted: ${seen} after ${within} ms`);
  return outcome('non-strict', `${seen} (expected ${code})`);
}

/** A valid message to put after a bad frame: it must not be echoed. */
export function probeMessage(codec: WireCodec): Buffer[] {
  return encoded(codec, Buffer.from('must-not-echo'), false);
}

/** Opens a connection and sends `bytes` then a message that must not be echoed; expects failure with `code`. */
export async function badFrame(
  open: () => Promise<Probe>,
  codec: WireCodec,
  bytes: Buffer,
  code: number,
): Promise<Outcome> {
  const p = await open();
  const from = p.appMessages().length;
  await p.send(Buffer.concat([bytes, ...probeMessage(codec)]));
  return expectFailure(p, codec, code, { from });
}
