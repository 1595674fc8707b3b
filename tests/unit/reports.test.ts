import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordProofProblem } from '../../src-main/core/ledger/record-proof';
import { addCommitteeMember, clientHash, committeeByToken, holdsPersonal, listCommittee, maskPersonal, revokeCommitteeMember } from '../../src-main/core/publish/committee';
import { logPaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { loggedCandidates, writeReceipts } from '../../src-main/core/publish/receipts';
import { answerReport, fileReport, getReport, listReports, REPORT_ANSWERS_SQL, REPORT_RATE } from '../../src-main/core/publish/reports';
import { refusalLeaving, voiceVenue, type VoiceVenue } from './voice-fixture';

const root = mkdtempSync(join(tmpdir(), 'lentera-laporan-'));
let venue: VoiceVenue;
let p: Publisher;
const now = new Date();
const at = (ms = 0) => new Date(now.getTime() + ms).toISOString();
const HOUR = 3600_000;
const TEXT = 'Di ruang 3 sesi 2 ada peserta yang membawa ponsel dan pengawas membiarkannya.';

const state = () => ({ rows: p.db.prepare('SELECT COUNT(*) FROM public_reports').pluck().get(), size: p.log.size, audit: p.db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() });

const refusal = refusalLeaving(state);

const report = (input: Record<string, unknown>, opts: { when?: string; client?: string | null } = {}) =>
  fileReport(p, { exam: venue.exam, category: 'kecurangan', text: TEXT, website: '', ...input }, { at: opts.when ?? at(), clientHash: opts.client === undefined ? 'klien-a' : opts.client, actor: 'test' });

beforeAll(async () => {
  venue = await voiceVenue(root);
  p = Publisher.open(join(root, 'hub'));
  await venue.merge(p, at());
}, 120_000);

afterAll(() => {
  p?.close();
  venue?.close();
  rmSync(root, { recursive: true, force: true });
});

// The ways a number slips past an ASCII-only, narrow-separator pattern: each must be masked once published.
const EVASIONS: [string, string][] = [
  ['fullwidth NIK', 'NIK ３３７４０１２３４５６７８９０１ dipakai orang lain'],
  ['zero-width-separated phone', 'WA 0\u200b8\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8\u200b9\u200b0 malam'],
  ['slash-separated NIK', 'NIK 3374/0123/4567/8901 dipakai'],
  ['three spaces', 'telepon 0812   3456   7890 ya'],
  ['commas and underscores', 'nomor 0812,3456_7890 dan 3374_0123_4567_8901'],
  ['word joiner and soft hyphen in a NIK', 'NIK 3374\u20600123\u00ad4567\ufeff8901'],
  ['mathematical bold digits', 'nomor 𝟎𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎'],
  ['Arabic-Indic digits', 'nomor ٣٣٧٤٠١٢٣٤٥٦٧٨٩٠١'],
  ['fullwidth email', 'tulis ke budi＠contoh．co．id segera'],
];
const longRun = /\p{Nd}(?:[^\p{L}\p{Nd}]{0,3}\p{Nd}){9,}/u;
const EVASION_TEXTS = EVASIONS.map(([, text]) => text);

describe('masking personal data before publication', () => {
  it.each([
    ['tulis ke budi.santoso@contoh.co.id segera', 'tulis ke [email disamarkan] segera'],
    ['telepon +62 812-3456-7890 malam', 'telepon [nomor disamarkan] malam'],
    ['WA 0812 3456 789 ya', 'WA [nomor disamarkan] ya'],
    ['NIK 3374012345678901 dipakai orang lain', 'NIK [nomor disamarkan] dipakai orang lain'],
    ['peserta 263374000002 dibantu', 'peserta [nomor disamarkan] dibantu'],
    ['kantor (024) 8765 4321', 'kantor [nomor disamarkan]'],
  ])('%s', (text, masked) => expect(maskPersonal(text)).toBe(masked));

  it('keeps short numbers: dates, rooms, times, scores', () => {
    const text = 'Tanggal 12-03-2026 pukul 08.30 di ruang 3, nilai 85 dan 120 peserta.';
    expect(maskPersonal(text)).toBe(text);
  });


  it.each(EVASIONS)('masks a %s: no run of 10 digits is left after NFKC, and an answer holding it is refused', (_, text) => {
    expect(text.normalize('NFKC').replace(/\p{Cf}/gu, '')).toMatch(/\p{Nd}|@/u); // the case does hold something
    const masked = maskPersonal(text);
    expect(masked).toMatch(/\[(nomor|email) disamarkan\]/);
    expect(masked.normalize('NFKC')).not.toMatch(longRun);
    expect(masked.normalize('NFKC')).not.toMatch(/\b\d{16}\b/);
    expect(masked.normalize('NFKC')).not.toContain('@');
    expect(holdsPersonal(text)).toBe(true);
  });

  it('an answer with fullwidth letters, a no-break space or a zero-width space but no number is not refused', () => {
    for (const text of ['Ｌａｐｏｒａｎ sedang ditelaah.', 'Laporan\u00a0sedang ditelaah di ruang 3.', 'Laporan\u200b sedang ditelaah, nilai 85.']) expect(holdsPersonal(text)).toBe(false);
  });
});

describe('personal data in the published record and site, however it is written', () => {
  it('files each evasion with its text masked in the record and laporan-daftar.html; the committee keeps the text as sent', async () => {
    const filed = EVASION_TEXTS.map((text) => ({ text, r: report({ text: `Saksi melihat kejadian itu. ${text}` }, { client: null }) }));
    const site = join(root, 'site-evasions');
    await p.writeSite(site, at(3 * HOUR));
    const list = readFileSync(join(site, 'laporan-daftar.html'), 'utf8').normalize('NFKC');
    const committee = listReports(p.db);
    for (const { text, r } of filed) {
      const published = (JSON.parse(r.record) as { text: string }).text;
      expect(published.normalize('NFKC')).not.toMatch(longRun);
      expect(published).toMatch(/\[(nomor|email) disamarkan\]/);
      expect(getReport(p.db, r.laporan.id)!.text).toBe(published);
      expect(committee.find((c) => c.id === r.laporan.id)!.body).toBe(`Saksi melihat kejadian itu. ${text}`);
    }
    expect(list).not.toMatch(/\b\d{16}\b/);
    for (const leak of ['3374012345678901', '081234567890', '3374/0123/4567/8901', '0812   3456', 'budi@contoh']) expect(list).not.toContain(leak);
  });

  it('refuses an answer holding a fullwidth NIK, a zero-width-separated phone, a slash-separated NIK or spaced groups', () => {
    const id = report({}, { client: null }).laporan.id;
    for (const text of EVASION_TEXTS) {
      expect(refusal(() => answerReport(p, id, { status: 'ditelaah', answer: `Mohon konfirmasi: ${text}` }, { at: at(HOUR), by: 'x', actor: 't' }))).toMatchObject({
        code: 'LAPORAN_INVALID',
        details: { field: 'answer' },
      });
    }
  });
});

describe('reading a report', () => {
  // SQLite's own query plan; PostgreSQL has the same index (core/db/pg/schema.ts) and plans by its statistics.
  it.skipIf(process.env.LENTERA_TEST_HUB_STORE === 'postgres')("looks its answers up through the log's candidate index, not by scanning every leaf", () => {
    const plan = p.db.prepare(`EXPLAIN QUERY PLAN ${REPORT_ANSWERS_SQL}`).all(venue.exam, 'laporan-jawaban:LAP-2222-2222-2222-2222') as { detail: string }[];
    const details = plan.map((r) => r.detail).join('\n');
    expect(details).toMatch(/SEARCH ledger_leaves USING INDEX ledger_leaves_candidate \(exam_code=\? AND nomor_peserta=\?\)/);
    expect(details).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('receipts are written for candidates only, never for the record keys (laporan:…, laporan-jawaban:…) in the log', () => {
    report({}, { client: null });
    const keys = p.db.prepare("SELECT COUNT(*) FROM ledger_leaves WHERE kind <> 'hasil'").pluck().get() as number;
    expect(keys).toBeGreaterThan(0);
    const logged = loggedCandidates(p.db);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((c) => c.nomor.includes(':'))).toEqual([]);
    expect(logged).toEqual(p.db.prepare("SELECT DISTINCT exam_code AS exam, nomor_peserta AS nomor FROM ledger_leaves WHERE kind = 'hasil' ORDER BY 1, 2").all());
    const dir = join(root, 'tanda-terima');
    expect(writeReceipts(p, dir)).toBe(logged.length);
    // A folder per exam, a file per candidate, each the candidate's own receipt.
    expect(readdirSync(dir)).toEqual([...new Set(logged.map((c) => c.exam))].sort());
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files).toHaveLength(logged.length);
    expect(files.filter((f) => f.name.includes('LAP-'))).toEqual([]);
    for (const c of logged) {
      const r = JSON.parse(readFileSync(join(dir, c.exam, `tanda-terima-${c.nomor}.json`), 'utf8')) as { exam: string; nomor: string };
      expect([r.exam, r.nomor]).toEqual([c.exam, c.nomor]);
    }
  });
});

describe('filing a report', () => {
  it('gets a tracking code; the logged record has the masked text and never the contact; its leaf verifies', () => {
    const before = state();
    const r = report({ text: `${TEXT} Saksi: 0812-3456-7890.`, contact: 'warga@contoh.id', category: 'joki' });
    expect(r.laporan.id).toMatch(/^LAP(-[2-9A-HJ-NP-Z]{4}){4}$/);
    expect(recordProofProblem(r.record, r.proof, p.log.publicKey())).toBeNull();
    expect(JSON.parse(r.record)).toEqual({ v: 1, k: 'laporan', id: r.laporan.id, exam: venue.exam, category: 'joki', text: `${TEXT} Saksi: [nomor disamarkan].`, filedAt: at() });
    expect(r.record).not.toContain('warga@contoh.id');
    expect(r.record).not.toContain('3456');
    expect(r.laporan).toMatchObject({ status: 'diterima', answers: [], filedLeaf: r.proof.index });
    expect(r.laporan).not.toHaveProperty('contact');
    expect(state()).toEqual({ rows: (before.rows as number) + 1, size: before.size + 1, audit: (before.audit as number) + 1 });
    const audit = p.db.prepare("SELECT payload FROM audit_events WHERE command = 'laporan.file'").pluck().get() as string;
    expect(audit).not.toContain('warga@contoh.id');
    // The committee reads the text as sent and the contact.
    expect(listReports(p.db).find((x) => x.id === r.laporan.id)).toMatchObject({ body: `${TEXT} Saksi: 0812-3456-7890.`, contact: 'warga@contoh.id' });
  });

  it('refuses the honeypot with a bare "Permintaan ditolak." and stores nothing', () => {
    expect(refusal(() => report({ website: 'http://spam.example' }))).toMatchObject({ code: 'LAPORAN_INVALID', message: 'Permintaan ditolak.' });
  });

  it('refuses invalid input naming the field: category, text length, a file, a data URL, an unknown exam', () => {
    expect(refusal(() => report({ category: 'gosip' }))).toMatchObject({ code: 'LAPORAN_INVALID', message: expect.stringMatching(/^Kategori harus salah satu dari: kecurangan, joki/) });
    expect(refusal(() => report({ text: 'terlalu pendek' }))).toMatchObject({ message: expect.stringMatching(/^Isi laporan terlalu pendek: paling sedikit 20/) });
    expect(refusal(() => report({ text: 'a'.repeat(8001) }))).toMatchObject({ message: expect.stringMatching(/paling banyak 8000/) });
    expect(refusal(() => report({ lampiran: { name: 'bukti.exe', data: 'TVqQAAMAAAAEAAAA' } }))).toMatchObject({ message: expect.stringMatching(/Kolom tidak dikenal: lampiran/) });
    expect(refusal(() => report({ text: `${TEXT} data:application/pdf;base64,JVBERi0xLjQK` }))).toMatchObject({ message: expect.stringMatching(/data: URL/) });
    expect(refusal(() => report({ exam: 'UJIAN-LAIN' }))).toMatchObject({ message: expect.stringMatching(/tidak dikenal/) });
    expect(refusal(() => report({ contact: 'x'.repeat(201) }))).toMatchObject({ code: 'LAPORAN_INVALID' });
    expect(refusal(() => report({ text: `${TEXT}\u001b[2J` }))).toMatchObject({ message: expect.stringMatching(/teks biasa/) });
  });

  it(`limits a sender to ${REPORT_RATE.perHour} reports an hour and ${REPORT_RATE.perDay} a day, saying when to try again`, () => {
    const t0 = 10 * HOUR;
    for (let i = 0; i < REPORT_RATE.perHour; i++) report({}, { client: 'klien-b', when: at(t0 + i * 60_000) });
    const r = refusal(() => report({}, { client: 'klien-b', when: at(t0 + 10 * 60_000) }));
    expect(r.code).toBe('LAPORAN_RATE');
    expect(r.details.retryAfter).toBe(50 * 60);
    report({}, { client: 'klien-c', when: at(t0 + 10 * 60_000) }); // another sender is not held back
    report({}, { client: 'klien-b', when: at(t0 + HOUR + 1) }); // the first has aged out
    let h = 2;
    for (; (p.db.prepare("SELECT COUNT(*) FROM public_reports WHERE client_hash = 'klien-b'").pluck().get() as number) < REPORT_RATE.perDay; h++) {
      report({}, { client: 'klien-b', when: at(t0 + h * HOUR) });
    }
    // One an hour stays under the hourly limit; the day's twentieth fills the daily one.
    expect(refusal(() => report({}, { client: 'klien-b', when: at(t0 + (h - 0.5) * HOUR) }))).toMatchObject({ code: 'LAPORAN_RATE', message: expect.stringMatching(/20 dalam satu hari/) });
  });
});

describe("the sender's keyed address hash", () => {
  it('is kept only a day, as long as the daily limit needs it: then cleared, so nobody can try addresses against it', () => {
    const t0 = 100 * HOUR;
    const old = report({}, { client: 'klien-lama', when: at(t0) }).laporan.id;
    const hashOf = (id: string) => p.db.prepare('SELECT client_hash FROM public_reports WHERE id = ?').pluck().get(id);
    report({}, { client: 'klien-lain', when: at(t0 + 23 * HOUR) });
    expect(hashOf(old)).toBe('klien-lama');
    const fresh = report({}, { client: 'klien-lain', when: at(t0 + 24 * HOUR + 1) }).laporan.id;
    expect(hashOf(old)).toBeNull();
    expect(hashOf(fresh)).toBe('klien-lain');
    // The report itself stays, with its text for the committee.
    expect(p.db.prepare('SELECT body FROM public_reports WHERE id = ?').pluck().get(old)).toBe(TEXT);
  });
});

describe('answering a report', () => {
  it('takes several answers as the report moves on, each a leaf that verifies; a rejected report is closed', () => {
    const id = report({}).laporan.id;
    const answer = (status: string, text: string, when = at(HOUR)) => answerReport(p, id, { status, answer: text }, { at: when, by: 'Sekretaris Panitia', actor: 'test' });
    const a1 = answer('ditelaah', 'Laporan sedang ditelaah bersama pengawas ruang.');
    const a2 = answer('ditindaklanjuti', 'Rekaman CCTV ruang 3 diperiksa; pengawas diganti.', at(2 * HOUR));
    for (const a of [a1, a2]) expect(recordProofProblem(a.record, a.proof, p.log.publicKey())).toBeNull();
    expect(JSON.parse(a2.record)).toEqual({ v: 1, k: 'laporan-jawaban', id, exam: venue.exam, status: 'ditindaklanjuti', answer: 'Rekaman CCTV ruang 3 diperiksa; pengawas diganti.', answeredAt: at(2 * HOUR) });
    expect(getReport(p.db, id)!.answers.map((a) => [a.status, a.leaf])).toEqual([
      ['ditelaah', a1.proof.index],
      ['ditindaklanjuti', a2.proof.index],
    ]);
    expect(refusal(() => answer('ditelaah', 'Kembali ke penelaahan.'))).toMatchObject({ code: 'LAPORAN_CLOSED' });
    answer('ditindaklanjuti', 'Sanksi kepada pengawas sudah dijatuhkan.');
    const other = report({}).laporan.id;
    answerReport(p, other, { status: 'ditolak', answer: 'Tidak ada ruang 3 pada sesi 2.' }, { at: at(HOUR), by: 'x', actor: 't' });
    expect(refusal(() => answerReport(p, other, { status: 'ditelaah', answer: 'Dibuka kembali.' }, { at: at(HOUR), by: 'x', actor: 't' }))).toMatchObject({ code: 'LAPORAN_CLOSED' });
    expect(refusal(() => answerReport(p, other, { status: 'selesai', answer: 'Sudah beres semuanya.' }, { at: at(HOUR), by: 'x', actor: 't' }))).toMatchObject({ code: 'LAPORAN_INVALID' });
    expect(refusal(() => answerReport(p, id, { status: 'ditindaklanjuti', answer: 'Hubungi 081234567890 untuk info.' }, { at: at(HOUR), by: 'x', actor: 't' }))).toMatchObject({ code: 'LAPORAN_INVALID' });
    expect(refusal(() => answerReport(p, 'LAP-2222-2222-2222-2222', { status: 'ditolak', answer: 'Tidak ditemukan.' }, { at: at(HOUR), by: 'x', actor: 't' }))).toMatchObject({ code: 'LAPORAN_NOT_FOUND' });
  });

  it('the site publishes reports with the script payloads only escaped, masked text, answers, and never the contact', async () => {
    const xss = report({ text: `<script>alert(1)</script> dan <img src=x onerror=alert(2)> di ruang ujian`, contact: 'rahasia-pelapor@contoh.id' }, { client: 'klien-x' });
    const site = join(root, 'site');
    await p.writeSite(site, at(3 * HOUR));
    const list = readFileSync(join(site, 'laporan-daftar.html'), 'utf8');
    expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt; dan &lt;img src=x onerror=alert(2)&gt;');
    expect(list).not.toContain('<script>alert');
    expect(list).not.toContain('<img src=x');
    expect(list).not.toMatch(/<script(?! src="assets\/)/);
    expect(list).toContain('Rekaman CCTV ruang 3 diperiksa; pengawas diganti.');
    expect(list).toContain('[nomor disamarkan]');
    const everything = [list, readFileSync(join(site, logPaths.record(xss.proof.index)), 'utf8'), readFileSync(join(site, 'laporan.html'), 'utf8')].join('\n');
    expect(everything).not.toContain('rahasia-pelapor');
    expect(everything).not.toContain('warga@contoh.id');
    expect(everything).not.toContain('0812-3456-7890');
    const form = readFileSync(join(site, 'laporan.html'), 'utf8');
    expect(form).toMatch(/<div class="visually-hidden" aria-hidden="true"><label for="website">Jangan diisi<\/label><input id="website" name="website" tabindex="-1"/);
    expect(form).toContain('id="luring"');
  });
});

describe('committee tokens', () => {
  it('are shown once, kept as a hash, found by token, and dead once revoked', () => {
    const m = addCommitteeMember(p.db, { name: 'Ombudsman Jateng', role: 'pengamat' }, at(), 'test');
    expect(m.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(p.db.prepare('SELECT * FROM hub_committee').all())).not.toContain(m.token);
    expect(committeeByToken(p.db, m.token)).toMatchObject({ name: 'Ombudsman Jateng', role: 'pengamat', revokedAt: null });
    expect(committeeByToken(p.db, `${m.token.slice(0, -1)}${m.token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(() => addCommitteeMember(p.db, { name: 'Ombudsman Jateng', role: 'panitia' }, at(), 'test')).toThrow(/already named/);
    expect(() => addCommitteeMember(p.db, { name: 'Xy', role: 'admin' }, at(), 'test')).toThrow(/panitia/);
    expect(revokeCommitteeMember(p.db, { id: m.id }, at(), 'test')).toHaveLength(1);
    expect(committeeByToken(p.db, m.token)).toBeNull();
    expect(listCommittee(p.db).find((x) => x.id === m.id)!.revokedAt).toBe(at());
    expect(p.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command IN ('hub.komite.add', 'hub.komite.revoke')").pluck().get()).toBe(2);
  });

  it("client hashes are keyed per hub: the same address gives the same hash here and another at another hub", () => {
    const a = clientHash(join(root, 'hub'), '10.0.0.7');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(clientHash(join(root, 'hub'), '10.0.0.7')).toBe(a);
    expect(clientHash(join(root, 'hub'), '10.0.0.8')).not.toBe(a);
    expect(clientHash(join(root, 'hub-lain'), '10.0.0.7')).not.toBe(a);
  });
});

describe("a reporter's address hash", () => {
  it('is let go a day after the report by the next site write, though nobody files another (found by review)', async () => {
    const when = at(400 * HOUR);
    const hash = clientHash(join(root, 'hub'), '203.0.113.7');
    const r = fileReport(p, { exam: venue.exam, category: 'kecurangan', text: TEXT, website: '' }, { at: when, clientHash: hash, actor: 'hub:publik' });
    const kept = () => p.db.prepare('SELECT client_hash FROM public_reports WHERE id = ?').pluck().get(r.laporan.id) as string | null;
    expect(kept()).toBe(hash);
    // A day less a minute on: still counted for the rate limit.
    await p.writeSite(join(root, 'situs-lupa'), new Date(Date.parse(when) + 24 * HOUR - 60_000).toISOString());
    expect(kept()).toBe(hash);
    await p.writeSite(join(root, 'situs-lupa'), new Date(Date.parse(when) + 24 * HOUR).toISOString());
    expect(kept()).toBeNull();
  }, 120_000);
});
