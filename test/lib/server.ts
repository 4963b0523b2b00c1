/** Test helpers around real server processes and our raw client. */
import assert from 'node:assert/strict';
import { ADAPTERS, findAdapter } from '../../adapters/index.js';
import type { Channel, WireCodec } from '../../adapters/types.js';
import { RawConnection } from '../../runner/loadgen/connection.js';
import type { TlsJobOptions } from '../../runner/loadgen/jobs.js';
import { startServer, type ServerHandle } from '../../runner/process/server-process.js';
import '../helpers/register.js';

export async function start(name: string, env?: Record<string, string>): Promise<ServerHandle> {
  const adapter = findAdapter(name);
  if (!adapter) throw new Error(`no adapter ${name}`);
  return startServer({ adapter, cpu: 'any', readyTimeoutMs: 15_000, ...(env ? { env } : {}) });
}

export async function codecOf(name: string): Promise<WireCodec> {
  const info = findAdapter(name) ?? ADAPTERS.ws;
  const mod = (await import(new URL(`../../adapters/${info.codecModule}`, import.meta.url).href)) as {
    codec: WireCodec;
  };
  return mod.codec;
}

/** A client connection that collects every payload it receives. */
export async function client(
  server: ServerHandle,
  codec: WireCodec,
  channel: Channel,
  tls?: TlsJobOptions,
): Promise<{ conn: RawConnection; next(): Promise<Buffer> }> {
  const conn = await RawConnection.open({
    host: '127.0.0.1',
    port: server.port,
    codec,
    channel,
    ...(tls ? { tls } : {}),
  });
  const queue: Buffer[] = [];
  const waiters: Array<(b: Buffer) => void> = [];
  conn.onData = (buf, s, e) => {
    const copy = Buffer.from(buf.subarray(s, e));
    const w = waiters.shift();
    if (w) w(copy);
    else queue.push(copy);
  };
  return {
    conn,
    next: () =>
      new Promise<Buffer>((resolve, reject) => {
        const q = queue.shift();
        if (q) return resolve(q);
        const t = setTimeout(() => reject(new Error('no message within 10 s')), 10_000);
        waiters.push((b) => {
          clearTimeout(t);
          resolve(b);
        });
      }),
  };
}

/** A member of the broadcast room, as the contract tests join it. */
export interface Member {
  conn: RawConnection;
  next(): Promise<Buffer>;
}

/** One broadcast from the first of four members reaches the 3 others, and not its sender. */
export async function checkBroadcast(lib: string, join: () => Promise<Member>, sent: Buffer): Promise<void> {
  const members = await Promise.all([0, 1, 2, 3].map(join));
  await new Promise((r) => setTimeout(r, 200)); // let the server put them in the room
  members[0].conn.sendPayload(sent, false);
  for (const m of members.slice(1)) assert.ok((await m.next()).equals(sent), `${lib}: broadcast content`);
  let echoed = false;
  members[0].next().then(
    () => (echoed = true),
    () => {},
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(echoed, false, `${lib}: the sender must not get its own broadcast`);
  await Promise.all(members.map((m) => m.conn.close()));
}
