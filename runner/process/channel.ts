/**
 * How the runner talks to a server process: Node's IPC where the runtime has it (Node, Bun), or
 * lines for runtimes without it (Deno): the server writes `WSBENCH_<TYPE> {json}` lines on
 * stdout (`WSBENCH_READY {"port":1234,...}`, `WSBENCH_MEM {...}`, `WSBENCH_ERROR {...}`) and
 * reads one JSON request per line on stdin; the end of stdin tells it to exit. Either way the
 * messages are the same objects, `{ type: 'ready' | 'mem' | 'error', ... }`.
 */
import { EventEmitter } from 'node:events';
import type { ResultPromise } from 'execa';

export interface ServerChannel {
  on(listener: (message: unknown) => void): void;
  off(listener: (message: unknown) => void): void;
  send(message: object): Promise<void>;
}

export function ipcChannel(child: ResultPromise): ServerChannel {
  return {
    on: (l) => void child.on('message', l),
    off: (l) => void child.off('message', l),
    send: (m) => child.sendMessage!(m as never),
  };
}

const LINE = /^WSBENCH_([A-Z]+) (\{.*\})\s*$/;

/** Parses one stdout line into a message, or null for any other output. */
export function parseLine(line: string): { type: string } | null {
  const m = LINE.exec(line);
  if (!m) return null;
  try {
    const body = JSON.parse(m[2]) as Record<string, unknown>;
    return typeof body === 'object' && body !== null ? { ...body, type: m[1].toLowerCase() } : null;
  } catch {
    return null;
  }
}

export function lineChannel(child: ResultPromise): ServerChannel {
  const events = new EventEmitter();
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    // A runaway line without a newline must not grow without bound.
    if (pending.length > 1 << 20) pending = pending.slice(-(1 << 16));
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const message = parseLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      if (message) events.emit('message', message);
    }
  });
  // A server gone before it read a request: the write fails, the exit is reported elsewhere.
  child.stdin?.on('error', () => {});
  return {
    on: (l) => void events.on('message', l),
    off: (l) => void events.off('message', l),
    send: (m) =>
      new Promise<void>((resolve, reject) => {
        const stdin = child.stdin;
        if (!stdin || stdin.destroyed) return reject(new Error('its stdin is closed'));
        stdin.write(`${JSON.stringify(m)}\n`, (err) => (err ? reject(err) : resolve()));
      }),
  };
}
