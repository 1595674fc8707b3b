import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordProofProblem } from '../../src-main/core/ledger/record-proof';
import { newTrackingCode, parseTrackingCode, TRACKING_ALPHABET } from '../../src-main/core/publish/committee';
import { answerObjection, fileObjection, getObjection, listObjections, publishedStages } from '../../src-main/core/publish/objections';
import { logPaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { refusalLeaving, voiceVenue, wibDay, type VoiceVenue } from './voice-fixture';

const root = mkdtempSync(join(tmpdir(), 'lentera-sanggah-'));
let venue: VoiceVenue;
let p: Publisher;
let salts: Map<string, string>;
let stages: string[];
let nomors: string[];
const now = new Date();
const at = (ms = 0) => new Date(now.getTime() + ms).toISOString();
const DAY = 86_400_000;
const TEXT = 'Nilai TIU saya pada lembar hasil berbeda dengan yang tampil di layar ujian.';

/** What a refusal must leave: no objection row, no leaf, no audit event. */
const state = () => ({
  rows: p.db.prepare('SELECT COUNT(*) FROM objections').pluck().get(),
  size: p.log.size,
  audit: p.db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get(),
});

const refusal = refusalLeaving(state);

const file = (input: Record<string, unknown>, when = at()) => fileObjection(p, input, { at: when, channel: 'situs', filedBy: 'situs', actor: 'test' });
const valid = (i = 0, extra: Record<string, unknown> = {}) => ({ exam: venue.exam, nomor: nomors[i]!, salt: salts.get(nomors[i]!)!, stage: stages[0]!, text: TEXT, ...extra });

beforeAll(async () => {
  venue = await voiceVenue(root);
  p = Publisher.open(join(root, 'hub'));
  salts = await venue.merge(p, at(-2 * DAY));
  stages = publishedStages(p, venue.exam);
  nomors = [...salts.keys()].sort();
}, 120_000);

afterAll(() => {
  p?.close();
  venue?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('tracking codes', () => {
  it('are SGH- and 16 symbols of a readable alphabet (80 random bits), never the same twice', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newTrackingCode('SGH')));
    expect(codes.size).toBe(2000);
    for (const c of [...codes].slice(0, 50)) expect(c).toMatch(/^SGH(-[2-9A-HJ-NP-Z]{4}){4}$/);
    expect(TRACKING_ALPHABET).toHaveLength(32);
    expect(TRACKING_ALPHABET).not.toMatch(/[01IO]/);
    const one = newTrackingCode('LAP');
    expect(parseTrackingCode('LAP', ` ${one.toLowerCase()} `)).toBe(one);
    expect(parseTrackingCode('SGH', one)).toBeNull();
    expect(parseTrackingCode('SGH', 'SGH-0000-0000-0000-0000')).toBeNull();
  });
});

