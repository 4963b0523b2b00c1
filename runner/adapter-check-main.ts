/**
 * `node dist/runner/adapter-check-main.js [--probe] <server module> [<codec module>]`: a
 * short-lived check of a `--lib <path>` adapter before any benchmark process starts. It imports
 * the modules (so a user's module never runs inside the runner itself), checks the contract's
 * shape and the `manifest` export's, prints one line of JSON and exits, whatever the modules left
 * running. With --probe (run with the environment of a TLS, compressed run) it also starts the
 * server and checks that it serves what its manifest declares (runner/adapter-probe.ts).
 */
import { adapterModuleUrl } from '../adapters/_shared/module-url.js';
import type { Capabilities, ServerAdapter, WireCodec } from '../adapters/types.js';
import { manifestProblem, probeDeclared } from './adapter-probe.js';

interface Verdict {
  ok: boolean;
  problem?: string;
  /** The server module also exports `codec`. */
  exportsCodec?: boolean;
  /** The capabilities its `manifest` export declares (absent: no manifest). */
  capabilities?: Capabilities;
}

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What an `adapter` export lacks, or null when it has the contract's shape. */
export function adapterProblem(adapter: unknown): string | null {
  if (adapter === undefined) return "it does not export 'adapter' (export const adapter = { settings, start })";
  if (!isObject(adapter)) return "its 'adapter' export is not an object with settings and start";
  if (typeof adapter.start !== 'function') return "its 'adapter' has no start({ host, port }) function";
  if (!isObject(adapter.settings)) return "its 'adapter' has no settings object (the settings shown in the report)";
  for (const [k, v] of Object.entries(adapter.settings)) {
    if (!['string', 'number', 'boolean'].includes(typeof v))
      return `its adapter.settings.${k} is not a string, number or boolean`;
  }
  return null;
}

/** What a `codec` export lacks, or null when it has the WireCodec shape. */
export function codecProblem(codec: unknown): string | null {
  if (!isObject(codec))
    return "it does not export 'codec' as an object (export const codec = { path, binary, open, encode, decode })";
  for (const fn of ['path', 'open', 'encode', 'decode']) {
    if (typeof codec[fn] !== 'function') return `its 'codec' has no ${fn} function`;
  }
  if (typeof codec.binary !== 'boolean') return "its 'codec' has no binary (true or false)";
  return null;
}

async function check(serverModule: string, codecModule: string | undefined): Promise<Verdict> {
  let server: Record<string, unknown>;
  try {
    server = (await import(adapterModuleUrl(serverModule))) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, problem: `${serverModule} could not be loaded: ${firstLine(e)}` };
  }
  const bad =
    adapterProblem(server.adapter) ?? (server.manifest === undefined ? null : manifestProblem(server.manifest));
  if (bad) return { ok: false, problem: `${serverModule}: ${bad}` };
  const declared = server.manifest
    ? { capabilities: (server.manifest as { capabilities: Capabilities }).capabilities }
    : {};
  if (codecModule) {
    let codec: Record<string, unknown>;
    try {
      codec = (await import(adapterModuleUrl(codecModule))) as Record<string, unknown>;
    } catch (e) {
      return { ok: false, problem: `${codecModule} could not be loaded: ${firstLine(e)}` };
    }
    const badCodec = codecProblem(codec.codec);
    if (badCodec) return { ok: false, problem: `${codecModule}: ${badCodec}` };
    return { ok: true, ...declared };
  }
  if (server.codec !== undefined) {
    const badCodec = codecProblem(server.codec);
    if (badCodec) return { ok: false, problem: `${serverModule}: ${badCodec}` };
    return { ok: true, exportsCodec: true, ...declared };
  }
  return { ok: true, exportsCodec: false, ...declared };
}

/** Starts the server and checks what its manifest declares (TLS, compression) over one upgrade. */
async function probe(serverModule: string, codecModule: string | undefined): Promise<Verdict> {
  const server = (await import(adapterModuleUrl(serverModule))) as Record<string, unknown>;
  const capabilities = (server.manifest as { capabilities: Capabilities }).capabilities;
  const codecMod = codecModule
    ? ((await import(adapterModuleUrl(codecModule))) as Record<string, unknown>)
    : server.codec
      ? server
      : ((await import(adapterModuleUrl('ws/codec.js'))) as Record<string, unknown>);
  const path = (codecMod.codec as WireCodec).path('echo');
  let running: Awaited<ReturnType<ServerAdapter['start']>>;
  try {
    running = await (server.adapter as ServerAdapter).start({ host: '127.0.0.1', port: 0 });
  } catch (e) {
    return { ok: false, problem: `${serverModule}: its adapter.start failed: ${firstLine(e)}` };
  }
  const problem = await probeDeclared(running.port, path, capabilities);
  await Promise.race([running.close(), new Promise((r) => setTimeout(r, 1000))]).catch(() => {});
  return problem ? { ok: false, problem: `${serverModule}: ${problem}` } : { ok: true };
}

if (process.argv[2]) {
  const probing = process.argv[2] === '--probe';
  const [serverModule, codecModule] = process.argv.slice(probing ? 3 : 2);
  void (probing ? probe(serverModule, codecModule) : check(serverModule, codecModule))
    .catch((e: unknown): Verdict => ({ ok: false, problem: `${serverModule}: ${firstLine(e)}` }))
    .then((v) => {
      process.stdout.write(`${JSON.stringify(v)}\n`, () => process.exit(0));
    });
}
