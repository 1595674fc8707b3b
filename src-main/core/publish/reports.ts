/**
 * Public reports (laporan masyarakat, issue 15 item 5): anyone reports suspected fraud or unfairness in an exam,
 * with a contact if they wish, and follows it with a tracking code. Each report and each answer is a record leaf,
 * so a report cannot vanish; the site publishes them with the text masked and never the contact or the sender's
 * address (docs/publication.md, "Laporan masyarakat").
 */
import { z } from 'zod';
import { appendEvent } from '../audit/chain';
import { mergedExams } from '../bundles/merge';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { writeTransaction } from '../db/transaction';
import { canonicalBytes } from '../ledger/leaf';
import type { RecordProof } from '../ledger/record-proof';
import { LenteraError } from '../util/errors';
import { assertCoversExam, holdsPersonal, maskPersonal, newTrackingCode, parseForm, parseTrackingCode, plainText, type CommitteeMember } from './committee';
import type { Publisher } from './publisher';

export const REPORT_CATEGORIES = ['kecurangan', 'joki', 'kebocoran-soal', 'perlakuan-tidak-adil', 'lainnya'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
export const CATEGORY_LABELS: Record<ReportCategory, string> = {
  kecurangan: 'Kecurangan',
  joki: 'Joki (orang lain mengerjakan ujian)',
  'kebocoran-soal': 'Kebocoran soal',
  'perlakuan-tidak-adil': 'Perlakuan tidak adil',
  lainnya: 'Lainnya',
};
export const REPORT_ANSWER_STATUSES = ['ditelaah', 'ditindaklanjuti', 'ditolak'] as const;
export type ReportStatus = 'diterima' | (typeof REPORT_ANSWER_STATUSES)[number];
export const REPORT_TEXT = { min: 20, max: 8000 } as const;
export const REPORT_ANSWER_TEXT = { min: 10, max: 4000 } as const;
export const CONTACT_MAX = 200;
/** Reports kept per sender's address (its keyed hash): per hour and per day. */
export const REPORT_RATE = { perHour: 5, perDay: 20 } as const;

export interface ReportAnswer {
  status: (typeof REPORT_ANSWER_STATUSES)[number];
  answer: string;
  answeredAt: string;
  leaf: number;
}

/** What anyone may read: the masked text as logged, the status and every answer. */
export interface PublicReport {
  id: string;
  exam: string;
  category: ReportCategory;
  text: string;
  status: ReportStatus;
  filedAt: string;
  filedLeaf: number;
  answers: ReportAnswer[];
}

/** What the committee (panitia, pengamat) reads: the text as sent and the contact, if any. */
export interface CommitteeReport extends PublicReport {
  body: string;
  contact: string | null;
  answeredBy: string | null;
}

export interface LoggedReport {
  laporan: PublicReport;
  record: string;
  proof: RecordProof;
}

const LABELS: Record<string, string> = {
  exam: 'Kode ujian',
  category: 'Kategori',
  text: 'Isi laporan',
  contact: 'Kontak',
  website: 'Situs web',
  status: 'Status',
  answer: 'Jawaban',
};

const fileInput = z.strictObject({
  exam: z.string({ error: 'Kode ujian harus berupa teks.' }).trim().min(1, { error: 'Kode ujian wajib diisi.' }).max(64, { error: 'Kode ujian paling banyak 64 karakter.' }),
  category: z.enum(REPORT_CATEGORIES, { error: `Kategori harus salah satu dari: ${REPORT_CATEGORIES.join(', ')}.` }),
  text: plainText(LABELS.text!, REPORT_TEXT.min, REPORT_TEXT.max),
  contact: z
    .union([z.literal(''), plainText(LABELS.contact!, 3, CONTACT_MAX).refine((c) => !c.includes('\n'), { error: 'Kontak harus satu baris teks (tanpa baris baru).' })], { error: `Kontak (boleh kosong) berupa satu baris teks, 3–${CONTACT_MAX} karakter.` })
    .optional()
    .nullable(),
  website: z.string().optional(),
});

const answerInput = z.strictObject({
  status: z.enum(REPORT_ANSWER_STATUSES, { error: `Status harus salah satu dari: ${REPORT_ANSWER_STATUSES.join(', ')}.` }),
  answer: plainText(LABELS.answer!, REPORT_ANSWER_TEXT.min, REPORT_ANSWER_TEXT.max),
});

const invalid = (message: string, details: Record<string, unknown> = {}) => new LenteraError('LAPORAN_INVALID', message, details);

const parse = <T>(schema: z.ZodType<T>, input: unknown): T => parseForm(schema, input, LABELS, invalid);

/** Exams a report may be about: those with published results or an announcement here. */
export function reportableExams(db: Db): string[] {
  const announced = sql(db, 'SELECT DISTINCT exam_code FROM announcements').pluck().all() as string[];
  return [...new Set([...mergedExams(db), ...announced])].sort();
}

export function reportRecord(r: { id: string; exam: string; category: ReportCategory; text: string; filedAt: string }): Uint8Array {
  return canonicalBytes({ v: 1, k: 'laporan', id: r.id, exam: r.exam, category: r.category, text: r.text, filedAt: r.filedAt });
}

export function reportAnswerRecord(a: { id: string; exam: string; status: ReportAnswer['status']; answer: string; answeredAt: string }): Uint8Array {
  return canonicalBytes({ v: 1, k: 'laporan-jawaban', id: a.id, exam: a.exam, status: a.status, answer: a.answer, answeredAt: a.answeredAt });
}

const HOUR = 3600_000;

/**
 * Refuses a sender past the limit (429 LAPORAN_RATE), saying when they may send again. Counted from the reports
 * kept, so a refused or honeypot request does not count, and a restart of the hub forgets nothing.
 */
function checkRate(db: Db, hash: string, at: string): void {
  const now = Date.parse(at);
  for (const [window, limit, words] of [
    [HOUR, REPORT_RATE.perHour, 'satu jam'],
    [24 * HOUR, REPORT_RATE.perDay, 'satu hari'],
  ] as const) {
    const since = new Date(now - window).toISOString();
    const rows = sql(db, 'SELECT filed_at FROM public_reports WHERE client_hash = ? AND filed_at > ? AND filed_at <= ? ORDER BY filed_at').pluck().all(hash, since, at) as string[];
    if (rows.length >= limit) {
      const retryAfter = Math.max(1, Math.ceil((Date.parse(rows[rows.length - limit]!) + window - now) / 1000));
      throw new LenteraError('LAPORAN_RATE', `Terlalu banyak laporan dari alamat ini: paling banyak ${limit} dalam ${words}. Coba lagi dalam ${Math.ceil(retryAfter / 60)} menit.`, { retryAfter });
    }
  }
}

/**
 * The keyed hash of a sender's address is kept only as long as the daily limit needs it. Anyone holding the hub's key
 * (its operator, perhaps the very committee reported on) could otherwise try every IPv4 address against it and learn
 * who reported; after a day it is gone.
 */
export function forgetOldSenders(db: Db, at: string): number {
  const before = new Date(Date.parse(at) - 24 * HOUR).toISOString();
  return sql(db, 'UPDATE public_reports SET client_hash = NULL WHERE client_hash IS NOT NULL AND filed_at <= ?').run(before).changes;
}

function proofOf(p: Publisher, index: number): RecordProof {
  const proof = p.log.leafProof(index);
  if (!proof) throw new LenteraError('LEDGER_CORRUPT', `Leaf ${index} has no checkpoint.`, { index });
  return proof;
}

/**
 * Files a report. The honeypot field `website` (hidden on the form; only a robot fills it) refuses the request
 * with a bare "Permintaan ditolak." and stores nothing. The published text is masked; the text as sent and the
 * contact are kept for the committee only.
 */
export function fileReport(p: Publisher, input: unknown, opts: { at: string; clientHash: string | null; actor: string }): LoggedReport {
  if (typeof input === 'object' && input !== null && typeof (input as { website?: unknown }).website === 'string' && (input as { website: string }).website !== '') {
    throw invalid('Permintaan ditolak.', { honeypot: true });
  }
  const f = parse(fileInput, input);
  if (!reportableExams(p.db).includes(f.exam)) throw invalid(`Kode ujian: ujian ${f.exam} tidak dikenal di situs ini; pilih ujian dari daftar.`, { field: 'exam' });
  if (opts.clientHash) checkRate(p.db, opts.clientHash, opts.at);
  const id = newTrackingCode('LAP');
  // The limit holds for the text as published: NFKC makes one character up to 18 (U+FDFA), masking an address of 6
  // characters 18, and a report published longer than any the form takes broke the committee's whole list.
  const published = maskPersonal(f.text);
  const length = [...published].length;
  if (length > REPORT_TEXT.max) {
    throw invalid(`Isi laporan terlalu panjang dalam bentuk yang diterbitkan: paling banyak ${REPORT_TEXT.max} karakter setelah dinormalisasi (NFKC) dan disamarkan (sekarang ${length}). Persingkat laporan.`, { field: 'text' });
  }
  const record = reportRecord({ id, exam: f.exam, category: f.category, text: published, filedAt: opts.at });
  const contact = f.contact ? f.contact : null;
  const index = writeTransaction(p.db, () => {
    if (opts.clientHash) checkRate(p.db, opts.clientHash, opts.at);
    const index = p.log.appendRecord({ exam: f.exam, kind: 'laporan', key: `laporan:${id}`, record }, opts.at);
    sql(p.db, "INSERT INTO public_reports (id, exam_code, category, body, contact, client_hash, filed_at, status, filed_leaf) VALUES (?, ?, ?, ?, ?, ?, ?, 'diterima', ?)").run(
      id,
      f.exam,
      f.category,
      f.text,
      contact,
      opts.clientHash,
      opts.at,
      index,
    );
    forgetOldSenders(p.db, opts.at);
    const cp = p.log.checkpoint(opts.at);
    appendEvent(p.db, { at: opts.at, actor: opts.actor, command: 'laporan.file', outcome: 'ok', payload: { id, exam: f.exam, category: f.category, leaf: index, size: cp.size } });
    return index;
  });
  return { laporan: getReport(p.db, id)!, record: Buffer.from(record).toString('utf8'), proof: proofOf(p, index) };
}

/**
 * Answers a report; a report may be answered several times as it moves on (ditelaah, then ditindaklanjuti or
 * ditolak), each answer its own leaf. A rejected report is closed; a followed-up one takes only further
 * follow-up news, never goes back to "ditelaah".
 */
export function answerReport(p: Publisher, idText: string, input: unknown, opts: { at: string; by: string; actor: string; member?: Pick<CommitteeMember, 'name' | 'exams'> }): LoggedReport {
  const id = parseTrackingCode('LAP', idText);
  if (!id) throw new LenteraError('LAPORAN_NOT_FOUND', `"${idText}" bukan kode lacak laporan (LAP-XXXX-XXXX-XXXX-XXXX).`);
  const a = parse(answerInput, input);
  if (holdsPersonal(a.answer)) {
    throw invalid('Jawaban diterbitkan di situs: jangan cantumkan nomor peserta, NIK, nomor telepon, email atau deret angka 10 digit lebih.', { field: 'answer' });
  }
  const index = writeTransaction(p.db, () => {
    const row = sql(p.db, 'SELECT exam_code, status FROM public_reports WHERE id = ?').get(id) as { exam_code: string; status: ReportStatus } | undefined;
    if (!row) throw new LenteraError('LAPORAN_NOT_FOUND', `Tidak ada laporan dengan kode ${id}.`, { id });
    if (opts.member) assertCoversExam(opts.member, row.exam_code);
    if (row.status === 'ditolak') throw new LenteraError('LAPORAN_CLOSED', `Laporan ${id} sudah ditolak dan ditutup; jawaban baru tidak dapat ditambahkan.`, { id, status: row.status });
    if (row.status === 'ditindaklanjuti' && a.status !== 'ditindaklanjuti') {
      throw new LenteraError('LAPORAN_CLOSED', `Laporan ${id} sudah ditindaklanjuti; hanya kabar tindak lanjut berikutnya (status ditindaklanjuti) yang dapat ditambahkan.`, { id, status: row.status });
    }
    const record = reportAnswerRecord({ id, exam: row.exam_code, status: a.status, answer: a.answer, answeredAt: opts.at });
    const index = p.log.appendRecord({ exam: row.exam_code, kind: 'laporan-jawaban', key: `laporan-jawaban:${id}`, record }, opts.at);
    sql(p.db, 'UPDATE public_reports SET status = ?, answer = ?, answered_at = ?, answered_by = ?, answer_leaf = ? WHERE id = ?').run(a.status, a.answer, opts.at, opts.by, index, id);
    const cp = p.log.checkpoint(opts.at);
    appendEvent(p.db, { at: opts.at, actor: opts.actor, command: 'laporan.answer', outcome: 'ok', payload: { id, exam: row.exam_code, status: a.status, by: opts.by, leaf: index, size: cp.size } });
    return index;
  });
  const record = sql(p.db, 'SELECT record FROM ledger_leaves WHERE idx = ?').pluck().get(index) as Uint8Array;
  return { laporan: getReport(p.db, id)!, record: Buffer.from(record).toString('utf8'), proof: proofOf(p, index) };
}

interface ReportRow {
  id: string;
  exam_code: string;
  category: ReportCategory;
  body: string;
  contact: string | null;
  filed_at: string;
  status: ReportStatus;
  answered_by: string | null;
  filed_leaf: number;
}

const COLUMNS = 'id, exam_code, category, body, contact, filed_at, status, answered_by, filed_leaf';

/**
 * A report's answer leaves. The exam comes first so the lookup goes through ledger_leaves_candidate
 * (exam_code, nomor_peserta, idx): without it every report read, and every report on a site rewrite, scans the
 * whole log.
 */
export const REPORT_ANSWERS_SQL = "SELECT idx, record FROM ledger_leaves WHERE exam_code = ? AND nomor_peserta = ? AND kind = 'laporan-jawaban' ORDER BY idx";

/** The public view, from the records the log holds (the very bytes the site publishes). */
function toPublic(db: Db, r: ReportRow): PublicReport {
  const rec = (idx: number) => JSON.parse(Buffer.from(sql(db, 'SELECT record FROM ledger_leaves WHERE idx = ?').pluck().get(idx) as Uint8Array).toString('utf8')) as Record<string, string>;
  const answers = (sql(db, REPORT_ANSWERS_SQL).all(r.exam_code, `laporan-jawaban:${r.id}`) as { idx: number; record: Uint8Array }[]).map(
    (a) => {
      const v = JSON.parse(Buffer.from(a.record).toString('utf8')) as { status: ReportAnswer['status']; answer: string; answeredAt: string };
      return { status: v.status, answer: v.answer, answeredAt: v.answeredAt, leaf: a.idx };
    },
  );
  return { id: r.id, exam: r.exam_code, category: r.category, text: rec(r.filed_leaf).text ?? '', status: r.status, filedAt: r.filed_at, filedLeaf: r.filed_leaf, answers };
}

export function getReport(db: Db, idText: string): PublicReport | null {
  const id = parseTrackingCode('LAP', idText);
  if (!id) return null;
  const row = sql(db, `SELECT ${COLUMNS} FROM public_reports WHERE id = ?`).get(id) as ReportRow | undefined;
  return row ? toPublic(db, row) : null;
}

/** Every report with the text as sent and the contact, oldest first; of one exam when given. */
export function listReports(db: Db, exam?: string): CommitteeReport[] {
  const rows = (
    exam === undefined ? sql(db, `SELECT ${COLUMNS} FROM public_reports ORDER BY filed_at, id`).all() : sql(db, `SELECT ${COLUMNS} FROM public_reports WHERE exam_code = ? ORDER BY filed_at, id`).all(exam)
  ) as ReportRow[];
  return rows.map((r) => ({ ...toPublic(db, r), body: r.body, contact: r.contact, answeredBy: r.answered_by }));
}

/** Every report as the site lists it. */
export function publicReports(db: Db): PublicReport[] {
  return (sql(db, `SELECT ${COLUMNS} FROM public_reports ORDER BY filed_at, id`).all() as ReportRow[]).map((r) => toPublic(db, r));
}
