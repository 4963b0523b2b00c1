/** Temporary folders for a test file, removed when its tests end. */
import { after } from 'node:test';
import { mkdtempSync as mkdtempRaw, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
let registered = false;

/** A new folder under the system temp folder (or `prefix` if it is already a path). */
export function tempDir(prefix: string): string {
  if (!registered) {
    registered = true;
    after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  }
  const dir = mkdtempRaw(path.isAbsolute(prefix) ? prefix : path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
