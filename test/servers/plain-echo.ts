/**
 * A plain ws echo server that wsbench did not start, for --target tests:
 * `node dist/test/servers/plain-echo.js <host> [port]` prints `listening <port>` once up.
 * Every path echoes, except /broadcast, which relays each message to the other clients there.
 * With PLAIN_ECHO_CERT and PLAIN_ECHO_KEY (PEM files) it serves wss:// on an https.Server.
 */
import fs from 'node:fs';
import https from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';

const host = process.argv[2] ?? '127.0.0.1';
const port = Number(process.argv[3] ?? 0);
const room = new Set<WebSocket>();
const common = { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024, clientTracking: false };
const cert = process.env.PLAIN_ECHO_CERT;
const key = process.env.PLAIN_ECHO_KEY;
const tlsServer =
  cert && key ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }) : undefined;
const wss = tlsServer
  ? new WebSocketServer({ server: tlsServer, ...common })
  : new WebSocketServer({ host, port, ...common });
wss.on('connection', (socket, req) => {
  socket.on('error', () => {});
  if (req.url === '/broadcast') {
    room.add(socket);
    socket.on('close', () => room.delete(socket));
    socket.on('message', (data, isBinary) => {
      for (const peer of room) if (peer !== socket) peer.send(data, { binary: isBinary });
    });
  } else socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
const listening = (): void => {
  const a = (tlsServer ?? wss).address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : port}\n`);
};
if (tlsServer) tlsServer.listen(port, host, listening);
else wss.on('listening', listening);
wss.on('error', (e) => {
  process.stderr.write(`plain-echo: ${e.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
// The test's process gone: so is this server.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
