/**
 * The JSON reporter: the Report itself, pretty-printed. It is the source every other output can
 * be rebuilt from, so it is written verbatim, never trimmed.
 */
import type { Report } from './schema.js';

/** Renders the Report as pretty JSON with a trailing newline. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
