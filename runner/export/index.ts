/**
 * The CI export registry: a format name maps to "report in, text out". Adding a format is one
 * file and one line here; the keys are the valid `--export <format>=<file>` names.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Report } from '../report/schema.js';
import { UsageError } from '../errors.js';
import { renderBencher } from './bencher.js';
import type { Exporter } from './common.js';
import { renderGithubBigger, renderGithubSmaller } from './github.js';

/** Every export format by name. */
export const EXPORTERS = {
  /** github-action-benchmark, tool: customBiggerIsBetter */
  'github-bigger': renderGithubBigger,
  /** github-action-benchmark, tool: customSmallerIsBetter */
  'github-smaller': renderGithubSmaller,
  /** Bencher Metric Format, `bencher run --adapter json --file <file>` */
  bencher: renderBencher,
} as const satisfies Record<string, Exporter>;

/** A valid `--export` format name. */
export type ExportFormat = keyof typeof EXPORTERS;

/** One requested export: a format and the file it goes to. */
export interface ExportSpec {
  format: ExportFormat;
  file: string;
}

/** Parses `--export <format>=<file>` values; a bad one is a UsageError naming the valid formats. */
export function parseExportSpecs(values: string[]): ExportSpec[] {
  return values.map((raw) => {
    const eq = raw.indexOf('=');
    const format = eq < 0 ? raw : raw.slice(0, eq);
    const file = eq < 0 ? '' : raw.slice(eq + 1);
    const formats = Object.keys(EXPORTERS).join(', ');
    if (!Object.hasOwn(EXPORTERS, format))
      throw new UsageError(`unknown export format '${format}' (--export <format>=<file>): choose from ${formats}`);
    if (!file) throw new UsageError(`--export ${format} needs a file: --export ${format}=<file>`);
    return { format: format as ExportFormat, file };
  });
}

/** Writes each export (creating folders as needed); returns the files written. */
export function writeExports(report: Report, specs: ExportSpec[]): string[] {
  return specs.map(({ format, file }) => {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, EXPORTERS[format](report));
    return file;
  });
}
