/**
 * Objections (sanggah, issue 15 item 4): a candidate objects to their own result of one stage, within the period
 * of the exam's latest announcement, proving who they are with the salt of their receipt (or their sheet's QR).
 * Every objection and its one answer are record leaves of the transparency log; what is logged and published
 * names no candidate and holds no text of theirs (docs/publication.md, "Sanggah").
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { appendEvent } from '../audit/chain';
import { mergedExams } from '../bundles/merge';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { writeTransaction } from '../db/transaction';
import { canonicalBytes, MIN_SALT_BYTES } from '../ledger/leaf';
import { fromB64url } from '../ledger/merkle';
import type { RecordProof } from '../ledger/record-proof';
import { LenteraError } from '../util/errors';
import { latestAnnouncement } from './announcement';
import { whenWib } from './html';
import { assertCoversExam, holdsPersonal, newTrackingCode, parseForm, parseTrackingCode, plainText, type CommitteeMember } from './committee';
import type { Publisher } from './publisher';

export const OBJECTION_TEXT = { min: 10, max: 4000 } as const;
export const ANSWER_TEXT = { min: 10, max: 4000 } as const;
export const OBJECTION_STATUSES = ['diajukan', 'diterima', 'ditolak'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];
export type ObjectionChannel = 'situs' | 'tempat';

/** What anyone may read: no candidate number, no text. */
export interface PublicObjection {
  id: string;
  exam: string;
  stage: string;
  status: ObjectionStatus;
  filedAt: string;
  answeredAt: string | null;
  answer: string | null;
  channel: ObjectionChannel;
  filedLeaf: number;
  answerLeaf: number | null;
}

/** What the committee (panitia, pengamat) reads. */
export interface CommitteeObjection extends PublicObjection {
  nomor: string;
  text: string;
  filedBy: string;
  answeredBy: string | null;
}

/** An objection or an answer as it was logged: the public record's exact text and its proof. */
export interface Logged<T> {
  sanggah: T;
  /** the record's exact bytes as text (canonical JSON): hash it to the leaf's "h" */
  record: string;
  proof: RecordProof;
}

const LABELS: Record<string, string> = {
  exam: 'Kode ujian',
  nomor: 'Nomor peserta',
  salt: 'Salt tanda terima',
  stage: 'Tahap',
  text: 'Isi sanggah',
  decision: 'Keputusan',
  answer: 'Jawaban',
};

const code = (label: string, max: number) =>
  z
    .string({ error: `${label} harus berupa teks.` })
    .trim()
    .min(1, { error: `${label} wajib diisi.` })
    .max(max, { error: `${label} paling banyak ${max} karakter.` });

const fileInput = z.strictObject({
  exam: code(LABELS.exam!, 64),
  nomor: code(LABELS.nomor!, 32).regex(/^[0-9A-Za-z.-]+$/, { error: 'Nomor peserta hanya berisi angka dan huruf, seperti tertulis di kartu atau tanda terima.' }),
  salt: code(LABELS.salt!, 200).regex(/^[A-Za-z0-9_-]+={0,2}$/, {
    error: 'Salt tanda terima adalah teks base64url (huruf, angka, - dan _), yaitu nilai "salt" pada berkas tanda terima atau isi kode QR besar pada lembar hasil.',
  }),
  stage: code(LABELS.stage!, 64),
  text: plainText(LABELS.text!, OBJECTION_TEXT.min, OBJECTION_TEXT.max),
});

const answerInput = z.strictObject({
  decision: z.enum(['diterima', 'ditolak'], { error: 'Keputusan harus "diterima" atau "ditolak".' }),
  answer: plainText(LABELS.answer!, ANSWER_TEXT.min, ANSWER_TEXT.max),
});

const invalid = (message: string, details: Record<string, unknown> = {}) => new LenteraError('SANGGAH_INVALID', message, details);

const parse = <T>(schema: z.ZodType<T>, input: unknown): T => parseForm(schema, input, LABELS, invalid);

/** The objection period of an exam: that of its latest announcement, or null when it has none yet. */
export function objectionPeriod(db: Db, exam: string): { from: string; until: string; seq: number } | null {
  const a = latestAnnouncement(db, exam);
  return a ? { from: a.objectionFrom, until: a.objectionUntil, seq: a.seq } : null;
}

