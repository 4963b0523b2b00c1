/**
 * Payloads for compression runs. Sending one payload over and over (only the sequence number
 * changing) lets a server with context takeover encode each message as a reference to the one
 * before: about 2 % of its size, and cheap to find, a best case no real traffic sees. So with
 * compression, messages cycle through a ring of distinct, JSON-like texts, long enough that a
 * message's previous copy has left the 32 KiB window by the time it is sent again.
 */
import { makePayload, SEQ_BYTES } from './frame.js';

/** Bytes the ring spans: twice deflate's largest window. */
const RING_SPAN = 64 * 1024;
const MAX_RING = 4096;

const WORDS = (
  'the of and to in is you that it was for on are as with they at be this have from or one had by word but not what ' +
  'all were we when your can said there use an each which she do how their if will up other about out many then them ' +
  'these so some her would make like him into time has look two more write go see number no way could people my than ' +
  'first water been call who its now find long down day did get come made may part'
).split(' ');

/** How many distinct payloads of `size` bytes a compression run cycles through. */
export function ringSize(size: number): number {
  return Math.min(MAX_RING, Math.max(1, Math.ceil(RING_SPAN / Math.max(1, size))));
}

/**
 * `count` distinct payloads of `size` ASCII bytes, like a chat app's JSON (field names repeat,
 * values and text differ), without quotes or backslashes so every codec carries them unchanged
 * inside its own framing; the first 8 bytes are where the sequence number goes.
 */
export function variedPayloads(size: number, count: number): Buffer[] {
  if (size <= SEQ_BYTES) return Array.from({ length: count }, () => makePayload(size));
  let s = 12345;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
  return Array.from({ length: count }, () => {
    let text = `00000000 {type: chat, room: lobby-${rnd(20)}, user: {id: ${rnd(1e6)}, name: u-${rnd(1e5).toString(36)}}, ts: ${1764581000000 + rnd(1e6)}, text: `;
    while (text.length < size) text += `${WORDS[rnd(WORDS.length)]} `;
    return Buffer.from(text.slice(0, size), 'latin1');
  });
}
