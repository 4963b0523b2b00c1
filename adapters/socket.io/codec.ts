/**
 * Engine.IO v4 / Socket.IO v5 protocol over the websocket transport only:
 * `0{...}` open from the server, `40` connect from us, `40{"sid"}` back; events as
 * `42["echo","<payload>"]`; binary events as `451-["echo",{"_placeholder":true,"num":0}]`
 * followed by the attachment as a binary frame; server pings `2` answered with `3`.
 * The channel is the event name; broadcast connections also say so in the query, so the server
 * puts only them in the room.
 */
import type { WireCodec } from '../types.js';
import { CodedError } from '../../runner/errors.js';

const BINARY_HEADER = (event: string): string => `451-["${event}",{"_placeholder":true,"num":0}]`;

export const codec: WireCodec = {
  path: (channel) => `/socket.io/?EIO=4&transport=websocket${channel === 'broadcast' ? '&channel=broadcast' : ''}`,
  binary: true,
  async open(conn) {
    const open = await conn.nextMessage(5000);
    const text = open.payload.toString();
    if (!text.startsWith('0{'))
      throw new CodedError('EPROTOCOL', `expected an Engine.IO open packet, got ${JSON.stringify(text.slice(0, 40))}`);
    conn.sendText('40');
    for (;;) {
      const m = (await conn.nextMessage(5000)).payload.toString();
      if (m.startsWith('40')) return;
      if (m === '2') conn.sendText('3');
      else if (m.startsWith('44'))
        throw new CodedError('EPROTOCOL', `Socket.IO refused the connection: ${m.slice(2, 200)}`);
      else
        throw new CodedError('EPROTOCOL', `expected a Socket.IO connect packet, got ${JSON.stringify(m.slice(0, 40))}`);
    }
  },
  encode(channel, payload, binary) {
    if (binary) {
      return {
        frames: [
          { opcode: 1, payload: Buffer.from(BINARY_HEADER(channel)) },
          { opcode: 2, payload },
        ],
        payloadOffset: 0,
      };
    }
    // A text event: the payload as a JSON string, escaped once here (the server parses it and
    // stringifies it again the same way, so the echo carries these very bytes).
    const escaped = Buffer.from(JSON.stringify(payload.toString('utf8')).slice(1, -1));
    const head = Buffer.from(`42["${channel}","`);
    return {
      frames: [{ opcode: 1, payload: Buffer.concat([head, escaped, Buffer.from('"]')]) }],
      payloadOffset: head.length,
      ...(escaped.equals(payload) ? {} : { echoed: escaped }),
    };
  },
  decode(opcode, data, reply) {
    if (opcode === 2) return data;
    // 0x34 0x32 = "42": an event; the payload sits between `42["<event>","` and `"]`.
    if (data[0] === 0x34 && data[1] === 0x32) {
      const nameEnd = data.indexOf(0x22, 4);
      return data.subarray(nameEnd + 3, data.length - 2);
    }
    if (data.length === 1 && data[0] === 0x32) reply('3');
    return null;
  },
};
