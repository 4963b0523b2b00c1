/**
 * Bun's own server, run by Bun itself (`bun run adapters/bun/server.js`, started by the runner
 * through runner/process/runtimes.ts; plain JavaScript, run as it is, not compiled). Bun.serve
 * with its websocket handler: echo by ws.send; broadcast by Bun's publish/subscribe
 * (ws.publish reaches every subscriber but the sender). Reports ready and answers memory
 * requests over Node's IPC, which Bun implements. POST /http-echo is answered by its fetch handler.
 */
const MAX_PAYLOAD = Number(process.env.WSBENCH_MAX_PAYLOAD || 16 * 1024 * 1024);
/** Bun's default is 16 MiB, beyond which a send is dropped: as large as uWS's here. */
/** --backpressure-limit (WSBENCH_BACKPRESSURE_LIMIT, bytes) replaces it, for every library with a knob. */
const BACKPRESSURE_LIMIT = Number(process.env.WSBENCH_BACKPRESSURE_LIMIT || 64 * 1024 * 1024);
/** Broadcast members, for the buffered amount a probe reports (slow-consumers). */
const members = new Set();
const ROOM = 'room';

/** Bun.serve's websocket options as wsbench sets them; the report's settings list the same. */
const WS_OPTIONS = {
  perMessageDeflate: false,
  maxPayloadLength: MAX_PAYLOAD,
  backpressureLimit: BACKPRESSURE_LIMIT,
  closeOnBackpressureLimit: true,
  idleTimeout: 0,
  sendPings: false,
  publishToSelf: false,
};

const settings = {
  ...WS_OPTIONS,
  broadcast: 'ws.subscribe + ws.publish',
  httpEcho: 'POST /http-echo in Bun.serve fetch',
  fairness:
    'Bun defaults: backpressureLimit 16 MiB with closeOnBackpressureLimit false (sends past the limit are dropped, ws.send returns 0), ' +
    'idleTimeout 120 s with pings; wsbench sets backpressureLimit 64 MiB (as uWS), closeOnBackpressureLimit true (never a silent drop), idleTimeout 0, no pings',
};

const send = (m) => process.send?.(m);

async function httpEcho(req) {
  if (Number(req.headers.get('content-length') || 0) > MAX_PAYLOAD)
    return new Response(null, { status: 413, headers: { connection: 'close' } });
  const body = await req.arrayBuffer();
  if (body.byteLength > MAX_PAYLOAD) return new Response(null, { status: 413, headers: { connection: 'close' } });
  return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
}

function start(hostname, port) {
  // Over TLS (the runner's WSBENCH_TLS_CERT / WSBENCH_TLS_KEY files): Bun.serve's own TLS.
  const cert = process.env.WSBENCH_TLS_CERT;
  const key = process.env.WSBENCH_TLS_KEY;
  return Bun.serve({
    hostname,
    port,
    ...(cert && key ? { tls: { cert: Bun.file(cert), key: Bun.file(key) } } : {}),
    // Bun.serve's own body limit (default 128 MiB) bounds a runaway request body.
    maxRequestBodySize: MAX_PAYLOAD + 1024,
    fetch(req, server) {
      const { pathname } = new URL(req.url);
      if (pathname === '/echo' || pathname === '/broadcast') {
        if (server.upgrade(req, { data: { broadcast: pathname === '/broadcast' } })) return undefined;
        return new Response('WebSocket upgrade expected', { status: 400 });
      }
      if (req.method === 'POST' && pathname === '/http-echo') return httpEcho(req);
      return new Response(null, { status: 404 });
    },
    // A handler that throws answers 500; it never takes the process down.
    error: () => new Response(null, { status: 500 }),
    websocket: {
      ...WS_OPTIONS,
      open(ws) {
        if (!ws.data.broadcast) return;
        ws.subscribe(ROOM);
        members.add(ws);
      },
      close(ws) {
        members.delete(ws);
      },
      // Text arrives as a string and binary as a Buffer; each goes back as it came.
      message(ws, message) {
        if (ws.data.broadcast) ws.publish(ROOM, message);
        else ws.send(message);
      },
    },
  });
}

function memory() {
  // Synchronous full collection of JavaScriptCore's heap (Bun's equivalent of two gc() passes).
  Bun.gc(true);
  const m = process.memoryUsage();
  return {
    type: 'mem',
    gc: true,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    note: "Bun: heap figures are JavaScriptCore's (after Bun.gc(true)), not V8's",
  };
}

/** Memory without a GC, and what Bun holds for the room's members (ws.getBufferedAmount()). */
function probe() {
  const m = process.memoryUsage();
  let bufferedBytes = 0;
  for (const ws of members) bufferedBytes += ws.getBufferedAmount?.() ?? 0;
  return { type: 'probe', rss: m.rss, heapUsed: m.heapUsed, external: m.external, bufferedBytes };
}

function main() {
  if (!process.send) {
    process.stderr.write('usage: bun run adapters/bun/server.js (started by the runner, with IPC)\n');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  try {
    const server = start(process.env.WSBENCH_SERVER_HOST || '127.0.0.1', Number(process.env.WSBENCH_SERVER_PORT || 0));
    process.on('message', (m) => {
      if (m && m.type === 'mem') send(memory());
      else if (m && m.type === 'probe') send(probe());
      else if (m && m.type === 'stop') {
        server.stop(true);
        process.exit(0);
      }
    });
    send({
      type: 'ready',
      port: server.port,
      settings,
      facts: { version: Bun.version, runtime: `bun ${Bun.version}`, revision: Bun.revision, engine: 'JavaScriptCore' },
    });
  } catch (err) {
    send({ type: 'error', code: err?.code || 'ESTART', message: err?.message || String(err) });
    setTimeout(() => process.exit(1), 50);
  }
}

main();