describe('filing an objection', () => {
  it('is refused while the exam has no announcement with an objection period', () => {
    expect(stages).toEqual(['SKD', 'SKB-CAT', 'SKB-WWC']);
    const r = refusal(() => file(valid()));
    expect(r.code).toBe('SANGGAH_PERIOD');
    expect(r.message).toMatch(/Belum ada pengumuman/);
  });

  it('after the announcement: with the right salt, gets a tracking code and a leaf that verifies; the record names no candidate and holds no text', async () => {
    await venue.announce(p, wibDay(now, -1), wibDay(now, 3), at());
    const before = state();
    const r = file(valid());
    expect(r.sanggah).toMatchObject({ exam: venue.exam, stage: 'SKD', status: 'diajukan', channel: 'situs', answer: null, answerLeaf: null, filedLeaf: r.proof.index });
    expect(r.sanggah.id).toMatch(/^SGH(-[2-9A-HJ-NP-Z]{4}){4}$/);
    expect(recordProofProblem(r.record, r.proof, p.log.publicKey())).toBeNull();
    const record = JSON.parse(r.record) as Record<string, unknown>;
    const salt = Buffer.from(salts.get(nomors[0]!)!, 'base64url');
    expect(record).toEqual({ v: 1, k: 'sanggah', id: r.sanggah.id, exam: venue.exam, stage: 'SKD', filedAt: at(), channel: 'situs', textSha256: createHash('sha256').update(salt).update(TEXT).digest('hex') });
    expect(r.record).not.toContain(nomors[0]!);
    expect(state()).toEqual({ rows: (before.rows as number) + 1, size: before.size + 1, audit: (before.audit as number) + 1 });
    const audit = p.db.prepare("SELECT actor, payload FROM audit_events WHERE command = 'sanggah.file'").get() as { actor: string; payload: string };
    expect(JSON.parse(audit.payload)).toMatchObject({ id: r.sanggah.id, leaf: r.proof.index, channel: 'situs' });
    // The public view has neither number nor text; the committee's has both.
    const pub = getObjection(p.db, r.sanggah.id.toLowerCase())!;
    expect(Object.keys(pub).sort()).toEqual(['answer', 'answerLeaf', 'answeredAt', 'channel', 'exam', 'filedAt', 'filedLeaf', 'id', 'stage', 'status']);
    expect(listObjections(p.db, venue.exam)[0]).toMatchObject({ id: r.sanggah.id, nomor: nomors[0], text: TEXT, filedBy: 'situs' });
    // A wrong proof or another log's key does not verify.
    expect(recordProofProblem(r.record.replace('SKD', 'TIU'), r.proof, p.log.publicKey())).toMatch(/tidak sama/);
    expect(recordProofProblem(r.record, r.proof, Buffer.alloc(32, 7).toString('base64url'))).toMatch(/log lain/);
  });

  it('refuses a wrong salt, another candidate\'s salt, a malformed salt and a candidate without a logged result, naming which', () => {
    expect(refusal(() => file(valid(1, { salt: randomBytes(16).toString('base64url') })))).toMatchObject({ code: 'SANGGAH_IDENTITY', message: expect.stringMatching(/tidak cocok/) });
    expect(refusal(() => file(valid(1, { salt: salts.get(nomors[2]!) })))).toMatchObject({ code: 'SANGGAH_IDENTITY', message: expect.stringMatching(/bukan milik nomor peserta tersebut/) });
    expect(refusal(() => file(valid(1, { salt: 'AAAA' })))).toMatchObject({ code: 'SANGGAH_IDENTITY', message: expect.stringMatching(/Salt tidak sah/) });
    expect(refusal(() => file(valid(1, { nomor: '999999999999', salt: randomBytes(16).toString('base64url') })))).toMatchObject({ code: 'SANGGAH_IDENTITY', message: expect.stringMatching(/belum memiliki hasil/) });
    // Another candidate's salt with an unknown number is still "not theirs".
    expect(refusal(() => file(valid(1, { nomor: '999999999999' })))).toMatchObject({ code: 'SANGGAH_IDENTITY', message: expect.stringMatching(/bukan milik/) });
  });

  it('refuses outside the period: before it opens and after it closes', () => {
    expect(refusal(() => file(valid(1), at(-3 * DAY)))).toMatchObject({ code: 'SANGGAH_PERIOD', message: expect.stringMatching(/belum dibuka/) });
    expect(refusal(() => file(valid(1), at(6 * DAY)))).toMatchObject({ code: 'SANGGAH_PERIOD', message: expect.stringMatching(/sudah ditutup/) });
  });

  it('refuses a duplicate (same candidate and stage) naming the earlier code; another stage is a new objection', () => {
    const first = listObjections(p.db)[0]!;
    expect(refusal(() => file(valid(0, { text: 'Sekali lagi tentang nilai TIU saya yang berbeda.' })))).toMatchObject({ code: 'SANGGAH_DUPLICATE', message: expect.stringContaining(first.id) });
    const other = file(valid(0, { stage: 'SKB-CAT' }));
    expect(other.sanggah.id).not.toBe(first.id);
  });

  it('refuses invalid input with a message naming the field, and stores nothing', () => {
    expect(refusal(() => file(valid(1, { stage: 'TIU' })))).toMatchObject({ code: 'SANGGAH_INVALID', message: expect.stringMatching(/Tahap: "TIU".*SKD, SKB-CAT, SKB-WWC/) });
    expect(refusal(() => file(valid(1, { exam: 'UJIAN-LAIN' })))).toMatchObject({ code: 'SANGGAH_INVALID', message: expect.stringMatching(/Kode ujian/) });
    expect(refusal(() => file(valid(1, { text: 'pendek' })))).toMatchObject({ code: 'SANGGAH_INVALID', message: expect.stringMatching(/^Isi sanggah terlalu pendek: paling sedikit 10/) });
    expect(refusal(() => file(valid(1, { text: 'x'.repeat(4001) })))).toMatchObject({ message: expect.stringMatching(/terlalu panjang: paling banyak 4000/) });
    expect(refusal(() => file(valid(1, { file: 'JVBERi0xLjQK' })))).toMatchObject({ code: 'SANGGAH_INVALID', message: expect.stringMatching(/Kolom tidak dikenal: file/) });
    expect(refusal(() => file(valid(1, { text: 'lihat data:image/png;base64,iVBORw0KGgo= ini' })))).toMatchObject({ message: expect.stringMatching(/data: URL/) });
    expect(refusal(() => file(valid(1, { text: `biner \u0000\u0001 di sini ya` })))).toMatchObject({ message: expect.stringMatching(/teks biasa/) });
    const { nomor: _n, ...noNomor } = valid(1);
    expect(refusal(() => file(noNomor))).toMatchObject({ message: 'Nomor peserta wajib diisi.' });
    expect(refusal(() => file(valid(1, { nomor: 12345 })))).toMatchObject({ message: expect.stringMatching(/Nomor peserta harus berupa teks/) });
    expect(refusal(() => fileObjection(p, [1, 2], { at: at(), channel: 'situs', filedBy: 'situs', actor: 't' }))).toMatchObject({ code: 'SANGGAH_INVALID' });
  });
});

