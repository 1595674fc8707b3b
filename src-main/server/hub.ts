import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LIMITS } from '../core/bundles/format';
import { normalizeFingerprint } from '../core/bundles/trust';
import { Publisher, RECEIPTS_PER_PAGE } from '../core/publish/publisher';
import { isLenteraError } from '../core/util/errors';
import { newId } from '../core/util/ids';
import { systemClock, type Clock } from '../core/util/clock';
import { contentType, staticFile } from './static';
import { isStoreFailure, storeFailureCode } from './store-failure';
import { auditBudget } from './audit-budget';
import { ANNOUNCEMENT_PATH, announceDoor, type AnnounceLimits } from './announce-route';
import { publicVoiceRoutes, type VoiceLimits } from './hub-public';
import { COSIGNATURE_PATH, cosignatureDoor, serveLogTiles } from './log-routes';

const MiB = 1024 * 1024;

/** The hub's limits when `startHub` is not told otherwise (docs/bundles.md, "Publication and the hub"). */
export const HUB_DEFAULTS = {
  /** a real venue's bundle fits: our bench of 100,000 candidates with 10,000 signed PDFs made 494 MB */
  maxBundleBytes: 1024 * MiB,
  maxUploads: 2,
  maxUploadsPerClient: 1,
  /** kept free beyond twice the upload's size (the stored upload, and the merge's own copy of it) */
  diskMarginBytes: 64 * MiB,
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 60_000,
  /** an upload must arrive within 2 minutes plus its size at this rate (1 GiB: about 2 h 20 min) */
  minUploadBytesPerSecond: 128 * 1024,
  retryAfterSeconds: 30,
  /** an upload's refusal for an unknown signer is audited once per client in this window, for so many clients in it; else only logged */
  unknownSignerAuditMs: 60_000,
  unknownSignerAuditClients: 100,
} as const;

/** Where a bundle's sender fetches its receipts: /api/bundles/<sha256 of the bundle>/receipts. */
const RECEIPTS_PATH = /^\/api\/bundles\/([0-9a-f]{64})\/receipts$/;

/** The header a sender names its bundle's signer with: the sha256 fingerprint of the signing certificate. */
export const SIGNER_HEADER = 'x-lentera-signer';

export interface HubOptions {
  dir: string;
  /** the hub's state in this PostgreSQL database (postgres://…) instead of DIR/hub.sqlite */
  db?: string;
  host?: string;
  port?: number;
  clock?: Clock;
  log?: (line: string) => void;
  /** the largest upload taken, in bytes (default 1 GiB, at most the bundle format's own limit) */
  maxBundleBytes?: number;
  /** uploads in progress at once, received or being merged: in all (default 2) and per client address (default 1) */
  maxUploads?: number;
  maxUploadsPerClient?: number;
  /**
   * Refuse an upload that does not name its signer in X-Lentera-Signer (the default; a workstation's outbox
   * always names it). A header naming a certificate that is not registered, or not the bundle's signer, is
   * refused either way.
   */
  requireSigner?: boolean;
  /** limits of the objection and report doors (server/hub-public.ts: body size, attempts per address) */
  voiceLimits?: Partial<VoiceLimits>;
  /** limits of the announcement door (server/announce-route.ts: uploads in flight, body deadline, audited refusals) */
  announceLimits?: Partial<AnnounceLimits>;
  /** free bytes on the filesystem of a folder (default: statfs); a test can make the disk look full */
  freeBytes?: (dir: string) => number;
  diskMarginBytes?: number;
  /** the request line and headers must arrive within this (default 20 s) */
  headersTimeoutMs?: number;
  /** a connection on which nothing moves for this long is closed (default 60 s); progress resets it */
  idleTimeoutMs?: number;
  minUploadBytesPerSecond?: number;
  /**
   * The log's origin in its C2SP checkpoints (the public URL it is served under, without the scheme), pinned in the
   * hub's database the first time; default a name made from the log's key. A different one later is refused.
   */
  origin?: string;
}

export interface RunningHub {
  url: string;
  publisher: Publisher;
  close(): Promise<void>;
}

