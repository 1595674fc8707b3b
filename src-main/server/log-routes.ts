/**
 * The hub's doors to its log: the log served as C2SP tiles and checkpoints, and witnesses' cosignatures taken in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { TransparencyLog } from '../core/ledger/log';
import type { Publisher } from '../core/publish/publisher';
import { parseTilePath } from '../core/ledger/tiles';
import { appendEvent } from '../core/audit/chain';
import { writeTransaction } from '../core/db/transaction';
import { isLenteraError } from '../core/util/errors';
import { BodyCut, readBody } from './announce-route';
import type { Clock } from '../core/util/clock';
import { auditBudget } from './audit-budget';

/** The path a witness posts its cosigned checkpoint to. */
export const COSIGNATURE_PATH = '/api/log/cosignature';
/** A checkpoint with a few dozen signature lines: far more than an honest note, far less than a nuisance. */
const MAX_NOTE_BYTES = 16 * 1024;

/** Tiles never change once served (a tile names its width): any cache may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The log as c2sp.org/tlog-tiles: GET /checkpoint (the latest signed head, as a signed note) and
 * GET /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>], at the root and under /log/ (the site's prefix). Only what
 * the latest checkpoint covers is served, so no tile shows a leaf before a signed head commits to it; anything else
 * is 404. Answers true when the path was one of these.
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
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*' });
  res.end(`${message}\n`);
  return true;
}

/**
 * POST /api/log/cosignature: a witness's cosignature of one of the log's heads (c2sp.org/tlog-cosignature), posted as
 * the checkpoint note with its line. Only witnesses the hub's operator registered (`lentera hub witness add`) are
 * kept; a line by one of them that does not verify refuses the note (422), a note of no registered witness is 403,
 * a head the log never signed 409. A new cosignature joins the served checkpoint and the site is rewritten after
 * the answer; one kept already (a replay: anyone can copy the lines from /checkpoint) changes nothing, and nothing
 * is audited or rewritten for it. The door is open to anyone, so it admits few requests at once, reads at most
 * 16 KiB within 10 s, and audits at most one refusal per address a minute.
 */
export function cosignatureDoor(deps: { publisher: Publisher; clock: Clock; log: (line: string) => void; rewriteSite: () => Promise<unknown> }) {
  const inFlight = { total: 0, perClient: new Map<string, number>() };
  const audited = auditBudget({ windowMs: 60_000, clients: 1000, now: () => deps.clock.now().getTime() });
  let rewrite: Promise<unknown> | null = null;
  let again = false;
  /** One rewrite at a time, and at most one more queued behind it, whatever the number of cosignatures. */
  const rewriteSoon = (): void => {
    if (rewrite) {
      again = true;
      return;
    }
    rewrite = deps
      .rewriteSite()
      .catch((e: unknown) => deps.log(`error: the site could not be rewritten after a cosignature: ${(e as Error).message}`))
      .finally(() => {
        rewrite = null;
        if (again) {
          again = false;
          rewriteSoon();
        }
      });
  };
  const auditRefusal = (client: string, at: string, code: string, message: string): void => {
    if (!audited.take(client)) return;
    const p = deps.publisher;
    try {
      writeTransaction(p.db, () => appendEvent(p.db, { at, actor: `hub:${client}`, command: 'hub.cosignature', outcome: 'refused', payload: { code, message } }));
    } catch (e) {
      deps.log(`error: the refusal could not be audited: ${(e as Error).message}`);
    }
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const client = req.socket.remoteAddress ?? '?';
    /** `close` when the body was not read, so that it is never parsed as the next request */
    const refuse = (status: number, code: string, message: string, close = true) => {
      deps.log(`refused ${status} ${code} cosignature from ${client}: ${message}`);
      answer(res, status, { ok: false, error: { code, message } }, close ? { Connection: 'close' } : {});
    };
    const declared = Number(req.headers['content-length']);
    if (req.headers['content-length'] === undefined || !Number.isSafeInteger(declared) || declared < 1) return refuse(411, 'LENGTH_REQUIRED', 'Send the cosigned checkpoint with a Content-Length header.');
    if (declared > MAX_NOTE_BYTES) return refuse(413, 'COSIGNATURE_TOO_LARGE', `A cosigned checkpoint is at most ${MAX_NOTE_BYTES} bytes; this one declares ${declared}.`);
    const mine = inFlight.perClient.get(client) ?? 0;
    if (inFlight.total >= 4 || mine >= 1) return refuse(429, 'HUB_BUSY', 'The hub is taking other cosignatures: try again in a moment.');
    inFlight.total++;
    inFlight.perClient.set(client, mine + 1);
    try {
      let body: Buffer;
      try {
        body = await readBody(req, declared, 10_000);
      } catch (e) {
        if (!(e instanceof BodyCut)) throw e;
        refuse(e.status, 'UPLOAD_INCOMPLETE', e.message);
        if (!req.complete) res.once('finish', () => req.destroy());
        return;
      }
      const at = deps.clock.now().toISOString();
      const p = deps.publisher;
      let kept: { size: number; accepted: string[] };
      try {
        kept = writeTransaction(p.db, () => {
          const r = p.log.acceptCosignatures(body.toString('utf8'), at, Math.floor(deps.clock.now().getTime() / 1000));
          if (r.accepted.length > 0) appendEvent(p.db, { at, actor: `witness:${r.accepted.join(',')}`, command: 'hub.cosignature', outcome: 'ok', payload: r });
          return r;
        });
      } catch (e) {
        if (!isLenteraError(e)) throw e;
        const status = e.code === 'WITNESS_UNKNOWN' ? 403 : e.code === 'COSIGNATURE_UNKNOWN_HEAD' ? 409 : 422;
        auditRefusal(client, at, e.code, e.message);
        return refuse(status, e.code, e.message, false);
      }
      answer(res, 200, { ok: true, ...kept, unchanged: kept.accepted.length === 0 });
      if (kept.accepted.length > 0) rewriteSoon();
    } finally {
      inFlight.total--;
      const left = (inFlight.perClient.get(client) ?? 1) - 1;
      if (left > 0) inFlight.perClient.set(client, left);
      else inFlight.perClient.delete(client);
    }
  };
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(text);
}
