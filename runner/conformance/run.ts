/**
 * Runs the conformance cases against one library: one case at a time, fresh connections per
 * case, one server for all of them. After every case the server must still serve a new
 * connection; a server that died gets `crashed` (and a new server for the next case), one that
 * stopped answering gets `errored` (and is replaced too). Every case has a time limit.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { WireCodec } from '../../adapters/types.js';
import { describeExit, type ServerHandle } from '../process/server-process.js';
import { echoCase } from './expect.js';
import { Probe, upgradeRequest } from './probe.js';
import { outcome, type CaseEnv, type CaseResult, type ConformanceCase, type Outcome } from './types.js';

const DEFAULT_LIMIT_MS = 5000;
const CONNECT_MS = 2000;

/** What the runner lends: the server in use, and a way to replace it. */
export interface ConformanceTarget {
  host: string;
  codec: WireCodec;
  server(): ServerHandle;
  /** Stops the server (if it still runs) and starts a new one; absent: no new server. */
  restart?(): Promise<void>;
}

async function connect(host: string, port: number, probes: Probe[]): Promise<Probe> {
  const p = new Probe(host, port);
  probes.push(p);
  const ok = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), CONNECT_MS);
    p.socket.once('connect', () => (clearTimeout(t), resolve(true)));
    p.socket.once('close', () => (clearTimeout(t), resolve(false)));
  });
  if (!ok) throw new Error(`no TCP connection within ${CONNECT_MS} ms${p.error ? ` (${p.error})` : ''}`);
  return p;
}

async function open(host: string, port: number, codec: WireCodec, probes: Probe[]): Promise<Probe> {
  const p = await connect(host, port, probes);
  if (!(await p.upgrade(upgradeRequest(host, port, codec.path('echo')), CONNECT_MS))) {
    throw new Error(
      `no WebSocket upgrade: ${p.http ? `HTTP ${p.http.status}` : p.closedAt !== null ? 'connection closed' : 'no answer'}`,
    );
  }
  await codec.open(p);
  p.consumeAll();
  return p;
}

function envFor(t: ConformanceTarget, probes: Probe[]): CaseEnv {
  const port = t.server().port;
  return {
    host: t.host,
    port,
    codec: t.codec,
    connect: () => connect(t.host, port, probes),
    open: () => open(t.host, port, t.codec, probes),
    rss: () =>
      t
        .server()
        .memory(5000)
        .then(
          (m) => m.rss,
          () => null,
        ),
  };
}

/** Runs one case within its time limit; a throw or the limit is `errored`. */
async function runCase(c: ConformanceCase, env: CaseEnv): Promise<Outcome> {
  const limit = c.limitMs ?? DEFAULT_LIMIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve(outcome('errored', `no result within ${limit} ms (the case's time limit)`)),
      limit,
    );
  });
  try {
    return await Promise.race([c.run(env).catch((e: Error) => outcome('errored', e.message)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the server still opens a connection and echoes on it. */
async function serves(t: ConformanceTarget): Promise<boolean> {
  const probes: Probe[] = [];
  try {
    const check = (async () => {
      const p = await open(t.host, t.server().port, t.codec, probes);
      return (await echoCase(p, t.codec, Buffer.from('still-serving'), false)).verdict === 'pass';
    })().catch(() => false);
    return await Promise.race([check, delay(3000).then(() => false)]);
  } finally {
    for (const p of probes) p.destroy();
  }
}

/** The case's outcome, unless the server died or stopped serving during it. */
async function afterCase(t: ConformanceTarget, o: Outcome): Promise<{ o: Outcome; replace: boolean }> {
  const s = t.server();
  if (!s.exit && (await serves(t))) return { o, replace: false };
  if (!s.exit) await Promise.race([s.exited, delay(500)]);
  if (s.exit)
    return {
      o: outcome('crashed', `the server ${describeExit(s.exit, s.stderrTail())}; the case saw: ${o.seen}`),
      replace: true,
    };
  return {
    o: outcome('errored', `the server stopped serving new connections; the case saw: ${o.seen}`),
    replace: true,
  };
}

/** Runs every case in order; `onCase` hears each result as it comes. */
export async function runConformance(
  t: ConformanceTarget,
  cases: ConformanceCase[],
  onCase?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let usable = true;
  for (const c of cases) {
    const t0 = performance.now();
    const probes: Probe[] = [];
    let o: Outcome;
    if (!usable) o = outcome('errored', 'no server: an earlier case crashed it and it could not be replaced');
    else {
      o = await runCase(c, envFor(t, probes));
      for (const p of probes) p.destroy();
      const checked = await afterCase(t, o);
      o = checked.o;
      if (checked.replace)
        usable = t.restart
          ? await t.restart().then(
              () => true,
              () => false,
            )
          : false;
    }
    const r: CaseResult = {
      id: c.id,
      category: c.category,
      title: c.title,
      expected: c.expected,
      ...o,
      ms: Math.round(performance.now() - t0),
    };
    results.push(r);
    onCase?.(r);
  }
  return results;
}
