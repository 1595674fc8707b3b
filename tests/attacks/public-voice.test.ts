/**
 * Attacks on the hub's public doors for objections (sanggah) and reports (laporan), and on its committee door:
 * real HTTP against a hub started on port 0, with merged results, salts and a signed announcement. Every refusal
 * leaves the database and the log as they were; everything accepted is a leaf that verifies against the key the
 * hub publishes; nothing personal reaches the site and nothing sent runs there.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src-main/cli/main';
import { recordProofProblem, type RecordProof } from '../../src-main/core/ledger/record-proof';
import { addCommitteeMember } from '../../src-main/core/publish/committee';
import { publishedStages } from '../../src-main/core/publish/objections';
import { REPORT_RATE } from '../../src-main/core/publish/reports';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { ManualClock } from '../unit/helpers';
import { voiceVenue, wibDay, type VoiceVenue } from '../unit/voice-fixture';

const root = mkdtempSync(join(tmpdir(), 'lentera-suara-'));
const hubDir = join(root, 'hub');
const clock = new ManualClock(new Date());
const DAY = 86_400_000;
const lines: string[] = [];
let venue: VoiceVenue;
let hub: RunningHub;
let logKey: string;
let salts: Map<string, string>;
let nomors: string[];
let stages: string[];
const tokens: Record<'panitia' | 'pengamat' | 'tempat', string> = { panitia: '', pengamat: '', tempat: '' };
const TEXT = 'Nilai SKD saya pada lembar hasil tidak sama dengan yang diumumkan di layar ruang ujian.';

interface Answer {
  status: number;
  headers: Headers;
  body: { ok: boolean; error?: { code: string; message: string }; [k: string]: unknown };
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
  const r = await fetch(`${hub.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Answer['body'] };
}
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

const db = () => hub.publisher.db;
const state = () => ({
  objections: db().prepare('SELECT COUNT(*) FROM objections').pluck().get(),
  reports: db().prepare('SELECT COUNT(*) FROM public_reports').pluck().get(),
  size: hub.publisher.log.size,
});

/** Sends, expects a refusal with that status and code, and that nothing was stored. */
async function refused(status: number, code: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const before = state();
  const a = await call(method, path, body, headers);
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.body).toMatchObject({ ok: false, error: { code } });
  expect(state()).toEqual(before);
  return a;
}

const objection = (i: number, extra: Record<string, unknown> = {}) => ({ exam: venue.exam, nomor: nomors[i]!, salt: salts.get(nomors[i]!)!, stage: stages[0]!, text: TEXT, ...extra });
const reportBody = (extra: Record<string, unknown> = {}) => ({ exam: venue.exam, category: 'kecurangan', text: 'Pengawas ruang 2 membiarkan peserta membuka catatan saat ujian berlangsung.', contact: '', website: '', ...extra });

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const sitePage = (name: string) => {
  try {
    return readFileSync(join(hubDir, 'site', name), 'utf8');
  } catch {
    return '';
  }
};
/** Every text file of the site, for what must never be published. */
function siteText(dir = join(hubDir, 'site')): string {
  let all = '';
  for (const n of readdirSync(dir)) {
    const f = join(dir, n);
    if (statSync(f).isDirectory()) all += siteText(f);
    else if (!n.endsWith('.lentera') && !n.endsWith('.pdf')) all += readFileSync(f, 'utf8');
  }
  return all;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 'operator' });
  return { code, out, err };
}

beforeAll(async () => {
  venue = await voiceVenue(root);
  hub = await startHub({ dir: hubDir, port: 0, clock, log: (l) => lines.push(l) });
  salts = await venue.merge(hub.publisher, clock.now().toISOString());
  nomors = [...salts.keys()].sort();
  stages = publishedStages(hub.publisher, venue.exam);
  logKey = ((await (await fetch(`${hub.url}/api/log`)).json()) as { logKey: string }).logKey;
  for (const role of ['panitia', 'pengamat', 'tempat'] as const) tokens[role] = addCommitteeMember(db(), { name: `Anggota ${role}`, role }, clock.now().toISOString(), 'test').token;
}, 120_000);

