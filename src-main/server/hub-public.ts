/**
 * The hub's doors for objections (sanggah), public reports (laporan) and the committee that answers them
 * (docs/publication.md). Small JSON bodies only: a declared or actual body over 64 KiB is refused (413), a body
 * that is not application/json (a form upload, a file) is refused (415), and each address has a budget of
 * attempts. The work itself is in core/publish (objections.ts, reports.ts, committee.ts); after every change the
 * site is rewritten through the hub's one queue, so a rewrite never overlaps a bundle merge.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubRouteDeps } from './announce-route';
import { clientKey } from './client-address';
import { assertCoversExam, clientHash, committeeByToken, coversExam, type CommitteeMember, type CommitteeRole } from '../core/publish/committee';
import { answerObjection, fileObjection, getObjection, listObjections } from '../core/publish/objections';
import { answerReport, fileReport, getReport, listReports } from '../core/publish/reports';
import { isLenteraError } from '../core/util/errors';

export const VOICE_DEFAULTS = {
  /** the largest JSON body taken, in bytes */
  maxBodyBytes: 64 * 1024,
  /** a body must arrive within this */
  bodyTimeoutMs: 10_000,
  /** attempts per address on the public forms (filing and tracking), whatever their outcome, per window */
  attemptsPerWindow: 60,
  windowMs: 10 * 60_000,
} as const;

export type VoiceLimits = { -readonly [K in keyof typeof VOICE_DEFAULTS]: number };

export interface VoiceRouteDeps extends HubRouteDeps {
  /** the hub's data directory (the client-hash key lives in DIR/keys) */
  dir: string;
  json: (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void;
  limits?: Partial<VoiceLimits>;
}

/** HTTP statuses for the refusals of objections, reports and the committee. */
export function voiceStatusOf(code: string): number {
  if (code === 'SANGGAH_IDENTITY' || code === 'KOMITE_FORBIDDEN') return 403;
  if (code === 'SANGGAH_PERIOD' || code === 'SANGGAH_DUPLICATE' || code === 'SANGGAH_ANSWERED' || code === 'LAPORAN_CLOSED') return 409;
  if (code === 'SANGGAH_NOT_FOUND' || code === 'LAPORAN_NOT_FOUND') return 404;
  if (code === 'LAPORAN_RATE' || code === 'TOO_MANY_REQUESTS') return 429;
  if (code === 'KOMITE_UNAUTHORIZED') return 401;
  return 422;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A tracking code from the path; a broken %-escape is the sender's mistake (400), never the hub's (500). */
function codeOf(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new Refusal(400, 'KODE_INVALID', 'Kode lacak di alamat tidak dapat dibaca; periksa kembali kodenya.');
  }
}

/**
 * The routes, as one function the hub asks first: true when it took the request (the answer is then on its way).
 */
export function publicVoiceRoutes(deps: VoiceRouteDeps): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const limits: VoiceLimits = { ...VOICE_DEFAULTS, ...deps.limits };
  const { publisher, clock, log, json } = deps;
  const clientOf = (req: IncomingMessage) => clientKey(req.socket.remoteAddress);

  /** per address: the times of its recent attempts (pruned as it goes; forgotten on restart, the DB limit is not) */
  const attempts = new Map<string, number[]>();
  function spend(req: IncomingMessage): void {
    const now = clock.now().getTime();
    const client = clientOf(req);
    const recent = (attempts.get(client) ?? []).filter((t) => t > now - limits.windowMs);
    if (recent.length >= limits.attemptsPerWindow) {
      attempts.set(client, recent);
      const retry = Math.max(1, Math.ceil((recent[0]! + limits.windowMs - now) / 1000));
      throw new Refusal(429, 'TOO_MANY_REQUESTS', `Terlalu banyak permintaan dari alamat ini; coba lagi dalam ${Math.ceil(retry / 60)} menit.`, { 'Retry-After': String(retry) });
    }
    recent.push(now);
    attempts.set(client, recent);
    if (attempts.size > 10_000) for (const [k, v] of attempts) if (v[v.length - 1]! <= now - limits.windowMs) attempts.delete(k);
  }

  /** One rewrite queued at a time: changes that come while it waits are all in it. */
  let queued: Promise<void> | null = null;
  function rewriteSite(): void {
    if (queued) return;
    queued = deps.serial(async () => {
      queued = null;
      await publisher.writeSite(deps.site, clock.now().toISOString());
    });
    queued.catch((e: unknown) => log(`error: the site could not be rewritten: ${(e as Error).message}`));
  }

  /** The committee member the bearer token names, of one of `roles`; 401 without a valid token, 403 for another role. */
  function member(req: IncomingMessage, roles: readonly CommitteeRole[]): CommitteeMember {
    const header = req.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer +(\S+)$/i.exec(header.trim())?.[1] : undefined;
    const m = token ? committeeByToken(publisher.db, token) : null;
    if (!m) throw new Refusal(401, 'KOMITE_UNAUTHORIZED', 'Perlu token komite yang sah (Authorization: Bearer …); token dibuat dengan `lentera hub komite add`.', { 'WWW-Authenticate': 'Bearer' });
    if (!roles.includes(m.role)) throw new Refusal(403, 'KOMITE_FORBIDDEN', `Peran ${m.role} tidak boleh melakukan ini; hanya ${roles.join(' atau ')}.`);
    return m;
  }

