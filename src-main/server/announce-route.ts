/**
 * `POST /api/pengumuman`: a coordinator's signed announcement, with its signed PDF (base64), as JSON:
 * `{"announcement": {format, document, signature, certificate}, "pdf": "<base64>"}`. The sender names the signer in
 * X-Lentera-Signer as for bundles. The door is open to the network, so, as for bundles, a request is refused before
 * its body is read unless it declares its length within 2 MiB (411/413), is JSON (415), names a registered signer
 * (403) and finds a free slot (429: two uploads at once in all, one per address); its body must then arrive whole
 * within a deadline (408). A refusal for an unknown signer is audited at most once per address a minute.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeFingerprint } from '../core/bundles/trust';
import { announcementStatus, auditAnnouncementRefusal } from '../core/publish/announcement-hub';
import type { Publisher } from '../core/publish/publisher';
import type { Clock } from '../core/util/clock';
import { isLenteraError } from '../core/util/errors';
import { auditBudget } from './audit-budget';
import { isStoreFailure, storeFailureCode } from './store-failure';

export const ANNOUNCEMENT_PATH = '/api/pengumuman';
export const MAX_ANNOUNCEMENT_BYTES = 2 * 1024 * 1024;

/** The announcement door's limits when the hub is not told otherwise (docs/publication.md, "At the hub"). */
export const ANNOUNCE_DEFAULTS = {
  /** uploads admitted and not yet answered, in all and per client address */
  maxInFlight: 2,
  maxInFlightPerClient: 1,
  /** the whole body (at most 2 MiB) must arrive within this once admitted: 30 s is about 70 KiB/s */
  bodyTimeoutMs: 30_000,
  retryAfterSeconds: 30,
  /** a refusal for an unknown signer is audited once per address in this window, and for so many addresses in it; else only logged */
  unknownSignerAuditMs: 60_000,
  unknownSignerAuditAddresses: 100,
} as const;

export type AnnounceLimits = { -readonly [K in keyof typeof ANNOUNCE_DEFAULTS]: number };

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A body that did not arrive whole: cut off at the deadline, more than declared, or the client went away. */
export class BodyCut extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body, exactly `declared` bytes, within `ms`; the request is destroyed when it is cut off. */
export function readBody(req: IncomingMessage, declared: number, ms: number): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (e: BodyCut | null) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onClose);
      req.off('close', onClose);
      if (e) fail(e);
      else ok(Buffer.concat(chunks));
    };
    const timer = setTimeout(() => {
      stop(new BodyCut(408, `The body did not arrive within ${ms / 1000} s (${size} of ${declared} bytes); nothing was stored.`));
      req.pause();
    }, ms);
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > declared) stop(new BodyCut(413, `More than the ${declared} bytes declared arrived; nothing was stored.`));
      else chunks.push(c);
    };
    const onEnd = () => stop(size === declared ? null : new BodyCut(400, `The body is ${size} bytes, not the ${declared} declared; nothing was stored.`));
    const onClose = () => stop(new BodyCut(400, `The connection closed after ${size} of ${declared} bytes; nothing was stored.`));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onClose);
    req.once('close', onClose);
  });
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

export interface AnnounceDeps extends HubRouteDeps {
  limits?: Partial<AnnounceLimits>;
}

/**
 * The door, as one function the hub calls for every `POST /api/pengumuman` (`expectContinue` when the client sent
 * "Expect: 100-continue": it is answered only once the request is admitted). It keeps the uploads in flight.
 */
