/**
 * The libraries' own clients, for what our raw RFC 6455 client cannot speak: Socket.IO's HTTP
 * long-polling (socket.io-client) and SockJS's xhr-polling / xhr-streaming (sockjs-client), and
 * the same clients on their websocket transport for comparison. They run only in the load
 * generator process; each is loaded when first needed, so a missing client names its package.
 */
import { createRequire } from 'node:module';
import { CodedError as ClientError } from '../errors.js';

/** Which client library. */
/** The client packages the load generator can drive (a library's manifest names its own: capabilities.fallback). */
export type ClientKind = 'socket.io-client' | 'sockjs-client';

/** One connected client of a library's own: text messages on the echo channel. */
export interface NativeClient {
  send(text: string): void;
  /** Set by the workload: every echoed message. */
  onMessage: (text: string) => void;
  /** Set by the workload: the connection failed or closed while in use. */
  onFailure: (err: ClientError) => void;
  close(): void;
}

export interface NativeOptions {
  host: string;
  port: number;
  /** socket.io: polling | websocket; sockjs: xhr-polling | xhr-streaming | websocket. */
  transport: string;
  timeoutMs?: number;
}

const require = createRequire(import.meta.url);

function load<T>(pkg: string): T {
  try {
    return require(pkg) as T;
  } catch (err) {
    throw new ClientError(
      'ENOCLIENT',
      `${pkg} is needed for this job (${(err as Error).message.split('\n')[0]}): npm install ${pkg}`,
    );
  }
}

/** Minimal shapes of the two clients, as used here (sockjs-client ships no typings). */
interface IoSocket {
  on(event: string, fn: (...args: unknown[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  disconnect(): void;
}
interface SockJsSocket {
  onopen: (() => void) | null;
  onmessage: ((e: { data: string }) => void) | null;
  onclose: ((e: { code: number; reason: string }) => void) | null;
  send(text: string): void;
  close(): void;
}
type SockJsCtor = new (
  url: string,
  reserved: null,
  options: { transports: string[]; timeout?: number },
) => SockJsSocket;

function base(): Pick<NativeClient, 'onMessage' | 'onFailure'> {
  return { onMessage: () => {}, onFailure: () => {} };
}

function openSocketIo(o: NativeOptions, timeoutMs: number): Promise<NativeClient> {
  const { io } = load<{ io: (url: string, opts: object) => IoSocket }>('socket.io-client');
  // upgrade: false keeps a polling client on polling, as when WebSockets are blocked.
  const socket = io(`http://${o.host}:${o.port}`, {
    transports: [o.transport],
    upgrade: false,
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  let closing = false;
  const client: NativeClient = {
    ...base(),
    send: (text) => socket.emit('echo', text),
    close: () => {
      closing = true;
      socket.disconnect();
    },
  };
  socket.on('echo', (m) => client.onMessage(m as string));
  socket.on('disconnect', (reason) => {
    if (!closing) client.onFailure(new ClientError('ECLOSED', `socket.io-client disconnected: ${String(reason)}`));
  });
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve(client));
    socket.on('connect_error', (e) => {
      socket.disconnect();
      reject(
        new ClientError('ECONNECT', `socket.io-client (${o.transport}) could not connect: ${(e as Error).message}`),
      );
    });
  });
}

function openSockJs(o: NativeOptions, timeoutMs: number): Promise<NativeClient> {
  const SockJS = load<SockJsCtor>('sockjs-client');
  const socket = new SockJS(`http://${o.host}:${o.port}/echo`, null, { transports: [o.transport], timeout: timeoutMs });
  let open = false;
  let closing = false;
  const client: NativeClient = {
    ...base(),
    send: (text) => socket.send(text),
    close: () => {
      closing = true;
      socket.close();
    },
  };
  socket.onmessage = (e) => client.onMessage(e.data);
  return new Promise((resolve, reject) => {
    socket.onopen = () => {
      open = true;
      resolve(client);
    };
    socket.onclose = (e) => {
      const err = new ClientError(
        open ? 'ECLOSED' : 'ECONNECT',
        `sockjs-client (${o.transport}) closed: ${e.code} ${e.reason}`,
      );
      if (!open) reject(err);
      else if (!closing) client.onFailure(err);
    };
  });
}

/** Connects one client of `kind` on the echo channel; resolves once it may send. */
export async function openNativeClient(kind: ClientKind, o: NativeOptions): Promise<NativeClient> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ClientError('ETIMEOUT', `${kind} client (${o.transport}) not connected within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      kind === 'socket.io-client' ? openSocketIo(o, timeoutMs) : openSockJs(o, timeoutMs),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
