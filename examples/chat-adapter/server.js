/**
 * A chat server, as an application would write one: ws on a node:http server, a JSON protocol,
 * rooms. wsbench starts it in a server process of its own and calls adapter.start().
 *
 * Protocol (every message a JSON text frame):
 *   client -> {"type":"hello","name":"alice"}        first, once; answered {"type":"welcome",...}
 *   client -> {"type":"say","text":"..."}            then any number of these
 *   GET /chat?mode=echo     : the sender gets {"type":"echo","text":"..."} back
 *   GET /chat?room=<name>   : every other member of <name> gets {"type":"message","from":...,"text":...}
 * Anything else gets {"type":"error","error":"..."}; the connection stays up, the server too.
 *
 * TLS and compression: wsbench sets WSBENCH_TLS_CERT / WSBENCH_TLS_KEY (PEM file paths) for a
 * run over TLS and WSBENCH_COMPRESSION=1 for a run with permessage-deflate; `manifest` declares
 * that this server serves both, so wsbench runs it in those cases too (the production case).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { WebSocketServer } from 'ws';

const MAX_PAYLOAD = 16 * 1024 * 1024;
const MAX_NAME = 64;
const COMPRESSION = process.env.WSBENCH_COMPRESSION === '1';
const TLS_FILES =
  process.env.WSBENCH_TLS_CERT && process.env.WSBENCH_TLS_KEY
    ? { cert: fs.readFileSync(process.env.WSBENCH_TLS_CERT), key: fs.readFileSync(process.env.WSBENCH_TLS_KEY) }
    : null;

/** What this server can do; wsbench checks it when loading the adapter. */
/** @type {import('wsbench').CustomManifest} */
export const manifest = {
  capabilities: {
    binary: true,
    compression: true,
    broadcast: true,
    tls: { stack: 'https.createServer (node:tls)' },
  },
};

/** @type {import('wsbench').ServerAdapter} */
export const adapter = {
  settings: {
    framework: 'ws on node:http',
    protocol: 'JSON text frames: hello, then say {text}',
    perMessageDeflate: COMPRESSION,
    maxPayload: MAX_PAYLOAD,
    rooms: 'one per ?room=<name>; a message goes to every other member',
  },
  async start({ host, port }) {
    const rooms = new Map();
    const listener = (req, res) => {
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/plain' });
      res.end(req.url === '/' ? 'chat server: connect a WebSocket to /chat?room=<name>\n' : 'not found\n');
    };
    const server = TLS_FILES ? https.createServer(TLS_FILES, listener) : http.createServer(listener);
    const wss = new WebSocketServer({
      server,
      path: '/chat',
      perMessageDeflate: COMPRESSION,
      maxPayload: MAX_PAYLOAD,
      clientTracking: false,
    });
    wss.on('connection', (socket, req) => onConnection(socket, req, rooms));
    await new Promise((resolve, reject) => {
      wss.once('error', reject);
      server.listen(port, host, () => {
        wss.off('error', reject);
        resolve(undefined);
      });
    });
    // After listening, a server error (EMFILE on accept...) is logged: the server goes on.
    wss.on('error', (err) => process.stderr.write(`server error (serving goes on): ${err.message}\n`));
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : port,
      facts: { rooms: 'in memory' },
      close: () => new Promise((resolve) => wss.close(() => server.close(() => resolve()))),
    };
  },
};

function onConnection(socket, req, rooms) {
  const query = new URL(req.url ?? '/', 'http://chat').searchParams;
  const echo = query.get('mode') === 'echo';
  const roomName = query.get('room') ?? 'lobby';
  let name = null;
  const fail = (error) => socket.send(JSON.stringify({ type: 'error', error }));
  socket.on('error', () => {});
  socket.on('close', () => {
    const room = rooms.get(roomName);
    room?.delete(socket);
    if (room?.size === 0) rooms.delete(roomName);
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary) return fail('send JSON text frames');
    let msg;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return fail('not JSON');
    }
    if (typeof msg !== 'object' || msg === null) return fail('send an object');
    if (name === null) {
      if (msg.type !== 'hello' || typeof msg.name !== 'string' || msg.name.length === 0 || msg.name.length > MAX_NAME) {
        return fail('say hello first: {"type":"hello","name":"..."}');
      }
      name = msg.name;
      if (!echo) {
        if (!rooms.has(roomName)) rooms.set(roomName, new Set());
        rooms.get(roomName).add(socket);
      }
      const members = echo ? 1 : rooms.get(roomName).size;
      return socket.send(JSON.stringify({ type: 'welcome', room: echo ? null : roomName, members }));
    }
    if (msg.type !== 'say' || typeof msg.text !== 'string') return fail('expected {"type":"say","text":"..."}');
    if (echo) return socket.send(JSON.stringify({ type: 'echo', text: msg.text }));
    // Serialized once, sent to every other member.
    const out = JSON.stringify({ type: 'message', from: name, text: msg.text });
    for (const peer of rooms.get(roomName) ?? []) if (peer !== socket) peer.send(out);
  });
}
