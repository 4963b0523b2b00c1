/**
 * The outline every message workload follows (echo, broadcast, and those to come): open the
 * connections, build the messages, start sending (the warm-up), measure the window, stop sending,
 * drain what is still in flight, close, and make the result. A workload supplies its steps;
 * `runWorkload` runs them in that order and races each wait against the first failure. The
 * per-message work stays in the workload's own data handlers, set up once before it starts.
 */
import type { Channel, WireCodec } from '../../adapters/types.js';
import type { ClientError } from './connection.js';
import { commonDeflate, type DeflateParams } from './deflate.js';
import type { JobResult } from './jobs.js';
import { payloadFor } from './payload.js';
import type { FailureLatch, Phases } from './phases.js';
import { MessageTemplate } from './template.js';
import { ringSize, variedPayloads } from './varied.js';

/** The steps of one workload after its connections are open, in the order they run. */
export interface WorkloadSteps {
  /** Starts sending: the warm-up begins. */
  start(): void;
  /** The measured window starts: reset what the window counts. */
  onMeasure(): void;
  /** The window ended: stop sending. */
  endWindow(): void;
  /** Waits for what is in flight: rejects on what may not be missing, else counts it lost. */
  drain(): Promise<void>;
  /** Closes (or resets) the connections. */
  close(): Promise<unknown> | void;
  /** What the window measured. */
  result(): JobResult;
}

export async function runWorkload(
  job: { warmupMs: number; durationMs: number },
  phases: Phases,
  latch: FailureLatch<ClientError>,
  steps: WorkloadSteps,
): Promise<JobResult> {
  steps.start();
  await Promise.race([phases.run(job.warmupMs, job.durationMs, () => steps.onMeasure()), latch.failed]);
  steps.endWindow();
  await Promise.race([steps.drain(), latch.failed]);
  latch.check();
  await steps.close();
  return steps.result();
}

/** A workload's messages, built once the connections are open (with compression, as negotiated). */
export interface MessageSet {
  /** Message `seq` is sent from `templates[seq % ring]`. */
  templates: MessageTemplate[];
  /** The payloads as they come back (a codec may escape them, e.g. inside a JSON string). */
  expected: Buffer[];
  /** Their length: the ring's payloads need no escaping, so every one has the same. */
  size: number;
  /** 1, or with compression a ring of distinct payloads (see varied.ts). */
  ring: number;
}

export function messageSet(
  codec: WireCodec,
  channel: Channel,
  payloadBytes: number,
  binary: boolean,
  negotiated: Array<DeflateParams | null>,
): MessageSet {
  const deflate = commonDeflate(negotiated);
  const ring = deflate ? ringSize(payloadBytes) : 1;
  const payloads = deflate ? variedPayloads(payloadBytes, ring) : [payloadFor(binary, payloadBytes)];
  const templates = payloads.map((p) => new MessageTemplate(codec, channel, p, binary, deflate));
  const expected = templates.map((t) => t.payload);
  return { templates, expected, size: expected[0].length, ring };
}
