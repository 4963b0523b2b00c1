/**
 * `--target ws://host:port/path`: a server wsbench did not start. The plan checks the URL and
 * the flags that go with it; each run first checks, within the ready timeout, that the target
 * upgrades and echoes one message, and skips what the target does not declare.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { LibraryManifest, Settings, WireCodec } from '../adapters/types.js';
import { ADAPTERS } from '../adapters/index.js';
import { CodedError, passCode, UsageError } from './errors.js';
import { optionValue } from './options.js';
import { makePayload } from './loadgen/frame.js';
import type { TlsJobOptions } from './loadgen/jobs.js';
import { RawConnection } from './loadgen/connection.js';
import { loadCodec } from './loadgen/paths.js';
import { isLoopback } from './loopback.js';
import type { PlannedLibrary, RawOptions } from './plan.js';
import type { ServerHandle } from './process/server-process.js';
import type { Scenario } from '../scenarios/types.js';

/** Wire protocols a target may speak (each library's manifest names its own), and the codec module of each. */
export const PROTOCOLS: Record<string, string> = Object.fromEntries(
  Object.values(ADAPTERS).flatMap((m: LibraryManifest) => (m.protocol ? [[m.protocol, m.codecModule]] : [])),
);

export interface TargetInfo {
  url: string;
  host: string;
  port: number;
  protocol: string;
  /** Request paths replacing the codec's own; absent where the codec's defaults apply. */
  paths?: { echo?: string; broadcast?: string };
  serverPid?: number;
  remote: boolean;
  /** wss://: the load generator speaks TLS; the target's certificate is not verified. */
  tls?: boolean;
}

/** The library name a target has in every report. */
export const TARGET_NAME = 'target';

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new UsageError(`--target '${raw}' is not a URL: give one like ws://127.0.0.1:8080/echo`);
  }
}

function parsePid(raw: string): number {
  const pid = Number(raw);
  if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`--server-pid must be a process id, got '${raw}'`);
  if (!fs.existsSync(`/proc/${pid}/stat`))
    throw new UsageError(`--server-pid ${pid}: no such process on this machine (give the pid of the target server)`);
  return pid;
}

