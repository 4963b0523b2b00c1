/**
 * The results folder of one bench: results/<run-id>/ with runs.jsonl (one whole line appended
 * per run, as soon as it ends) and the reports, each written atomically (temp file + rename),
 * so neither a crash nor Ctrl-C ever leaves a truncated file behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunResult } from './report/schema.js';
import { finiteJson, finiteRun } from './finite.js';

/** A sortable, unique id: 20261125-210501-3fa2. */
export function newRunId(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const d = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
  const t = `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${d}-${t}-${randomBytes(2).toString('hex')}`;
}

/** Writes `content` to `file` through a temporary file in the same folder and a rename. */
export function writeAtomic(file: string, content: string): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`,
  );
  const fd = fs.openSync(tmp, 'w');
  try {
    try {
      // writeFileSync on an fd loops until every byte is written; a single writeSync may not.
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    // A full disk or a vanished folder: leave neither a half-written temp file nor a torn target.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Creates outDir/<new run id> exclusively and returns the id: two benches started in the same
 * second into one --out could otherwise draw the same id and mix their runs in one folder.
 */
function claimRunFolder(outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const id = newRunId();
    try {
      fs.mkdirSync(path.resolve(outDir, id));
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw err;
    }
  }
}

export class ResultsStore {
  readonly runId: string;
  readonly dir: string;
  readonly runsFile: string;

  /** Without `runId`, picks a new one whose folder no other bench has claimed. */
  constructor(outDir: string, runId?: string) {
    const id = runId ?? claimRunFolder(outDir);
    this.runId = id;
    this.dir = path.resolve(outDir, id);
    fs.mkdirSync(this.dir, { recursive: true });
    this.runsFile = path.join(this.dir, 'runs.jsonl');
  }

  /** Appends one run as one line, in a single write (non-finite metrics left out, see finite.ts). */
  appendRun(run: RunResult): void {
    fs.appendFileSync(this.runsFile, `${finiteJson(finiteRun(run))}\n`);
  }

  write(name: string, content: string): string {
    const file = path.join(this.dir, name);
    writeAtomic(file, content);
    return file;
  }
}

/** Reads runs.jsonl back; a torn last line (a crash mid-append) is skipped. */
export function readRuns(file: string): unknown[] {
  if (!fs.existsSync(file)) return [];
  const out: unknown[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      /* a partial line from an interrupted write */
    }
  }
  return out;
}
