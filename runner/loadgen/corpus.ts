/**
 * The messages a framed scenario sends (`--messages`): a file of the user's own (one message per
 * line; a `.jsonl`/`.ndjson` file's lines must each be JSON; a line `base64:<data>` is a binary
 * message), or a built-in set: `chat` (realistic chat events, chat-corpus.ts) or `words` (the
 * high-entropy random-word texts compression runs cycle through by default, varied.ts). Parsed
 * alike by the runner (to refuse a bad file before anything runs, and to state the corpus in
 * the report) and by the load generator (to send it).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { chatMessages } from './chat-corpus.js';
import { Deflater } from './deflater.js';
import { variedPayloads } from './varied.js';

export interface Corpus {
  /** `chat`, `words`, or the file's path. */
  name: string;
  messages: Buffer[];
  /** Per message: binary (a `base64:` line) or text. */
  binary: boolean[];
}

export const BUILTIN_CORPORA: Record<string, () => Buffer[]> = {
  chat: () => chatMessages(512),
  // 256 texts of 1 KiB (256 KiB, eight times deflate's window), the first 8 bytes zeros.
  words: () => variedPayloads(1024, 256),
};

/** Most messages a file may hold, and the largest one. */
const MAX_MESSAGES = 1_000_000;
const MAX_MESSAGE = 16 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Loads a corpus; throws Error(why, naming the line) for a file that cannot be sent as it is. */
export function loadCorpus(spec: string): Corpus {
  const builtin = BUILTIN_CORPORA[spec];
  if (builtin) {
    const messages = builtin();
    return { name: spec, messages, binary: messages.map(() => false) };
  }
  let text: string;
  try {
    text = fs.readFileSync(spec, 'latin1');
  } catch (err) {
    throw new Error(`cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const json = /\.(jsonl|ndjson)$/i.test(spec);
  const lines = text.split('\n');
  const messages: Buffer[] = [];
  const binary: boolean[] = [];
  lines.forEach((l, i) => {
    const line = l.endsWith('\r') ? l.slice(0, -1) : l;
    if (line.length === 0) return;
    const where = `line ${i + 1}`;
    if (line.startsWith('base64:')) {
      const b64 = line.slice(7);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error(`${where}: not base64`);
      messages.push(Buffer.from(b64, 'base64'));
      binary.push(true);
    } else {
      const bytes = Buffer.from(line, 'latin1');
      let decoded: string;
      try {
        decoded = utf8.decode(bytes);
      } catch {
        throw new Error(`${where}: not UTF-8 (a binary message is a line base64:<data>)`);
      }
      if (json) {
        try {
          JSON.parse(decoded);
        } catch {
          throw new Error(`${where}: not JSON (a .jsonl file holds one JSON value per line)`);
        }
      }
      messages.push(bytes);
      binary.push(false);
    }
    if (messages[messages.length - 1].length > MAX_MESSAGE) throw new Error(`${where}: over ${MAX_MESSAGE} bytes`);
    if (messages.length > MAX_MESSAGES) throw new Error(`more than ${MAX_MESSAGES} messages`);
  });
  if (messages.length === 0) throw new Error('it holds no message (one message per line)');
  return { name: spec, messages, binary };
}

export interface CorpusStats {
  count: number;
  minBytes: number;
  maxBytes: number;
  meanBytes: number;
  /** Compressed / raw bytes, each message compressed on its own (no context kept). */
  ratioAlone: number;
  /** Compressed / raw bytes, the messages in order through one compressor (context kept, 32 KiB window). */
  ratioContext: number;
}

/** Sizes and compressibility (zlib level 6, window 15, as the servers use) of up to `limit` messages. */
export function corpusStats(messages: Buffer[], limit = 4096): CorpusStats {
  const some = messages.slice(0, limit);
  const sizes = messages.map((m) => m.length);
  const raw = some.reduce((n, m) => n + m.length, 0);
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const alone = some.reduce((n, m) => n + zlib.deflateRawSync(m, flush).length - 4, 0);
  // One stream, sync-flushed per message: what a context-keeping sender puts on the wire.
  const d = new Deflater(15);
  let ctx = 0;
  for (const m of some) ctx += d.deflate(m).length;
  d.close();
  return {
    count: messages.length,
    minBytes: Math.min(...sizes),
    maxBytes: Math.max(...sizes),
    meanBytes: Math.round(sizes.reduce((n, x) => n + x, 0) / sizes.length),
    ratioAlone: raw ? alone / raw : 1,
    ratioContext: raw ? ctx / raw : 1,
  };
}

/** One line for the report: what was sent and how well it compresses. */
export function describeCorpus(name: string, s: CorpusStats): string {
  const size =
    s.minBytes === s.maxBytes ? `${s.minBytes} B each` : `${s.minBytes}-${s.maxBytes} B (mean ${s.meanBytes} B)`;
  return `${name}: ${s.count} message${s.count === 1 ? '' : 's'}, ${size}; deflated alone to ${s.ratioAlone.toFixed(2)} of their size, with the context kept to ${s.ratioContext.toFixed(2)}`;
}