/** The stages of an exam whose results are published at this hub: an objection is about one of them. */
export function publishedStages(p: Publisher, exam: string): string[] {
  return p.publishedStages(exam);
}

/** The salt as sent, decoded; null when it is not base64url of a salt's length. */
function saltBytes(text: string): Buffer | null {
  try {
    const b = fromB64url(text.replace(/=+$/, ''));
    return b.length >= MIN_SALT_BYTES && b.length <= 64 ? Buffer.from(b) : null;
  } catch {
    return null;
  }
}

/**
 * The candidate proves who they are with their salt: compared in constant time with the one the log keeps for
 * (exam, nomor). Refusals say which of three it is, as the candidate can act on each: another candidate's salt
 * (the wrong receipt), no receipt at all for that number, or a salt that is simply wrong.
 */
function proveIdentity(db: Db, exam: string, nomor: string, saltText: string): Buffer {
  const given = saltBytes(saltText);
  const refuse = (message: string) => new LenteraError('SANGGAH_IDENTITY', message, { exam });
  if (!given) throw refuse('Salt tidak sah: salin nilai "salt" dari berkas tanda terima (JSON) atau dari kode QR besar pada lembar hasil, tanpa diubah.');
  const row = sql(db, 'SELECT salt FROM ledger_salts WHERE exam_code = ? AND nomor_peserta = ?').get(exam, nomor) as { salt: Uint8Array } | undefined;
  const kept = row ? Buffer.from(row.salt) : randomBytes(given.length);
  const same = kept.length === given.length && timingSafeEqual(kept, given);
  if (row && same) return kept;
  const owner = sql(db, 'SELECT nomor_peserta FROM ledger_salts WHERE exam_code = ? AND salt = ?').pluck().get(exam, given) as string | undefined;
  if (owner !== undefined && owner !== nomor) throw refuse('Salt ini bukan milik nomor peserta tersebut: gunakan tanda terima atau lembar hasil Anda sendiri.');
  if (!row) throw refuse(`Nomor peserta ${nomor} belum memiliki hasil yang tercatat di log ujian ${exam}, sehingga belum dapat dibuktikan dengan salt. Ajukan sanggah melalui panitia di tempat ujian.`);
  throw refuse('Salt tidak cocok dengan nomor peserta tersebut: periksa kembali nilai "salt" pada tanda terima Anda.');
}

const toPublic = (r: ObjectionRow): PublicObjection => ({
  id: r.id,
  exam: r.exam_code,
  stage: r.stage,
  status: r.status,
  filedAt: r.filed_at,
  answeredAt: r.answered_at,
  answer: r.answer,
  channel: r.channel,
  filedLeaf: r.filed_leaf,
  answerLeaf: r.answer_leaf,
});

const toCommittee = (r: ObjectionRow): CommitteeObjection => ({ ...toPublic(r), nomor: r.nomor_peserta, text: r.body, filedBy: r.filed_by, answeredBy: r.answered_by });

interface ObjectionRow {
  id: string;
  exam_code: string;
  nomor_peserta: string;
  stage: string;
  body: string;
  channel: ObjectionChannel;
  filed_by: string;
  filed_at: string;
  status: ObjectionStatus;
  answer: string | null;
  answered_at: string | null;
  answered_by: string | null;
  filed_leaf: number;
  answer_leaf: number | null;
}

const COLUMNS = 'id, exam_code, nomor_peserta, stage, body, channel, filed_by, filed_at, status, answer, answered_at, answered_by, filed_leaf, answer_leaf';

/**
 * The public record of an objection. `textSha256` = sha256(salt ‖ UTF-8 text): the candidate, who holds the salt
 * and their text, can show later what they wrote; nobody else can test a guess at it.
 */
export function objectionRecord(o: { id: string; exam: string; stage: string; filedAt: string; channel: ObjectionChannel; textSha256: string }): Uint8Array {
  return canonicalBytes({ v: 1, k: 'sanggah', id: o.id, exam: o.exam, stage: o.stage, filedAt: o.filedAt, channel: o.channel, textSha256: o.textSha256 });
}

