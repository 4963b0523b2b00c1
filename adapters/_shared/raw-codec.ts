/**
 * The codec of libraries that speak plain RFC 6455: the payload is the frame, and the channel is
 * the request path (`/echo`, `/broadcast`).
 */
import type { WireCodec } from '../types.js';

export function rawCodec(binary = true): WireCodec {
  return {
    path: (channel) => `/${channel}`,
    binary,
    raw: true,
    open: async () => {},
    encode: (_channel, payload, asBinary) => ({
      frames: [{ opcode: asBinary && binary ? 2 : 1, payload }],
      payloadOffset: 0,
    }),
    decode: (opcode, data) => (opcode === 1 || opcode === 2 ? data : null),
  };
}
