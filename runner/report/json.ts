/**
 * The JSON reporter: the Report itself, pretty-printed. It is the source every other output can
 * be rebuilt from, so it is written verbatim, never trimmed.
 */
import type { Report } from './schema.js';
import { finiteJson } from '../finite.js';

/** Renders the Report as pretty JSON with a trailing newline; refuses a non-finite number (finite.ts). */
export function renderJson(report: Report): string {
  return finiteJson(report, 2) + '\n';
}
