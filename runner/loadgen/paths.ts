/** A codec whose request paths are the ones a running target (--target) declared. */
import type { Channel, WireCodec } from '../../adapters/types.js';
import { adapterModuleUrl } from '../../adapters/_shared/module-url.js';

/** The codec of a codec module (a built-in's `<lib>/codec.js` or a custom adapter's file), with a target's paths. */
export async function loadCodec(codecModule: string, paths?: Partial<Record<Channel, string>>): Promise<WireCodec> {
  const mod = (await import(adapterModuleUrl(codecModule))) as { codec: WireCodec };
  return withPaths(mod.codec, paths);
}

export function withPaths(codec: WireCodec, paths: Partial<Record<Channel, string>> | undefined): WireCodec {
  if (!paths || (!paths.echo && !paths.broadcast)) return codec;
  const own = codec.path.bind(codec);
  // Object.create keeps whatever the codec's methods reach through `this` or its prototype.
  return Object.assign(Object.create(codec) as WireCodec, {
    path: (channel: Channel) => paths[channel] ?? own(channel),
  });
}