export function announceDoor(deps: AnnounceDeps): (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => Promise<void> {
  const limits: AnnounceLimits = { ...ANNOUNCE_DEFAULTS, ...deps.limits };
  const inFlight = { total: 0, perClient: new Map<string, number>() };
  const budget = auditBudget({ windowMs: limits.unknownSignerAuditMs, clients: limits.unknownSignerAuditAddresses, now: () => deps.clock.now().getTime() });

  /** Audits an unknown signer's refusal unless this client had one audited within the window, or too many clients did. */
  function auditUnknown(client: string, message: string, signer: string): void {
    if (!budget.take(client)) {
      deps.log(`not audited again: unknown signer ${signer} from ${client} (at most one audit event per address a minute)`);
      return;
    }
    try {
      auditAnnouncementRefusal(deps.publisher, deps.clock.now().toISOString(), `hub:${client}`, 'ANNOUNCEMENT_SIGNER_UNKNOWN', message, { fingerprint: signer, before: 'body' });
    } catch (e) {
      deps.log(`error: the refusal could not be audited: ${(e as Error).message}`);
    }
  }

  return async (req, res, expectContinue) => {
    const client = req.socket.remoteAddress ?? '?';
    /** a refusal; `close` when the body was not read, so that it is never parsed as the next request */
    const refuse = (status: number, code: string, message: string, close = true, headers: Record<string, string> = {}) => {
      deps.log(`refused ${status} ${code} announcement from ${client}: ${message}`);
      answer(res, status, { ok: false, error: { code, message } }, close ? { ...headers, Connection: 'close' } : headers);
    };
    const declared = Number(req.headers['content-length']);
    if (req.headers['content-length'] === undefined || !Number.isSafeInteger(declared) || declared < 0) return refuse(411, 'LENGTH_REQUIRED', 'Send the announcement with a Content-Length header.');
    if (declared > MAX_ANNOUNCEMENT_BYTES) return refuse(413, 'ANNOUNCEMENT_TOO_LARGE', `An announcement with its PDF may have at most ${MAX_ANNOUNCEMENT_BYTES} bytes; this one declares ${declared}.`);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the announcement as application/json.');
    const named = req.headers['x-lentera-signer'];
    if (named === undefined) return refuse(403, 'SIGNER_REQUIRED', "Name the announcement's signer: send X-Lentera-Signer with the sha256 fingerprint of its certificate.");
    const signer = normalizeFingerprint(Array.isArray(named) ? named.join(',') : named);
    if (!signer) return refuse(403, 'SIGNER_HEADER_INVALID', 'X-Lentera-Signer must be the sha256 fingerprint of a certificate: 64 hex digits, colons allowed.');
    let registered: boolean;
    try {
      registered = deps.publisher.isRegistered(signer);
    } catch (e) {
      if (!isStoreFailure(e)) throw e;
      return refuse(503, 'HUB_STORE_UNAVAILABLE', `The hub's database cannot be read (${storeFailureCode(e)}): nothing was published. Send the announcement again later; tell the hub's operator.`, true, { 'Retry-After': String(limits.retryAfterSeconds) });
    }
    if (!registered) {
      const message = `The announcement is signed by a certificate that is not registered here (${signer}); register the coordinator's certificate with "lentera hub trust" first.`;
      auditUnknown(client, message, signer);
      return refuse(403, 'ANNOUNCEMENT_SIGNER_UNKNOWN', message);
    }
    const mine = inFlight.perClient.get(client) ?? 0;
    if (inFlight.total >= limits.maxInFlight || mine >= limits.maxInFlightPerClient) {
      const why = mine >= limits.maxInFlightPerClient ? `this address already has ${mine} announcement upload(s) in progress (at most ${limits.maxInFlightPerClient})` : `${inFlight.total} announcement uploads are in progress (at most ${limits.maxInFlight})`;
      return refuse(429, 'HUB_BUSY', `The hub is busy: ${why}. Try again later.`, true, { 'Retry-After': String(limits.retryAfterSeconds) });
    }
    inFlight.total++;
    inFlight.perClient.set(client, mine + 1);
    try {
      if (expectContinue) res.writeContinue();
      let body: Buffer;
      try {
        body = await readBody(req, declared, limits.bodyTimeoutMs);
      } catch (e) {
        if (!(e instanceof BodyCut)) throw e;
        refuse(e.status, 'UPLOAD_INCOMPLETE', e.message);
        // What was not read must not stay open: the connection goes once the answer is out.
        if (!req.complete) res.once('finish', () => req.destroy());
        return;
      }
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
          // Logged and committed: the answer says so whatever the site write does, as a merged bundle's does. The
          // site is rewritten at the next write; telling the coordinator "nothing was published" would be false.
          if (!a.unchanged) {
            await deps.publisher.writeSite(deps.site, at).catch((e: unknown) => deps.log(`error: announcement ${a.seq} of ${a.exam} is logged, but the site could not be rewritten: ${(e as Error).message}`));
          }
          return a;
        });
        deps.log(`announcement ${ack.seq} of ${ack.exam} (${client}): ${ack.unchanged ? 'already published' : `logged as entry ${ack.proof.index}`}`);
        answer(res, ack.unchanged ? 200 : 201, { ok: true, ack });
      } catch (e) {
        if (isLenteraError(e)) return refuse(announcementStatus(e.code), e.code, e.message, false);
        if (isStoreFailure(e)) return refuse(503, 'HUB_STORE_UNAVAILABLE', `The hub's database cannot be written (${storeFailureCode(e)}): nothing was published. Send the announcement again later; tell the hub's operator.`, false, { 'Retry-After': String(limits.retryAfterSeconds) });
        deps.log(`error with the announcement from ${client}: ${(e as Error).message}`);
        answer(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The hub could not take this announcement; nothing was published. Try again.' } });
      }
    } finally {
      inFlight.total--;
      const left = (inFlight.perClient.get(client) ?? 1) - 1;
      if (left > 0) inFlight.perClient.set(client, left);
      else inFlight.perClient.delete(client);
    }
  };
}
