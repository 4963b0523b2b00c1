/**
 * Tasks of websocket (websocket-node), as its WebSocketConnection runs them per message:
 * WebSocketFrame#toBuffer builds an outgoing frame; a BufferList and WebSocketFrame#addData
 * parse an incoming masked one, then utf-8-validate checks it and it becomes a string (the
 * library hands text messages to the application as strings).
 */
import { FAIR_SETTINGS } from '../types.js';
import { bufferutilTasks, unmaskTasks } from '../ws/micro.js';
import {
  SIZES,
  asciiPayload,
  clientFrame,
  repsFor,
  requireFrom,
  sizeLabel,
  utf8Text,
  verify,
  type MicroTask,
} from '../../runner/micro/tasks.js';

interface FrameLike {
  fin: boolean;
  mask: boolean;
  opcode: number;
  binaryPayload: Buffer;
  addData(list: unknown): boolean;
  toBuffer(): Buffer;
}
type FrameCtor = new (maskBytes: Buffer, frameHeader: Buffer, config: object) => FrameLike;
interface BufferListLike {
  write(b: Buffer): void;
  length: number;
}

const config = { maxReceivedFrameSize: FAIR_SETTINGS.maxPayloadBytes };

function buildTasks(WebSocketFrame: FrameCtor): MicroTask[] {
  const maskBytes = Buffer.alloc(4);
  const header = Buffer.alloc(10);
  return SIZES.map((size) => {
    const payload = asciiPayload(size);
    const reps = repsFor(size);
    // WebSocketConnection#sendUTF + sendFrame for a server: final, unmasked, text.
    const build = (): Buffer => {
      const frame = new WebSocketFrame(maskBytes, header, config);
      frame.opcode = 0x01;
      frame.binaryPayload = payload;
      frame.fin = true;
      frame.mask = false;
      return frame.toBuffer();
    };
    verify(
      build().length === size + (size > 125 ? (size > 65535 ? 10 : 4) : 2),
      'WebSocketFrame built a frame of the wrong size',
    );
    let _sink = 0;
    return {
      name: `frame build ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) _sink += build().length;
      },
    };
  });
}

function parseTasks(
  WebSocketFrame: FrameCtor,
  BufferList: new () => BufferListLike,
  isValidUTF8: (b: Buffer) => boolean,
): MicroTask[] {
  const maskBytes = Buffer.alloc(4);
  const header = Buffer.alloc(10);
  return SIZES.map((size) => {
    const wire = clientFrame(asciiPayload(size));
    const list = new BufferList();
    const reps = repsFor(size);
    let got = 0;
    // WebSocketConnection#handleSocketData and processFrame for one complete text frame.
    const parse = (): void => {
      list.write(Buffer.from(wire));
      const frame = new WebSocketFrame(maskBytes, header, config);
      if (!frame.addData(list) || !isValidUTF8(frame.binaryPayload)) throw new Error('websocket: frame not parsed');
      got += frame.binaryPayload.toString('utf8').length;
    };
    parse();
    verify(got === size && list.length === 0, `WebSocketFrame parsed ${got} of ${size} bytes`);
    return {
      name: `frame parse ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) parse();
      },
    };
  });
}

/** websocket-node's suite: WebSocketFrame build and parse, bufferutil, utf-8-validate. */
export function websocketTasks(): MicroTask[] {
  const req = requireFrom(['websocket']);
  const WebSocketFrame = req('./lib/WebSocketFrame.js') as FrameCtor;
  const BufferList = req('./vendor/FastBufferList.js') as new () => BufferListLike;
  const isValidUTF8 = req('utf-8-validate') as (b: Buffer) => boolean;
  const bufferutil = req('bufferutil') as { unmask: (b: Buffer, m: Buffer) => void };
  return [
    ...buildTasks(WebSocketFrame),
    ...parseTasks(WebSocketFrame, BufferList, isValidUTF8),
    ...unmaskTasks('', bufferutil.unmask),
    ...bufferutilTasks(req),
    ...SIZES.map((size): MicroTask => {
      const text = utf8Text(size);
      verify(isValidUTF8(text) && !isValidUTF8(Buffer.from([0xc3, 0x28])), 'utf-8-validate gives wrong answers');
      const reps = repsFor(size);
      let _valid = 0;
      return {
        name: `UTF-8 validate ${sizeLabel(size)}`,
        reps,
        fn: () => {
          for (let i = 0; i < reps; i++) if (isValidUTF8(text)) _valid++;
        },
      };
    }),
  ];
}
