/** Facts about optional native addons, recorded in the report because they change the numbers. */
import { createRequire } from 'node:module';

/**
 * Whether `addon` (bufferutil, utf-8-validate) loads from where `fromPackage` would load it.
 * ws and websocket use bufferutil for masking when it is installed.
 */
export function addonLoads(fromPackage: string, addon: string): boolean {
  try {
    const req = createRequire(createRequire(import.meta.url).resolve(`${fromPackage}/package.json`));
    req(addon);
    return true;
  } catch {
    return false;
  }
}
