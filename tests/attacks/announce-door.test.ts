/**
 * Attacks on the hub's announcement door (`POST /api/pengumuman`): what anyone on the network can send it. Uploads
 * in flight are limited in all and per address (429), a body must arrive within its deadline (408), a replay or an
 * out-of-turn number never reaches the PDF parser, a stranger cannot fill the audit chain, and "Expect:
 * 100-continue" is answered only once a request is admitted. Real HTTP on 127.0.0.x; raw sockets where a client
 * misbehaves.
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { currentCertificate, generateIdentity, unlockIdentity, type UnlockedIdentity } from '../../src-main/core/keys/identities';
import { signAnnouncement, type AnnouncementDocument, type SignedAnnouncement } from '../../src-main/core/publish/announcement';
import { sha256Hex } from '../../src-main/core/util/hash';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { ManualClock } from '../unit/helpers';

/** How often the hub opened a PDF (its info dictionary or its signatures): the parser an attacker wants to reach. */
const parsed = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src-main/core/sheets/verify', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src-main/core/sheets/verify')>();
  return {
    ...m,
    documentInfo: (...a: Parameters<typeof m.documentInfo>) => {
      parsed.count++;
      return m.documentInfo(...a);
    },
    verifyPdfSignatures: (...a: Parameters<typeof m.verifyPdfSignatures>) => {
      parsed.count++;
      return m.verifyPdfSignatures(...a);
    },
  };
});

const PASS = 'rahasia-koordinator';
const root = mkdtempSync(join(tmpdir(), 'lentera-pintu-pengumuman-'));
const clock = new ManualClock(new Date());
const lines: string[] = [];
const open: Socket[] = [];
const extraHubs: RunningHub[] = [];
let app: LenteraApp;
let hub: RunningHub;
let exam: string;
let id: UnlockedIdentity;
let certDer: Uint8Array;
/** announcement 1 as the workstation signed it, and its signed PDF */
let one: SignedAnnouncement;
let onePdf: Buffer;
/** what an attacker sends as "the PDF": it starts like one, and is not */
const junkPdf = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<< /Info 2 0 R >>\nendobj\n'), Buffer.alloc(4096, 0x41)]);

const docOf = (s: SignedAnnouncement) => JSON.parse(s.document) as AnnouncementDocument;
const count = (q: string) => hub.publisher.db.prepare(q).pluck().get() as number;
const stored = () => ({ announcements: count('SELECT COUNT(*) FROM announcements'), leaves: count('SELECT COUNT(*) FROM ledger_leaves') });
const unknownAudited = () => count("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.announce' AND outcome = 'refused' AND payload LIKE '%ANNOUNCEMENT_SIGNER_UNKNOWN%'");
const bodyOf = (announcement: unknown, pdf?: Buffer) => Buffer.from(JSON.stringify({ announcement, ...(pdf ? { pdf: pdf.toString('base64') } : {}) }));

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Answer {
  interim: number[];
  status: number;
  headers: Record<string, string>;
  body: { ok: boolean; ack?: { seq: number; unchanged: boolean }; error?: { code: string; message: string } };
}

/**
 * A hand-made request on its own socket: writes `head` (and `body`, if any). `continued` resolves with the bytes of
 * a 100 Continue when one arrives first; `answer` with the final answer, rejecting when none comes within `ms`.
 */
