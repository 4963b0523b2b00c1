/**
 * Opens many connections with a bounded number of handshakes in flight, spreading them over
 * source addresses 127.0.0.1, .2, ... once one address would run out of ephemeral ports.
 */
import tls from 'node:tls';
import type { Channel, WireCodec } from '../../adapters/types.js';
import { ClientError, RawConnection } from './connection.js';
import type { TlsJobOptions } from './jobs.js';
import { DEFAULT_OFFER, type DeflateOffer } from './deflate.js';
import { SourcePorts } from './source-ports.js';

export interface OpenOptions {
  host: string;
  port: number;
  concurrency?: number;
  /** Over TLS (wss://). */
  tls?: TlsJobOptions;
  /** Connections per source address; 0 lets the kernel choose the source. */
  perAddress?: number;
  /** Offer permessage-deflate on every connection (a job's `compression`); required, not optional. */
  compression?: boolean;
  /** What to offer with compression (default: what browsers offer). */
  deflateOffer?: DeflateOffer;
  /** Called after each successful handshake with its duration in ms. */
  onOpen?: (ms: number, index: number) => void;
  /** Called for a failed handshake; return true to go on (count it) instead of failing. */
  onError?: (err: ClientError, index: number) => boolean;
}

/** The source address of connection `index` (loopback only: 127.0.0.x). */
export function sourceAddress(index: number, perAddress: number): string | undefined {
  if (!perAddress) return undefined;
  const n = Math.floor(index / perAddress);
  return `127.0.${Math.floor(n / 254)}.${(n % 254) + 1}`;
}

export async function openConnections(
  opts: OpenOptions,
  codec: WireCodec,
  channel: Channel,
  count: number,
): Promise<RawConnection[]> {
  const conns: RawConnection[] = [];
  const concurrency = Math.max(1, opts.concurrency ?? 64);
  let next = 0;
  const ports = new SourcePorts();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      try {
        const localAddress = sourceAddress(index, opts.perAddress ?? 0);
        const open = (localPort?: number) =>
          RawConnection.open({
            host: opts.host,
            port: opts.port,
            codec,
            channel,
            localAddress,
            localPort,
            tls: opts.tls,
            ...(opts.compression ? { deflate: opts.deflateOffer ?? DEFAULT_OFFER } : {}),
          });
        const conn = localAddress ? await openFromPort(open, () => ports.take(localAddress), ports.size) : await open();
        opts.onOpen?.(performance.now() - started, index);
        conns.push(conn);
      } catch (err) {
        const e = err instanceof ClientError ? err : new ClientError('ECONNECT', (err as Error).message);
        if (!opts.onError?.(e, index)) {
          for (const c of conns) c.socket.destroy();
          throw new ClientError(e.code, `connection ${index} of ${count} failed: ${e.message}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return conns;
}

/** Opens from an explicit source port, moving on to the next one while a port is in use. */
async function openFromPort(
  open: (port: number) => Promise<RawConnection>,
  take: () => number,
  tries: number,
): Promise<RawConnection> {
  for (let i = 0; ; i++) {
    try {
      return await open(take());
    } catch (err) {
      if ((err as ClientError).code !== 'EADDRINUSE' || i >= tries) throw err;
    }
  }
}

/**
 * Closes connections with a reset: no TIME_WAIT is left on the client's ports, so the next run
 * finds the address and port space as this one did (a FIN close leaves one per connection for
 * 60 s, and they slowed the next run's handshakes about sixfold).
 */
export function resetAll(conns: RawConnection[]): void {
  // resetAndDestroy() needs a TCP handle; a TLS socket's handle is the TLS layer over one (Node
  // throws ERR_INVALID_HANDLE_TYPE), so TLS connections close normally and leave TIME_WAIT.
  for (const c of conns) {
    if (c.socket instanceof tls.TLSSocket) c.socket.destroy();
    else c.socket.resetAndDestroy();
  }
}
