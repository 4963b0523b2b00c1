/**
 * SockJS's raw WebSocket endpoint (`<prefix>/websocket`): plain frames, no SockJS framing, text
 * only (SockJS messages are strings). The channel is the prefix: /echo or /broadcast.
 */
import type { WireCodec } from '../types.js';

export const codec: WireCodec = {
  path: (channel) => `/${channel}/websocket`,
  binary: false,
  raw: true,
  open: async () => {},
  encode: (_channel, payload) => ({ frames: [{ opcode: 1, payload }], payloadOffset: 0 }),
  decode: (opcode, data) => (opcode === 1 || opcode === 2 ? data : null),
};
