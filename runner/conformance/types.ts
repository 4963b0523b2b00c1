/**
 * The conformance scenario's vocabulary: a case, what it may use, and the verdict it gives.
 * Verdicts say what was seen (a close code, an HTTP status, a TCP close without a close frame,
 * nothing within the time limit), so a reader can judge a `non-strict` for themselves.
 */
import type { WireCodec } from '../../adapters/types.js';
import type { Probe } from './probe.js';

/**
 * - pass: what RFC 6455 asks (a failed connection: the expected close code, or a TCP close within
 *   1 s, and nothing sent after the bad frame);
 * - non-strict: the right outcome, late or with another code (e.g. invalid UTF-8 refused only at
 *   the end of the message, 1003 instead of 1002);
 * - fail: accepted what must be refused, refused what must be accepted, or no reaction;
 * - informational: no right answer, only what the server did (hostile input);
 * - crashed: the server process died during the case (a new one serves the next case);
 * - errored: the case could not complete (time limit, no connection).
 */
export type Verdict = 'pass' | 'non-strict' | 'fail' | 'informational' | 'crashed' | 'errored';

export const VERDICTS: Verdict[] = ['pass', 'non-strict', 'fail', 'informational', 'crashed', 'errored'];

export type Category =
  | 'framing'
  | 'pings'
  | 'reserved'
  | 'fragmentation'
  | 'utf8'
  | 'close'
  | 'limits'
  | 'handshake'
  | 'masking'
  | 'hostile';

/** What a case's check concluded. */
export interface Outcome {
  verdict: Verdict;
  /** What the server did, in a few words: `close 1002 after 2 ms`, `HTTP 400`, `echoed it`. */
  seen: string;
}

/** One case's result, as kept in report.json. */
export interface CaseResult extends Outcome {
  id: string;
  category: Category;
  title: string;
  /** What RFC 6455 asks, in a few words. */
  expected: string;
  /** Wall time of the case, ms. */
  ms: number;
}

/** What a case may use: fresh connections to the server under test. */
export interface CaseEnv {
  host: string;
  port: number;
  codec: WireCodec;
  /** A TCP connection, not yet upgraded (for handshake cases). */
  connect(): Promise<Probe>;
  /** A connection upgraded on the echo channel, the codec's own handshake done. */
  open(): Promise<Probe>;
  /** The server's RSS in bytes after a GC, or null when it cannot be read. */
  rss(): Promise<number | null>;
}

export interface ConformanceCase {
  id: string;
  category: Category;
  title: string;
  expected: string;
  /** The case's time limit (default 5 s): past it, the case is `errored`, never a stuck run. */
  limitMs?: number;
  run(env: CaseEnv): Promise<Outcome>;
}

export const outcome = (verdict: Verdict, seen: string): Outcome => ({ verdict, seen });