  /** The JSON body: application/json, at most maxBodyBytes, UTF-8, one JSON value. */
  async function body(req: IncomingMessage, res: ServerResponse, invalidCode: string): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Kirim isi formulir sebagai JSON (Content-Type: application/json); berkas dan unggahan formulir tidak diterima.', { Connection: 'close' });
    }
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
    if (declared !== null && !(declared <= limits.maxBodyBytes)) {
      throw new Refusal(413, 'BODY_TOO_LARGE', `Isi permintaan paling besar ${limits.maxBodyBytes} byte (${limits.maxBodyBytes / 1024} KiB).`, { Connection: 'close' });
    }
    // The hub answers "Expect: 100-continue" itself: only once the request is admitted.
    if (/100-continue/i.test(String(req.headers.expect ?? ''))) res.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => {
        fail(new Refusal(408, 'BODY_TIMEOUT', 'Isi permintaan tidak tiba tepat waktu.', { Connection: 'close' }));
        req.destroy();
      }, limits.bodyTimeoutMs);
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limits.maxBodyBytes) {
          clearTimeout(timer);
          req.removeAllListeners('data');
          req.pause();
          fail(new Refusal(413, 'BODY_TOO_LARGE', `Isi permintaan paling besar ${limits.maxBodyBytes} byte (${limits.maxBodyBytes / 1024} KiB).`, { Connection: 'close' }));
        } else chunks.push(c);
      });
      req.on('end', () => {
        clearTimeout(timer);
        ok();
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
    });
    let text: string;
    try {
      text = UTF8.decode(Buffer.concat(chunks));
    } catch {
      throw new Refusal(422, invalidCode, 'Isi permintaan bukan teks UTF-8.');
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Refusal(422, invalidCode, 'Isi permintaan bukan JSON yang sah.');
    }
  }

  function answer(req: IncomingMessage, res: ServerResponse, work: () => Promise<{ status: number; body: unknown; changed: boolean }>): void {
    work().then(
      (r) => {
        json(res, r.status, r.body);
        if (r.changed) rewriteSite();
      },
      (e: unknown) => {
        if (e instanceof Refusal) {
          log(`refused ${e.status} ${e.code} ${req.method ?? '?'} ${req.url ?? ''} from ${clientOf(req)}`);
          json(res, e.status, { ok: false, error: { code: e.code, message: e.message } }, e.headers);
        } else if (isLenteraError(e)) {
          const status = voiceStatusOf(e.code);
          const retry = (e.details as { retryAfter?: number }).retryAfter;
          log(`refused ${status} ${e.code} ${req.method ?? '?'} ${req.url ?? ''} from ${clientOf(req)}`);
          json(res, status, { ok: false, error: { code: e.code, message: e.message } }, retry ? { 'Retry-After': String(retry) } : {});
        } else {
          log(`error answering ${req.method ?? '?'} ${req.url ?? ''} from ${clientOf(req)}: ${(e as Error).message}`);
          json(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Hub tidak dapat menjawab permintaan ini; tidak ada yang disimpan. Coba lagi.' } }, { Connection: 'close' });
        }
        // A body left unread (refused before reading, or cut off) must not be parsed as the next request.
        if (!req.complete) res.once('finish', () => req.destroy());
      },
    );
  }

  const at = () => clock.now().toISOString();
  const examOf = (req: IncomingMessage) => {
    const exam = new URL(req.url ?? '/', 'http://hub').searchParams.get('exam');
    return exam === null || exam === '' ? undefined : exam;
  };

  /**
   * A committee list as the member asking may read it: of the exam named in `?exam=` (refused when their token is
   * not for it), and only of the exams their token is for.
   */
  function committeeList<T extends { exam: string }>(req: IncomingMessage, list: (db: typeof publisher.db, exam?: string) => T[]): T[] {
    const who = member(req, ['panitia', 'pengamat']);
    const exam = examOf(req);
    if (exam !== undefined) assertCoversExam(who, exam);
    return list(publisher.db, exam).filter((row) => coversExam(who, row.exam));
  }

  return (req, res, path) => {
    const m = /^\/api\/(sanggah|laporan|komite)(?:\/|$)/.exec(path);
    if (!m) return false;
    const method = req.method ?? '';
    const route = (verb: string, re: RegExp) => (method === verb ? re.exec(path) : null);
    let hit: RegExpExecArray | null;

    if (route('POST', /^\/api\/sanggah$/)) {
      answer(req, res, async () => {
        // A venue (or the committee) files on a candidate's behalf with its token; anyone else at the site.
        const filer = req.headers.authorization !== undefined ? member(req, ['tempat', 'panitia']) : null;
        if (!filer) spend(req);
        const input = await body(req, res, 'SANGGAH_INVALID');
        const r = fileObjection(publisher, input, {
          at: at(),
          channel: filer ? 'tempat' : 'situs',
          filedBy: filer ? filer.name : 'situs',
          actor: filer ? `komite:${filer.name}` : `hub:${clientOf(req)}`,
          ...(filer ? { member: filer } : {}),
        });
        log(`sanggah ${r.sanggah.id} filed (${r.sanggah.exam}, ${r.sanggah.stage}, ${r.sanggah.channel}), leaf ${r.proof.index}`);
        return { status: 201, body: { ok: true, ...r }, changed: true };
      });
      return true;
    }
    if ((hit = route('GET', /^\/api\/sanggah\/([^/]+)$/))) {
      const raw = hit[1]!;
      answer(req, res, async () => {
        spend(req);
        const id = codeOf(raw);
        const s = getObjection(publisher.db, id);
        if (!s) throw new Refusal(404, 'SANGGAH_NOT_FOUND', 'Tidak ada sanggah dengan kode lacak itu; periksa kembali kodenya (SGH-XXXX-XXXX-XXXX-XXXX).');
        return { status: 200, body: { ok: true, sanggah: s }, changed: false };
      });
      return true;
    }
    if (route('POST', /^\/api\/laporan$/)) {
      answer(req, res, async () => {
        spend(req);
        const input = await body(req, res, 'LAPORAN_INVALID');
        const r = fileReport(publisher, input, { at: at(), clientHash: clientHash(deps.dir, clientOf(req)), actor: 'hub:publik' });
        log(`laporan ${r.laporan.id} filed (${r.laporan.exam}, ${r.laporan.category}), leaf ${r.proof.index}`);
        return { status: 201, body: { ok: true, ...r }, changed: true };
      });
      return true;
    }
    if ((hit = route('GET', /^\/api\/laporan\/([^/]+)$/))) {
      const raw = hit[1]!;
      answer(req, res, async () => {
        spend(req);
        const id = codeOf(raw);
        const r = getReport(publisher.db, id);
        if (!r) throw new Refusal(404, 'LAPORAN_NOT_FOUND', 'Tidak ada laporan dengan kode lacak itu; periksa kembali kodenya (LAP-XXXX-XXXX-XXXX-XXXX).');
        return { status: 200, body: { ok: true, laporan: r }, changed: false };
      });
      return true;
    }
    if (route('GET', /^\/api\/komite\/sanggah$/)) {
      answer(req, res, async () => {
        return { status: 200, body: { ok: true, sanggah: committeeList(req, listObjections) }, changed: false };
      });
      return true;
    }
    if ((hit = route('POST', /^\/api\/komite\/sanggah\/([^/]+)\/jawab$/))) {
      const raw = hit[1]!;
      answer(req, res, async () => {
        const who = member(req, ['panitia']);
        const id = codeOf(raw);
        const input = await body(req, res, 'SANGGAH_INVALID');
        const r = answerObjection(publisher, id, input, { at: at(), by: who.name, actor: `komite:${who.name}`, member: who });
        log(`sanggah ${r.sanggah.id} answered ${r.sanggah.status} by ${who.name}, leaf ${r.proof.index}`);
        return { status: 200, body: { ok: true, ...r }, changed: true };
      });
      return true;
    }
    if (route('GET', /^\/api\/komite\/laporan$/)) {
      answer(req, res, async () => {
        return { status: 200, body: { ok: true, laporan: committeeList(req, listReports) }, changed: false };
      });
      return true;
    }
    if ((hit = route('POST', /^\/api\/komite\/laporan\/([^/]+)\/jawab$/))) {
      const raw = hit[1]!;
      answer(req, res, async () => {
        const who = member(req, ['panitia']);
        const id = codeOf(raw);
        const input = await body(req, res, 'LAPORAN_INVALID');
        const r = answerReport(publisher, id, input, { at: at(), by: who.name, actor: `komite:${who.name}`, member: who });
        log(`laporan ${r.laporan.id} answered ${r.laporan.status} by ${who.name}, leaf ${r.proof.index}`);
        return { status: 200, body: { ok: true, ...r }, changed: true };
      });
      return true;
    }
    const known = /^\/api\/(sanggah|laporan)(\/[^/]+)?$|^\/api\/komite\/(sanggah|laporan)(\/[^/]+\/jawab)?$/.exec(path);
    if (known) {
      const allow = path.endsWith('/jawab') || /^\/api\/(sanggah|laporan)$/.test(path) ? 'POST' : 'GET';
      json(res, 405, { ok: false, error: { code: 'METHOD', message: `Gunakan ${allow} untuk ${path}.` } }, { Allow: allow, Connection: 'close' });
    } else {
      json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `Tidak ada ${path}.` } }, { Connection: 'close' });
    }
    return true;
  };
}