/** HTTP statuses for the hub's refusals: who may send, what is out of order, what is simply wrong. */
function statusOf(code: string): number {
  if (code === 'BUNDLE_SIGNER_UNKNOWN' || code === 'BUNDLE_WRONG_EXAM' || code === 'BUNDLE_SIGNER_MISMATCH' || code === 'BUNDLE_WORKSTATION_MISMATCH') return 403;
  if (code === 'BUNDLE_GAP' || code === 'BUNDLE_REPLAYED' || code === 'BUNDLE_CHAIN_BROKEN' || code === 'BUNDLE_RULESET_CONFLICT' || code === 'BUNDLE_EXAM_CONFLICT' || code === 'BUNDLE_CODE_CONFLICT') return 409;
  if (code === 'BUNDLE_TOO_LARGE') return 413;
  return 422;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const mib = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`;

/** An upload that did not arrive whole: the client went away, went silent, was too slow or sent too much. */
class UploadCut extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function diskFree(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * The publication hub: accepts bundles from registered workstation certificates, merges them, logs the results,
 * regenerates the static site and answers with a signed acknowledgement; serves the site to everyone. Merges
 * run one at a time, so a merge never sees another half done; a refused bundle changes nothing.
 *
 * The upload door is open to the network, so an upload is refused before its body is read unless it declares
 * its length (411), within the cap (413), names a registered signer (403), finds a free slot (429) and finds
 * room on the disk (507); it is counted as it arrives, and a partial file is removed whatever ends it.
 */
export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const publisher = Publisher.open(opts.dir, { db: opts.db });
  if (opts.origin !== undefined) {
    try {
      publisher.log.pinOrigin(opts.origin);
    } catch (e) {
      publisher.close();
      throw e;
    }
  }
  const clock = opts.clock ?? systemClock;
  // Reporters' address hashes a day old are let go every hour, whether or not anyone files a report or a bundle
  // comes (Publisher.forgetOldReporters).
  const forgetReporters = () => {
    try {
      publisher.forgetOldReporters(clock.now().toISOString());
    } catch (e) {
      log(`error: old reporters' address hashes could not be let go: ${(e as Error).message}`);
    }
  };
  const forgetting = setInterval(forgetReporters, 3_600_000);
  forgetting.unref();
  const log = opts.log ?? (() => undefined);
  const maxBytes = Math.min(opts.maxBundleBytes ?? HUB_DEFAULTS.maxBundleBytes, LIMITS.bundleBytes);
  const maxUploads = opts.maxUploads ?? HUB_DEFAULTS.maxUploads;
  const maxPerClient = opts.maxUploadsPerClient ?? HUB_DEFAULTS.maxUploadsPerClient;
  const margin = opts.diskMarginBytes ?? HUB_DEFAULTS.diskMarginBytes;
  const freeBytes = opts.freeBytes ?? diskFree;
  const minRate = opts.minUploadBytesPerSecond ?? HUB_DEFAULTS.minUploadBytesPerSecond;
  const site = join(opts.dir, 'site');
  const incoming = join(opts.dir, 'incoming');
  mkdirSync(incoming, { recursive: true });
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const announce = announceDoor({ publisher, clock, site, log, serial, limits: opts.announceLimits });
  const cosignature = cosignatureDoor({ publisher, clock, log, rewriteSite: () => serial(() => publisher.writeSite(site, clock.now().toISOString())) });
  const voice = publicVoiceRoutes({ publisher, dir: opts.dir, clock, log, serial, site, json, limits: opts.voiceLimits });
  if (!existsSync(join(site, 'index.html'))) await publisher.writeSite(site, clock.now().toISOString());

  /** Uploads admitted and not yet answered: their count in all and per address, and the disk they may take. */
  const inFlight = { total: 0, reserved: 0, perClient: new Map<string, number>() };
  const clientOf = (req: IncomingMessage) => req.socket.remoteAddress ?? '?';
  const unknownSigners = auditBudget({ windowMs: HUB_DEFAULTS.unknownSignerAuditMs, clients: HUB_DEFAULTS.unknownSignerAuditClients, now: () => clock.now().getTime() });

  /** A refusal answered without reading the body; the connection is closed after it, so the body is never read. */
  function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    log(`refused ${status} ${code} from ${clientOf(req)}: ${message}`);
    json(res, status, { ok: false, error: { code, message } }, { ...headers, Connection: 'close' });
  }

  /** Everything that can be decided from the request's headers; null when the upload may be received. */
  function admission(req: IncomingMessage, res: ServerResponse): { declared: number; signer: string | undefined } | null {
    const client = clientOf(req);
    const length = req.headers['content-length'];
    if (length === undefined) {
      refuse(req, res, 411, 'LENGTH_REQUIRED', 'Send the bundle with a Content-Length header (its size in bytes); an upload of unknown length is not taken.');
      return null;
    }
    const declared = Number(length);
    if (!Number.isSafeInteger(declared) || declared < 0) {
      refuse(req, res, 400, 'BAD_LENGTH', 'Content-Length is not a byte count.');
      return null;
    }
    if (declared > maxBytes) {
      refuse(req, res, 413, 'BUNDLE_TOO_LARGE', `A bundle may have at most ${maxBytes} bytes (${mib(maxBytes)}); this one declares ${declared}.`);
      return null;
    }
    const named = req.headers[SIGNER_HEADER];
    let signer: string | undefined;
    if (named === undefined) {
      if (opts.requireSigner ?? true) {
        refuse(req, res, 403, 'SIGNER_REQUIRED', "Name the bundle's signer: send X-Lentera-Signer with the sha256 fingerprint of its certificate (a workstation's outbox does).");
        return null;
      }
    } else {
      const fingerprint = normalizeFingerprint(Array.isArray(named) ? named.join(',') : named);
      if (!fingerprint) {
        refuse(req, res, 403, 'SIGNER_HEADER_INVALID', 'X-Lentera-Signer must be the sha256 fingerprint of a certificate: 64 hex digits, colons allowed.');
        return null;
      }
      let registered: boolean;
      try {
        registered = publisher.isRegistered(fingerprint);
      } catch (e) {
        if (!isStoreFailure(e)) throw e;
        refuse(req, res, 503, 'HUB_STORE_UNAVAILABLE', `The hub's database cannot be read (${storeFailureCode(e)}): nothing was merged. The bundle will be sent again; tell the hub's operator.`, { 'Retry-After': String(HUB_DEFAULTS.retryAfterSeconds) });
        return null;
      }
      if (!registered) {
        const message = `The bundle is signed by a certificate that is not registered here (${fingerprint}); register the workstation's certificate first.`;
        if (!unknownSigners.take(client)) log(`not audited again: unknown signer ${fingerprint} from ${client} (at most one audit event per address a minute)`);
        else {
          try {
            publisher.auditRefusal(clock.now().toISOString(), `hub:${client}`, 'BUNDLE_SIGNER_UNKNOWN', message, { fingerprint, declared, before: 'upload' });
          } catch (e) {
            log(`error: the refusal could not be audited: ${(e as Error).message}`);
          }
        }
        refuse(req, res, 403, 'BUNDLE_SIGNER_UNKNOWN', message);
        return null;
      }
      signer = fingerprint;
    }
    if (inFlight.total >= maxUploads || (inFlight.perClient.get(client) ?? 0) >= maxPerClient) {
      const mine = inFlight.perClient.get(client) ?? 0;
      const why = mine >= maxPerClient ? `this address already has ${mine} upload(s) in progress (at most ${maxPerClient})` : `${inFlight.total} uploads are in progress (at most ${maxUploads})`;
      refuse(req, res, 429, 'HUB_BUSY', `The hub is busy: ${why}. Try again later.`, { 'Retry-After': String(HUB_DEFAULTS.retryAfterSeconds) });
      return null;
    }
    const need = 2 * declared + margin + inFlight.reserved;
    let free: number;
    try {
      free = freeBytes(incoming);
    } catch (e) {
      log(`error: free disk space of ${incoming} unknown: ${(e as Error).message}`);
      free = 0;
    }
    if (free < need) {
      refuse(req, res, 507, 'INSUFFICIENT_STORAGE', `The hub has ${mib(free)} free for incoming bundles; this one needs ${mib(need)} (twice its size, as the hub keeps it and the site publishes a copy, and ${mib(margin)} to spare). Nothing was stored; try again later, or ask the hub's operator to free disk space.`);
      return null;
    }
    return { declared, signer };
  }

  /** Stores the body in `file`, counting it; refuses more than declared and an upload too slow to finish. */
  async function receive(req: IncomingMessage, file: string, declared: number): Promise<void> {
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    let received = 0;
    let cut: UploadCut | undefined;
    const allowedMs = 120_000 + Math.ceil((declared / minRate) * 1000);
    const deadline = setTimeout(() => {
      cut = new UploadCut(`cut off: not received within ${Math.round(allowedMs / 1000)} s (slower than ${Math.round(minRate / 1024)} KiB/s) after ${received} of ${declared} bytes`, 408);
      req.destroy();
    }, allowedMs);
    // Node closes a connection idle for `server.timeout`; this only names the reason.
    const idle = () => (cut ??= new UploadCut(`cut off: nothing arrived for ${Math.round(server.timeout / 1000)} s after ${received} of ${declared} bytes`, 408));
    req.socket.once('timeout', idle);
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > declared || received > maxBytes) {
          cut = new UploadCut(`cut off: more than the ${Math.min(declared, maxBytes)} bytes declared or allowed`, 413);
          done(cut);
        } else done(null, chunk);
      },
    });
    try {
      await pipeline(req, count, out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') cut ??= new UploadCut(`not stored: the hub's disk filled up after ${received} of ${declared} bytes`, 507);
      throw cut ?? new UploadCut(`aborted after ${received} of ${declared} bytes (${code ?? (e as Error).message})`);
    } finally {
      clearTimeout(deadline);
      req.socket.off('timeout', idle);
      // The file is removed by the caller; wait until it is closed so nothing writes to it afterwards.
      if (!out.closed) await once(out, 'close').catch(() => undefined);
    }
    if (received !== declared) throw new UploadCut(`aborted after ${received} of ${declared} bytes`);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
    const admitted = admission(req, res);
    if (!admitted) return;
    const { declared, signer } = admitted;
    const client = clientOf(req);
    inFlight.total++;
    inFlight.perClient.set(client, (inFlight.perClient.get(client) ?? 0) + 1);
    inFlight.reserved += 2 * declared;
    const file = join(incoming, `${newId()}.lentera`);
    // An upload's connection is not reused: the next bundle opens its own, admitted afresh. The idle limit is set
    // again here: Node lifts it on a kept-alive connection's second request.
    res.setHeader('Connection', 'close');
    req.socket.setTimeout(server.timeout);
    try {
      if (expectContinue) res.writeContinue();
      await receive(req, file, declared);
      // The whole body is here: the sender now waits for the merge, however long it takes.
      req.socket.setTimeout(0);
      const ack = await serial(async () => {
        const at = clock.now().toISOString();
        // The received file is the hub's own: moved in to be kept, not copied.
        const a = await publisher.ingest(file, at, `hub:${client}`, { ...(signer ? { signer } : {}), owned: true });
        // The bundle is merged and logged from here on: a site that cannot be rewritten now is the hub's to mend
        // (it is rewritten whole on the next change), not the sender's. Answering with an error would tell it that
        // nothing was merged, and the same bundle sent again is "unchanged", without the token for its receipts.
        if (!a.unchanged) {
          await publisher.writeSite(site, at).catch((e: unknown) => {
            log(`error: bundle ${a.sequence} of ${a.exam} is merged, but the site could not be rewritten (${(e as Error).message}); it will be on the next change`);
          });
        }
        return a;
      });
      log(`bundle ${ack.sequence} of ${ack.exam} from ${ack.workstation} (${client}, signer ${signer ?? 'not named'}): ${ack.unchanged ? 'already merged' : `merged, log size ${ack.checkpoint.size}`}`);
      json(res, 200, { ok: true, ack });
    } catch (e) {
      if (e instanceof UploadCut) {
        log(`upload from ${client} ${e.message}; the partial file is removed`);
        json(res, e.status, { ok: false, error: { code: 'UPLOAD_INCOMPLETE', message: `The upload did not arrive whole: ${e.message}. Nothing was stored.` } });
      } else if (isLenteraError(e)) {
        log(`refused ${statusOf(e.code)} ${e.code} from ${client}: ${e.message}`);
        json(res, statusOf(e.code), { ok: false, error: { code: e.code, message: e.message } });
      } else if (isStoreFailure(e)) {
        // The database cannot be written (a read-only or full disk, a file gone): nothing was merged, and the sender
        // must keep the bundle and send it again, not take it as refused (a 5xx is retried by the outbox).
        log(`error: the hub's database cannot be written (${(e as { code: string }).code}: ${(e as Error).message}); the upload from ${client} was not merged`);
        json(res, 503, { ok: false, error: { code: 'HUB_STORE_UNAVAILABLE', message: `The hub's database cannot be written (${(e as { code: string }).code}): nothing was merged. The bundle will be sent again; tell the hub's operator.` } }, { 'Retry-After': String(HUB_DEFAULTS.retryAfterSeconds) });
      } else {
        log(`error with the upload from ${client}: ${(e as Error).message}`);
        json(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The hub could not take this bundle; nothing was merged. Try again.' } });
      }
    } finally {
      inFlight.total--;
      inFlight.reserved -= 2 * declared;
      const left = (inFlight.perClient.get(client) ?? 1) - 1;
      if (left > 0) inFlight.perClient.set(client, left);
      else inFlight.perClient.delete(client);
      try {
        rmSync(file, { force: true });
      } catch (e) {
        log(`error: ${file} could not be removed: ${(e as Error).message}`);
      }
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
    // A file replaced while it is read (the site is rewritten) ends this answer, not the hub.
    pipeline(createReadStream(file), res).catch(() => undefined);
  }

  function proofOf(entry: string | null, res: ServerResponse): void {
    const index = entry !== null && /^\d{1,15}$/.test(entry) ? Number(entry) : NaN;
    if (!Number.isSafeInteger(index)) return json(res, 400, { ok: false, error: { code: 'BAD_ENTRY', message: 'Sebutkan nomor entri log: ?entri=N (bilangan bulat mulai 0).' } });
    const proof = publisher.log.leafProof(index);
    if (!proof) return json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `Entri ${index} belum ada di checkpoint terakhir log ini.` } });
    json(res, 200, { ok: true, ...proof });
  }

  /**
   * A page of a merged bundle's receipts, for the sender its acknowledgement gave the token to (`Authorization:
   * Bearer <token>`). Read from the database between merges, never from the site: no one else can list them.
   */
  function receiptPage(bundle: string, req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://hub').searchParams;
    const fromText = query.get('from') ?? '0';
    const limitText = query.get('limit') ?? String(RECEIPTS_PER_PAGE);
    if (!/^\d{1,15}$/.test(fromText) || !/^[1-9]\d{0,3}$/.test(limitText) || Number(limitText) > RECEIPTS_PER_PAGE) {
      return json(res, 400, { ok: false, error: { code: 'BAD_REQUEST', message: `Sebutkan indeks log awal dan jumlah per halaman: ?from=N&limit=M (N bilangan bulat mulai 0, M 1–${RECEIPTS_PER_PAGE}).` } });
    }
    const token = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      return json(res, 401, { ok: false, error: { code: 'RECEIPTS_FORBIDDEN', message: "The receipts of a bundle are given only with the token of the hub's acknowledgement of it (Authorization: Bearer …)." } }, { 'WWW-Authenticate': 'Bearer' });
    }
    try {
      json(res, 200, { ok: true, ...publisher.receiptPage(bundle, token, Number(fromText), Number(limitText)) });
    } catch (e) {
      if (!isLenteraError(e)) throw e;
      json(res, e.code === 'NOT_FOUND' ? 404 : e.code === 'RECEIPTS_FORBIDDEN' ? 403 : 422, { ok: false, error: { code: e.code, message: e.message } });
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    try {
      let path: string;
      try {
        path = new URL(req.url ?? '/', 'http://hub').pathname;
      } catch {
        return refuse(req, res, 400, 'BAD_URL', 'The request names a URL that cannot be read.');
      }
      if (req.method === 'POST' && path === '/api/bundles') {
        upload(req, res, expectContinue).catch((e: unknown) => {
          log(`error with the upload from ${clientOf(req)}: ${(e as Error).message}`);
          res.destroy();
        });
        return;
      }
      if (req.method === 'GET' && path === '/api/log')
        return json(res, 200, { logKey: publisher.log.publicKey(), logId: publisher.log.logId(), checkpoint: publisher.log.latestCheckpoint(), origin: publisher.log.origin(), noteKey: publisher.log.noteKey() });
      if (serveLogTiles(req, res, path, publisher.log)) return;
      const receipts = RECEIPTS_PATH.exec(path);
      if (receipts && req.method === 'GET') return receiptPage(receipts[1]!, req, res);
      if (req.method === 'GET' && path === '/api/health') return json(res, 200, { ok: true, ...(publisher.siteFailing ? { siteFailing: publisher.siteFailing } : {}) });
      // The proof that one leaf (a record: an announcement, an objection, a report, an answer) is in the log at the
      // latest checkpoint: with the record from log/catatan/ and the pinned key anyone can check it.
      if (req.method === 'GET' && path === '/api/log/bukti') return proofOf(new URL(req.url ?? '/', 'http://hub').searchParams.get('entri'), res);
      if (req.method === 'POST' && path === ANNOUNCEMENT_PATH) {
        announce(req, res, expectContinue).catch((e: unknown) => {
          log(`error with the announcement from ${clientOf(req)}: ${(e as Error).message}`);
          res.destroy();
        });
        return;
      }
      if (req.method === 'POST' && path === COSIGNATURE_PATH) {
        cosignature(req, res).catch((e: unknown) => {
          log(`error with the cosignature from ${clientOf(req)}: ${(e as Error).message}`);
          if (res.headersSent) res.destroy();
          else json(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The hub could not take this cosignature.' } }, { Connection: 'close' });
        });
        return;
      }
      if (voice(req, res, path)) return;
      if (req.method === 'GET' || req.method === 'HEAD') return serveSite(path, res);
      refuse(req, res, 405, 'METHOD', 'Only GET, and POST /api/bundles.', { Allow: 'GET, HEAD, POST' });
    } catch (e) {
      log(`error answering ${req.method ?? '?'} from ${clientOf(req)}: ${(e as Error).message}`);
      if (res.headersSent) res.destroy();
      else json(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The hub could not answer this request.' } }, { Connection: 'close' });
    }
  }

  const headersTimeout = opts.headersTimeoutMs ?? HUB_DEFAULTS.headersTimeoutMs;
  // How often Node looks for clients past their time: its default, 30 s, let headers trickle in for that long,
  // whatever headersTimeout says (as the workstation's server, http.ts).
  const server: Server = createServer({ connectionsCheckingInterval: Math.min(5_000, Math.max(250, headersTimeout / 2)) }, (req, res) => handle(req, res, false));
  // "Expect: 100-continue" (curl sends it for large bodies): the refusals above come before the body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handle(req, res, true));
  // Anything the HTTP parser cannot read (garbage, a method it does not know, headers too long or too slow) is
  // answered and closed here, never thrown.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    log(`bad request from ${socket.remoteAddress ?? '?'}: ${err.code ?? err.message}`);
    const answering = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: `The request cannot be read (${err.code ?? 'malformed'}).` } });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  // Slow clients: headers must come quickly; a body is limited by idleness and its own deadline (see receive),
  // not by a total request time, so a 1 GiB bundle on a slow LAN can still finish.
  server.headersTimeout = headersTimeout;
  server.requestTimeout = 0;
  server.timeout = opts.idleTimeoutMs ?? HUB_DEFAULTS.idleTimeoutMs;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  // Nothing is in flight yet: whatever a crash left in incoming/ is no one's upload.
  for (const stale of readdirSync(incoming)) rmSync(join(incoming, stale), { force: true });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    publisher,
    close: () =>
      new Promise<void>((ok) => {
        clearInterval(forgetting);
        server.closeAllConnections();
        server.close(() => {
          // An upload cut by closing still removes its file before the database goes away.
          void queue.then(() => {
            // A store already gone (PostgreSQL shut down) cannot be closed cleanly: the hub still stops.
            try {
              publisher.close();
            } catch (e) {
              log(`error: the hub's store could not be closed: ${(e as Error).message}`);
            }
            ok();
          });
        });
      }),
  };
}
