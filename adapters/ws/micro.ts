/**
 * Tasks of the ws library's own framing, as its WebSocket server runs them per message: Sender
 * builds an outgoing frame, Receiver parses an incoming masked one (unmasking and UTF-8
 * validation included), buffer-util unmasks, validation checks UTF-8. Used for ws itself and
 * for the ws copy under engine.io (socket.io's websocket transport).
 */
import { FAIR_SETTINGS } from '../types.js';
import {
  SIZES,
  asciiPayload,
  clientFrame,
  repsFor,
  sizeLabel,
  utf8Text,
  verify,
  type MicroTask,
} from '../../runner/micro/tasks.js';

type Frame = (data: Buffer, options: object) => Buffer[];
interface ReceiverLike {
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): void;
  write(chunk: Buffer): boolean;
}
type Unmask = (buffer: Buffer, mask: Buffer) => void;

const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** Mask-off tasks for an unmask function (in place; applying it twice restores the data). */
export function unmaskTasks(label: string, unmask: Unmask, sizes: readonly number[] = SIZES): MicroTask[] {
  return sizes.map((size) => {
    const data = asciiPayload(size);
    const reps = repsFor(size);
    return {
      name: `unmask ${sizeLabel(size)}${label}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) unmask(data, MASK);
      },
    };
  });
}

/**
 * JS loop versus native bufferutil, loaded from where `req` (the library) would load it;
 * the native task is left out when bufferutil has no native build here.
 */
export function bufferutilTasks(req: NodeJS.Require): MicroTask[] {
  let native: { unmask: Unmask } | undefined;
  let js: { unmask: Unmask } | undefined;
  try {
    native = req('bufferutil') as { unmask: Unmask };
    js = req('bufferutil/fallback') as { unmask: Unmask };
  } catch {
    return [];
  }
  const sizes = [1024, 65536];
  return [
    ...unmaskTasks(', JS loop', js.unmask, sizes),
    ...(native !== js ? unmaskTasks(', bufferutil', native.unmask, sizes) : []),
  ];
}

function buildTasks(frame: Frame): MicroTask[] {
  return SIZES.map((size) => {
    const payload = asciiPayload(size);
    const reps = repsFor(size);
    // What WebSocket#send does for a server: an unmasked, final text frame, header + data.
    const options = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false };
    const built = frame(payload, options);
    verify(
      built.reduce((n, b) => n + b.length, 0) === size + (size > 125 ? (size > 65535 ? 10 : 4) : 2),
      'Sender.frame built a frame of the wrong size',
    );
    let _sink = 0;
    return {
      name: `frame build ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) _sink += frame(payload, options).length;
      },
    };
  });
}

function parseTasks(Receiver: new (o: object) => ReceiverLike): MicroTask[] {
  return SIZES.map((size) => {
    const frame = clientFrame(asciiPayload(size));
    const work = Buffer.allocUnsafe(frame.length);
    const receiver = new Receiver({
      isServer: true,
      maxPayload: FAIR_SETTINGS.maxPayloadBytes,
      binaryType: 'nodebuffer',
      allowSynchronousEvents: true,
    });
    let got = 0;
    receiver.on('message', (data) => (got += data.length));
    const reps = repsFor(size);
    // Each frame arrives in a fresh buffer, as from the socket: the copy stands in for that
    // read (Receiver unmasks in place).
    const parse = (): void => {
      frame.copy(work);
      receiver.write(work);
    };
    parse();
    verify(got === size, `Receiver delivered ${got} bytes of a ${size}-byte message`);
    return {
      name: `frame parse ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) parse();
      },
    };
  });
}

function utf8Tasks(isValidUTF8: (b: Buffer) => boolean): MicroTask[] {
  return SIZES.map((size) => {
    const text = utf8Text(size);
    verify(isValidUTF8(text) && !isValidUTF8(Buffer.from([0xc3, 0x28])), 'UTF-8 validator gives wrong answers');
    const reps = repsFor(size);
    let _valid = 0;
    return {
      name: `UTF-8 validate ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) if (isValidUTF8(text)) _valid++;
      },
    };
  });
}

/** Every ws task, from the ws package `req` is rooted in. */
export function wsTasks(req: NodeJS.Require): MicroTask[] {
  const Sender = req('./lib/sender.js') as { frame: Frame };
  const Receiver = req('./lib/receiver.js') as new (o: object) => ReceiverLike;
  const { unmask } = req('./lib/buffer-util.js') as { unmask: Unmask };
  const { isValidUTF8 } = req('./lib/validation.js') as { isValidUTF8: (b: Buffer) => boolean };
  return [
    ...buildTasks(Sender.frame.bind(Sender)),
    ...parseTasks(Receiver),
    ...unmaskTasks('', unmask),
    ...bufferutilTasks(req),
    ...utf8Tasks(isValidUTF8),
  ];
}
