/**
 * The open-files limit. Every connection is a file descriptor in the server and in the load
 * generator, so a connection count is bounded by RLIMIT_NOFILE. The soft limit can be raised up
 * to the hard one by anyone; the hard one only with CAP_SYS_RESOURCE.
 */
import { readFileSync } from 'node:fs';
import { CodedError } from '../errors.js';

export interface NofileLimits {
  soft: number;
  hard: number;
}

/** This process's open-files limits (children inherit them), from /proc; null elsewhere. */
export function nofileLimits(): NofileLimits | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return null;
    const n = (v: string): number => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
    return { soft: n(m[1]), hard: n(m[2]) };
  } catch {
    return null;
  }
}

/** Whether this process holds CAP_SYS_RESOURCE (bit 24), needed to raise a hard limit. */
export function canRaiseHardLimit(): boolean {
  try {
    const m = /^CapEff:\s+([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? (BigInt(`0x${m[1]}`) & (1n << 24n)) !== 0n : false;
  } catch {
    return false;
  }
}

/**
 * prlimit's `--nofile=` value that gives `needed` open files, or undefined when the current soft
 * limit is enough. Throws a clear ENOFILE error when `needed` is above a hard limit this process
 * cannot raise.
 */
export function nofileToRequest(needed: number | undefined): string | undefined {
  if (!needed) return undefined;
  const limits = nofileLimits();
  if (!limits || needed <= limits.soft) return undefined;
  if (needed <= limits.hard) return `${needed}:`;
  if (canRaiseHardLimit()) return `${needed}:${needed}`;
  throw new CodedError(
    'ENOFILE',
    `this needs ${needed} open files per process but the hard limit here is ${limits.hard} (ulimit -Hn) and this ` +
      'process may not raise it (no CAP_SYS_RESOURCE): raise the hard limit (limits.conf, systemd LimitNOFILE, ' +
      `docker --ulimit nofile) or use fewer connections (at most about ${Math.max(0, limits.hard - 256)})`,
  );
}
