/**
 * What a library cannot do, with the reason a skipped row shows: read from its manifest
 * (adapters/<name>/manifest.ts) or a custom adapter's declared one, without loading any library.
 */
import { capabilitiesOf } from './index.js';
import type { AdapterInfo, Capability } from './types.js';

const reason = (c: Capability | undefined): string | null => (c === undefined || c === true ? null : c.unsupported);

/** Why `library` cannot run with permessage-deflate, or null when it can. */
export function compressionUnsupported(library: string | AdapterInfo): string | null {
  return reason(capabilitiesOf(library)?.compression);
}

/** Why `library` cannot carry binary messages, or null when it can. */
export function binaryUnsupported(library: string | AdapterInfo): string | null {
  return reason(capabilitiesOf(library)?.binary);
}

/** Why `library` cannot serve TLS, or null when it can. */
export function tlsUnsupported(library: string | AdapterInfo): string | null {
  const tls = capabilitiesOf(library)?.tls;
  return tls && 'unsupported' in tls ? tls.unsupported : null;
}

/** How `library`'s server speaks TLS, for the report. */
export function tlsStackOf(library: string | AdapterInfo): string {
  const tls = capabilitiesOf(library)?.tls;
  return tls && 'stack' in tls ? tls.stack : 'https.createServer (node:tls)';
}

/** The backpressure control of `library` (its manifest's), or null when it has none (see backpressureMissing). */
export function backpressureKnob(library: string | AdapterInfo): string | null {
  const b = capabilitiesOf(library)?.backpressure;
  return b && 'knob' in b ? b.knob : null;
}

/** Why `library` has no backpressure control, for the report. */
export function backpressureMissing(library: string | AdapterInfo): string {
  const b = capabilitiesOf(library)?.backpressure;
  return b && 'unsupported' in b ? b.unsupported : 'no send-side limit known to wsbench';
}
