/** The module paths of an adapter folder, for a manifest: `<folder>/server.js` and `<folder>/codec.js`. */
import type { AdapterInfo, AdapterRuntime } from '../types.js';

/** A library served by Node from adapters/<folder>/server.ts. */
export function nodeEntry<N extends string>(
  name: N,
  packageName: string,
  folder: string = name,
): AdapterInfo & { name: N } {
  return { name, packageName, serverModule: `${folder}/server.js`, codecModule: `${folder}/codec.js` };
}

/** A server run by another runtime: its entry is the plain .js file in the adapter's folder. */
export function runtimeEntry<N extends AdapterRuntime['name']>(
  name: N,
  ready: AdapterRuntime['ready'],
): AdapterInfo & { name: N } {
  return { ...nodeEntry(name, name), runtime: { name, ready, entry: `adapters/${name}/server.js` } };
}

/** The TLS stack of Node's own servers (https.createServer). */
export const NODE_TLS = { stack: 'https.createServer (node:tls)' };
