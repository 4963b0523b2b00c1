/**
 * `--messages` on the runner's side: each set (a file, or a built-in: chat, words) is checked
 * before anything runs, and the report states what was sent: count, sizes, and how well the
 * messages compress alone and with the context kept. Without it, the same statement for the
 * built-in payloads, at 1 KiB.
 */
import path from 'node:path';
import { UsageError } from './errors.js';
import { BUILTIN_CORPORA, corpusStats, describeCorpus, loadCorpus } from './loadgen/corpus.js';
import { SEQ_BYTES, writeMaskedSeq } from './loadgen/frame.js';
import { makeTextPayload } from './loadgen/payload.js';
import { ringSize, variedPayloads } from './loadgen/varied.js';

export interface MessagesPlan {
  /** Built-in names, or absolute file paths: each a case. */
  sets: string[];
  order: 'order' | 'sample';
  /** Per set, the report's line about it. */
  statements: string[];
}

export function parseMessages(value: string, order: string | undefined): MessagesPlan {
  if (order !== undefined && order !== 'order' && order !== 'sample')
    throw new UsageError(`--messages-order takes order or sample, got '${order}'`);
  const sets = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].map((s) => (BUILTIN_CORPORA[s] ? s : path.resolve(s)));
  if (sets.length === 0)
    throw new UsageError(`--messages needs a file or a built-in set (${Object.keys(BUILTIN_CORPORA).join(', ')})`);
  const statements = sets.map((s) => {
    try {
      const c = loadCorpus(s);
      return describeCorpus(BUILTIN_CORPORA[s] ? `${s} (built-in)` : s, corpusStats(c.messages));
    } catch (err) {
      throw new UsageError(
        `--messages ${s}: ${(err as Error).message}; pass one message per line (base64:<data> for binary) or ${Object.keys(BUILTIN_CORPORA).join(', ')}`,
      );
    }
  });
  return { sets, order: order === 'sample' ? 'sample' : 'order', statements };
}

/** 64 sends of one payload, each with its sequence number, as the stream carries them. */
function repeated(payload: Buffer, n = 64): Buffer[] {
  const zero = Buffer.alloc(4);
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.from(payload);
    if (b.length >= SEQ_BYTES) writeMaskedSeq(b, 0, i, zero, 0);
    return b;
  });
}

/** The report's statement of the messages sent (the `messages` transport option). */
export function messagesStatement(plan: MessagesPlan | undefined, compression: boolean): string {
  if (plan) return `${plan.statements.join(' | ')} (${plan.order === 'sample' ? 'sampled at random' : 'in order'})`;
  const text = describeCorpus('built-in text payload at 1 KiB', corpusStats(repeated(makeTextPayload(1024))));
  if (!compression) return text;
  const ring = variedPayloads(1024, ringSize(1024));
  return `${text}; with compression, a ring of distinct texts instead: ${describeCorpus('built-in ring at 1 KiB', corpusStats(ring))}`;
}
