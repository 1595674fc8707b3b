import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LIMITS } from '../core/bundles/format';
import { Publisher } from '../core/publish/publisher';
import { isLenteraError } from '../core/util/errors';
import { newId } from '../core/util/ids';
import { systemClock, type Clock } from '../core/util/clock';
import { contentType, staticFile } from './static';

export interface HubOptions {
  dir: string;
  host?: string;
  port?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface RunningHub {
  url: string;
  publisher: Publisher;
  close(): Promise<void>;
}

/** HTTP statuses for the hub's refusals: who may send, what is out of order, what is simply wrong. */
function statusOf(code: string): number {
  if (code === 'BUNDLE_SIGNER_UNKNOWN' || code === 'BUNDLE_WRONG_EXAM') return 403;
  if (code === 'BUNDLE_GAP' || code === 'BUNDLE_REPLAYED' || code === 'BUNDLE_CHAIN_BROKEN' || code === 'BUNDLE_RULESET_CONFLICT') return 409;
  if (code === 'BUNDLE_TOO_LARGE') return 413;
  return 422;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(JSON.stringify(body));
}

/**
 * The publication hub: accepts bundles from registered workstation certificates, merges them, logs the results,
 * regenerates the static site and answers with a signed acknowledgement; serves the site to everyone. Uploads
 * are handled one at a time, so a merge never sees another half done; a refused bundle changes nothing.
 */
export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const publisher = Publisher.open(opts.dir);
  const clock = opts.clock ?? systemClock;
  const site = join(opts.dir, 'site');
  const incoming = join(opts.dir, 'incoming');
  mkdirSync(incoming, { recursive: true });
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  if (!existsSync(join(site, 'index.html'))) await publisher.writeSite(site, clock.now().toISOString());

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > LIMITS.bundleBytes) {
      req.resume();
      return json(res, 413, { ok: false, error: { code: 'BUNDLE_TOO_LARGE', message: `A bundle may have at most ${LIMITS.bundleBytes} bytes.` } });
    }
    const file = join(incoming, `${newId()}.lentera`);
    try {
      let received = 0;
      req.on('data', (c: Buffer) => {
        received += c.length;
        if (received > LIMITS.bundleBytes) req.destroy(new Error('too large'));
      });
      await pipeline(req, createWriteStream(file));
      const ack = await serial(async () => {
        const at = clock.now().toISOString();
        const a = await publisher.ingest(file, at, `hub:${req.socket.remoteAddress ?? '?'}`);
        if (!a.unchanged) await publisher.writeSite(site, at);
        return a;
      });
      opts.log?.(`bundle ${ack.sequence} of ${ack.exam} from ${ack.workstation}: ${ack.unchanged ? 'already merged' : `merged, log size ${ack.checkpoint.size}`}`);
      json(res, 200, { ok: true, ack });
    } catch (e) {
      if (isLenteraError(e)) {
        opts.log?.(`refused: ${e.message}`);
        return json(res, statusOf(e.code), { ok: false, error: { code: e.code, message: e.message } });
      }
      opts.log?.(`error: ${(e as Error).message}`);
      json(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The hub could not take this bundle; nothing was merged. Try again.' } });
    } finally {
      rmSync(file, { force: true });
    }
  }

  function serveSite(urlPath: string, res: ServerResponse): void {
    const file = staticFile(site, urlPath);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Halaman tidak ditemukan.\n');
      return;
    }
    // No long caching: every accepted bundle rewrites the site, its data files included.
    res.writeHead(200, { 'Content-Type': contentType(file), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    createReadStream(file).pipe(res);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (req.method === 'POST' && url.pathname === '/api/bundles') return void upload(req, res);
    if (req.method === 'GET' && url.pathname === '/api/log') return json(res, 200, { logKey: publisher.log.publicKey(), logId: publisher.log.logId(), checkpoint: publisher.log.latestCheckpoint() });
    if (req.method === 'GET' && url.pathname === '/api/health') return json(res, 200, { ok: true });
    if (req.method === 'GET' || req.method === 'HEAD') return serveSite(url.pathname, res);
    json(res, 405, { ok: false, error: { code: 'METHOD', message: 'Only GET, and POST /api/bundles.' } });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    publisher,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => {
          publisher.close();
          ok();
        });
      }),
  };
}
