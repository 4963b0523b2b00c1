/**
 * The transport of one run: whether a library can run a case at all (binary frames,
 * compression), the server's environment (certificate files, WSBENCH_COMPRESSION) and the
 * transport fields of the load-generator job.
 */
import { binaryUnsupported, compressionUnsupported, tlsUnsupported } from '../adapters/capabilities.js';
import type { AdapterInfo } from '../adapters/types.js';
import type { Job } from './loadgen/jobs.js';
import type { CaseRef } from './report/schema.js';
import type { TlsMaterial } from './tls-cert.js';
import type { Scenario } from '../scenarios/types.js';
import type { TransportPlan } from './transport.js';

/**
 * Why `library` cannot run case `c` of `scenario` over its transport, or null if it can.
 * `undeclared`: an entry that declares no capabilities (a custom adapter without a manifest, a
 * target), which the default production cases leave out.
 */
export function transportSkip(
  scenario: Scenario,
  library: string | AdapterInfo,
  c: CaseRef,
  undeclared = false,
): string | null {
  // An adapter without a manifest serves TLS or compression only if it reads WSBENCH_TLS_CERT/KEY
  // or WSBENCH_COMPRESSION: asked for by --tls / --compression, never by the default production cases.
  if (undeclared && c.params.production === true)
    return 'the production case (TLS, compression) runs only for adapters that declare them: export a manifest from your adapter (docs/CUSTOM-ADAPTERS.md), or pass --tls or --compression if it serves them';
  if (c.params.tls === true) {
    const why = tlsUnsupported(library);
    if (why) return why;
  }
  if (c.params.frames === 'binary') {
    const why = binaryUnsupported(library);
    if (why) return why;
  }
  // The production case too: a library without compression is skipped there, not run without it,
  // so its table only ranks libraries that did the same work.
  if (c.params.compression === true) {
    const why = compressionUnsupported(library);
    if (why) return why;
  }
  if (c.params.tls === true && scenario.transports?.noTls) return scenario.transports.noTls;
  return null;
}

/** Whether this run negotiates permessage-deflate. */
export function compressionOn(library: string | AdapterInfo, c: CaseRef): boolean {
  return c.params.compression === true && compressionUnsupported(library) === null;
}

/** Server environment of a run: the certificate files over TLS, WSBENCH_COMPRESSION=1. */
export function transportEnv(
  library: string | AdapterInfo,
  c: CaseRef,
  tls: TlsMaterial | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  if (c.params.tls === true && tls) {
    env.WSBENCH_TLS_CERT = tls.certFile;
    env.WSBENCH_TLS_KEY = tls.keyFile;
  }
  if (compressionOn(library, c)) env.WSBENCH_COMPRESSION = '1';
  return env;
}

/** The job with the case's frame type, TLS, compression (and its offer) and messages. */
export function withJobTransport<J extends Job>(
  job: J,
  library: string | AdapterInfo,
  c: CaseRef,
  tls: TlsMaterial | undefined,
  t?: Pick<TransportPlan, 'deflateOffer' | 'messages'>,
): J {
  const messages = typeof c.params.messages === 'string' && job.kind === 'echo' ? c.params.messages : undefined;
  return {
    ...job,
    ...(compressionOn(library, c) && t ? { deflateOffer: t.deflateOffer.offer } : {}),
    ...(messages ? { messages: { source: messages, order: t?.messages?.order ?? 'order' } } : {}),
    // Echo and broadcast jobs carry the frame type as `binary`.
    ...('binary' in job ? { binary: c.params.frames === 'binary' } : {}),
    ...(c.params.tls === true && tls ? { tls: tls.client } : {}),
    ...(compressionOn(library, c) ? { compression: true } : {}),
  };
}
