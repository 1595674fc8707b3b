import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { TransparencyLog } from '../core/ledger/log';
import type { Publisher } from '../core/publish/publisher';
import { parseTilePath } from '../core/ledger/tiles';
import { appendEvent } from '../core/audit/chain';
import { writeTransaction } from '../core/db/transaction';
import { isLenteraError } from '../core/util/errors';
import type { Clock } from '../core/util/clock';

/** The path a witness posts its cosigned checkpoint to. */
export const COSIGNATURE_PATH = '/api/log/cosignature';
/** A checkpoint with a few dozen signature lines: far more than an honest note, far less than a nuisance. */
const MAX_NOTE_BYTES = 16 * 1024;

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

/**
 * POST /api/log/cosignature: a witness's cosignature of one of the log's heads (c2sp.org/tlog-cosignature), posted as
 * the checkpoint note with its line. Only witnesses the hub's operator registered (`lentera hub witness add`) are
 * kept; a line by one of them that does not verify refuses the note (422), a note of no registered witness is 403,
 * a head the log never signed 409. Accepted cosignatures join the served checkpoint, and the site is rewritten.
 */
export function cosignatureDoor(deps: { publisher: Publisher; clock: Clock; log: (line: string) => void; rewriteSite: () => Promise<unknown> }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const declared = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(declared) || declared < 1 || declared > MAX_NOTE_BYTES) {
      return answer(res, 413, { ok: false, error: { code: 'COSIGNATURE_TOO_LARGE', message: `A cosigned checkpoint is at most ${MAX_NOTE_BYTES} bytes, with its length declared.` } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > declared) return void req.destroy();
      chunks.push(c);
    }
    const at = deps.clock.now().toISOString();
    const p = deps.publisher;
    try {
      const r = writeTransaction(p.db, () => {
        const kept = p.log.acceptCosignatures(Buffer.concat(chunks).toString('utf8'), at, Math.floor(deps.clock.now().getTime() / 1000));
        appendEvent(p.db, { at, actor: `witness:${kept.accepted.join(',')}`, command: 'hub.cosignature', outcome: 'ok', payload: kept });
        return kept;
      });
      await deps.rewriteSite();
      answer(res, 200, { ok: true, ...r });
    } catch (e) {
      if (!isLenteraError(e)) throw e;
      const status = e.code === 'WITNESS_UNKNOWN' ? 403 : e.code === 'COSIGNATURE_UNKNOWN_HEAD' ? 409 : 422;
      writeTransaction(p.db, () => appendEvent(p.db, { at, actor: 'witness', command: 'hub.cosignature', outcome: 'refused', payload: { code: e.code, message: e.message } }));
      deps.log(`cosignature refused: ${e.message}`);
      answer(res, status, { ok: false, error: { code: e.code, message: e.message } });
    }
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
