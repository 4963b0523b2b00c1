/**
 * github-action-benchmark's custom tools: `customBiggerIsBetter` and `customSmallerIsBetter`
 * read a JSON array of `{ name, value, unit, range?, extra? }`; one file per direction, so each
 * metric goes to the file whose direction it has.
 */
import type { Report } from '../report/schema.js';
import { benchmarkName, exportedMetrics, type ExportedMetric } from './common.js';

/** One entry of a github-action-benchmark custom file. */
export interface GithubBenchmarkEntry {
  name: string;
  value: number;
  unit: string;
  /** `± <half the min-max range>`: the action parses `±` and a number of at least two characters. */
  range?: string;
  extra?: string;
}

/** The action scales time units it knows (s, ms, us, ns); `µs` is not one of them. */
const unitOf = (unit: string): string => (unit === 'µs' ? 'us' : unit);

/** A number for the range string: fixed decimals keep it at least two characters long. */
const fixed = (n: number): string => n.toFixed(n >= 100 ? 1 : 3);

function entry(e: ExportedMetric): GithubBenchmarkEntry {
  const { summary: s, metric: m, value: v } = e;
  const flags = [s.clientBound ? 'client-bound' : '', s.pacingBound ? 'pacing-bound' : '', s.noisy ? 'noisy' : '']
    .filter(Boolean)
    .join(', ');
  const extra = [
    `${s.case.label}; ${m.label} (${m.better} is better)`,
    `median of ${s.runsCompleted} run(s)${s.runsCompleted > 1 ? `, min ${fixed(v.min)}, max ${fixed(v.max)}` : ''}`,
    ...(flags ? [flags] : []),
  ].join('\n');
  return {
    name: `${benchmarkName(s)}/${m.key}`,
    value: v.median,
    unit: unitOf(m.unit),
    ...(s.runsCompleted > 1 && Number.isFinite(v.max - v.min) ? { range: `± ${fixed((v.max - v.min) / 2)}` } : {}),
    extra,
  };
}

function render(report: Report, better: 'higher' | 'lower'): string {
  const entries = exportedMetrics(report)
    .filter((e) => e.metric.better === better)
    .map(entry);
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** The `customBiggerIsBetter` file: throughput-like metrics. */
export const renderGithubBigger = (report: Report): string => render(report, 'higher');

/** The `customSmallerIsBetter` file: latency, memory. */
export const renderGithubSmaller = (report: Report): string => render(report, 'lower');
