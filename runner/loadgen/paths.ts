/** A codec whose request paths are the ones a running target (--target) declared. */
import type { Channel, WireCodec } from '../../adapters/types.js';

export function withPaths(codec: WireCodec, paths: Partial<Record<Channel, string>> | undefined): WireCodec {
  if (!paths || (!paths.echo && !paths.broadcast)) return codec;
  const own = codec.path.bind(codec);
  // Object.create keeps whatever the codec's methods reach through `this` or its prototype.
  return Object.assign(Object.create(codec) as WireCodec, { path: (channel: Channel) => paths[channel] ?? own(channel) });
}
