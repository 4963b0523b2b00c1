/**
 * Loads uWebSockets.js's native binding file directly. The package's `src/uws.js` falls back to
 * a pure-JS imitation when the binding fails to load; that imitation must never be measured as
 * uWS, so we never go through it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { CodedError } from '../../runner/errors.js';
import { libraryDir } from '../_shared/load-library.js';

export type Uws = typeof import('uWebSockets.js');

/** Where the binding for this platform, arch and Node ABI lives (WSBENCH_UWS_BINDING overrides). */
export function bindingPath(): string {
  if (process.env.WSBENCH_UWS_BINDING) return process.env.WSBENCH_UWS_BINDING;
  const dir = libraryDir();
  const require = createRequire(dir ? path.join(path.resolve(dir), 'package.json') : import.meta.url);
  const root = path.dirname(require.resolve('uWebSockets.js/package.json'));
  return path.join(root, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
}

export function loadUws(): { uws: Uws; file: string } {
  const file = bindingPath();
  const require = createRequire(import.meta.url);
  try {
    return { uws: require(file) as Uws, file };
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new CodedError(
      'ENATIVE',
      `uWebSockets.js native binding did not load (${path.basename(file)}: ${reason}); ` +
        'its pure-JS fallback is not uWS and is never benchmarked',
    );
  }
}
