/**
 * The load generator's sockets: plain TCP (node:net) or TLS (node:tls), both reading into a
 * caller's buffer through `onread`, so the hot path is the same either way. Records what the
 * first TLS connection negotiated, and, only when resumption is on, keeps a session to resume.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsInfo, TlsJobOptions } from './jobs.js';

export interface SocketOptions {
  host: string;
  port: number;
  localAddress?: string;
  /** Source port (with localAddress); absent lets the kernel choose. */
  localPort?: number;
  tls?: TlsJobOptions;
  onread: { buffer: Buffer; callback: (n: number, buf: Uint8Array) => boolean };
}

let info: TlsInfo | null = null;
/** One secure context for every connection: building one per connect (parsing the CA) costs more than the handshake. */
let context: { ca: string | undefined; ctx: tls.SecureContext } | null = null;
let session: Buffer | undefined;
let resumed = 0;

/** What the first TLS connection of this process negotiated, or null if none did. */
export function tlsInfo(): TlsInfo | null {
  return info ? { ...info, resumed } : null;
}

function keyType(cert: tls.PeerCertificate | tls.DetailedPeerCertificate): string {
  const c = cert as tls.PeerCertificate & { nistCurve?: string; asn1Curve?: string };
  if (c.nistCurve || c.asn1Curve) return `ECDSA ${c.nistCurve ?? c.asn1Curve}`;
  if (c.bits) return `RSA ${c.bits}`;
  return 'unknown';
}

/**
 * What every TLS connection of this process is opened with: the one cached secure context, the
 * trust the job gives, and a session to resume when resumption is on. Shared by the WebSocket
 * connections and the HTTP requests of the handshake case, so both pay the same TLS costs.
 */
export function tlsConnectOptions(t: TlsJobOptions): tls.ConnectionOptions {
  if (!context || context.ca !== t.ca) context = { ca: t.ca, ctx: tls.createSecureContext(t.ca ? { ca: t.ca } : {}) };
  return {
    servername: t.servername,
    secureContext: context.ctx,
    ...(t.ca ? {} : { rejectUnauthorized: false }),
    ...(t.resume && session ? { session } : {}),
  };
}

/**
 * A connected socket; `onConnect` runs when the application can write (after the TLS
 * handshake for TLS).
 */
export function connectSocket(o: SocketOptions, onConnect: () => void): net.Socket {
  if (!o.tls) {
    const s = net.connect({
      host: o.host,
      port: o.port,
      localAddress: o.localAddress,
      localPort: o.localPort,
      noDelay: true,
      onread: o.onread,
    } as net.NetConnectOpts);
    s.on('connect', onConnect);
    return s;
  }
  const t = o.tls;
  const s = tls.connect({
    host: o.host,
    port: o.port,
    localAddress: o.localAddress,
    localPort: o.localPort,
    ...tlsConnectOptions(t),
    onread: o.onread,
  } as unknown as tls.ConnectionOptions);
  s.setNoDelay(true);
  if (t.resume) s.once('session', (data: Buffer) => (session ??= data));
  s.on('secureConnect', () => {
    if (s.isSessionReused()) resumed++;
    if (!info) {
      const cipher = s.getCipher();
      info = {
        protocol: s.getProtocol() ?? 'unknown',
        cipher: cipher.standardName ?? cipher.name,
        keyType: keyType(s.getPeerCertificate()),
        resumed: 0,
      };
    }
    onConnect();
  });
  return s;
}
