/**
 * Deno's own server, run by Deno itself (`deno run --allow-net --allow-env adapters/deno/server.js`,
 * started by the runner through runner/process/runtimes.ts; plain JavaScript, run as it is).
 * Deno.serve + Deno.upgradeWebSocket: echo by socket.send; broadcast by a loop over the room's
 * sockets (Deno has no publish/subscribe). Deno has no Node IPC with a Node parent, so it talks
 * over lines (runner/process/channel.ts): `WSBENCH_READY {json}` on stdout, one JSON request per
 * line on stdin, and the end of stdin means exit.
 */
const MAX_PAYLOAD = Number(Deno.env.get('WSBENCH_MAX_PAYLOAD') || 16 * 1024 * 1024);
const encoder = new TextEncoder();
const room = new Set();

const settings = {
  perMessageDeflate: false,
  maxPayload: 'not settable (Deno.upgradeWebSocket has no option: its own limit applies)',
  idleTimeout: 0,
  binaryType: 'arraybuffer',
  backpressure: 'none: socket.send queues without a limit (bufferedAmount)',
  broadcast: 'loop over a Set of room members',
  httpEcho: 'POST /http-echo in the Deno.serve handler',
  fairness:
    'Deno defaults: idleTimeout 120 s with pings; wsbench sets idleTimeout 0 (no pings). The maximum message size cannot be set to ' +
    `wsbench's ${MAX_PAYLOAD} B (Deno.upgradeWebSocket has no option): Deno's own limit applies; HTTP bodies are bounded at ${MAX_PAYLOAD} B here`,
};

function line(type, body) {
  Deno.stdout.writeSync(encoder.encode(`WSBENCH_${type} ${JSON.stringify(body)}\n`));
}

const tooLarge = () => new Response(null, { status: 413, headers: { connection: 'close' } });

/** The body read piece by piece and counted, so a chunked body (no Content-Length) is bounded too. */
async function httpEcho(req) {
  if (Number(req.headers.get('content-length') || 0) > MAX_PAYLOAD) return tooLarge();
  const chunks = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body) {
      size += chunk.byteLength;
      if (size > MAX_PAYLOAD) return tooLarge(); // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
}

function upgrade(req, broadcast) {
  const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: 0 });
  socket.binaryType = 'arraybuffer';
  // Text arrives as a string and binary as an ArrayBuffer; each goes back as it came.
  if (broadcast) {
    socket.onopen = () => room.add(socket);
    socket.onclose = () => room.delete(socket);
    socket.onmessage = (e) => {
      for (const peer of room) if (peer !== socket && peer.readyState === 1) peer.send(e.data);
    };
  } else {
    socket.onmessage = (e) => socket.send(e.data);
  }
  // A broken connection is that connection's problem only.
  socket.onerror = () => room.delete(socket);
  return response;
}

function handler(req) {
  const { pathname } = new URL(req.url);
  if (pathname === '/echo' || pathname === '/broadcast') {
    if ((req.headers.get('upgrade') || '').toLowerCase() !== 'websocket')
      return new Response('WebSocket upgrade expected', { status: 400 });
    return upgrade(req, pathname === '/broadcast');
  }
  if (req.method === 'POST' && pathname === '/http-echo') return httpEcho(req);
  return new Response(null, { status: 404 });
}

function memory() {
  // Started with --v8-flags=--expose-gc: two passes, as in Node's server-main.
  const gc = globalThis.gc;
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return { gc: Boolean(gc), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

/** Memory without a GC, and the room's bufferedAmount (WebSocket.bufferedAmount) summed. */
function probe() {
  const m = Deno.memoryUsage();
  let bufferedBytes = 0;
  for (const s of room) bufferedBytes += s.bufferedAmount ?? 0;
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, bufferedBytes };
}

/** Requests on stdin, one JSON object a line; its end (the runner gone) ends the process. */
async function serveRequests(server) {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of Deno.stdin.readable) {
    pending += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let m;
      try {
        m = JSON.parse(text);
      } catch {
        continue;
      }
      if (m?.type === 'mem') line('MEM', memory());
      else if (m?.type === 'probe') line('PROBE', probe());
      else if (m?.type === 'stop') await server.shutdown().finally(() => Deno.exit(0));
    }
  }
  Deno.exit(0);
}

function main() {
  Deno.addSignalListener('SIGTERM', () => Deno.exit(0));
  try {
    // Over TLS (the runner's WSBENCH_TLS_CERT / WSBENCH_TLS_KEY files): Deno.serve's own TLS.
    const certFile = Deno.env.get('WSBENCH_TLS_CERT');
    const keyFile = Deno.env.get('WSBENCH_TLS_KEY');
    const tls =
      certFile && keyFile ? { cert: Deno.readTextFileSync(certFile), key: Deno.readTextFileSync(keyFile) } : {};
    const server = Deno.serve(
      {
        ...tls,
        hostname: Deno.env.get('WSBENCH_SERVER_HOST') || '127.0.0.1',
        port: Number(Deno.env.get('WSBENCH_SERVER_PORT') || 0),
        onListen: () => {},
        // A handler that throws answers 500; it never takes the process down.
        onError: () => new Response(null, { status: 500 }),
      },
      handler,
    );
    const v = Deno.version;
    line('READY', {
      port: server.addr.port,
      settings,
      facts: { version: v.deno, runtime: `deno ${v.deno}`, v8: v.v8, engine: 'V8' },
    });
    void serveRequests(server);
  } catch (err) {
    line('ERROR', { code: err?.code || 'ESTART', message: err?.message || String(err) });
    Deno.exit(1);
  }
}

main();
