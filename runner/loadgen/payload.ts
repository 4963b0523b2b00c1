/**
 * Message payloads. Text frames carry realistic UTF-8: a JSON-like chat message after the
 * sequence number, with some non-ASCII characters (2, 3 and 4 UTF-8 bytes), so a server really
 * validates UTF-8 and a compressor sees text like real JSON. Binary frames keep the ASCII
 * pattern of makePayload. Either way the first SEQ_BYTES bytes are where the sequence number goes.
 */
import { makePayload, SEQ_BYTES } from './frame.js';

/** One chat message's worth of JSON-like text; repeated (with a running id) to fill a payload. */
const PIECE = (i: number): string =>
  `{"id":${i},"room":"général","user":"Zoë Ångström","text":"Grüße aus Köln — ça va? 日本語 ok 👍","tags":["naïve","café"],"ts":1700000000${i % 10}}`;

/**
 * `size` bytes of valid UTF-8: 8 ASCII zeros (the sequence number), then JSON-like text, cut at a
 * character boundary and padded with spaces to the exact size.
 */
export function makeTextPayload(size: number): Buffer {
  const buf = Buffer.alloc(size, 0x20);
  if (size < SEQ_BYTES) return buf.fill(0x61);
  buf.fill(48, 0, SEQ_BYTES);
  let at = SEQ_BYTES;
  for (let i = 0; at < size; i++) {
    const piece = Buffer.from(`${i === 0 ? ' ' : ','}${PIECE(i)}`);
    if (at + piece.length <= size) {
      at += piece.copy(buf, at);
      continue;
    }
    // The last piece, cut so no multi-byte character is split (the rest stays spaces).
    let end = size - at;
    while (end > 0 && (piece[end] & 0xc0) === 0x80) end--;
    piece.copy(buf, at, 0, end);
    break;
  }
  return buf;
}

/** The payload of a job's messages: text (UTF-8) unless binary frames are asked for. */
export function payloadFor(binary: boolean, size: number): Buffer {
  return binary ? makePayload(size) : makeTextPayload(size);
}
