/**
 * What the load generator offers for permessage-deflate (`--deflate-offer`): by default what
 * current browsers offer, or the older no-context-takeover offer, or a header typed out.
 */
import type { DeflateOffer } from './deflate.js';

/**
 * Chrome and Firefox send `permessage-deflate; client_max_window_bits`: both sides keep their
 * compression context between messages (context takeover), 32 KiB windows unless the server
 * asks for smaller.
 */
export const BROWSER_OFFER: DeflateOffer = { clientMaxWindowBits: true };
/** Each client message compressed on its own (what wsbench offered before). */
export const NO_CONTEXT_OFFER: DeflateOffer = { clientNoContextTakeover: true, clientMaxWindowBits: true };

export const NAMED_OFFERS: Record<string, DeflateOffer> = {
  browser: BROWSER_OFFER,
  'no-context-takeover': NO_CONTEXT_OFFER,
};

/** Parses `--deflate-offer`: a name above or a Sec-WebSocket-Extensions value; throws Error(why). */
export function parseOffer(value: string): DeflateOffer {
  const named = NAMED_OFFERS[value.trim().toLowerCase()];
  if (named) return named;
  const [name, ...params] = value.split(';').map((s) => s.trim());
  if (name.toLowerCase() !== 'permessage-deflate')
    throw new Error(
      `'${value}' is neither ${Object.keys(NAMED_OFFERS).join(' nor ')} nor a header starting with permessage-deflate`,
    );
  const offer: DeflateOffer = {};
  for (const p of params) {
    const [key, raw] = p.split('=').map((s) => s.trim());
    const k = key.toLowerCase();
    if (k === 'server_no_context_takeover' || k === 'client_no_context_takeover') {
      if (raw !== undefined) throw new Error(`${k} takes no value`);
      offer[k === 'server_no_context_takeover' ? 'serverNoContextTakeover' : 'clientNoContextTakeover'] = true;
    } else if (k === 'server_max_window_bits' || k === 'client_max_window_bits') {
      if (raw !== undefined && !/^(8|9|1[0-5])$/.test(raw)) throw new Error(`${k}=${raw}: must be 8..15`);
      offer[k === 'server_max_window_bits' ? 'serverMaxWindowBits' : 'clientMaxWindowBits'] =
        raw === undefined ? true : Number(raw);
    } else throw new Error(`unknown parameter '${key}' (RFC 7692 defines four)`);
  }
  return offer;
}
