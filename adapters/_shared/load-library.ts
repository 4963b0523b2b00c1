/**
 * Loads the library under test. Normally from this project's node_modules; with
 * WSBENCH_LIB_DIR set (`--lib ws@<folder>`), from <folder>/node_modules instead, so two versions
 * or builds of one library can be measured side by side in one run.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export function libraryDir(): string | undefined {
  return process.env.WSBENCH_LIB_DIR || undefined;
}

/** `require(name)` from the chosen folder (the five libraries are CommonJS packages). */
export function loadLibrary<T>(name: string): T {
  const dir = libraryDir();
  const from = dir ? path.join(path.resolve(dir), 'package.json') : import.meta.url;
  return createRequire(from)(name) as T;
}

/** The version of `name` that loadLibrary loads. */
export function loadedVersion(name: string): string {
  try {
    return loadLibrary<{ version?: string }>(`${name}/package.json`).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
