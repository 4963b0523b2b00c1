/**
 * Where an adapter's server or codec module lives: built-in ones are named relative to
 * dist/adapters (`ws/server.js`); an adapter loaded with `--lib <path>` is named by an absolute
 * file path or a file: URL.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ADAPTERS_DIR = new URL('../', import.meta.url);

/** The import() URL of an adapter module spec. */
export function adapterModuleUrl(spec: string): string {
  if (spec.startsWith('file:')) return spec;
  if (path.isAbsolute(spec)) return pathToFileURL(spec).href;
  return new URL(spec, ADAPTERS_DIR).href;
}
