/**
 * `wsbench compare`: the regression gate for CI, and the tail of `wsbench bench --compare`.
 * Prints the Markdown summary (appended to $GITHUB_STEP_SUMMARY when set) and sets the exit
 * code: 0 no regression, 1 a regression beyond threshold and noise, 2 bad input or a run error.
 */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { loadReport } from '../outputs.js';
import type { Report } from '../report/schema.js';
import { parseExportSpecs, writeExports, EXPORTERS } from '../export/index.js';
import {
  compareReports,
  compareWithin,
  DEFAULT_THRESHOLD,
  gateExitCode,
  type CompareOptions,
  type Comparison,
} from './compare.js';
import { renderCompareMarkdown } from './markdown.js';

/** Where the comparison goes besides the exit code. */
export interface PublishOptions {
  /** Stream for the Markdown (default stdout). */
  out?: NodeJS.WritableStream;
  /** Also write the Markdown to this file (for a PR-comment step). */
  markdownFile?: string;
  /** Print the comparison as JSON instead of Markdown. */
  json?: boolean;
}

/** `5`, `5%` or `2.5` (percent) -> 0.05; a UsageError names the flag otherwise. */
export function parseThreshold(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_THRESHOLD;
  const n = Number(raw.trim().replace(/%$/, ''));
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1000) {
    throw new UsageError(`--threshold must be a percentage such as 5 or 2.5%, got '${raw}'`);
  }
  return n / 100;
}

/** `headline` or `primary`, as typed after --metrics. */
export function parseMetrics(raw: string | undefined): CompareOptions['metrics'] {
  if (raw === undefined || raw === 'headline' || raw === 'primary') return raw ?? 'headline';
  throw new UsageError(`--metrics must be headline or primary, got '${raw}'`);
}

/** Prints the comparison, appends it to $GITHUB_STEP_SUMMARY, and returns the gate's exit code. */
export function publishComparison(c: Comparison, opts: PublishOptions = {}): number {
  const markdown = renderCompareMarkdown(c);
  const out = opts.out ?? process.stdout;
  out.write(opts.json ? `${JSON.stringify(c, null, 2)}\n` : markdown);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) fs.appendFileSync(summary, `${markdown}\n`);
  if (opts.markdownFile) fs.writeFileSync(opts.markdownFile, markdown);
  return gateExitCode(c);
}

/** Reads the baseline report for `bench --compare` (validated; call it before the bench runs). */
export function loadBaseline(target: string): Report {
  try {
    return loadReport(target).report;
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`--compare: ${err.message}`);
    throw err;
  }
}

/**
 * After `bench --compare <baseline>`: compares the fresh report (head) with the baseline and
 * publishes the result. Returns the exit code (0, 1 or 2); throws UsageError on a bad baseline.
 */
export function runCompareAfterBench(
  report: Report,
  baseline: string | Report,
  opts: CompareOptions & PublishOptions = {},
): number {
  const base = typeof baseline === 'string' ? loadBaseline(baseline) : baseline;
  const c = compareReports(base, report, opts);
  if (c.rows.length === 0)
    throw new UsageError(
      `nothing to compare: no scenario, case and library of this run is in the baseline ${base.runId} (--compare)`,
    );
  return publishComparison(c, opts);
}

interface CompareFlags {
  within?: string;
  base?: string;
  head?: string;
  threshold?: string;
  metrics?: string;
  aa?: string;
  export: string[];
  markdown?: string;
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs one `compare` invocation; returns the comparison and the report that exports are made of. */
function compareFromFlags(
  baseArg: string | undefined,
  headArg: string | undefined,
  f: CompareFlags,
): { c: Comparison; exported: Report } {
  const options: CompareOptions = {
    threshold: parseThreshold(f.threshold),
    metrics: parseMetrics(f.metrics),
    ...(f.aa ? { aa: f.aa } : {}),
  };
  if (f.aa && !f.within) throw new UsageError('--aa names a library of one report and goes with --within <report>');
  if (f.within) {
    if (baseArg || headArg)
      throw new UsageError('--within compares two libraries of one report: pass no report arguments with it');
    if (!f.base || !f.head)
      throw new UsageError('--within needs --base <library> and --head <library>, e.g. --base ws --head ws@next');
    const { report } = loadReport(f.within);
    return { c: compareWithin(report, f.base, f.head, options), exported: report };
  }
  if (!baseArg || !headArg)
    throw new UsageError(
      'compare needs a base and a head report (results folders or report.json files), or --within <report>',
    );
  if (f.base || f.head) throw new UsageError('--base and --head name libraries and go with --within <report>');
  const base = loadReport(baseArg).report;
  const head = loadReport(headArg).report;
  const c = compareReports(base, head, options);
  if (c.rows.length === 0)
    throw new UsageError(`nothing to compare: no scenario, case and library is in both ${baseArg} and ${headArg}`);
  return { c, exported: head };
}

/** The `compare` subcommand, for `program.addCommand(compareCommand())`. */
export function compareCommand(): Command {
  return new Command('compare')
    .description(
      'Compare a base and a head run (or two libraries of one run) and fail on a regression beyond threshold and noise.',
    )
    .argument('[base]', 'base results folder or report.json')
    .argument('[head]', 'head results folder or report.json')
    .option('--within <report>', 'compare two libraries of one report instead (with --base and --head)')
    .option('--base <library>', 'with --within: the base library, e.g. ws')
    .option('--head <library>', 'with --within: the head library, e.g. ws@next')
    .option(
      '--aa <library>',
      'with --within: a second copy of the base (same-code noise in the same bench), e.g. ws@aa',
    )
    .option('--threshold <pct>', `smallest change, in percent, that may be called (default ${DEFAULT_THRESHOLD * 100})`)
    .addOption(
      new Option('--metrics <which>', 'headline metric only, or every primary metric too').choices([
        'headline',
        'primary',
      ]),
    )
    .option(
      '--export <format=file>',
      `also export the head report: ${Object.keys(EXPORTERS).join(', ')} (repeatable)`,
      collect,
      [],
    )
    .option('--markdown <file>', 'also write the Markdown summary to a file (for a PR comment)')
    .option('--json', 'print the comparison as JSON instead of Markdown')
    .addHelpText(
      'after',
      [
        '',
        'Rules, in order (each verdict names the one that decided): floor (within what the instrument',
        "resolves), min-effect (within --threshold or the metric's minimum effect), noise (within the",
        'measured spread), then rounds (base and head benched in turns: every round must agree) or',
        'separation (every head run beyond every base run). With one run per side the noise is unknown:',
        'the bar is the minimum effect plus an assumed 10 %. Run with --runs 3 or more. See docs/ci.md.',
        '',
        'Exit codes: 0 no regression, 1 a regression, 2 bad input or a head run that errored.',
        'The Markdown summary is appended to $GITHUB_STEP_SUMMARY when that is set.',
        '',
        'Examples:',
        '  wsbench compare results/base results/head --threshold 5',
        '  wsbench compare --within results/<run-id> --base ws --head ws@next',
      ].join('\n'),
    )
    .action((baseArg: string | undefined, headArg: string | undefined, flags: CompareFlags) => {
      const specs = parseExportSpecs(flags.export);
      const { c, exported } = compareFromFlags(baseArg, headArg, flags);
      writeExports(exported, specs);
      process.exitCode = publishComparison(c, { markdownFile: flags.markdown, json: flags.json });
    });
}
