/**
 * Writes every file report of a Report into its results folder, and reads a saved report back
 * (validated: an old or corrupted file gets a one-line error naming the problem).
 */
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_FILES, REPORTERS } from './report/index.js';
import { Report, REPORT_SCHEMA_ID, REPORT_VERSION } from './report/schema.js';
import { UsageError } from './errors.js';
import { writeAtomic, type ResultsStore } from './store.js';

export type WrittenFiles = Record<keyof typeof OUTPUT_FILES, string>;

export function writeReports(report: Report, store: Pick<ResultsStore, 'write'>): WrittenFiles {
  const out = {} as WrittenFiles;
  for (const [name, file] of Object.entries(OUTPUT_FILES) as Array<[keyof typeof OUTPUT_FILES, string]>) {
    out[name] = store.write(file, REPORTERS[name](report));
  }
  return out;
}

/** Reads and validates a report.json (or the one inside a results folder). */
export function loadReport(target: string): { report: Report; file: string } {
  const file = fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, 'report.json') : target;
  if (!fs.existsSync(file))
    throw new UsageError(`no report at ${file}: pass a results/<run-id> folder or its report.json`);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file} is corrupted: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const head = data as { schema?: unknown; version?: unknown };
  if (typeof data !== 'object' || data === null || head.schema !== REPORT_SCHEMA_ID) {
    throw new UsageError(`${file} is not a wsbench report (no "schema": "${REPORT_SCHEMA_ID}")`);
  }
  if (head.version !== REPORT_VERSION) {
    throw new UsageError(
      `${file} has report version ${JSON.stringify(head.version)}; this wsbench reads version ${REPORT_VERSION}: re-run the bench`,
    );
  }
  const parsed = Report.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${file} is corrupted: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { report: parsed.data, file };
}

/** Rebuilds report.md and report.html next to a saved report.json. */
export function rebuildReports(target: string): { report: Report; files: WrittenFiles } {
  const { report, file } = loadReport(target);
  const dir = path.dirname(file);
  const write = (name: string, content: string): string => {
    const f = path.join(dir, name);
    if (f !== file) writeAtomic(f, content);
    return f;
  };
  return { report, files: writeReports(report, { write }) };
}
