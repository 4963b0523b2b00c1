/**
 * A kept echo session (side by side, runner/process/loadgen-session.ts): the echo workload's
 * connections opened once, and one window measured on them each time the runner asks.
 */
import type { WireCodec } from '../../adapters/types.js';
import { ClientError } from './connection.js';
import { EchoConn, echoSteps } from './echo.js';
import { echoMessages } from './echo-messages.js';
import type { EchoJob } from './jobs.js';
import { openConnections } from './open.js';
import { FailureLatch, Phases, type Send } from './phases.js';
import { tlsInfo } from './tls-socket.js';
import { runWorkload } from './workload.js';

/** What the runner asks of a kept session: the next window's timing, or null to close. */
export type NextWindow = () => Promise<{ warmupMs: number; durationMs: number } | null>;

/**
 * A side-by-side session (runner/sidebyside): the connections are opened once and kept, and each
 * window the runner asks for runs on them (warm-up, window, drain) and answers its result; the
 * connections stay open and idle between windows, while the other libraries are measured. A
 * failure (a wrong echo, a closed connection) ends the session: the runner starts a new one.
 */
export async function runEchoSession(job: EchoJob, codec: WireCodec, send: Send, next: NextWindow): Promise<void> {
  const conns = (await openConnections(job, codec, 'echo', job.connections)).map((c, i) => new EchoConn(c, i));
  const messages = echoMessages(
    job,
    codec,
    conns.map((c) => c.conn),
  );
  try {
    for (let timing = await next(); timing; timing = await next()) {
      // Closed while idle (the server restarted, or timed idle connections out): the session ends.
      const lost = conns.find((c) => c.conn.failure);
      if (lost) {
        const e = lost.conn.failure!;
        throw new ClientError(e.code, `connection ${lost.index}, between windows: ${e.message}`);
      }
      for (const c of conns) c.conn.resetCounts();
      const windowJob = { ...job, ...timing };
      const phases = new Phases(send);
      const latch = new FailureLatch<ClientError>();
      const steps = echoSteps(windowJob, conns, messages, phases, latch);
      const result = await runWorkload(windowJob, phases, latch, { ...steps, close: () => {} });
      const tls = tlsInfo();
      send({ type: 'result', result: tls ? { ...result, tls } : result });
    }
  } finally {
    await Promise.all(conns.map((c) => c.conn.close()));
  }
}
