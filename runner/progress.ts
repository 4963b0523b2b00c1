/**
 * Progress of a long bench on stderr: one live line on a terminal (library, scenario, repetition,
 * phase, elapsed and remaining time, live messages/s), plain lines otherwise. It listens to the
 * orchestrator's events and never touches results.
 */
import type { RunResult } from './report/schema.js';

export interface RunInfo {
  index: number;
  total: number;
  library: string;
  scenario: string;
  caseLabel: string;
  rep: number;
  runs: number;
}

export interface Progress {
  start(totalRuns: number, estimateMs: number): void;
  runStart(info: RunInfo, estimateMs: number): void;
  tick(phase: string, elapsedMs: number, totalMs: number, perSecond: number): void;
  runEnd(info: RunInfo, result: RunResult): void;
  note(message: string): void;
  finish(): void;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function rate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${Math.round(n)}`;
}

function outcome(result: RunResult): string {
  if (result.status === 'errored') return `ERRORED: ${result.error.message}`;
  if (result.status === 'skipped') return `skipped: ${result.reason}`;
  const m = result.stats.metrics;
  const parts: string[] = [];
  if (m.msgsPerSec !== undefined) parts.push(`${rate(m.msgsPerSec)} msg/s`);
  if (m.deliveriesPerSec !== undefined) parts.push(`${rate(m.deliveriesPerSec)} deliveries/s`);
  if (m.opened !== undefined) parts.push(`${m.opened} open`);
  if (m.p99Us !== undefined) parts.push(`p99 ${Math.round(m.p99Us)} µs`);
  if (m.serverCpuPct !== undefined) parts.push(`server ${Math.round(m.serverCpuPct)}%`);
  if (m.clientCpuPct !== undefined) parts.push(`loadgen ${Math.round(m.clientCpuPct)}%`);
  if (result.stats.clientBound) parts.push('CLIENT-BOUND');
  if (result.stats.pacingBound) parts.push('PACING-BOUND');
  return parts.join(', ');
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const live = stream.isTTY === true && !quiet;
  let started = 0;
  let estimateLeft = 0;
  let runEstimate = 0;
  let runStartedAt = 0;
  let current: RunInfo | null = null;
  let lastPlain = 0;
  const write = (s: string): void => {
    if (!quiet) stream.write(s);
  };
  const clear = (): void => {
    if (live) write('\r\x1b[2K');
  };
  const left = (): number => Math.max(0, estimateLeft - (performance.now() - runStartedAt));
  const head = (i: RunInfo): string =>
    `[${i.index}/${i.total}] ${i.library} · ${i.scenario} ${i.caseLabel} · run ${i.rep + 1}/${i.runs}`;
  return {
    start(total, estimateMs) {
      started = performance.now();
      estimateLeft = estimateMs;
      write(`wsbench: ${total} runs, about ${duration(estimateMs)}\n`);
    },
    runStart(info, estimateMs) {
      current = info;
      runStartedAt = performance.now();
      runEstimate = estimateMs;
      if (live) {
        clear();
        write(`${head(info)} · starting · ~${duration(left())} left`);
      }
    },
    tick(phase, elapsedMs, totalMs, perSecond) {
      if (!current) return;
      const timing =
        totalMs > 0
          ? `${(elapsedMs / 1000).toFixed(0)}/${(totalMs / 1000).toFixed(0)} s`
          : `${(elapsedMs / 1000).toFixed(0)} s`;
      const line = `${head(current)} · ${phase} ${timing} · ${rate(perSecond)}/s · ~${duration(left())} left`;
      if (live) {
        clear();
        write(line);
      } else if (performance.now() - lastPlain > 10_000) {
        // Plain output (CI logs): a heartbeat every 10 s at most, not a line per second.
        lastPlain = performance.now();
        write(`${line}\n`);
      }
    },
    runEnd(info, result) {
      estimateLeft = Math.max(0, estimateLeft - runEstimate);
      clear();
      write(`${head(info)}: ${outcome(result)}\n`);
      current = null;
    },
    note(message) {
      clear();
      write(`${message}\n`);
    },
    finish() {
      clear();
      write(`wsbench: done in ${duration(performance.now() - started)}\n`);
    },
  };
}
