/** Plain RFC 6455 (Bun.serve): no protocol on top; binary and text carried as they are. */
import { rawCodec } from '../_shared/raw-codec.js';

export const codec = rawCodec(true);
