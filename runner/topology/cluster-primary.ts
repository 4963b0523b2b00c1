/**
 * The node:cluster primary of a server run with --server-procs N (server-main.ts hands over to
 * it): forks N workers that each run the adapter, round-robin scheduling (the primary accepts
 * and hands each connection to the next worker; Node 20 has no reusePort), and speaks the
 * runner's IPC protocol for all of them: ready once every worker listens (on the one port the
 * cluster shares), the connection spread on request. A worker that dies ends the whole server
 * with a line naming it, so the run becomes an errored row that says which process died.
 */
import cluster, { type Worker } from 'node:cluster';
import { execFileSync } from 'node:child_process';

type WorkerMessage =
  | { type: 'ready'; port: number; settings: object; facts: object }
  | { type: 'error'; code: string; message: string }
  | { type: 'spread'; procs: object[] }
  | ({ type: 'mem'; gc: boolean } & Record<MemKey, number>);

const MEM_KEYS = ['rss', 'heapUsed', 'heapTotal', 'external'] as const;
type MemKey = (typeof MEM_KEYS)[number];

function send(message: object): void {
  process.send?.(message);
}

/** Pins worker i to CPU i of WSBENCH_SERVER_CPUS when there are enough CPUs for one each. */
function pinWorker(worker: Worker, index: number, procs: number): void {
  const cpus = (process.env.WSBENCH_SERVER_CPU_LIST ?? '').split(',').filter(Boolean);
  if (cpus.length < procs || !worker.process.pid) return;
  try {
    execFileSync('taskset', ['-pc', cpus[index], String(worker.process.pid)], { stdio: 'ignore' });
  } catch {
    // Unpinned, the worker shares the server's CPU list: the runner's report says which.
  }
}

function describeDeath(worker: Worker, index: number, code: number | null, signal: string | null): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return `server worker w${index} (pid ${worker.process.pid}) ${how}`;
}

/** Asks every worker; each answer of that type, or null for a worker silent for 5 s. */
function askAll<T extends WorkerMessage>(workers: Worker[], type: T['type']): Promise<Array<T | null>> {
  return Promise.all(
    workers.map(
      (w) =>
        new Promise<T | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 5000);
          const on = (m: WorkerMessage): void => {
            if (m.type !== type) return;
            clearTimeout(timer);
            w.off('message', on);
            resolve(m as T);
          };
          w.on('message', on);
          w.send({ type });
        }),
    ),
  );
}

/** The server's memory: the primary's and every worker's, summed (each worker collects first). */
async function memory(workers: Worker[]): Promise<object> {
  const answers = await askAll<Extract<WorkerMessage, { type: 'mem' }>>(workers, 'mem');
  const own = process.memoryUsage();
  const out: Record<string, unknown> = { type: 'mem', gc: answers.every((a) => a?.gc === true) };
  for (const k of MEM_KEYS) out[k] = answers.reduce((n, a) => n + (a?.[k] ?? NaN), own[k]);
  out.note = `summed over the cluster primary and its ${workers.length} workers`;
  return out;
}

export async function runPrimary(modulePath: string): Promise<void> {
  const procs = Number(process.env.WSBENCH_SERVER_PROCS);
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ exec: process.argv[1], args: [modulePath], silent: false });
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    process.exit(0);
  });
  const workers: Worker[] = [];
  const ready = await new Promise<Extract<WorkerMessage, { type: 'ready' }>[]>((resolve) => {
    const got: Extract<WorkerMessage, { type: 'ready' }>[] = [];
    for (let i = 0; i < procs; i++) {
      const worker = cluster.fork({ WSBENCH_WORKER_INDEX: String(i + 1) });
      workers.push(worker);
      pinWorker(worker, i, procs);
      worker.on('exit', (code, signal) => {
        if (stopping) return;
        const line = describeDeath(worker, i + 1, code, signal);
        process.stderr.write(`${line}\n`);
        send({ type: 'error', code: 'EWORKER_EXIT', message: line });
        setTimeout(() => process.exit(1), 50);
      });
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready' && got.push(m) === procs) resolve(got);
        else if (m.type === 'error') {
          send(m);
          stopping = true;
          setTimeout(() => process.exit(1), 50);
        }
      });
    }
  });
  const ports = new Set(ready.map((r) => r.port));
  if (ports.size !== 1) {
    send({ type: 'error', code: 'ETOPOLOGY', message: `the workers listen on different ports: ${[...ports]}` });
    setTimeout(() => process.exit(1), 50);
    return;
  }
  process.on('message', (m: { type: string }) => {
    if (m.type === 'spread')
      void askAll<Extract<WorkerMessage, { type: 'spread' }>>(workers, 'spread').then((list) =>
        send({ type: 'spread', procs: list.flatMap((x, i) => x?.procs ?? [{ origin: `w${i + 1} (no answer)` }]) }),
      );
    else if (m.type === 'mem') void memory(workers).then(send);
  });
  send({ ...ready[0], facts: { ...ready[0].facts, serverProcs: procs, topology: 'node:cluster, round-robin' } });
}