/** The target entry of a plan, or undefined without --target. */
export function planTarget(raw: RawOptions): PlannedLibrary | undefined {
  if (raw.target === undefined) {
    for (const [flag, v] of [
      ['--protocol', raw.protocol],
      ['--server-pid', raw.serverPid],
      ['--target-broadcast', raw.targetBroadcast],
    ] as const) {
      if (v !== undefined) throw new UsageError(`${flag} goes with --target: add --target ws://host:port/path`);
    }
    return undefined;
  }
  const url = parseUrl(raw.target);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError(`--target ${raw.target}: the scheme must be ws:// (or wss://), got ${url.protocol}//`);
  const protocol = optionValue(raw, 'protocol');
  if (!Object.hasOwn(PROTOCOLS, protocol))
    throw new UsageError(`unknown --protocol '${protocol}': choose from ${Object.keys(PROTOCOLS).join(', ')}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const tls = url.protocol === 'wss:';
  const port = Number(url.port || (tls ? 443 : 80));
  const remote = !isLoopback(host);
  if (remote && !raw.allowRemote) {
    throw new UsageError(
      `--target ${raw.target}: ${host} is not a loopback address: pass --allow-remote to benchmark another machine on purpose`,
    );
  }
  const own = `${url.pathname}${url.search}`;
  // A library protocol (socket.io, sockjs) has its own paths: a bare URL keeps them.
  const echo = protocol !== 'raw' && own === '/' ? undefined : own;
  if (raw.targetBroadcast !== undefined && !raw.targetBroadcast.startsWith('/')) {
    throw new UsageError(`--target-broadcast must be a request path starting with /, got '${raw.targetBroadcast}'`);
  }
  const paths =
    echo || raw.targetBroadcast
      ? { ...(echo ? { echo } : {}), ...(raw.targetBroadcast ? { broadcast: raw.targetBroadcast } : {}) }
      : undefined;
  const serverPid = raw.serverPid === undefined ? undefined : parsePid(raw.serverPid);
  const target: TargetInfo = {
    url: url.href,
    host,
    port,
    protocol,
    remote,
    ...(paths ? { paths } : {}),
    ...(serverPid ? { serverPid } : {}),
    ...(tls ? { tls } : {}),
  };
  return {
    name: TARGET_NAME,
    packageName: TARGET_NAME,
    serverModule: '',
    codecModule: PROTOCOLS[protocol],
    libVersion: 'n/a',
    target,
  };
}

/**
 * How the load generator speaks TLS to a wss:// target: the certificate is accepted unverified
 * (wsbench measures the server, it does not authenticate it); SNI names the host unless it is an
 * address.
 */
export function targetTls(t: TargetInfo, resume: boolean): TlsJobOptions {
  return { resume, ...(net.isIP(t.host) ? {} : { servername: t.host }) };
}

/** Why a scenario cannot run against a target (its declared `target` check), or null when it can. */
export function targetSkip(t: TargetInfo, scenario: Scenario): string | null {
  return scenario.target?.(t.paths?.broadcast ? { broadcastPath: t.paths.broadcast } : {}) ?? null;
}

/** What the report records about a target. */
export function targetSettings(t: TargetInfo): Settings {
  return {
    target: t.url,
    address: `${t.host}:${t.port}`,
    remote: t.remote,
    protocol: t.protocol,
    tls: t.tls ? "wss://: TLS, the target's certificate not verified" : false,
    ...(t.paths?.broadcast ? { broadcastPath: t.paths.broadcast } : {}),
    serverPid: t.serverPid ?? 'not given: server CPU and memory not measured',
  };
}

/** Warnings every completed run against a target carries. */
export function targetWarnings(t: TargetInfo): string[] {
  return t.serverPid
    ? []
    : ['server CPU and memory not measured (no --server-pid): only the load generator was checked for saturation'];
}

/** Opens one connection, sends one message and waits for its echo, all within `timeoutMs`. */
async function probe(t: TargetInfo, codec: WireCodec, timeoutMs: number): Promise<void> {
  let conn: RawConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  const payload = makePayload(32);
  const work = (async () => {
    conn = await RawConnection.open({
      host: t.host,
      port: t.port,
      codec,
      channel: 'echo',
      timeoutMs,
      ...(t.tls ? { tls: targetTls(t, false) } : {}),
    });
    const c = conn;
    await new Promise<void>((resolve, reject) => {
      c.onFailure = reject;
      c.onData = (buf, start, end) => {
        const got = buf.subarray(start, end);
        if (got.equals(payload)) resolve();
        else
          reject(
            new CodedError(
              'EECHO',
              `the echo of a ${payload.length}-byte message came back as ${got.length} different bytes`,
            ),
          );
      };
      c.sendPayload(payload, true);
    });
  })();
  work.catch(() => {});
  try {
    await Promise.race([
      work,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new CodedError('ETIMEOUT', `no echo within ${timeoutMs} ms (--ready-timeout)`)),
            timeoutMs,
          )),
      ),
    ]);
  } finally {
    clearTimeout(timer);
    const c = conn as RawConnection | undefined;
    if (c) await c.close(500);
  }
}

/** Checks the target and returns a stand-in server handle: nothing to stop, no memory to ask. */
export async function connectTarget(t: TargetInfo, codecModule: string, timeoutMs: number): Promise<ServerHandle> {
  const codec = await loadCodec(codecModule, t.paths);
  try {
    await probe(t, codec, timeoutMs);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    throw new CodedError(
      passCode(e.code, 'ETARGET'),
      `the target ${t.url} failed its check: ${(e.message ?? String(err)).split('\n')[0]}`,
    );
  }
  return {
    pid: t.serverPid ?? 0,
    port: t.port,
    settings: targetSettings(t),
    facts: { serverMeasured: t.serverPid !== undefined },
    exit: null,
    exited: new Promise<void>(() => {}),
    stderrTail: () => '',
    memory: () => Promise.reject(new CodedError('ETARGET', 'a running target cannot report its memory')),
    spread: () => Promise.resolve([]),
    stop: async () => {},
  };
}