describe('answering an objection', () => {
  it('answers once, logs the answer as a leaf that verifies; a second answer is refused', () => {
    const s = listObjections(p.db)[0]!;
    const r = answerObjection(p, s.id, { decision: 'ditolak', answer: 'Nilai TIU sudah diperiksa ulang dari berkas CAT dan sesuai.' }, { at: at(DAY), by: 'Ketua Panitia', actor: 'test' });
    expect(r.sanggah).toMatchObject({ status: 'ditolak', answeredAt: at(DAY), answerLeaf: r.proof.index, answer: 'Nilai TIU sudah diperiksa ulang dari berkas CAT dan sesuai.' });
    expect(recordProofProblem(r.record, r.proof, p.log.publicKey())).toBeNull();
    expect(JSON.parse(r.record)).toEqual({ v: 1, k: 'sanggah-jawaban', id: s.id, exam: venue.exam, decision: 'ditolak', answer: r.sanggah.answer, answeredAt: at(DAY) });
    const again = refusal(() => answerObjection(p, s.id, { decision: 'diterima', answer: 'Berubah pikiran setelah rapat.' }, { at: at(DAY), by: 'x', actor: 't' }));
    expect(again.code).toBe('SANGGAH_ANSWERED');
    expect(listObjections(p.db).find((o) => o.id === s.id)).toMatchObject({ status: 'ditolak', answeredBy: 'Ketua Panitia' });
  });

  it('refuses an answer that would publish personal data, an unknown code and a bad decision', () => {
    const open = listObjections(p.db).find((o) => o.status === 'diajukan')!;
    const answer = (input: Record<string, unknown>, id = open.id) => answerObjection(p, id, input, { at: at(DAY), by: 'x', actor: 't' });
    expect(refusal(() => answer({ decision: 'diterima', answer: `Peserta ${open.nomor} benar, nilai dikoreksi.` }))).toMatchObject({ code: 'SANGGAH_INVALID', message: expect.stringMatching(/jangan cantumkan nomor peserta/) });
    expect(refusal(() => answer({ decision: 'diterima', answer: 'Hubungi panitia@contoh.go.id untuk jadwal.' }))).toMatchObject({ code: 'SANGGAH_INVALID' });
    expect(refusal(() => answer({ decision: 'mungkin', answer: 'Sedang kami pertimbangkan.' }))).toMatchObject({ message: 'Keputusan harus "diterima" atau "ditolak".' });
    expect(refusal(() => answer({ decision: 'diterima', answer: 'Diterima, nilai dikoreksi.' }, 'SGH-2222-2222-2222-2222'))).toMatchObject({ code: 'SANGGAH_NOT_FOUND' });
    expect(refusal(() => answer({ decision: 'diterima', answer: 'Diterima, nilai dikoreksi.' }, 'bukan-kode'))).toMatchObject({ code: 'SANGGAH_NOT_FOUND' });
  });

  it('the site lists objections by status with times, publishes every record, and names no candidate', async () => {
    const site = join(root, 'site');
    await p.writeSite(site, at(2 * DAY));
    const list = readFileSync(join(site, 'sanggah-daftar.html'), 'utf8');
    for (const o of listObjections(p.db)) {
      expect(list).toContain(o.id);
      expect(list).not.toContain(o.nomor);
      expect(list).not.toContain(o.text);
      expect(readFileSync(join(site, logPaths.record(o.filedLeaf)), 'utf8')).toContain(o.id);
    }
    expect(list).toContain('Nilai TIU sudah diperiksa ulang dari berkas CAT dan sesuai.');
    expect(list).toMatch(/<dt>Ditolak<\/dt><dd>1<\/dd>/);
    expect(list).toMatch(/<dt>Diajukan, menunggu jawaban<\/dt><dd>1<\/dd>/);
    expect(list).toContain('1,0 hari');
    const form = readFileSync(join(site, 'sanggah.html'), 'utf8');
    expect(form).toContain('<form id="formulir" data-api="api/sanggah" hidden');
    expect(form).toContain('<script src="assets/suara.js"></script>');
    expect(form).not.toMatch(/<script>/);
    expect(form).toMatch(/<option value="SKB-CAT" data-exam="[^"]+">/);
  });
});