afterAll(async () => {
  await hub?.close();
  venue?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('objections over HTTP', () => {
  it('refuses an objection while there is no announcement with a period (409 SANGGAH_PERIOD)', async () => {
    const a = await refused(409, 'SANGGAH_PERIOD', 'POST', '/api/sanggah', objection(0));
    expect(a.body.error!.message).toMatch(/Belum ada pengumuman/);
  });

  it('files with the right salt: 201, a tracking code, and a leaf proof that verifies against the hub\'s log key', async () => {
    await venue.announce(hub.publisher, wibDay(clock.now(), 0), wibDay(clock.now(), 4), clock.now().toISOString());
    const before = state();
    const a = await call('POST', '/api/sanggah', objection(0));
    expect(a.status).toBe(201);
    const s = a.body.sanggah as { id: string; status: string; channel: string; filedLeaf: number };
    expect(s).toMatchObject({ status: 'diajukan', channel: 'situs', stage: 'SKD', exam: venue.exam });
    expect(s.id).toMatch(/^SGH(-[2-9A-HJ-NP-Z]{4}){4}$/);
    expect(s).not.toHaveProperty('nomor');
    expect(s).not.toHaveProperty('text');
    expect(recordProofProblem(a.body.record as string, a.body.proof as RecordProof, logKey)).toBeNull();
    expect(state()).toEqual({ ...before, objections: (before.objections as number) + 1, size: before.size + 1 });
    expect(a.headers.get('access-control-allow-origin')).toBeNull();
    const t = await call('GET', `/api/sanggah/${s.id.toLowerCase()}`);
    expect(t.status).toBe(200);
    expect(t.body.sanggah).toMatchObject({ id: s.id, status: 'diajukan', filedLeaf: s.filedLeaf });
    await refused(404, 'SANGGAH_NOT_FOUND', 'GET', '/api/sanggah/SGH-2222-2222-2222-2222');
  });

  it('refuses a wrong salt, another candidate\'s salt, outside the period, a duplicate and a bad stage, storing nothing', async () => {
    expect((await refused(403, 'SANGGAH_IDENTITY', 'POST', '/api/sanggah', objection(1, { salt: randomBytes(16).toString('base64url') }))).body.error!.message).toMatch(/tidak cocok/);
    expect((await refused(403, 'SANGGAH_IDENTITY', 'POST', '/api/sanggah', objection(1, { salt: salts.get(nomors[2]!) }))).body.error!.message).toMatch(/salt ini bukan milik nomor peserta tersebut/i);
    expect((await refused(409, 'SANGGAH_DUPLICATE', 'POST', '/api/sanggah', objection(0))).body.error!.message).toMatch(/SGH-/);
    expect((await refused(422, 'SANGGAH_INVALID', 'POST', '/api/sanggah', objection(1, { stage: 'PSIKOTES' }))).body.error!.message).toMatch(/^Tahap: "PSIKOTES"/);
    expect((await refused(422, 'SANGGAH_INVALID', 'POST', '/api/sanggah', objection(1, { text: 'singkat' }))).body.error!.message).toMatch(/Isi sanggah terlalu pendek/);
    clock.advance(6 * DAY);
    try {
      expect((await refused(409, 'SANGGAH_PERIOD', 'POST', '/api/sanggah', objection(1))).body.error!.message).toMatch(/sudah ditutup/);
    } finally {
      clock.advance(-6 * DAY);
    }
  });

  it('refuses what is not a small JSON body: 415 for a form or a file, 413 over 64 KiB, 422 for broken JSON', async () => {
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST', '/api/sanggah', 'exam=x&nomor=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST', '/api/sanggah', '--b\r\nContent-Disposition: form-data; name="file"; filename="a.exe"\r\n\r\nMZ\r\n--b--', { 'Content-Type': 'multipart/form-data; boundary=b' });
    await refused(413, 'BODY_TOO_LARGE', 'POST', '/api/sanggah', JSON.stringify(objection(1, { text: 'x'.repeat(70 * 1024) })));
    await refused(422, 'SANGGAH_INVALID', 'POST', '/api/sanggah', '{"exam": ', {});
    await refused(422, 'SANGGAH_INVALID', 'POST', '/api/sanggah', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
  });

  it('a venue files on a candidate\'s behalf with its token (channel tempat); a pengamat token may not file', async () => {
    clock.advance(60_000);
    const a = await call('POST', '/api/sanggah', objection(1), bearer(tokens.tempat));
    expect(a.status).toBe(201);
    expect(a.body.sanggah).toMatchObject({ channel: 'tempat' });
    await refused(403, 'KOMITE_FORBIDDEN', 'POST', '/api/sanggah', objection(2), bearer(tokens.pengamat));
    await refused(401, 'KOMITE_UNAUTHORIZED', 'POST', '/api/sanggah', objection(2), bearer('bukan-token-yang-sah-sama-sekali'));
  });

  it('the committee: 401 without a token, pengamat reads but cannot answer (403), panitia answers once with a leaf that verifies', async () => {
    const none = await refused(401, 'KOMITE_UNAUTHORIZED', 'GET', `/api/komite/sanggah?exam=${venue.exam}`);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const list = await call('GET', `/api/komite/sanggah?exam=${encodeURIComponent(venue.exam)}`, undefined, bearer(tokens.pengamat));
    expect(list.status).toBe(200);
    const all = list.body.sanggah as { id: string; nomor: string; text: string; filedBy: string; channel: string }[];
    expect(all.map((s) => [s.nomor, s.channel, s.filedBy])).toEqual([
      [nomors[0], 'situs', 'situs'],
      [nomors[1], 'tempat', 'Anggota tempat'],
    ]);
    expect(all[0]!.text).toBe(TEXT);
    const id = all[0]!.id;
    const answer = { decision: 'diterima', answer: 'Nilai SKD dikoreksi melalui perubahan nilai di tempat ujian; hasil baru akan terbit.' };
    await refused(403, 'KOMITE_FORBIDDEN', 'POST', `/api/komite/sanggah/${id}/jawab`, answer, bearer(tokens.pengamat));
    await refused(401, 'KOMITE_UNAUTHORIZED', 'POST', `/api/komite/sanggah/${id}/jawab`, answer);
    const a = await call('POST', `/api/komite/sanggah/${id}/jawab`, answer, bearer(tokens.panitia));
    expect(a.status).toBe(200);
    expect(a.body.sanggah).toMatchObject({ id, status: 'diterima', answer: answer.answer });
    expect(recordProofProblem(a.body.record as string, a.body.proof as RecordProof, logKey)).toBeNull();
    await refused(409, 'SANGGAH_ANSWERED', 'POST', `/api/komite/sanggah/${id}/jawab`, { ...answer, decision: 'ditolak' }, bearer(tokens.panitia));
    expect(db().prepare("SELECT actor FROM audit_events WHERE command = 'sanggah.answer'").pluck().all()).toEqual(['komite:Anggota panitia']);
  });

  it('the site lists the objections by status with the answer, and no candidate number or text', async () => {
    await until(() => sitePage('sanggah-daftar.html').includes('Nilai SKD dikoreksi melalui perubahan nilai'), 'the site to show the answer');
    const page = await (await fetch(`${hub.url}/sanggah-daftar.html`)).text();
    expect(page).toMatch(/<dt>Diterima<\/dt><dd>1<\/dd>/);
    expect(page).toMatch(/<dt>Diajukan, menunggu jawaban<\/dt><dd>1<\/dd>/);
    for (const n of nomors) expect(page).not.toContain(n);
    expect(page).not.toContain(TEXT);
    expect(siteText()).not.toContain(TEXT);
  });

  it('GET /api/log/bukti proves any record of the site into the latest checkpoint; a forged record or a bad entry fails', async () => {
    const records = hub.publisher.log.records();
    expect(records.map((r) => r.kind)).toEqual(expect.arrayContaining(['pengumuman', 'sanggah', 'sanggah-jawaban']));
    for (const r of records) {
      const a = await call('GET', `/api/log/bukti?entri=${r.index}`);
      expect(a.status).toBe(200);
      // The record as the site publishes it, checked with the key as the site publishes it.
      const published = await (await fetch(`${hub.url}/log/catatan/${String(r.index).padStart(8, '0')}.json`)).text();
      const key = (await (await fetch(`${hub.url}/log/kunci-log.txt`)).text()).trim();
      expect(recordProofProblem(published, a.body as unknown as RecordProof, key)).toBeNull();
      expect(recordProofProblem(`${published} `, a.body as unknown as RecordProof, key)).toMatch(/tidak sama/);
    }
    expect((await call('GET', '/api/log/bukti?entri=abc')).status).toBe(400);
    expect((await call('GET', `/api/log/bukti?entri=${hub.publisher.log.size + 5}`)).status).toBe(404);
  });
});

describe('public reports over HTTP', () => {
  it('files a report; the contact is for the committee only, never in the log or on the site', async () => {
    const a = await call('POST', '/api/laporan', reportBody({ contact: 'saksi.rahasia@contoh.id', text: 'Ada joki di sesi 2; hubungi saya di 0812-9988-7766 bila perlu keterangan.' }));
    expect(a.status).toBe(201);
    const r = a.body.laporan as { id: string; text: string };
    expect(r.text).toBe('Ada joki di sesi 2; hubungi saya di [nomor disamarkan] bila perlu keterangan.');
    expect(recordProofProblem(a.body.record as string, a.body.proof as RecordProof, logKey)).toBeNull();
    const t = await call('GET', `/api/laporan/${r.id}`);
    expect(t.body.laporan).toMatchObject({ id: r.id, status: 'diterima' });
    expect(JSON.stringify(t.body)).not.toContain('saksi.rahasia');
    await until(() => sitePage('laporan-daftar.html').includes(r.id), 'the site to list the report');
    const site = siteText();
    expect(site).not.toContain('saksi.rahasia');
    // The phone number in the text is masked; hashes and keys on the site may hold any short digit run, so the whole
    // number is what must not appear, in any of its spellings.
    for (const spelled of ['0812-9988-7766', '081299887766', '9988-7766']) expect(site).not.toContain(spelled);
    expect(hub.publisher.log.records().some((x) => Buffer.from(x.record).toString('utf8').includes('saksi.rahasia'))).toBe(false);
  });

  it('refuses the honeypot (422, "Permintaan ditolak."), a body over 64 KiB (413) and a file upload (415), storing nothing', async () => {
    expect((await refused(422, 'LAPORAN_INVALID', 'POST', '/api/laporan', reportBody({ website: 'https://promo.example' }))).body.error!.message).toBe('Permintaan ditolak.');
    await refused(413, 'BODY_TOO_LARGE', 'POST', '/api/laporan', JSON.stringify(reportBody({ text: 'y'.repeat(65 * 1024) })));
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST', '/api/laporan', new Uint8Array([0x89, 0x50, 0x4e, 0x47]), { 'Content-Type': 'image/png' });
    await refused(422, 'LAPORAN_INVALID', 'POST', '/api/laporan', reportBody({ lampiran: 'data:image/png;base64,iVBORw0KGgo=' }));
  });

  it('stores a script payload as text: the site and the committee list show it only escaped or as JSON', async () => {
    const payload = '<script>alert("x")</script> dan <img src=x onerror=alert(1)> terjadi di ruang 4';
    const a = await call('POST', '/api/laporan', reportBody({ text: payload }));
    expect(a.status).toBe(201);
    const id = (a.body.laporan as { id: string }).id;
    await until(() => sitePage('laporan-daftar.html').includes(id), 'the site to list the script report');
    const page = await fetch(`${hub.url}/laporan-daftar.html`);
    const html = await page.text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; dan &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).toContain('script-src &#39;self&#39;;'); // the CSP meta: no inline script runs, whatever slipped through
    const list = await fetch(`${hub.url}/api/komite/laporan`, { headers: bearer(tokens.panitia) });
    expect(list.headers.get('content-type')).toMatch(/^application\/json/);
    expect(list.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a report whose published form is over the limit (NFKC and masking grow a text), and a contact of several lines', async () => {
    // One code point that NFKC makes 18 characters: 500 of them are published as 9,000.
    const grown = await refused(422, 'LAPORAN_INVALID', 'POST', '/api/laporan', reportBody({ text: `Laporan: ${'\uFDFA'.repeat(500)}` }));
    expect(grown.body.error!.message).toMatch(/^Isi laporan terlalu panjang dalam bentuk yang diterbitkan: paling banyak 8000 karakter .*\(sekarang 9009\)/);
    // Each address of 6 characters is published as "[email disamarkan]", 18: 1,000 of them become 19,000.
    const masked = await refused(422, 'LAPORAN_INVALID', 'POST', '/api/laporan', reportBody({ text: 'a@b.cc,'.repeat(1000) }));
    expect(masked.body.error!.message).toMatch(/\(sekarang 19000\)/);
    // A contact is one line: a second line could pass for another report in the committee's listing.
    const forged = `saksi@contoh.id\nLAP-7KQ2-M9XD-4HTP-ZC8R  ditolak  ${venue.exam}  joki`;
    const contact = await refused(422, 'LAPORAN_INVALID', 'POST', '/api/laporan', reportBody({ contact: forged }));
    expect(contact.body.error!.message).toMatch(/^Kontak .*satu baris/);
  });

  it(`limits an address to ${REPORT_RATE.perHour} reports an hour: 429 with Retry-After`, async () => {
    const kept = db().prepare('SELECT COUNT(*) FROM public_reports').pluck().get() as number; // two so far from this address
    for (let i = kept; i < REPORT_RATE.perHour; i++) expect((await call('POST', '/api/laporan', reportBody())).status).toBe(201);
    const a = await refused(429, 'LAPORAN_RATE', 'POST', '/api/laporan', reportBody());
    expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(Number(a.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    clock.advance(3600_000 + 1000);
    expect((await call('POST', '/api/laporan', reportBody())).status).toBe(201);
  });

  it('observers (pengamat) list every report with its contact; only panitia answers, and the answers are published', async () => {
    const list = await call('GET', '/api/komite/laporan', undefined, bearer(tokens.pengamat));
    const all = list.body.laporan as { id: string; contact: string | null; body: string }[];
    expect(all.length).toBe(db().prepare('SELECT COUNT(*) FROM public_reports').pluck().get());
    const withContact = all.filter((r) => r.contact !== null);
    expect(withContact.map((r) => r.contact)).toEqual(['saksi.rahasia@contoh.id']);
    const id = withContact[0]!.id;
    const answer = { status: 'ditelaah', answer: 'Laporan sedang ditelaah bersama pengawas sesi 2.' };
    await refused(403, 'KOMITE_FORBIDDEN', 'POST', `/api/komite/laporan/${id}/jawab`, answer, bearer(tokens.pengamat));
    const a = await call('POST', `/api/komite/laporan/${id}/jawab`, answer, bearer(tokens.panitia));
    expect(a.status).toBe(200);
    expect(recordProofProblem(a.body.record as string, a.body.proof as RecordProof, logKey)).toBeNull();
    await until(() => sitePage('laporan-daftar.html').includes('Laporan sedang ditelaah bersama pengawas sesi 2.'), 'the answer on the site');
    const t = await call('GET', `/api/laporan/${id}`);
    expect(t.body.laporan).toMatchObject({ status: 'ditelaah', answers: [{ status: 'ditelaah', answer: answer.answer }] });
  });

  it('answers wrong methods and unknown paths under the API without serving the site', async () => {
    const r = await fetch(`${hub.url}/api/sanggah`, { method: 'GET' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await fetch(`${hub.url}/api/komite/lain`)).status).toBe(404);
    expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
  });
});

describe('the per-address budget of the public doors', () => {
  it('answers 429 with Retry-After once an address has spent its attempts, whatever their outcome', async () => {
    const small = await startHub({ dir: join(root, 'hub-kecil'), port: 0, clock, voiceLimits: { attemptsPerWindow: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${small.url}/api/sanggah/SGH-2222-2222-2222-2222`)).status).toBe(404);
      const r = await fetch(`${small.url}/api/laporan`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(reportBody()) });
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('60');
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
      clock.advance(61_000);
      expect((await fetch(`${small.url}/api/sanggah/SGH-2222-2222-2222-2222`)).status).toBe(404);
    } finally {
      await small.close();
    }
  });
});

describe('a tracking code that is not one', () => {
  it('answers a broken %-escape in a tracking code with 400 KODE_INVALID as JSON, never 500, on every door that takes one', async () => {
    const other = await startHub({ dir: join(root, 'hub-kode'), port: 0, clock });
    try {
      const panitia = addCommitteeMember(other.publisher.db, { name: 'Ketua', role: 'panitia' }, clock.now().toISOString(), 'test').token;
      const ask = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
        const r = await fetch(`${other.url}${path}`, { method, headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers }, body, signal: AbortSignal.timeout(10_000) });
        return { path, status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as Answer['body'] };
      };
      const answers = [
        await ask('GET', '/api/sanggah/%E0%A4%A'),
        await ask('GET', '/api/laporan/%E0%A4%A'),
        await ask('POST', '/api/komite/sanggah/%E0%A4%A/jawab', bearer(panitia), JSON.stringify({ decision: 'ditolak', answer: 'x' })),
        await ask('POST', '/api/komite/laporan/%E0%A4%A/jawab', bearer(panitia), JSON.stringify({ status: 'ditolak', answer: 'x' })),
      ];
      for (const a of answers) expect(a).toMatchObject({ status: 400, type: 'application/json; charset=utf-8', body: { ok: false, error: { code: 'KODE_INVALID', message: expect.stringMatching(/Kode lacak/) } } });
      // Without a token the committee doors still say 401 first: the code is read only for a member.
      expect((await ask('POST', '/api/komite/sanggah/%E0%A4%A/jawab', {}, '{}')).status).toBe(401);
      expect((await fetch(`${other.url}/api/health`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('the committee CLI on the hub directory', () => {
  it('adds, lists and revokes tokens; a revoked token is refused by the running hub', async () => {
    const add = await cli(['hub', 'komite', 'add', '--data', hubDir, '--name', 'Inspektorat Kota', '--role', 'pengamat']);
    expect(add.code, add.err).toBe(0);
    const token = add.out.trim().split('\n').pop()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await call('GET', '/api/komite/laporan', undefined, bearer(token))).status).toBe(200);
    const list = await cli(['hub', 'komite', 'list', '--data', hubDir]);
    expect(list.out).toMatch(/pengamat\s+Inspektorat Kota/);
    expect(list.out).not.toContain(token);
    expect((await cli(['hub', 'komite', 'revoke', '--data', hubDir, '--name', 'Inspektorat Kota'])).code).toBe(0);
    await refused(401, 'KOMITE_UNAUTHORIZED', 'GET', '/api/komite/laporan', undefined, bearer(token));
    expect((await cli(['hub', 'komite', 'add', '--data', hubDir, '--name', 'X Y', '--role', 'raja'])).code).toBe(2);
  });

  it("a token made for other exams reads, answers and files nothing of this one (a hub of several agencies)", async () => {
    const made = (role: string, ...exams: string[]) => cli(['hub', 'komite', 'add', '--data', hubDir, '--name', `Panitia ${role} ${exams.join(' ')}`, '--role', role, ...exams.flatMap((e) => ['--exam', e])]);
    const other = await made('panitia', 'CPNS-KAB-DEMAK-2026');
    expect(other.code, other.err).toBe(0);
    expect(other.out).toContain('for exams CPNS-KAB-DEMAK-2026');
    const token = other.out.trim().split('\n').pop()!;
    const open = db().prepare("SELECT id FROM objections WHERE status = 'diajukan'").pluck().get() as string;
    const report = db().prepare("SELECT id FROM public_reports WHERE status <> 'ditolak'").pluck().get() as string;
    // The lists hold none of this exam's objections and reports, and asking for this exam by name is refused.
    const listed = await call('GET', '/api/komite/sanggah', undefined, bearer(token));
    expect(listed).toMatchObject({ status: 200, body: { ok: true, sanggah: [] } });
    expect((await call('GET', '/api/komite/laporan', undefined, bearer(token))).body).toMatchObject({ ok: true, laporan: [] });
    await refused(403, 'KOMITE_FORBIDDEN', 'GET', `/api/komite/sanggah?exam=${venue.exam}`, undefined, bearer(token));
    await refused(403, 'KOMITE_FORBIDDEN', 'GET', `/api/komite/laporan?exam=${venue.exam}`, undefined, bearer(token));
    // Nor may it answer them: refused, nothing logged, nothing changed.
    await refused(403, 'KOMITE_FORBIDDEN', 'POST', `/api/komite/sanggah/${open}/jawab`, { decision: 'ditolak', answer: 'Jawaban dari panitia instansi lain.' }, bearer(token));
    await refused(403, 'KOMITE_FORBIDDEN', 'POST', `/api/komite/laporan/${report}/jawab`, { status: 'ditolak', answer: 'Jawaban dari panitia instansi lain.' }, bearer(token));
    // A venue's token for another exam files nothing here.
    const venueOfOther = (await made('tempat', 'CPNS-KAB-DEMAK-2026')).out.trim().split('\n').pop()!;
    await refused(403, 'KOMITE_FORBIDDEN', 'POST', '/api/sanggah', objection(5), bearer(venueOfOther));
    // A token made for this exam (and another) reads it; the list says what each token is for.
    const own = (await made('pengamat', venue.exam, 'CPNS-KAB-DEMAK-2026')).out.trim().split('\n').pop()!;
    const seen = await call('GET', `/api/komite/sanggah?exam=${venue.exam}`, undefined, bearer(own));
    expect((seen.body.sanggah as { id: string }[]).map((o) => o.id)).toContain(open);
    const list = await cli(['hub', 'komite', 'list', '--data', hubDir]);
    expect(list.out).toMatch(/panitia\s+Panitia panitia CPNS-KAB-DEMAK-2026\s+CPNS-KAB-DEMAK-2026\s+added/);
    expect(list.out).toMatch(new RegExp(`pengamat\\s+Panitia pengamat .*\\s+CPNS-KAB-DEMAK-2026,${venue.exam}\\s+added`));
    expect(list.out).toMatch(/every exam/);
    // An exam code that could not be one is refused when the token is made.
    expect((await made('panitia', 'bukan kode!')).code).not.toBe(0);
  });

  it('lists and answers objections and reports, audits the answer and rewrites the site', async () => {
    const open = db().prepare("SELECT id FROM objections WHERE status = 'diajukan'").pluck().get() as string;
    const list = await cli(['sanggah', 'list', '--data', hubDir, '--status', 'diajukan']);
    expect(list.out).toContain(open);
    expect(list.out).toContain(nomors[1]!);
    const ans = await cli(['sanggah', 'answer', open, '--data', hubDir, '--decision', 'ditolak', '--answer', 'Nilai sudah sesuai rekaman panel.', '--by', 'Ketua Panitia']);
    expect(ans.code, ans.err).toBe(0);
    expect(ans.out).toMatch(/answered: ditolak; logged as leaf \d+/);
    expect(ans.out).toContain('site rewritten');
    expect(readFileSync(join(hubDir, 'site', 'sanggah-daftar.html'), 'utf8')).toContain('Nilai sudah sesuai rekaman panel.');
    const again = await cli(['sanggah', 'answer', open, '--data', hubDir, '--decision', 'diterima', '--answer', 'Berubah setelah rapat pleno.']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/SANGGAH_ANSWERED/);
    const rep = db().prepare("SELECT id FROM public_reports WHERE status = 'diterima' ORDER BY filed_at DESC").pluck().get() as string;
    const r = await cli(['laporan', 'answer', rep, '--data', hubDir, '--status', 'ditolak', '--answer', 'Tidak ditemukan bukti pada rekaman.']);
    expect(r.code, r.err).toBe(0);
    const reports = await cli(['laporan', 'list', '--data', hubDir]);
    expect(reports.out).toContain('<script>alert("x")</script>'); // plain text on a terminal: nothing renders it
    expect(db().prepare("SELECT COUNT(*) FROM audit_events WHERE command IN ('sanggah.answer', 'laporan.answer') AND actor = 'cli:operator'").pluck().get()).toBe(2);
    // A contact stored with a line break (as a hub before 2026-12-08 took it) is listed on its one line.
    db().prepare('UPDATE public_reports SET contact = ? WHERE id = ?').run(`-\nLAP-7KQ2-M9XD-4HTP-ZC8R  ditolak  ${venue.exam}  joki\u2028x`, rep);
    const forged = await cli(['laporan', 'list', '--data', hubDir]);
    expect(forged.out).not.toMatch(/^LAP-7KQ2-M9XD-4HTP-ZC8R/m);
    expect(forged.out).toMatch(/contact: -\?LAP-7KQ2-M9XD-4HTP-ZC8R {2}ditolak {2}\S+ {2}joki\?x$/m);
    const help = await cli(['sanggah', '--help']);
    expect(help.out).toMatch(/answer/);
  });
});
