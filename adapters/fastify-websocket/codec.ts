/** Plain RFC 6455 (@fastify/websocket, which is ws): no protocol on top; binary and text carried as they are. */
import { rawCodec } from '../_shared/raw-codec.js';

export const codec = rawCodec(true);
