import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LenteraApp } from '../api/app';
import { fail, httpStatusFor, type Result } from '../api/result';
import { isLenteraError } from '../core/util/errors';
import { parseJsonText } from '../core/util/json-text';
import { SECURITY_HEADERS, serveStatic } from './static';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  app: LenteraApp;
  host: string;
  port: number;
  rendererDir: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendResult(res: ServerResponse, result: Result): void {
  sendJson(res, result.ok ? 200 : httpStatusFor(result.error.code), result);
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
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(Object.assign(new Error('body too large'), { tooLarge: true })) : resolveBody(Buffer.concat(chunks))));
    req.on('error', reject);
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

async function handleApi(app: LenteraApp, name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (e) {
    if ((e as { tooLarge?: boolean }).tooLarge) {
      sendJson(res, 413, fail('TOO_LARGE', `The request is larger than ${MAX_BODY_BYTES} bytes.`, { limit: MAX_BODY_BYTES }));
    }
    return;
  }
  const parsed = parseJsonBody(body.toString('utf8'));
  if (!parsed.ok) return sendResult(res, parsed);
  sendResult(res, await app.invokeAsync(name, parsed.value, { token: tokenOf(req) }));
}

function handleEvents(app: LenteraApp, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write(': lentera events\n\n');
  const unsubscribe = app.events.subscribe((e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`));
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

export function createHttpServer(opts: ServerOptions): Server {
  const { app } = opts;
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/api/health' && req.method === 'GET') {
      const status = app.invoke('system.status', {}, {});
      const v = status.ok ? (status.value as { version: string; schemaVersion: number }) : undefined;
      return sendJson(res, 200, { ok: true, version: v?.version, schemaVersion: v?.schemaVersion });
    }
    if (path === '/api/events' && req.method === 'GET') return handleEvents(app, req, res);
    if (path.startsWith('/api/')) {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        return sendJson(res, 405, fail('METHOD_NOT_ALLOWED', 'Commands are sent with POST.', { method: req.method }));
      }
      void handleApi(app, decodeURIComponent(path.slice('/api/'.length)), req, res).catch((e: unknown) => {
        console.error('[lentera] request failed:', e);
        if (!res.headersSent) sendJson(res, 500, fail('INTERNAL', 'Internal error.', {}));
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, fail('METHOD_NOT_ALLOWED', 'Only GET is served here.', { method: req.method }));
    }
    serveStatic(opts.rendererDir, path, res);
  });
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
