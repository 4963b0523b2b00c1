/**
 * The reporter registry: a name maps to a pure function from Report to text. Adding a format is
 * one file and one line here; the keys are the type of valid `--reporter` names.
 */
import type { Report } from './schema.js';
import { renderConsole } from './console.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

/** A reporter: Report in, text out. It never measures and never prints. */
export type Reporter = (report: Report) => string;

/** Every reporter by name. */
export const REPORTERS = {
  console: renderConsole,
  markdown: renderMarkdown,
  html: renderHtml,
  json: renderJson,
} as const satisfies Record<string, Reporter>;

/** A valid reporter name. */
export type ReporterName = keyof typeof REPORTERS;

/** The file each file-writing reporter produces inside results/<run-id>/. */
export const OUTPUT_FILES: Record<Exclude<ReporterName, 'console'>, string> = {
  json: 'report.json',
  markdown: 'report.md',
  html: 'report.html',
};

/** Narrows a user-supplied string (a CLI flag value) to a reporter name. */
export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(REPORTERS, name);
}
