/**
 * permessage-deflate for the servers, on when the runner sets WSBENCH_COMPRESSION=1. Every
 * library gets the same work: every message compressed (no size threshold), the server's
 * compression context kept between messages (context takeover), a 32 KiB window (15 bits).
 */

export const COMPRESSION = process.env.WSBENCH_COMPRESSION === '1';

/**
 * ws's options (socket.io hands them to ws through engine.io). threshold 0: ws and engine.io
 * skip messages under 1 KiB by default, uWS compresses whatever it is told to; zlib's defaults
 * otherwise (level 6, memLevel 8, window 15 bits), and ws accepts what a client asks for
 * (setting serverNoContextTakeover or serverMaxWindowBits would make ws refuse other offers).
 */
export const WS_DEFLATE = { threshold: 0 } as const;

/** How the settings of ws and socket.io show it. */
export const WS_DEFLATE_SETTING = COMPRESSION
  ? 'on: threshold 0 (every message), server context takeover, window 15 bits, zlib level 6, memLevel 8'
  : false;
