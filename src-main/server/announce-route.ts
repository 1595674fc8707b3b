/**
 * `POST /api/pengumuman`: a coordinator's signed announcement, with its signed PDF (base64), as JSON:
 * `{"announcement": {format, document, signature, certificate}, "pdf": "<base64>"}`. The sender names the signer in
 * X-Lentera-Signer as for bundles; a body over 2 MiB or of unknown length is refused before it is read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeFingerprint } from '../core/bundles/trust';
import { announcementStatus, auditAnnouncementRefusal } from '../core/publish/announcement-hub';
import type { Publisher } from '../core/publish/publisher';
import type { Clock } from '../core/util/clock';
import { isLenteraError } from '../core/util/errors';

export const ANNOUNCEMENT_PATH = '/api/pengumuman';
export const MAX_ANNOUNCEMENT_BYTES = 2 * 1024 * 1024;

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

function answer(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, 'Content-Length': String(Buffer.byteLength(text)), ...(close ? { Connection: 'close' } : {}) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** What the hub's doors that change the log and the site (announcements, objections, reports) are given. */
export interface HubRouteDeps {
  publisher: Publisher;
  clock: Clock;
  /** the site folder, rewritten after every change */
  site: string;
  log: (line: string) => void;
  /** the hub's one-at-a-time queue: a change is logged and the site rewritten between merges, never during one */
  serial: <T>(fn: () => Promise<T>) => Promise<T>;
}

export type AnnounceDeps = HubRouteDeps;

export async function announceRoute(req: IncomingMessage, res: ServerResponse, deps: AnnounceDeps): Promise<void> {
  const client = req.socket.remoteAddress ?? '?';
  const refuse = (status: number, code: string, message: string, close = true) => {
    deps.log(`refused ${status} ${code} announcement from ${client}: ${message}`);
    answer(res, status, { ok: false, error: { code, message } }, close);
  };
  const declared = Number(req.headers['content-length']);
  if (req.headers['content-length'] === undefined || !Number.isSafeInteger(declared) || declared < 0) return refuse(411, 'LENGTH_REQUIRED', 'Send the announcement with a Content-Length header.');
  if (declared > MAX_ANNOUNCEMENT_BYTES) return refuse(413, 'ANNOUNCEMENT_TOO_LARGE', `An announcement with its PDF may have at most ${MAX_ANNOUNCEMENT_BYTES} bytes; this one declares ${declared}.`);
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the announcement as application/json.');
  const named = req.headers['x-lentera-signer'];
  if (named === undefined) return refuse(403, 'SIGNER_REQUIRED', "Name the announcement's signer: send X-Lentera-Signer with the sha256 fingerprint of its certificate.");
  const signer = normalizeFingerprint(Array.isArray(named) ? named.join(',') : named);
  if (!signer) return refuse(403, 'SIGNER_HEADER_INVALID', 'X-Lentera-Signer must be the sha256 fingerprint of a certificate: 64 hex digits, colons allowed.');
  if (!deps.publisher.isRegistered(signer)) {
    const message = `The announcement is signed by a certificate that is not registered here (${signer}); register the coordinator's certificate with "lentera hub trust" first.`;
    try {
      auditAnnouncementRefusal(deps.publisher, deps.clock.now().toISOString(), `hub:${client}`, 'ANNOUNCEMENT_SIGNER_UNKNOWN', message, { fingerprint: signer, before: 'body' });
    } catch (e) {
      deps.log(`error: the refusal could not be audited: ${(e as Error).message}`);
    }
    return refuse(403, 'ANNOUNCEMENT_SIGNER_UNKNOWN', message);
  }
  const body = await readBody(req, Math.min(declared, MAX_ANNOUNCEMENT_BYTES));
  if (!body || body.length !== declared) return refuse(400, 'UPLOAD_INCOMPLETE', 'The body is not the length declared; nothing was stored.');
  let parsed: { announcement?: unknown; pdf?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return refuse(422, 'ANNOUNCEMENT_INVALID', 'The body is not JSON.', false);
  }
  if (!parsed || typeof parsed !== 'object' || (parsed.pdf !== undefined && (typeof parsed.pdf !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(parsed.pdf)))) {
    return refuse(422, 'ANNOUNCEMENT_INVALID', 'Send {"announcement": the signed announcement, "pdf": its signed PDF in base64 (optional)}.', false);
  }
  const pdf = typeof parsed.pdf === 'string' && parsed.pdf ? Buffer.from(parsed.pdf, 'base64') : null;
  try {
    const ack = await deps.serial(async () => {
      const at = deps.clock.now().toISOString();
      const a = await deps.publisher.announce(parsed.announcement, pdf, at, `hub:${client}`, { signer });
      if (!a.unchanged) await deps.publisher.writeSite(deps.site, at);
      return a;
    });
    deps.log(`announcement ${ack.seq} of ${ack.exam} (${client}): ${ack.unchanged ? 'already published' : `logged as entry ${ack.proof.index}`}`);
    answer(res, ack.unchanged ? 200 : 201, { ok: true, ack });
  } catch (e) {
    if (isLenteraError(e)) return refuse(announcementStatus(e.code), e.code, e.message, false);
    deps.log(`error with the announcement from ${client}: ${(e as Error).message}`);
    answer(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The hub could not take this announcement; nothing was published. Try again.' } });
  }
}
