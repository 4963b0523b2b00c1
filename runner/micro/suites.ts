/** Which micro-benchmark suite a library has, or why it has none: its manifest says (Manifest.micro). */
import { manifestOf } from '../../adapters/index.js';
import type { Suite } from './tasks.js';

/** The suite of `library` (`name@folder` uses name's suite, loaded from folder). */
export async function suiteFor(library: string): Promise<Suite> {
  const micro = manifestOf(library)?.micro;
  if (!micro) return { unreachable: `no micro-benchmark suite for ${library}` };
  return typeof micro === 'function' ? await micro() : micro;
}
