/**
 * Source ports chosen by the load generator itself when connections are spread over 127.0.0.x
 * source addresses. Node can only pick a source address by bind() before connect(), and a
 * bind() to port 0 makes the kernel search the address's bind table for a free port: the search
 * slows as the table fills (measured: 19,000 plain TCP connects over two addresses at about
 * 2,000/s against 3,400/s with explicit ports), and every TIME_WAIT socket left by an earlier run
 * holds a slot of that table (325/s with 19,000 of them). So each connection binds an explicit
 * port, taken in order from the local port range, skipping any that is in use (EADDRINUSE).
 */
import fs from 'node:fs';

/** The kernel's ephemeral port range, or Linux's default where it cannot be read. */
export function localPortRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo > 0 && hi >= lo && hi < 65536) return [lo, hi];
  } catch {
    /* not Linux, or no /proc: the default below */
  }
  return [32768, 60999];
}

export class SourcePorts {
  private readonly next = new Map<string, number>();
  private readonly lo: number;
  private readonly hi: number;

  constructor(range: [number, number] = localPortRange()) {
    [this.lo, this.hi] = range;
  }

  /** How many ports one address offers. */
  get size(): number {
    return this.hi - this.lo + 1;
  }

  /** The next port to try on `address` (wrapping around the range). */
  take(address: string): number {
    const port = this.next.get(address) ?? this.lo;
    this.next.set(address, port >= this.hi ? this.lo : port + 1);
    return port;
  }
}
