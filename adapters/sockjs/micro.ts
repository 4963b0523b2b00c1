/**
 * Tasks of sockjs. Its WebSocket framing is faye-websocket's, which is websocket-driver's Hybi
 * parser: `text` builds an outgoing frame, `parse` reads an incoming masked one (its own JS
 * unmask, a regular expression for UTF-8, then a string). SockJS's own framing wraps messages
 * as `a["..."]` (utils.quote) and reads them with JSON.parse, on its framed endpoints and its
 * HTTP fallbacks; the raw /websocket endpoint skips it.
 */
import { FAIR_SETTINGS } from '../types.js';
import { unmaskTasks } from '../ws/micro.js';
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

interface HybiLike {
  readyState: number;
  io: { on(event: 'data', fn: (chunk: Buffer) => void): void };
  on(event: 'message', fn: (e: { data: string }) => void): void;
  start(): boolean;
  text(message: string): boolean;
  parse(chunk: Buffer): void;
  _encode(buffer: Buffer): string | null;
}

/** A server-side driver past its handshake, as faye-websocket holds one per connection. */
function openDriver(http: (req: object, options: object) => HybiLike): HybiLike {
  const request = {
    method: 'GET',
    url: '/echo/websocket',
    headers: {
      host: 'x',
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
    },
  };
  const driver = http(request, { maxLength: FAIR_SETTINGS.maxPayloadBytes, requireMasking: true });
  driver.start();
  verify(driver.readyState === 1, 'websocket-driver did not open');
  return driver;
}

function framingTasks(driver: HybiLike): MicroTask[] {
  let out = 0;
  let got = 0;
  driver.io.on('data', (chunk) => (out += chunk.length));
  driver.on('message', (e) => (got += e.data.length));
  const builds: MicroTask[] = [];
  const parses: MicroTask[] = [];
  for (const size of SIZES) {
    const text = asciiPayload(size).toString('latin1');
    const wire = clientFrame(asciiPayload(size));
    const reps = repsFor(size);
    out = got = 0;
    driver.text(text);
    driver.parse(Buffer.from(wire));
    verify(
      out === wire.length - 4 && got === size,
      `websocket-driver framed ${out} and parsed ${got} bytes of ${size}`,
    );
    builds.push({
      name: `frame build ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) driver.text(text);
      },
    });
    // A fresh buffer per frame, as from the socket (the driver unmasks in place).
    parses.push({
      name: `frame parse ${sizeLabel(size)}`,
      reps,
      fn: () => {
        for (let i = 0; i < reps; i++) driver.parse(Buffer.from(wire));
      },
    });
  }
  return [...builds, ...parses];
}

function sockjsFramingTasks(quote: (s: string) => string): MicroTask[] {
  return SIZES.flatMap((size) => {
    const message = asciiPayload(size).toString('latin1');
    const framed = `[${quote(message)}]`;
    verify((JSON.parse(framed) as string[])[0] === message, 'SockJS framing does not round-trip');
    const reps = repsFor(size);
    let _sink = 0;
    return [
      // Session#sendBuffer: 'a' + '[' + quoted messages + ']'.
      {
        name: `SockJS frame ${sizeLabel(size)}`,
        reps,
        fn: () => {
          for (let i = 0; i < reps; i++) _sink += ('a[' + quote(message) + ']').length;
        },
      },
      // WebSocketReceiver#didMessage / xhr_send: JSON.parse of the array of messages.
      {
        name: `SockJS parse ${sizeLabel(size)}`,
        reps,
        fn: () => {
          for (let i = 0; i < reps; i++) _sink += (JSON.parse(framed) as string[]).length;
        },
      },
    ];
  });
}

/** sockjs's suite: faye-websocket's driver framing, its unmask and UTF-8 check, SockJS framing. */
export function sockjsTasks(): MicroTask[] {
  const driverReq = requireFrom(['sockjs', 'faye-websocket', 'websocket-driver']);
  const { http } = driverReq('./lib/websocket/driver.js') as { http: (req: object, options: object) => HybiLike };
  const Hybi = driverReq('./lib/websocket/driver/hybi.js') as {
    mask: (payload: Buffer, mask: Buffer, offset?: number) => Buffer;
  };
  const { quote } = requireFrom(['sockjs'])('./lib/utils.js') as { quote: (s: string) => string };
  const driver = openDriver(http);
  return [
    ...framingTasks(driver),
    ...unmaskTasks('', (data, mask) => void Hybi.mask(data, mask)),
    ...SIZES.map((size): MicroTask => {
      const text = utf8Text(size);
      verify(
        driver._encode(text) !== null && driver._encode(Buffer.from([0xc3, 0x28])) === null,
        'websocket-driver UTF-8 check gives wrong answers',
      );
      const reps = repsFor(size);
      // Hybi#_encode: the UTF8_MATCH regular expression, then the string the message carries.
      return {
        name: `UTF-8 validate ${sizeLabel(size)}`,
        reps,
        fn: () => {
          for (let i = 0; i < reps; i++) driver._encode(text);
        },
      };
    }),
    ...sockjsFramingTasks(quote),
  ];
}
