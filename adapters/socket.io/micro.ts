/**
 * Tasks of socket.io: its packets (socket.io-parser inside engine.io-parser) encoded and decoded
 * as an emit of a text event goes out and comes in, plus the WebSocket framing of the ws copy
 * engine.io runs its websocket transport on.
 */
import { wsTasks } from '../ws/micro.js';
import {
  SIZES,
  asciiPayload,
  repsFor,
  requireFrom,
  sizeLabel,
  verify,
  type MicroTask,
} from '../../runner/micro/tasks.js';

interface SioParser {
  Encoder: new () => { encode(packet: object): Array<string | Buffer> };
  Decoder: new () => {
    on(event: 'decoded', fn: (packet: { data: unknown[] }) => void): void;
    add(chunk: string): void;
  };
}
interface EioParser {
  encodePacket(
    packet: { type: string; data: string },
    supportsBinary: boolean,
    callback: (encoded: string) => void,
  ): void;
  decodePacket(encoded: string): { type: string; data: string };
}

/** EVENT in the default namespace, as `socket.emit('echo', text)` sends. */
const EVENT = 2;

function packetTasks(sio: SioParser, eio: EioParser): MicroTask[] {
  const encoder = new sio.Encoder();
  const decoder = new sio.Decoder();
  let decoded: unknown[] = [];
  decoder.on('decoded', (p) => (decoded = p.data));
  return SIZES.flatMap((size) => {
    const text = asciiPayload(size).toString('latin1');
    const packet = { type: EVENT, nsp: '/', data: ['echo', text] };
    let wire = '';
    const encode = (): void => {
      const [sioText] = encoder.encode(packet);
      eio.encodePacket({ type: 'message', data: sioText as string }, true, (e) => (wire = e));
    };
    const decode = (): void => decoder.add(eio.decodePacket(wire).data);
    encode();
    decode();
    verify(wire.startsWith('42["echo",') && decoded[1] === text, 'Socket.IO packet does not round-trip');
    const reps = repsFor(size);
    return [
      {
        name: `Socket.IO packet encode ${sizeLabel(size)}`,
        reps,
        fn: () => {
          for (let i = 0; i < reps; i++) encode();
        },
      },
      {
        name: `Socket.IO packet decode ${sizeLabel(size)}`,
        reps,
        fn: () => {
          for (let i = 0; i < reps; i++) decode();
        },
      },
    ];
  });
}

/** socket.io's suite: ws framing as engine.io runs it, then its packet codec. */
export function socketIoTasks(): MicroTask[] {
  const sio = requireFrom(['socket.io'])('socket.io-parser') as SioParser;
  const eio = requireFrom(['socket.io', 'engine.io'])('engine.io-parser') as EioParser;
  return [...wsTasks(requireFrom(['socket.io', 'engine.io', 'ws'])), ...packetTasks(sio, eio)];
}
