/**
 * The start barrier's clock. Shards on different machines start at an absolute time of the plan,
 * each by its own clock: that holds as far as the clocks agree (NTP keeps them within a few ms on
 * a healthy cluster). Where the plan names an NTP server, each shard measures its own offset to
 * it (SNTP, RFC 4330: the exchange with the shortest round trip of a few), waits by the corrected
 * clock, and reports the offset and its round trip.
 */
import dgram from 'node:dgram';

/**
 * This machine's wall clock in ms with a fraction (Date.now() has whole ms): the monotonic clock
 * from the process's start, anchored to the wall clock then. Over a run it does not follow a
 * step of the wall clock, which is what a barrier wants.
 */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** Seconds from 1900 (NTP's era) to 1970 (Unix). */
const NTP_UNIX = 2_208_988_800;

export interface ClockOffset {
  /** Reference clock minus this machine's clock, in ms. */
  offsetMs: number;
  /** Round trip of the exchange it came from, in ms (the offset's error is at most half of it). */
  rttMs: number;
  source: string;
  samples: number;
}

function readStamp(buf: Buffer, at: number): number {
  return (buf.readUInt32BE(at) - NTP_UNIX) * 1000 + (buf.readUInt32BE(at + 4) / 2 ** 32) * 1000;
}

function writeStamp(buf: Buffer, at: number, ms: number): void {
  const secs = Math.floor(ms / 1000);
  buf.writeUInt32BE(secs + NTP_UNIX, at);
  buf.writeUInt32BE(Math.floor(((ms - secs * 1000) / 1000) * 2 ** 32), at + 4);
}

/** One SNTP exchange: t1 sent, t2 received there, t3 sent there, t4 received here. */
function exchange(host: string, port: number, timeoutMs: number): Promise<{ offsetMs: number; rttMs: number }> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const done = (err: Error | null, value?: { offsetMs: number; rttMs: number }): void => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(value!);
    };
    const req = Buffer.alloc(48);
    req[0] = (4 << 3) | 3; // version 4, mode 3 (client)
    let t1 = 0;
    sock.on('error', (e) => done(e));
    sock.on('message', (msg) => {
      const t4 = nowMs();
      if (msg.length < 48 || (msg[0] & 7) !== 4) return done(new Error('not an NTP server answer'));
      const t2 = readStamp(msg, 32);
      const t3 = readStamp(msg, 40);
      done(null, { offsetMs: (t2 - t1 + (t3 - t4)) / 2, rttMs: t4 - t1 - (t3 - t2) });
    });
    t1 = nowMs();
    writeStamp(req, 40, t1);
    sock.send(req, port, host);
  });
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address; port 123 by default. */
export function hostPort(server: string): [string, number] {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(server) ?? /^([^:]+)(?::(\d+))?$/.exec(server);
  return m ? [m[1], Number(m[2] ?? 123)] : [server, 123];
}

/** The offset to `server` (host[:port], port 123 by default) from the best of `tries` exchanges. */
export async function measureOffset(server: string, tries = 5, timeoutMs = 1000): Promise<ClockOffset> {
  const [host, port] = hostPort(server);
  let best: { offsetMs: number; rttMs: number } | null = null;
  let samples = 0;
  let lastError: Error | null = null;
  for (let i = 0; i < tries; i++) {
    try {
      const x = await exchange(host, port, timeoutMs);
      samples++;
      if (!best || x.rttMs < best.rttMs) best = x;
    } catch (e) {
      lastError = e as Error;
    }
  }
  if (!best) throw new Error(`NTP ${server}: ${lastError?.message ?? 'no answer'}`);
  return { ...best, source: server, samples };
}

/** The reference clock now: this machine's clock corrected by the measured offset. */
export const referenceNow = (offsetMs: number): number => nowMs() + offsetMs;

/**
 * Resolves when the reference clock reaches `at`: timers until the last 50 ms (a timer on this
 * kind of VM can wake several ms late), then setImmediate turns.
 */
export async function waitUntil(at: number, offsetMs: number): Promise<void> {
  for (;;) {
    const left = at - referenceNow(offsetMs);
    if (left <= 0) return;
    await new Promise((r) => (left > 60 ? setTimeout(r, left - 50) : setImmediate(r)));
  }
}

/** Answers SNTP requests from this machine's clock (for rehearsals and tests; a real run uses the cluster's NTP). */
export function startSntpServer(host: string, skewMs = 0): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (msg, from) => {
      const rx = nowMs() + skewMs;
      if (msg.length < 48) return;
      const out = Buffer.alloc(48);
      out[0] = (4 << 3) | 4; // version 4, mode 4 (server)
      out[1] = 1; // stratum 1
      msg.copy(out, 24, 40, 48); // originate = the client's transmit stamp
      writeStamp(out, 32, rx);
      writeStamp(out, 40, nowMs() + skewMs);
      sock.send(out, from.port, from.address);
    });
    sock.once('error', reject);
    sock.bind(0, host, () => resolve({ port: sock.address().port, close: () => sock.close() }));
  });
}
