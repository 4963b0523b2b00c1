/**
 * `--loadgen-procs N`, `--server-cpus <list>`, `--loadgen-cpus <list>`: how many load-generator
 * processes a run uses and which CPUs the server and they are pinned to. Without these flags
 * nothing changes: the server on CPU 0, one load generator on CPU 1 (runner/pinning.ts).
 * Load-generator process i gets CPU i of the list (round robin when there are fewer CPUs).
 */
import os from 'node:os';
import { UsageError } from '../errors.js';
import { decidePinning, type Pinning } from './pinning.js';
import type { RawOptions, RunPlan } from '../plan.js';

export interface LoadgenPlacement {
  procs: number;
  /** taskset CPU list of the server; absent: the default. */
  serverCpus?: string;
  /** One CPU list per load-generator slot; absent: the default client CPU. */
  loadgenCpus?: string[];
}

/** A taskset-style list (`0`, `1,3`, `2-5`) -> its CPUs, each checked against the machine. */
export function parseCpuList(raw: string, flag: string, cores = os.availableParallelism()): number[] {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(raw.trim()))
    throw new UsageError(`${flag} must be a CPU list like 0 or 1,3 or 2-5, got '${raw}'`);
  const cpus: number[] = [];
  for (const part of raw.trim().split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    if (b < a) throw new UsageError(`${flag}: the range ${part} runs backwards`);
    for (let c = a; c <= b; c++) {
      if (c >= cores)
        throw new UsageError(`${flag}: CPU ${c} does not exist here (this machine has CPUs 0-${cores - 1})`);
      cpus.push(c);
    }
  }
  return [...new Set(cpus)];
}

export function planLoadgen(raw: RawOptions): LoadgenPlacement | undefined {
  if (raw.loadgenProcs === undefined && raw.serverCpus === undefined && raw.loadgenCpus === undefined) return undefined;
  let procs = 1;
  if (raw.loadgenProcs !== undefined) {
    procs = Number(raw.loadgenProcs);
    if (!Number.isInteger(procs) || procs < 1 || procs > 64)
      throw new UsageError(`--loadgen-procs must be a whole number from 1 to 64, got '${raw.loadgenProcs}'`);
  }
  const pinned = decidePinning().method === 'taskset';
  if (!pinned && (raw.serverCpus !== undefined || raw.loadgenCpus !== undefined)) {
    throw new UsageError(`--server-cpus/--loadgen-cpus need pinning (${decidePinning().note}): leave them out`);
  }
  const serverCpus = raw.serverCpus === undefined ? undefined : parseCpuList(raw.serverCpus, '--server-cpus').join(',');
  const loadgenCpus =
    raw.loadgenCpus === undefined ? undefined : parseCpuList(raw.loadgenCpus, '--loadgen-cpus').map(String);
  return { procs, ...(serverCpus ? { serverCpus } : {}), ...(loadgenCpus ? { loadgenCpus } : {}) };
}

/** Where a run's processes go: the server's CPU list and one per load-generator process. */
export function placement(plan: RunPlan): { serverCpu: string; clientCpus: string[]; procs: number } {
  const pin = decidePinning();
  const p = plan.loadgen;
  const procs = p?.procs ?? 1;
  const list = p?.loadgenCpus ?? [pin.clientCpu];
  return {
    serverCpu: p?.serverCpus ?? pin.serverCpu,
    clientCpus: Array.from({ length: procs }, (_, i) => list[i % list.length]),
    procs,
  };
}

/** The pinning the report states, with the placement flags applied. */
export function reportedPinning(plan: RunPlan): Pinning {
  const pin = decidePinning();
  if (!plan.loadgen) return pin;
  const at = placement(plan);
  const clients = [...new Set(at.clientCpus)].join(',');
  const note = `server on CPU ${at.serverCpu}, ${at.procs} load-generator process${at.procs > 1 ? 'es' : ''} on CPU ${at.clientCpus.join(' / ')} (--loadgen-procs, --server-cpus, --loadgen-cpus)`;
  return pin.method === 'taskset'
    ? { ...pin, serverCpu: at.serverCpu, clientCpu: clients, note }
    : { ...pin, note: `${pin.note}; ${at.procs} load-generator processes` };
}
