/**
 * The runner's side of slow-consumers: once a second, the server's RSS (/proc), its heap and its
 * library's buffered amount (a probe over the server process's channel, no GC), and the kernel's
 * send queue (Send-Q) of the server's sockets, split into those towards the slow clients (their
 * source address) and the others, from /proc/net/tcp and tcp6 — the same figure `ss` shows. A
 * server socket towards a slow client that leaves ESTABLISHED (or vanishes) dates that client's
 * close. Every 200 ms, the watchdog: RSS past the cap kills the server (SIGKILL to its group).
 */
import { readFileSync } from 'node:fs';
import { rssBytes } from '../../runner/process/procstat.js';
import { killGroup } from '../../runner/process/children.js';
import type { ServerProbeReply } from '../../runner/process/server-process.js';

export interface Sample {
  /** Seconds since the sampler started. */
  t: number;
  rssMiB: number | null;
  heapMiB: number | null;
  bufferedBytes: number | null;
  /** Library messages it said it dropped, where it counts them. */
  dropped: number | null;
  sendQSlow: number | null;
  sendQFast: number | null;
}

export interface SamplerOptions {
  pid: number;
  port: number;
  /** Source address of the slow clients (loopback). */
  slowAddress: string;
  probe?: () => Promise<ServerProbeReply | null>;
  capBytes: number;
}

const ESTABLISHED = '01';

/** `127.0.0.2` as /proc/net/tcp writes it (little-endian hex), and as tcp6 writes a mapped v4 address. */
function hexAddress(ip: string): string {
  return ip
    .split('.')
    .map((x) => Number(x).toString(16).padStart(2, '0').toUpperCase())
    .reverse()
    .join('');
}

/** One server socket: its peer's address and port, state, send queue (bytes). */
export interface TcpRow {
  peer: string;
  peerPort: number;
  state: string;
  txQueue: number;
}

/** The sockets whose local port is `port` (the server's side), from /proc/net/tcp text. */
export function parseProcNetTcp(text: string, port: number): TcpRow[] {
  const rows: TcpRow[] = [];
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const [local, remote, state, queues] = [f[1], f[2], f[3], f[4]];
    if (!local.endsWith(`:${hexPort}`) || state === '0A') continue; // 0A: the listening socket
    const [addr, rport] = remote.split(':');
    rows.push({
      peer: addr.slice(-8),
      peerPort: parseInt(rport, 16),
      state,
      txQueue: parseInt(queues.split(':')[0], 16),
    });
  }
  return rows;
}

export class ServerSampler {
  readonly samples: Sample[] = [];
  /** Set when the watchdog stopped the server. */
  capped: { rssMiB: number; atS: number } | null = null;
  /** Seconds at which each slow client's server socket left ESTABLISHED (by the client's port). */
  readonly slowClosedAt = new Map<number, number>();
  /** When the server's own count of closed members first rose (where its probe counts them). */
  firstClosedAtS: number | null = null;
  private readonly slowHex: string;
  private readonly t0 = performance.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private seenSlow = new Set<number>();
  private busy = false;

  constructor(private readonly o: SamplerOptions) {
    this.slowHex = hexAddress(o.slowAddress);
  }

  start(): this {
    if (this.o.pid > 0) this.timers.push(setInterval(() => this.watch(), 200));
    this.timers.push(setInterval(() => void this.sample(), 1000));
    return this;
  }

  stop(): Sample[] {
    for (const t of this.timers) clearInterval(t);
    return this.samples;
  }

  private now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  private watch(): void {
    const rss = rssBytes(this.o.pid);
    if (this.capped || rss === null || rss <= this.o.capBytes) return;
    this.capped = { rssMiB: rss / 2 ** 20, atS: this.now() };
    killGroup(this.o.pid, 'SIGKILL');
  }

  private async sample(): Promise<void> {
    if (this.busy || this.capped) return;
    this.busy = true;
    try {
      const t = this.now();
      const rss = this.o.pid > 0 ? rssBytes(this.o.pid) : null;
      const q = this.sendQ(t);
      const p = this.o.probe ? await this.o.probe() : null;
      if (p?.closed && this.firstClosedAtS === null) this.firstClosedAtS = t;
      this.samples.push({
        t: Math.round(t * 10) / 10,
        rssMiB: rss === null ? null : rss / 2 ** 20,
        heapMiB: p?.heapUsed === undefined ? null : p.heapUsed / 2 ** 20,
        bufferedBytes: p?.bufferedBytes ?? null,
        dropped: p?.dropped ?? null,
        ...q,
      });
    } finally {
      this.busy = false;
    }
  }

  /** Send-Q towards slow and fast clients; notes slow sockets that left ESTABLISHED. */
  sendQ(t: number): { sendQSlow: number | null; sendQFast: number | null } {
    let rows: TcpRow[];
    try {
      rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => {
        try {
          return parseProcNetTcp(readFileSync(f, 'latin1'), this.o.port);
        } catch {
          return [];
        }
      });
    } catch {
      return { sendQSlow: null, sendQFast: null };
    }
    let slow = 0;
    let fast = 0;
    const present = new Set<number>();
    for (const r of rows) {
      const isSlow = r.peer === this.slowHex;
      if (isSlow) {
        present.add(r.peerPort);
        if (r.state === ESTABLISHED) this.seenSlow.add(r.peerPort);
        else if (this.seenSlow.has(r.peerPort) && !this.slowClosedAt.has(r.peerPort))
          this.slowClosedAt.set(r.peerPort, t);
      }
      if (isSlow) slow += r.txQueue;
      else fast += r.txQueue;
    }
    for (const p of this.seenSlow) if (!present.has(p) && !this.slowClosedAt.has(p)) this.slowClosedAt.set(p, t);
    return { sendQSlow: slow, sendQFast: fast };
  }
}
