/**
 * The load generator's side of the chat protocol (runs only in wsbench's load generator; it
 * imports nothing of the server). wsbench prebuilds each message once and patches a sequence
 * number into the payload at `payloadOffset`, so the payload sits at a fixed place in the frame;
 * decode hands back the payload (the "text") of an echo or a relayed message.
 */
const PREFIX = Buffer.from('{"type":"say","text":"');
const SUFFIX = Buffer.from('"}');
const TEXT = Buffer.from('"text":"');

/** @type {import('wsbench').WireCodec} */
export const codec = {
  path: (channel) => (channel === 'echo' ? '/chat?mode=echo' : '/chat?room=bench'),
  binary: false,
  async open(conn) {
    conn.sendText(JSON.stringify({ type: 'hello', name: `bench-${Math.random().toString(36).slice(2, 8)}` }));
    const reply = await conn.nextMessage(10_000);
    const msg = JSON.parse(reply.payload.toString('utf8'));
    if (msg.type !== 'welcome')
      throw new Error(`the chat server answered hello with ${reply.payload.toString('utf8').slice(0, 80)}`);
  },
  encode(_channel, payload) {
    // Text payloads are JSON-like UTF-8 (quotes included): escaped once here, as the server's
    // JSON.stringify writes them back; `echoed` tells wsbench what decode will hand back. The
    // sequence number (8 hex digits at the start) needs no escaping, so it stays at PREFIX.length.
    const escaped = Buffer.from(JSON.stringify(payload.toString('utf8')).slice(1, -1), 'utf8');
    return {
      frames: [{ opcode: 1, payload: Buffer.concat([PREFIX, escaped, SUFFIX]) }],
      payloadOffset: PREFIX.length,
      echoed: escaped,
    };
  },
  decode(opcode, data) {
    if (opcode !== 1) return null;
    const at = data.indexOf(TEXT);
    // {"type":"echo","text":"..."} or {"type":"message","from":"...","text":"..."}: the text is last.
    if (at < 0 || data[data.length - 1] !== 0x7d || data[data.length - 2] !== 0x22) return null;
    return data.subarray(at + TEXT.length, data.length - 2);
  },
};