function raw(url: string, head: string, opts: { body?: Buffer; localAddress?: string; ms?: number } = {}) {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  open.push(socket);
  socket.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  let closed = false;
  const interim: number[] = [];
  let onContinue: (head: string) => void = () => undefined;
  const continued = new Promise<string>((r, fail) => {
    onContinue = r;
    setTimeout(() => fail(new Error('no 100 Continue within 5 s')), 5000);
  });
  continued.catch(() => undefined);
  const answer = new Promise<Answer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${opts.ms ?? 5000} ms`)), opts.ms ?? 5000);
    const parse = (final: boolean) => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const text = buf.subarray(0, end).toString('latin1');
        const [status, ...rest] = text.split('\r\n');
        const code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(status ?? '')?.[1] ?? NaN);
        if (code >= 100 && code < 200) {
          interim.push(code);
          if (code === 100) onContinue(text);
          buf = buf.subarray(end + 4);
          continue;
        }
        const headers = Object.fromEntries(rest.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length']);
        if (buf.length - end - 4 >= length) {
          clearTimeout(timer);
          resolve({ interim, status: code, headers, body: JSON.parse(buf.subarray(end + 4, end + 4 + length).toString('utf8')) as Answer['body'] });
        }
        return;
      }
      if (final) {
        clearTimeout(timer);
        reject(new Error('the connection closed without an answer'));
      }
    };
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      parse(false);
    });
    socket.on('close', () => {
      closed = true;
      parse(true);
    });
  });
  answer.catch(() => undefined);
  socket.write(head);
  if (opts.body) socket.write(opts.body);
  return { socket, continued, answer, closed: () => closed };
}

function announceHead(length: number, signer: string, extra: Record<string, string> = {}): string {
  const headers = { Host: 'hub', 'Content-Type': 'application/json', 'Content-Length': String(length), 'X-Lentera-Signer': signer, ...extra };
  return `POST /api/pengumuman HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

async function post(url: string, body: Buffer, signer = id.fingerprint): Promise<{ status: number; body: Answer['body'] }> {
  const r = await fetch(`${url}/api/pengumuman`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Lentera-Signer': signer }, body: new Uint8Array(body), signal: AbortSignal.timeout(30_000) });
  return { status: r.status, body: (await r.json()) as Answer['body'] };
}

async function healthy(url = hub.url): Promise<void> {
  expect((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
}

beforeAll(async () => {
  app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  id = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
  certDer = currentCertificate(db, coord)!.certDer;
  exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const out = await app.invokeAsync('announcement.publish', { exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-16', passphrase: PASS, account: 'koordinator' }, { local: 't' });
  if (!out.ok) throw new Error(out.error.message);
  const files = (out.value as { files: { json: string; pdf: string } }).files;
  one = JSON.parse(readFileSync(files.json, 'utf8')) as SignedAnnouncement;
  onePdf = readFileSync(files.pdf);
  hub = await startHub({ dir: join(root, 'hub'), port: 0, clock, log: (l) => lines.push(l), announceLimits: { unknownSignerAuditAddresses: 3 } });
  addTrustedSigner(hub.publisher.db, certDer, { exam, announces: true, at: clock.now().toISOString(), by: 'test' });
  const first = await post(hub.url, bodyOf(one, onePdf));
  expect(first).toMatchObject({ status: 201, body: { ok: true, ack: { seq: 1, unchanged: false } } });
}, 180_000);

afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
});

afterAll(async () => {
  for (const h of extraHubs) await h.close();
  await hub?.close();
  app?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a replay never reaches the PDF parser', () => {
  it('checks the chain before the PDF: a replayed number, a gap or a broken chain with a junk PDF is refused unparsed; nothing is stored', async () => {
    const d1 = docOf(one);
    const before = stored();
    const seen = parsed.count;
    const cases: [string, AnnouncementDocument, number, string][] = [
      ['replayed number', { ...d1, formations: d1.formations.map((f) => ({ ...f, quota: f.quota + 5 })) }, 409, 'ANNOUNCEMENT_REPLAYED'],
      ['gap', { ...d1, seq: 3, previous: sha256Hex(one.document) }, 409, 'ANNOUNCEMENT_GAP'],
      ['broken chain', { ...d1, seq: 2, previous: 'f'.repeat(64) }, 409, 'ANNOUNCEMENT_CHAIN_BROKEN'],
    ];
    for (const [what, d, status, code] of cases) {
      const r = await post(hub.url, bodyOf(await signAnnouncement(d, id), junkPdf));
      expect({ what, status: r.status, code: r.body.error?.code }).toEqual({ what, status, code });
    }
    expect(parsed.count, 'the hub opened an attacker\'s PDF').toBe(seen);
    expect(stored()).toEqual(before);
  });

  it('the published announcement sent again: with its own PDF or none it is unchanged; with another PDF refused by comparison, not parsed', async () => {
    const seen = parsed.count;
    const junk = await post(hub.url, bodyOf(one, junkPdf));
    expect(junk).toMatchObject({ status: 422, body: { error: { code: 'ANNOUNCEMENT_PDF_INVALID', message: expect.stringMatching(/already published here with another PDF/) } } });
    expect(await post(hub.url, bodyOf(one, onePdf))).toMatchObject({ status: 200, body: { ack: { seq: 1, unchanged: true } } });
    expect(await post(hub.url, bodyOf(one))).toMatchObject({ status: 200, body: { ack: { seq: 1, unchanged: true } } });
    expect(parsed.count).toBe(seen);
    expect(stored()).toEqual({ announcements: 1, leaves: 1 });
  });

  it('the next announcement in turn still has its PDF checked (the spy sees the parser), and a junk PDF refused', async () => {
    const d2 = { ...docOf(one), seq: 2, previous: sha256Hex(one.document) };
    const seen = parsed.count;
    const r = await post(hub.url, bodyOf(await signAnnouncement(d2, id), junkPdf));
    expect(r).toMatchObject({ status: 422, body: { error: { code: 'ANNOUNCEMENT_PDF_INVALID' } } });
    expect(parsed.count).toBeGreaterThan(seen);
    expect(stored()).toEqual({ announcements: 1, leaves: 1 });
  });
});

describe('uploads in flight', () => {
  const body = () => bodyOf(one);

  it('admits one upload per address and two in all: 429 HUB_BUSY with Retry-After, unread; a freed slot is taken again', async () => {
    const held1 = raw(hub.url, announceHead(body().length, id.fingerprint, { Expect: '100-continue' }), { localAddress: '127.0.0.1' });
    await held1.continued;
    const same = await raw(hub.url, announceHead(body().length, id.fingerprint), { localAddress: '127.0.0.1' }).answer;
    expect(same).toMatchObject({ status: 429, headers: { 'retry-after': '30', connection: 'close' }, body: { ok: false, error: { code: 'HUB_BUSY', message: expect.stringMatching(/this address already has 1/) } } });
    const held2 = raw(hub.url, announceHead(body().length, id.fingerprint, { Expect: '100-continue' }), { localAddress: '127.0.0.2' });
    await held2.continued;
    const third = await raw(hub.url, announceHead(body().length, id.fingerprint), { localAddress: '127.0.0.3' }).answer;
    expect(third).toMatchObject({ status: 429, headers: { 'retry-after': '30' }, body: { error: { code: 'HUB_BUSY', message: expect.stringMatching(/2 announcement uploads are in progress \(at most 2\)/) } } });
    expect(lines.some((l) => l.includes('429 HUB_BUSY') && l.includes('127.0.0.3'))).toBe(true);
    held1.socket.destroy();
    held2.socket.destroy();
    // The slots come free as the hub notices the closed connections; the same address is then served whole.
    let again: Answer | undefined;
    for (let i = 0; i < 100 && (!again || again.status === 429); i++) {
      again = await raw(hub.url, announceHead(body().length, id.fingerprint), { body: body(), localAddress: '127.0.0.3' }).answer;
      if (again.status === 429) await new Promise((r) => setTimeout(r, 20));
    }
    expect(again).toMatchObject({ status: 200, body: { ok: true, ack: { unchanged: true } } });
    await healthy();
  });

  it('cuts off a body that does not arrive within its deadline: 408, the connection closed, nothing stored, the slot freed', async () => {
    const dir = join(root, 'hub-lambat');
    const slow = await startHub({ dir, port: 0, clock, log: (l) => lines.push(l), announceLimits: { bodyTimeoutMs: 300 } });
    extraHubs.push(slow);
    addTrustedSigner(slow.publisher.db, certDer, { exam, announces: true, at: clock.now().toISOString(), by: 'test' });
    const whole = bodyOf(one);
    const started = Date.now();
    const trickle = raw(slow.url, announceHead(whole.length, id.fingerprint), { body: whole.subarray(0, 100) });
    const a = await trickle.answer;
    expect(a).toMatchObject({ status: 408, headers: { connection: 'close' }, body: { ok: false, error: { code: 'UPLOAD_INCOMPLETE', message: expect.stringMatching(/did not arrive within 0\.3 s \(100 of \d+ bytes\)/) } } });
    expect(Date.now() - started).toBeLessThan(5000);
    await until(trickle.closed, 'the hub to close the cut-off connection');
    expect(slow.publisher.db.prepare('SELECT COUNT(*) FROM announcements').pluck().get()).toBe(0);
    // Its slot is free: the same address sends the whole announcement and it is published.
    expect(await post(slow.url, whole)).toMatchObject({ status: 201, body: { ack: { seq: 1, unchanged: false } } });
    await healthy(slow.url);
  });
});

describe('refusals before the body', () => {
  it('audits an unknown signer once per address a minute, and for at most 3 addresses; the rest is only logged', async () => {
    const strangerFp = 'cd'.repeat(32);
    const before = unknownAudited();
    const knock = async (addr: string) => {
      const a = await raw(hub.url, announceHead(10, strangerFp), { localAddress: addr }).answer;
      expect(a).toMatchObject({ status: 403, headers: { connection: 'close' }, body: { error: { code: 'ANNOUNCEMENT_SIGNER_UNKNOWN' } } });
    };
    for (let i = 0; i < 5; i++) await knock('127.0.0.1');
    expect(unknownAudited()).toBe(before + 1);
    await knock('127.0.0.2');
    await knock('127.0.0.3');
    expect(unknownAudited()).toBe(before + 3);
    await knock('127.0.0.4');
    expect(unknownAudited(), 'a fourth address within the minute is only logged').toBe(before + 3);
    expect(lines.filter((l) => l.includes('not audited again: unknown signer'))).toHaveLength(5);
    expect(lines.filter((l) => l.includes('refused 403 ANNOUNCEMENT_SIGNER_UNKNOWN')).length).toBeGreaterThanOrEqual(8);
    clock.advance(61_000);
    await knock('127.0.0.1');
    expect(unknownAudited()).toBe(before + 4);
    const last = hub.publisher.db.prepare("SELECT actor, payload FROM audit_events WHERE command = 'hub.announce' AND outcome = 'refused' ORDER BY seq DESC LIMIT 1").get() as { actor: string; payload: string };
    expect(last.actor).toBe('hub:127.0.0.1');
    expect(JSON.parse(last.payload)).toMatchObject({ code: 'ANNOUNCEMENT_SIGNER_UNKNOWN', fingerprint: `CD${':CD'.repeat(31)}`, before: 'body' });
  });
});

describe('"Expect: 100-continue"', () => {
  it('is answered with its refusal and no 100 when the request is not admitted', async () => {
    const a = await raw(hub.url, announceHead(50, 'cd'.repeat(32), { Expect: '100-continue' })).answer;
    expect(a).toMatchObject({ interim: [], status: 403 });
  });

  it('is answered with HTTP/1.1 100 Continue once admitted, before any of the body is sent; then the verdict', async () => {
    const body = bodyOf(one, onePdf);
    const r = raw(hub.url, announceHead(body.length, id.fingerprint, { Expect: '100-continue' }), { ms: 30_000 });
    const head = await r.continued;
    expect(head).toMatch(/^HTTP\/1\.1 100 Continue/);
    r.socket.write(body);
    expect(await r.answer).toMatchObject({ interim: [100], status: 200, body: { ok: true, ack: { seq: 1, unchanged: true } } });
  });
});