export function answerRecord(a: { id: string; exam: string; decision: 'diterima' | 'ditolak'; answer: string; answeredAt: string }): Uint8Array {
  return canonicalBytes({ v: 1, k: 'sanggah-jawaban', id: a.id, exam: a.exam, decision: a.decision, answer: a.answer, answeredAt: a.answeredAt });
}

function proofOf(p: Publisher, index: number): RecordProof {
  const proof = p.log.leafProof(index);
  if (!proof) throw new LenteraError('LEDGER_CORRUPT', `Leaf ${index} has no checkpoint.`, { index });
  return proof;
}

/**
 * Files an objection: validated, for a known exam and a published stage, inside the announced period, by the
 * candidate proved by their salt, once per candidate and stage. Stored and logged in one transaction (the row,
 * the record leaf, a checkpoint, the audit event); a refusal stores nothing.
 */
export function fileObjection(
  p: Publisher,
  input: unknown,
  opts: { at: string; channel: ObjectionChannel; filedBy: string; actor: string; member?: Pick<CommitteeMember, 'name' | 'exams'> },
): Logged<PublicObjection> {
  const f = parse(fileInput, input);
  if (opts.member) assertCoversExam(opts.member, f.exam);
  if (!mergedExams(p.db).includes(f.exam)) throw invalid(`Kode ujian: ujian ${f.exam} belum memiliki hasil yang diterbitkan di situs ini.`, { field: 'exam' });
  const stages = publishedStages(p, f.exam);
  if (!stages.includes(f.stage)) throw invalid(`Tahap: "${f.stage}" bukan tahap yang hasilnya sudah diumumkan untuk ${f.exam}; pilih salah satu: ${stages.join(', ') || '(belum ada)'}.`, { field: 'stage', stages });
  const period = objectionPeriod(p.db, f.exam);
  if (!period) throw new LenteraError('SANGGAH_PERIOD', `Belum ada pengumuman dengan masa sanggah untuk ujian ${f.exam}; sanggah belum dapat diajukan.`, { exam: f.exam });
  const now = Date.parse(opts.at);
  if (now < Date.parse(period.from)) throw new LenteraError('SANGGAH_PERIOD', `Masa sanggah ujian ${f.exam} belum dibuka: dibuka ${whenWib(period.from)} sampai ${whenWib(period.until)}.`, { from: period.from, until: period.until });
  if (now > Date.parse(period.until)) throw new LenteraError('SANGGAH_PERIOD', `Masa sanggah ujian ${f.exam} sudah ditutup pada ${whenWib(period.until)}.`, { from: period.from, until: period.until });
  const salt = proveIdentity(p.db, f.exam, f.nomor, f.salt);
  const textSha256 = createHash('sha256').update(salt).update(f.text, 'utf8').digest('hex');
  const duplicate = () => {
    const earlier = sql(p.db, 'SELECT id FROM objections WHERE exam_code = ? AND nomor_peserta = ? AND stage = ?').pluck().get(f.exam, f.nomor, f.stage) as string | undefined;
    if (earlier) throw new LenteraError('SANGGAH_DUPLICATE', `Sanggah Anda untuk tahap ${f.stage} sudah diajukan dengan kode lacak ${earlier}; satu sanggah per tahap. Lacak jawabannya dengan kode itu.`, { id: earlier });
  };
  duplicate();
  const id = newTrackingCode('SGH');
  const record = objectionRecord({ id, exam: f.exam, stage: f.stage, filedAt: opts.at, channel: opts.channel, textSha256 });
  const index = writeTransaction(p.db, () => {
    duplicate();
    const index = p.log.appendRecord({ exam: f.exam, kind: 'sanggah', key: `sanggah:${id}`, record }, opts.at);
    sql(p.db, `INSERT INTO objections (id, exam_code, nomor_peserta, stage, body, channel, filed_by, filed_at, status, filed_leaf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'diajukan', ?)`).run(
      id,
      f.exam,
      f.nomor,
      f.stage,
      f.text,
      opts.channel,
      opts.filedBy,
      opts.at,
      index,
    );
    const cp = p.log.checkpoint(opts.at);
    appendEvent(p.db, { at: opts.at, actor: opts.actor, command: 'sanggah.file', outcome: 'ok', payload: { id, exam: f.exam, stage: f.stage, channel: opts.channel, filedBy: opts.filedBy, leaf: index, size: cp.size } });
    return index;
  });
  return { sanggah: getObjection(p.db, id)!, record: Buffer.from(record).toString('utf8'), proof: proofOf(p, index) };
}

