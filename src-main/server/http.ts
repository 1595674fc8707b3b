import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { DoorTarget } from '../api/door';
import { fail, httpStatusFor, type Result } from '../api/result';
import { isLenteraError } from '../core/util/errors';
import { newId } from '../core/util/ids';
import { parseJsonText } from '../core/util/json-text';
import { clientKey } from './client-address';
import { EventStreams } from './event-streams';
import { isLoopback, OwnHosts } from './hosts';
import { serveStatic } from './static';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  /** What the server reaches: only the asynchronous entry and the events (a LenteraApp, or a hosted one). */
  app: DoorTarget;
  host: string;
  port: number;
  rendererDir: string;
  /** Where refused and failed requests are reported (default: stderr). */
  log?: (line: string) => void;
  /** Further names this server is reached by (a DNS name the venue set up), besides its own addresses. */
  hostNames?: readonly string[];
  /** Slow clients: time allowed for the headers, and for the whole request (tests shorten them). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** What every API answer carries: not to be framed, sniffed, cached or followed by a referrer. */
export const API_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** Commands that create a workstation: only on the machine itself, never through a server open to the LAN. */
const SETUP_COMMANDS = new Set(['workstation.init', 'workstation.demo']);

/**
 * The workstation passphrase is typed on the coordinator's own machine only: a LAN client may not try it (nor the
 * recovery key), whatever address the server is bound to. Wrong passphrases are counted by the custody file, and
 * this client's attempts by the app's per-client limit.
 */
const UNLOCK_COMMAND = 'workstation.unlock';

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...API_HEADERS,
    ...extra,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendResult(res: ServerResponse, result: Result): void {
  if (result.ok) return sendJson(res, 200, result);
  const retryAfter = result.error.details.retryAfter;
  sendJson(res, httpStatusFor(result.error.code), result, typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter) } : {});
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the body; past the limit the rest is drained unread, so the client still gets its 413 answer. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new RequestError(413, 'TOO_LARGE', `The request is larger than ${MAX_BODY_BYTES} bytes.`)) : resolveBody(Buffer.concat(chunks))));
    req.on('error', reject);
    // A client that goes away mid-body: nothing to answer, nothing to run.
    req.on('close', () => {
      if (!req.complete) reject(new RequestError(400, 'ABORTED', 'The client went away before sending the whole request.'));
    });
  });
}

/** Parses a request body into a Result, naming the line and column of a syntax error. */
export function parseJsonBody(text: string): Result {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: parseJsonText(text, 'The request body') };
  } catch (e) {
    if (isLenteraError(e)) return fail(e.code, e.message, e.details);
    throw e;
  }
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-lentera-session'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return undefined;
}

function isJson(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}

/**
 * A browser says where a request comes from. A page of another origin (a web page open in an examiner's
 * browser, a rebinding DNS name) may not drive the API: only our own pages, or clients that are no browser.
 */
function crossSite(req: IncomingMessage): string | null {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  const own = `http://${(req.headers.host ?? '').toLowerCase()}`;
  return origin.toLowerCase() === own ? null : `Origin: ${origin.slice(0, 200)}`;
}

function commandName(path: string): string {
  try {
    return decodeURIComponent(path.slice('/api/'.length));
  } catch {
    throw new RequestError(400, 'BAD_REQUEST', 'The command name in the address is not valid percent-encoding.');
  }
}

async function handleApi(opts: ServerOptions, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    throw new RequestError(405, 'METHOD_NOT_ALLOWED', 'Commands are sent with POST.');
  }
  const where = crossSite(req);
  if (where) throw new RequestError(403, 'CROSS_ORIGIN', `A page of another site may not send commands here (${where}).`);
  if (!isJson(req)) throw new RequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Commands are sent as JSON (Content-Type: application/json).');
  const name = commandName(path);
  const local = isLoopback(req.socket.remoteAddress ?? '');
  const mayInit = isLoopback(opts.host) && local;
  if (SETUP_COMMANDS.has(name) && !mayInit) {
    throw new RequestError(403, 'SETUP_LOCAL_ONLY', 'A workstation is set up on the machine itself (npm start, or lentera init), never over the network.');
  }
  if (name === UNLOCK_COMMAND && !local) {
    throw new RequestError(403, 'UNLOCK_LOCAL_ONLY', 'The workstation is unlocked on its own machine (in the browser there, at http://127.0.0.1, or in the desktop app), never over the network.');
  }
  const body = await readBody(req);
  const parsed = parseJsonBody(body.toString('utf8'));
  if (!parsed.ok) return sendResult(res, parsed);
  // An IPv6 client by its /64: walking through the addresses it holds must not reset its limits (client-address.ts).
  const client = `http:${clientKey(req.socket.remoteAddress)}`;
  const result = await opts.app.invokeAsync(name, parsed.value, { token: tokenOf(req), client });
  // A device that may not set the workstation up is not offered the first-run form; one on the LAN, not the unlock form.
  if (name === 'system.status' && result.ok && !mayInit && (result.value as { canInit?: boolean }).canInit) {
    return sendResult(res, { ok: true, value: { ...(result.value as object), canInit: false } });
  }
  if (name === 'system.status' && result.ok && !local && (result.value as { canUnlock?: boolean }).canUnlock) {
    return sendResult(res, { ok: true, value: { ...(result.value as object), canUnlock: false } });
  }
  sendResult(res, result);
}

