import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { TransparencyLog } from '../core/ledger/log';
import { parseTilePath } from '../core/ledger/tiles';

/** Tiles never change once served (a tile names its width): any cache may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The log as c2sp.org/tlog-tiles: GET /checkpoint (the latest signed head, as a signed note) and
 * GET /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>], at the root and under /log/ (the site's prefix). Only what the latest checkpoint covers is served, so no
 * tile shows a leaf before a signed head commits to it; anything else is 404. Answers true when the path was one
 * of these.
 */
export function serveLogTiles(req: IncomingMessage, res: ServerResponse, path: string, log: TransparencyLog): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  // The same log under the site's log/ folder, where the site's static copy has it (and its verification page asks).
  if (path === '/log/checkpoint' || path.startsWith('/log/tile/')) path = path.slice('/log'.length);
  if (path === '/checkpoint') {
    const cp = log.checkpointNote();
    if (!cp) return notFound(res, 'Log ini belum punya checkpoint.');
    send(req, res, Buffer.from(cp.note, 'utf8'), { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, max-age=0' });
    return true;
  }
  if (!path.startsWith('/tile/')) return false;
  const t = parseTilePath(path.slice(1));
  if (!t) return notFound(res, 'Bukan jalur tile log (tile/<L>/<N>[.p/<W>]).');
  const size = log.latestCheckpoint()?.size ?? 0;
  const bytes = log.tile(t, size);
  if (!bytes) return notFound(res, `Log pada checkpoint terakhir (ukuran ${size}) tidak punya tile ini.`);
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Cache-Control': IMMUTABLE };
  // Entry bundles are text (JSON leaves) and compress well; the spec asks for compression at the HTTP layer.
  if (t.level === 'entries' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    send(req, res, gzipSync(bytes), { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
  } else send(req, res, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), headers);
  return true;
}

function send(req: IncomingMessage, res: ServerResponse, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'Content-Length': String(body.length), 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function notFound(res: ServerResponse, message: string): true {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${message}\n`);
  return true;
}