/** Answers an objection, once: the decision and a reasoned answer, published in full (so no personal data in it). */
export function answerObjection(p: Publisher, idText: string, input: unknown, opts: { at: string; by: string; actor: string; member?: Pick<CommitteeMember, 'name' | 'exams'> }): Logged<PublicObjection> {
  const id = parseTrackingCode('SGH', idText);
  if (!id) throw new LenteraError('SANGGAH_NOT_FOUND', `"${idText}" bukan kode lacak sanggah (SGH-XXXX-XXXX-XXXX-XXXX).`);
  const a = parse(answerInput, input);
  if (holdsPersonal(a.answer)) {
    throw invalid('Jawaban diterbitkan di situs: jangan cantumkan nomor peserta, NIK, nomor telepon, email atau deret angka 10 digit lebih.', { field: 'answer' });
  }
  const index = writeTransaction(p.db, () => {
    const row = sql(p.db, `SELECT ${COLUMNS} FROM objections WHERE id = ?`).get(id) as ObjectionRow | undefined;
    if (!row) throw new LenteraError('SANGGAH_NOT_FOUND', `Tidak ada sanggah dengan kode ${id}.`, { id });
    if (opts.member) assertCoversExam(opts.member, row.exam_code);
    if (row.status !== 'diajukan') throw new LenteraError('SANGGAH_ANSWERED', `Sanggah ${id} sudah dijawab (${row.status}) pada ${whenWib(row.answered_at ?? '')}; jawaban tidak dapat diubah.`, { id, status: row.status });
    const record = answerRecord({ id, exam: row.exam_code, decision: a.decision, answer: a.answer, answeredAt: opts.at });
    const index = p.log.appendRecord({ exam: row.exam_code, kind: 'sanggah-jawaban', key: `sanggah-jawaban:${id}`, record }, opts.at);
    sql(p.db, 'UPDATE objections SET status = ?, answer = ?, answered_at = ?, answered_by = ?, answer_leaf = ? WHERE id = ?').run(a.decision, a.answer, opts.at, opts.by, index, id);
    const cp = p.log.checkpoint(opts.at);
    appendEvent(p.db, { at: opts.at, actor: opts.actor, command: 'sanggah.answer', outcome: 'ok', payload: { id, exam: row.exam_code, decision: a.decision, by: opts.by, leaf: index, size: cp.size } });
    return index;
  });
  const record = sql(p.db, 'SELECT record FROM ledger_leaves WHERE idx = ?').pluck().get(index) as Uint8Array;
  return { sanggah: getObjection(p.db, id)!, record: Buffer.from(record).toString('utf8'), proof: proofOf(p, index) };
}

/** One objection as the public sees it, by its tracking code (any case); null when there is none. */
export function getObjection(db: Db, idText: string): PublicObjection | null {
  const id = parseTrackingCode('SGH', idText);
  if (!id) return null;
  const row = sql(db, `SELECT ${COLUMNS} FROM objections WHERE id = ?`).get(id) as ObjectionRow | undefined;
  return row ? toPublic(row) : null;
}

/** Every objection with what only the committee reads, oldest first; of one exam when given. */
export function listObjections(db: Db, exam?: string): CommitteeObjection[] {
  const rows = (
    exam === undefined ? sql(db, `SELECT ${COLUMNS} FROM objections ORDER BY filed_at, id`).all() : sql(db, `SELECT ${COLUMNS} FROM objections WHERE exam_code = ? ORDER BY filed_at, id`).all(exam)
  ) as ObjectionRow[];
  return rows.map(toCommittee);
}

/** Every objection as the site lists it. */
export function publicObjections(db: Db): PublicObjection[] {
  return (sql(db, `SELECT ${COLUMNS} FROM objections ORDER BY filed_at, id`).all() as ObjectionRow[]).map(toPublic);
}
