/** Facts about optional native addons, recorded in the report because they change the numbers. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { libraryDir } from './load-library.js';

/**
 * Whether `addon` (bufferutil, utf-8-validate) loads from where `fromPackage` would load it, in
 * the install folder the library itself was loaded from. ws and websocket use bufferutil for
 * masking when it is installed.
 */
export function addonLoads(fromPackage: string, addon: string): boolean {
  try {
    const dir = libraryDir();
    const base = createRequire(dir ? path.join(path.resolve(dir), 'package.json') : import.meta.url);
    createRequire(base.resolve(`${fromPackage}/package.json`))(addon);
    return true;
  } catch {
    return false;
  }
}
