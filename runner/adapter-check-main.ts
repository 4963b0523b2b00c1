/**
 * `node dist/runner/adapter-check-main.js <server module> [<codec module>]`: a short-lived check
 * of a `--lib <path>` adapter before any benchmark process starts. It imports the modules (so a
 * user's module never runs inside the runner itself), checks the contract's shape, prints one
 * line of JSON and exits, whatever the modules left running.
 */
import { adapterModuleUrl } from '../adapters/_shared/module-url.js';

interface Verdict {
  ok: boolean;
  problem?: string;
  /** The server module also exports `codec`. */
  exportsCodec?: boolean;
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
  const bad = adapterProblem(server.adapter);
  if (bad) return { ok: false, problem: `${serverModule}: ${bad}` };
  if (codecModule) {
    let codec: Record<string, unknown>;
    try {
      codec = (await import(adapterModuleUrl(codecModule))) as Record<string, unknown>;
    } catch (e) {
      return { ok: false, problem: `${codecModule} could not be loaded: ${firstLine(e)}` };
    }
    const badCodec = codecProblem(codec.codec);
    if (badCodec) return { ok: false, problem: `${codecModule}: ${badCodec}` };
    return { ok: true };
  }
  if (server.codec !== undefined) {
    const badCodec = codecProblem(server.codec);
    if (badCodec) return { ok: false, problem: `${serverModule}: ${badCodec}` };
    return { ok: true, exportsCodec: true };
  }
  return { ok: true, exportsCodec: false };
}

if (process.argv[2]) {
  const [serverModule, codecModule] = process.argv.slice(2);
  void check(serverModule, codecModule).then((v) => {
    process.stdout.write(`${JSON.stringify(v)}\n`, () => process.exit(0));
  });
}
