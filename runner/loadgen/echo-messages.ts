/**
 * What an echo job sends, message by message: built-in payloads carrying a sequence number
 * (patched into each send), or a corpus of the user's own messages (`--messages`), sent as they
 * are. A corpus message carries no sequence number: its echo is matched by order, since a
 * server echoes a connection's messages in the order they came, so the k-th echo on a
 * connection must equal, byte for byte, the message its k-th send picked (kept in a ring).
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError, type RawConnection } from './connection.js';
import { loadCorpus } from './corpus.js';
import { commonDeflate, offerHeader, DEFAULT_OFFER } from './deflate.js';
import type { EchoJob } from './jobs.js';
import { payloadFor } from './payload.js';
import { MessageTemplate } from './template.js';
import { ringSize, variedPayloads } from './varied.js';

export interface EchoMessages {
  templates: MessageTemplate[];
  /** Each template's payload as its echo carries it back. */
  expected: Buffer[];
  /** Corpus mode: no sequence number; echoes matched by their order on the connection. */
  corpus: boolean;
  /** The template message `seq` of connection `conn` uses. */
  pick(conn: number, seq: number): number;
}

function corpusOf(source: string): ReturnType<typeof loadCorpus> {
  try {
    return loadCorpus(source);
  } catch (err) {
    throw new ClientError('EMESSAGES', `--messages ${source}: ${(err as Error).message}`);
  }
}

/** Builds the job's messages once its connections are open (with compression, as negotiated). */
export function echoMessages(job: EchoJob, codec: WireCodec, conns: RawConnection[]): EchoMessages {
  const deflate = commonDeflate(conns.map((c) => c.deflate));
  if (job.messages) {
    const corpus = corpusOf(job.messages.source);
    if (!codec.binary && corpus.binary.some(Boolean))
      throw new ClientError(
        'EMESSAGES',
        `--messages ${job.messages.source} has binary messages; this protocol carries text only`,
      );
    const templates = corpus.messages.map(
      (m, i) => new MessageTemplate(codec, 'echo', m, corpus.binary[i], deflate, false),
    );
    const n = templates.length;
    const states = new Uint32Array(conns.length).map((_, i) => 0x9e3779b9 ^ (i * 2654435761));
    const pick =
      job.messages.order === 'sample'
        ? (c: number) => {
            // xorshift32 per connection: a fixed, reproducible sample.
            let x = states[c];
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            states[c] = x >>> 0;
            return states[c] % n;
          }
        : (c: number, seq: number) => (seq + c) % n;
    return { templates, expected: templates.map((t) => t.payload), corpus: true, pick };
  }
  const binary = job.binary && codec.binary;
  // With compression, a ring of distinct payloads (message `seq` uses template seq % ring), see varied.ts.
  const ring = deflate ? ringSize(job.payloadBytes) : 1;
  const payloads = deflate ? variedPayloads(job.payloadBytes, ring) : [payloadFor(binary, job.payloadBytes)];
  const templates = payloads.map((p) => new MessageTemplate(codec, 'echo', p, binary, deflate));
  return { templates, expected: templates.map((t) => t.payload), corpus: false, pick: (_c, seq) => seq % ring };
}

/** What compression negotiated and cost the client, for the job's result. */
export function clientDeflate(
  job: EchoJob,
  conns: RawConnection[],
): { counts: Record<string, number>; deflate?: { offered: string; answered: string } } {
  if (!job.compression || conns.length === 0) return { counts: {} };
  const deflaters = conns.map((c) => c.deflater).filter((d) => d !== null);
  const counts: Record<string, number> = {};
  if (deflaters.length > 0) {
    counts.clientDeflateMs = deflaters.reduce((n, d) => n + d.busyMs, 0);
    counts.clientDeflatedIn = deflaters.reduce((n, d) => n + d.bytesIn, 0);
    counts.clientDeflatedOut = deflaters.reduce((n, d) => n + d.bytesOut, 0);
  }
  return {
    counts,
    deflate: { offered: offerHeader(job.deflateOffer ?? DEFAULT_OFFER), answered: conns[0].extensionsAnswer },
  };
}