/** How long a client refused a stream is told to wait (EventSource itself does not retry after a refusal). */
const STREAMS_RETRY_AFTER_SECONDS = 60;

/**
 * The live events as a stream. No session: the public display screen follows it without a login, and the events
 * carry names and ids only. Any LAN device may open it, so the streams are counted and bounded (`EventStreams`).
 */
function handleEvents(streams: EventStreams, req: IncomingMessage, res: ServerResponse): void {
  const where = crossSite(req);
  if (where) throw new RequestError(403, 'CROSS_ORIGIN', `A page of another site may not listen here (${where}).`);
  const client = streams.clientOf(req);
  const full = streams.refusal(client);
  if (full) {
    res.setHeader('Retry-After', String(STREAMS_RETRY_AFTER_SECONDS));
    throw new RequestError(429, 'TOO_MANY_STREAMS', full);
  }
  res.writeHead(200, {
    ...API_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
  });
  res.write(': lentera events\n\n');
  streams.add(client, req, res);
}

async function health(opts: ServerOptions, res: ServerResponse): Promise<void> {
  const status = await opts.app.invokeAsync('system.status', {}, {});
  const v = status.ok ? (status.value as { version: string; schemaVersion: number }) : undefined;
  sendJson(res, 200, { ok: true, version: v?.version, schemaVersion: v?.schemaVersion });
}

function route(opts: ServerOptions, hosts: OwnHosts, streams: EventStreams, req: IncomingMessage, res: ServerResponse): void | Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://lentera.invalid');
  } catch {
    throw new RequestError(400, 'BAD_REQUEST', 'The request address is not valid.');
  }
  // DNS rebinding: a hostile name resolving to this machine still says its own name in Host.
  if (!hosts.isOwn(req.headers.host)) throw new RequestError(421, 'WRONG_HOST', 'This server answers only to its own addresses.');
  const path = url.pathname;
  if (path === '/api/health' && req.method === 'GET') return health(opts, res);
  if (path === '/api/events' && req.method === 'GET') return handleEvents(streams, req, res);
  if (path.startsWith('/api/')) return handleApi(opts, path, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    throw new RequestError(405, 'METHOD_NOT_ALLOWED', 'Only GET is served here.');
  }
  serveStatic(opts.rendererDir, path, res);
}

/** The last word on a request that went wrong: a 4xx said plainly, or a 500 with a reference to the log. */
function answerError(log: (line: string) => void, req: IncomingMessage, res: ServerResponse, e: unknown): void {
  const who = `${req.method ?? '?'} ${(req.url ?? '').slice(0, 200)} from ${req.socket.remoteAddress ?? '?'}`;
  if (e instanceof RequestError) {
    log(`refused ${e.status} ${e.code}: ${who}`);
    if (e.code === 'ABORTED' || res.headersSent || res.destroyed) return;
    return sendJson(res, e.status, fail(e.code, e.message, {}));
  }
  const ref = newId().slice(-12);
  log(`failed (ref ${ref}): ${who}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  if (!res.headersSent && !res.destroyed) sendJson(res, 500, fail('INTERNAL', `Something went wrong; nothing was changed. Reference ${ref}.`, { ref }));
  else res.destroy();
}

/** Each server's live event streams, for what it reports (`openEventStreams`). */
const streamsOf = new WeakMap<Server, EventStreams>();

/** How many live event streams a server holds open now. */
export function openEventStreams(server: Server): number {
  return streamsOf.get(server)?.count() ?? 0;
}

export function createHttpServer(opts: ServerOptions): Server {
  const log = opts.log ?? ((line: string) => console.error(`[lentera] ${line}`));
  const hosts = new OwnHosts(opts.host, opts.hostNames ?? []);
  const headersTimeout = opts.headersTimeoutMs ?? 20_000;
  const streams = new EventStreams(opts.app.events, log);
  // How often Node looks for clients past their time (its default, 30 s, would let a trickle last that long).
  const server = createServer({ connectionsCheckingInterval: Math.min(5_000, Math.max(250, headersTimeout / 2)) }, (req, res) => {
    try {
      const pending = route(opts, hosts, streams, req, res);
      if (pending) pending.catch((e: unknown) => answerError(log, req, res, e));
    } catch (e) {
      answerError(log, req, res, e);
    }
  });
  streamsOf.set(server, streams);
  // Slow clients (a trickle of headers or body) are cut off instead of holding sockets forever.
  server.headersTimeout = headersTimeout;
  server.requestTimeout = opts.requestTimeoutMs ?? 120_000;
  // Garbage on the socket (bad request line, oversized headers, an unknown method) gets its 4xx and is logged.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    log(`bad request from ${socket.remoteAddress ?? '?'}: ${err.code ?? err.message}`);
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  // CONNECT (a proxy request) would otherwise be dropped without a word; nothing here tunnels.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    log(`refused 405 CONNECT ${(req.url ?? '').slice(0, 200)} from ${socket.remoteAddress ?? '?'}`);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  return server;
}

export async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(port, host, () => {
      server.off('error', ko);
      ok();
    });
  });
  return server.address() as AddressInfo;
}
