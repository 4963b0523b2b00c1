/**
 * What the server starts of a bench told us about each library (settings, facts, the TLS and
 * permessage-deflate it negotiated), for the report's library table.
 */
import type { Settings } from '../adapters/types.js';
import { tlsStackOf } from '../adapters/capabilities.js';
import { packageVersion } from './environment.js';
import type { TlsInfo } from './loadgen/jobs.js';
import type { PlannedLibrary } from './plan.js';
import type { ServerHandle } from './process/server-process.js';
import type { LibraryInfo } from './report/schema.js';

/** Which TLS stack a library's server ran on: the target's own, else what its manifest declares. */
function tlsServerOf(lib: PlannedLibrary): string {
  return lib.target ? "the target's own" : tlsStackOf(lib);
}

/** What a server start told us about its library, for the report. */
export class LibraryFacts {
  private readonly known = new Map<string, { settings: Settings; facts: Settings }>();
  /** Settings of servers started in a scenario's server mode, by library, then mode. */
  private readonly modes = new Map<string, Map<string, Settings>>();

  private readonly tls = new Map<string, { info: TlsInfo; server: string }>();

  /** What the first TLS run of a library negotiated, and how its server spoke TLS. */
  recordTls(lib: PlannedLibrary, info: TlsInfo): void {
    if (this.tls.has(lib.name)) return;
    this.tls.set(lib.name, { info, server: tlsServerOf(lib) });
  }

  private readonly deflate = new Map<string, { offered: string; answered: string }>();

  /** What the first compressed run of a library offered, and what its server answered. */
  recordDeflate(name: string, d: { offered: string; answered: string }): void {
    if (!this.deflate.has(name)) this.deflate.set(name, d);
  }

  private deflateFacts(name: string): Settings {
    const d = this.deflate.get(name);
    return d ? { deflateOffered: d.offered, deflateNegotiated: d.answered } : {};
  }

  private tlsFacts(name: string): Settings {
    const t = this.tls.get(name);
    return t
      ? { tlsServer: t.server, tlsProtocol: t.info.protocol, tlsCipher: t.info.cipher, tlsKeyType: t.info.keyType }
      : {};
  }

  record(name: string, server: ServerHandle, mode?: string): void {
    if (!mode) {
      if (!this.known.has(name)) this.known.set(name, { settings: server.settings, facts: server.facts });
      return;
    }
    const modes = this.modes.get(name) ?? new Map<string, Settings>();
    if (!modes.has(mode)) modes.set(mode, server.settings);
    this.modes.set(name, modes);
    if (!this.known.has(name)) this.known.set(name, { settings: {}, facts: server.facts });
  }

  /**
   * The default settings, plus what a server mode changed, marked with that mode; when only
   * servers in a mode ran, their settings as they are, with the mode named.
   */
  private settings(name: string): Settings {
    const modes = [...(this.modes.get(name) ?? [])];
    const base = this.known.get(name)?.settings ?? {};
    if (Object.keys(base).length === 0 && modes.length > 0) return { ...modes[0][1], serverMode: modes[0][0] };
    const out: Settings = { ...base };
    for (const [mode, settings] of modes) {
      for (const [k, v] of Object.entries(settings)) if (base[k] !== v) out[`${k} (${mode} mode)`] = v;
    }
    return out;
  }

  list(adapters: PlannedLibrary[]): LibraryInfo[] {
    return adapters.map((a) => ({
      name: a.name,
      packageName: a.packageName,
      // `name@folder` libraries report the version installed in their folder.
      version: a.libVersion ?? packageVersion(a.packageName),
      settings: this.settings(a.name),
      // A --lib <path> adapter: where it came from and which codec drove it.
      facts: {
        ...(a.custom ? { adapterPath: a.custom.path, codec: a.custom.codec } : {}),
        ...(this.known.get(a.name)?.facts ?? {}),
        ...this.tlsFacts(a.name),
        ...this.deflateFacts(a.name),
      },
    }));
  }
}
