/**
 * The announcement (pengumuman) of an exam, published before anything is scored: every formation with its quota
 * and education, the stages and their weights, the passing grades and the ruleset with its sha256, the schedule
 * and venues, the interview rubrics and the objection period (docs/publication.md).
 *
 * The document is RFC 8785 canonical JSON; the coordinator's key signs exactly its bytes (RSA-SHA256, PKCS#1 v1.5,
 * as bundles are signed), so anyone can check it with openssl. Each announcement names the sha256 of the one before
 * (`previous`), and at the hub each is a record leaf of the transparency log: a change of rules is a new
 * announcement beside the old one, never an edit.
 */
import { createVerify, webcrypto, X509Certificate } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { signedByPinnedHub } from '../bundles/outbox';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { requireExam } from '../exams/exams';
import { examFormations, examSessions, examStages, examVenues } from '../exams/structure';
import { fingerprintOf, type UnlockedIdentity } from '../keys/identities';
import { keyUsage, parseCertificate, RSA_SHA256 } from '../keys/pki';
import { canonicalBytes } from '../ledger/leaf';
import { recordProofProblem, type RecordProof } from '../ledger/record-proof';
import { loadRuleset } from '../ranking/rulesets';
import type { Ruleset } from '../ranking/ruleset-schema';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { slug } from './paths';

export const ANNOUNCEMENT_FORMAT = 'lentera.pengumuman/1';
export const SIGNED_ANNOUNCEMENT_FORMAT = 'lentera.pengumuman-bertanda/1';
/** The PDF's document information key holding the sha256 of the document it shows. */
export const PDF_INFO_KEY = 'LenteraPengumuman';

export interface AnnouncementDocument {
  format: typeof ANNOUNCEMENT_FORMAT;
  exam: { code: string; name: string; agency: string; year: number };
  seq: number;
  issuedAt: string;
  formations: { code: string; position: string; unit: string; education: string; quota: number }[];
  stages: {
    code: string;
    name: string;
    kind: string;
    /** the stage's share of the final score (%), as the ruleset weighs it; null when the ruleset does not count it */
    weight: number | null;
    components: { code: string; name: string; min: number; max: number; step: number }[];
    score: { method: string; weights: Record<string, number> | null };
  }[];
  passingGrades:
    | { model: 'integration'; byCategory: Record<string, ({ component: string; min: number } | { total: true; min: number })[]>; skdStage: string; skdMax: number; skbCap: number; final: { skd: number; skb: number }; skbWeights: Record<string, number> }
    | { model: 'weighted_stages'; minimumPerStage: Record<string, number> };
  tieBreak: string[];
  ruleset: { id: string; version: string; title: string; sha256: string };
  schedule: { session: string; stage: string; stageName: string; startsAt: string; date: string; time: string; venue: { code: string; name: string; address: string }; room: string }[];
  rubrics: {
    stage: string;
    stageName: string;
    aggregate: string;
    divergence: number;
    criteria: { code: string; label: string; description: string | null; min: number; max: number; step: number; weight: number; levels: { score: number; label: string; description: string | null }[] }[];
  }[];
  objectionPeriod: { from: string; until: string };
  /** sha256 of the previous announcement of this exam, or null for the first */
  previous: string | null;
}

/** The file a coordinator signs and hands to the hub: the document's exact text, the signature, the certificate. */
export interface SignedAnnouncement {
  format: typeof SIGNED_ANNOUNCEMENT_FORMAT;
  /** the canonical JSON text of the document: its UTF-8 bytes are what is signed and what the log holds */
  document: string;
  /** base64 RSA-SHA256 (PKCS#1 v1.5) over the document's bytes */
  signature: string;
  /** base64 DER of the signer's certificate */
  certificate: string;
}

/** A full NIK (16 digits standing alone): the site refuses to publish one, so no announcement may carry it. */
const FULL_NIK = /\b\d{16}\b/;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export const dateSchema = z
  .string()
  .trim()
  .regex(DAY, 'a date written YYYY-MM-DD, e.g. 2026-12-14')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d, 'not a calendar date');

/**
 * The objection period as the coordinator gives it: whole days in WIB, from the first day's 00:00 to the last day's
 * end. A last day before the first is refused.
 */
export const objectionPeriodSchema = z
  .object({ objectionFrom: dateSchema, objectionUntil: dateSchema })
  .refine((p) => p.objectionFrom <= p.objectionUntil, { path: ['objectionUntil'], message: 'the objection period must end on or after its first day (sanggah selesai ≥ sanggah mulai)' });

/** From WIB dates to the instants the objection checks compare with: [first day 00:00 WIB, last day 23:59:59.999 WIB]. */
export function objectionPeriod(from: string, until: string): { from: string; until: string } {
  const parsed = objectionPeriodSchema.safeParse({ objectionFrom: from, objectionUntil: until });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new LenteraError('INVALID_INPUT', `The objection period is refused: ${i.path.join('.')}: ${i.message}.`, { field: i.path.join('.') });
  }
  return { from: new Date(`${from}T00:00:00.000+07:00`).toISOString(), until: new Date(`${until}T23:59:59.999+07:00`).toISOString() };
}

/** "2026-12-01" and "08.00" in WIB, for the schedule. */
function wibParts(iso: string): { date: string; time: string } {
  const w = new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString();
  return { date: w.slice(0, 10), time: `${w.slice(11, 13)}.${w.slice(14, 16)}` };
}

/** Each stage's share of the final score (%) as the ruleset computes it, or null for a stage it does not count. */
function stageWeight(r: Ruleset, stage: string): number | null {
  if (r.model === 'weighted_stages') return r.stages[stage]?.weight ?? null;
  if (stage === r.skd.stage) return r.integration.skd;
  const w = r.skb.weights[stage];
  // In hundredths, so 60 % of 40 % is 24, not 24.000000000000004.
  return w === undefined ? null : Math.round(r.integration.skb * w) / 100;
}

function passingGrades(r: Ruleset): AnnouncementDocument['passingGrades'] {
  if (r.model === 'weighted_stages') return { model: 'weighted_stages', minimumPerStage: Object.fromEntries(Object.entries(r.stages).map(([k, s]) => [k, s.min])) };
  return {
    model: 'integration',
    byCategory: Object.fromEntries(Object.entries(r.passing_grade).map(([k, list]) => [k, list.map((t) => ('component' in t ? { component: t.component, min: t.min } : { total: true as const, min: t.min }))])),
    skdStage: r.skd.stage,
    skdMax: r.skd.max,
    skbCap: r.skb_cap,
    final: { skd: r.integration.skd, skb: r.integration.skb },
    skbWeights: { ...r.skb.weights },
  };
}

/** The last announcement of an exam kept in this database (a workstation's or the hub's), or null. */
function lastRow(db: Db, exam: string): { seq: number; sha256: string } | undefined {
  return sql(db, 'SELECT seq, sha256 FROM announcements WHERE exam_code = ? ORDER BY seq DESC LIMIT 1').get(exam) as { seq: number; sha256: string } | undefined;
}

/**
 * The next announcement of an exam loaded on this workstation, from its package and its ruleset. Nothing personal:
 * no candidate, no panel member; formations, stages, rules, sessions and venues only.
 */
export function buildAnnouncement(db: Db, examCode: string, opts: { objectionFrom: string; objectionUntil: string; at: string }): AnnouncementDocument {
  const exam = requireExam(db, examCode);
  const loaded = loadRuleset(exam.ruleset);
  const r = loaded.ruleset;
  const stages = examStages(db, exam.id);
  const venues = new Map(examVenues(db, exam.id).map((v) => [v.code, v]));
  const last = lastRow(db, exam.code);
  const doc: AnnouncementDocument = {
    format: ANNOUNCEMENT_FORMAT,
    exam: { code: exam.code, name: exam.name, agency: exam.agency, year: exam.year },
    seq: (last?.seq ?? 0) + 1,
    issuedAt: opts.at,
    formations: examFormations(db, exam.id).map((f) => ({ code: f.code, position: f.position, unit: f.unit, education: f.education, quota: f.quota })),
    stages: stages.map((s) => ({
      code: s.code,
      name: s.name,
      kind: s.kind,
      weight: stageWeight(r, s.code),
      components: (s.definition.components ?? []).map((c) => ({ code: c.code, name: c.name, min: c.min, max: c.max, step: c.step })),
      score: { method: s.definition.score?.method ?? 'sum', weights: s.definition.score?.method === 'weighted' ? { ...s.definition.score.weights } : null },
    })),
    passingGrades: passingGrades(r),
    tieBreak: [...r.tie_break],
    ruleset: { id: r.id, version: r.version, title: r.title, sha256: loaded.sha256 },
    schedule: examSessions(db, exam.id).map((s) => {
      const v = venues.get(s.venue);
      return {
        session: s.code,
        stage: s.stage,
        stageName: stages.find((x) => x.code === s.stage)?.name ?? s.stage,
        startsAt: s.startsAt,
        ...wibParts(s.startsAt),
        venue: { code: s.venue, name: v?.name ?? s.venue, address: v?.address ?? '' },
        room: s.room,
      };
    }),
    rubrics: stages
      .filter((s) => s.definition.rubric)
      .map((s) => {
        const rubric = s.definition.rubric!;
        return {
          stage: s.code,
          stageName: s.name,
          aggregate: rubric.aggregate,
          divergence: rubric.divergence,
          criteria: rubric.criteria.map((c) => ({
            code: c.code,
            label: c.label,
            description: c.description ?? null,
            min: c.min,
            max: c.max,
            step: c.step,
            weight: c.weight,
            levels: c.levels.map((l) => ({ score: l.score, label: l.label, description: l.description ?? null })),
          })),
        };
      }),
    objectionPeriod: objectionPeriod(opts.objectionFrom, opts.objectionUntil),
    previous: last?.sha256 ?? null,
  };
  checkPublic(documentText(doc));
  return doc;
}

/** The document's canonical text: its UTF-8 bytes are signed, hashed and logged. */
export function documentText(doc: AnnouncementDocument): string {
  return Buffer.from(canonicalBytes(doc)).toString('utf8');
}

function checkPublic(text: string): void {
  if (FULL_NIK.test(text)) {
    throw new LenteraError('ANNOUNCEMENT_PERSONAL_DATA', 'The announcement would contain a 16-digit number that may be a full NIK; nothing was published. Check the exam package (formation, venue and session texts).', {});
  }
}

/** Signs the document's exact bytes with the coordinator's unlocked key. */
export async function signAnnouncement(doc: AnnouncementDocument, signer: Pick<UnlockedIdentity, 'privateKey' | 'certDer'>): Promise<SignedAnnouncement> {
  const text = documentText(doc);
  const signature = Buffer.from(await webcrypto.subtle.sign(RSA_SHA256, signer.privateKey, Buffer.from(text, 'utf8')));
  return { format: SIGNED_ANNOUNCEMENT_FORMAT, document: text, signature: signature.toString('base64'), certificate: Buffer.from(signer.certDer).toString('base64') };
}

// ------------------------------------------------------------------------------------------ verification

const num = z.number().finite();
const str = z.string().max(4000);
const documentSchema = z
  .object({
    format: z.literal(ANNOUNCEMENT_FORMAT),
    exam: z.object({ code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/), name: str, agency: str, year: z.number().int() }).strict(),
    seq: z.number().int().min(1),
    issuedAt: z.iso.datetime(),
    formations: z.array(z.object({ code: str, position: str, unit: str, education: str, quota: z.number().int().min(1) }).strict()).min(1),
    stages: z.array(z.object({ code: str, name: str, kind: str, weight: num.nullable(), components: z.array(z.object({ code: str, name: str, min: num, max: num, step: num }).strict()), score: z.object({ method: str, weights: z.record(z.string(), num).nullable() }).strict() }).strict()).min(1),
    passingGrades: z.union([
      z.object({ model: z.literal('integration'), byCategory: z.record(z.string(), z.array(z.union([z.object({ component: str, min: num }).strict(), z.object({ total: z.literal(true), min: num }).strict()]))), skdStage: str, skdMax: num, skbCap: z.number().int(), final: z.object({ skd: num, skb: num }).strict(), skbWeights: z.record(z.string(), num) }).strict(),
      z.object({ model: z.literal('weighted_stages'), minimumPerStage: z.record(z.string(), num) }).strict(),
    ]),
    tieBreak: z.array(str),
    ruleset: z.object({ id: str, version: str, title: str, sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
    schedule: z.array(z.object({ session: str, stage: str, stageName: str, startsAt: str, date: str, time: str, venue: z.object({ code: str, name: str, address: str }).strict(), room: str }).strict()),
    rubrics: z.array(
      z
        .object({
          stage: str,
          stageName: str,
          aggregate: str,
          divergence: num,
          criteria: z.array(z.object({ code: str, label: str, description: str.nullable(), min: num, max: num, step: num, weight: num, levels: z.array(z.object({ score: num, label: str, description: str.nullable() }).strict()) }).strict()),
        })
        .strict(),
    ),
    objectionPeriod: z.object({ from: z.iso.datetime(), until: z.iso.datetime() }).strict().refine((p) => p.from < p.until, 'the objection period must end after it begins'),
    previous: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  })
  .strict();

const signedSchema = z
  .object({
    format: z.literal(SIGNED_ANNOUNCEMENT_FORMAT),
    document: z.string().min(2).max(1_000_000),
    signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(2000),
    certificate: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(20_000),
  })
  .strict();

export interface VerifiedAnnouncement {
  signed: SignedAnnouncement;
  document: AnnouncementDocument;
  /** the document's exact bytes (what the log holds) and their sha256 */
  bytes: Uint8Array;
  sha256: string;
  fingerprint: string;
  subject: string;
  commonName: string;
}

const refused = (code: string, message: string, details: Record<string, unknown> = {}) => new LenteraError(code, message, details);

/**
 * Checks a signed announcement by itself: the file's shape, the signature over exactly the document's bytes, a
 * certificate for signing and valid when the document was issued, and a document that is canonical, of the known
 * format and holds no full NIK. Who may sign for which exam is the hub's check (`announceAtHub`).
 */
export function verifyAnnouncement(raw: unknown): VerifiedAnnouncement {
  const parsed = signedSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw refused('ANNOUNCEMENT_INVALID', `The signed announcement is not a ${SIGNED_ANNOUNCEMENT_FORMAT} file: ${i.path.join('.') || '(root)'}: ${i.message}.`, { path: i.path.join('.') });
  }
  const signed = parsed.data as SignedAnnouncement;
  const certDer = Buffer.from(signed.certificate, 'base64');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certDer);
  } catch {
    throw refused('ANNOUNCEMENT_SIGNER_INVALID', 'The certificate in the signed announcement cannot be read.');
  }
  const bytes = Buffer.from(signed.document, 'utf8');
  const fingerprint = fingerprintOf(certDer);
  const verifier = createVerify('sha256');
  verifier.update(bytes);
  if (!verifier.verify(cert.publicKey, Buffer.from(signed.signature, 'base64'))) {
    throw refused('ANNOUNCEMENT_SIGNATURE_INVALID', `The signature does not verify over the announcement's text with the certificate ${fingerprint}: the text was changed after signing, or another key signed it.`, { fingerprint });
  }
  const pkiCert = parseCertificate(certDer);
  const ku = keyUsage(pkiCert);
  if (!ku.digitalSignature && !ku.nonRepudiation) throw refused('ANNOUNCEMENT_SIGNER_INVALID', 'The certificate may not be used for signatures (key usage).', { fingerprint });
  let value: unknown;
  try {
    value = JSON.parse(signed.document);
  } catch {
    throw refused('ANNOUNCEMENT_INVALID', 'The announcement text is not JSON.');
  }
  if (Buffer.from(canonicalBytes(value)).toString('utf8') !== signed.document) throw refused('ANNOUNCEMENT_INVALID', 'The announcement text is not canonical JSON (RFC 8785).');
  const doc = documentSchema.safeParse(value);
  if (!doc.success) {
    const i = doc.error.issues[0]!;
    throw refused('ANNOUNCEMENT_INVALID', `The announcement is not a valid ${ANNOUNCEMENT_FORMAT} document: ${i.path.join('.') || '(root)'}: ${i.message}.`, { path: i.path.join('.') });
  }
  const issued = new Date(doc.data.issuedAt);
  if (issued < new Date(cert.validFrom) || issued > new Date(cert.validTo)) {
    throw refused('ANNOUNCEMENT_SIGNER_INVALID', `The certificate was not valid when the announcement was issued (${doc.data.issuedAt}).`, { fingerprint });
  }
  if (FULL_NIK.test(signed.document)) throw refused('ANNOUNCEMENT_PERSONAL_DATA', 'The announcement contains a 16-digit number that may be a full NIK; it is not published.');
  const subject = cert.subject.split('\n').join(', ');
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? subject;
  return { signed, document: doc.data as AnnouncementDocument, bytes, sha256: sha256Hex(bytes), fingerprint, subject, commonName: cn };
}

// ---------------------------------------------------------------------------------------------- storage

export const ANNOUNCEMENT_DIR = 'pengumuman';

/** `pengumuman-<exam>-<seq>`: the files' name without extension. */
export function announcementName(exam: string, seq: number): string {
  return `pengumuman-${slug(exam)}-${seq}`;
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  writeFileSync(`${file}.part`, data);
  renameSync(`${file}.part`, file);
}

/** Writes the signed file and the PDF under DIR/pengumuman/; returns their paths. */
export function writeAnnouncementFiles(dir: string, v: Pick<VerifiedAnnouncement, 'signed' | 'document'>, pdf: Uint8Array | null): { json: string; pdf: string | null } {
  const folder = join(dir, ANNOUNCEMENT_DIR);
  mkdirSync(folder, { recursive: true });
  const base = join(folder, announcementName(v.document.exam.code, v.document.seq));
  writeAtomic(`${base}.json`, `${JSON.stringify(v.signed, null, 1)}\n`);
  if (pdf) writeAtomic(`${base}.pdf`, pdf);
  return { json: `${base}.json`, pdf: pdf ? `${base}.pdf` : null };
}

/**
 * Keeps an announcement (inside the caller's transaction). On a workstation it must be the next of its exam and
 * follow the last one kept: two coordinators publishing at once cannot both take one number.
 */
export function insertAnnouncement(db: Db, v: VerifiedAnnouncement, pdf: Uint8Array | null, at: string, leafIdx: number | null): void {
  const last = lastRow(db, v.document.exam.code);
  if (v.document.seq !== (last?.seq ?? 0) + 1 || v.document.previous !== (last?.sha256 ?? null)) {
    throw new LenteraError('CONFLICT', `Another announcement of ${v.document.exam.code} was published meanwhile (now ${last?.seq ?? 0}); publish again.`, { exam: v.document.exam.code });
  }
  sql(
    db,
    'INSERT INTO announcements (exam_code, seq, document, sha256, signer, signature, certificate, pdf, objection_from, objection_until, at, leaf_idx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(v.document.exam.code, v.document.seq, v.signed.document, v.sha256, v.fingerprint, v.signed.signature, v.signed.certificate, pdf ? Buffer.from(pdf) : null, v.document.objectionPeriod.from, v.document.objectionPeriod.until, at, leafIdx);
}

export interface AnnouncementRow {
  exam: string;
  seq: number;
  sha256: string;
  signer: string;
  at: string;
  objectionFrom: string;
  objectionUntil: string;
  leafIdx: number | null;
  rulesetSha256: string;
  hasPdf: boolean;
}

export function listAnnouncements(db: Db, exam?: string): AnnouncementRow[] {
  const rows = sql(
    db,
    `SELECT exam_code AS exam, seq, sha256, signer, at, objection_from AS objectionFrom, objection_until AS objectionUntil, leaf_idx AS leafIdx, document, pdf IS NOT NULL AS hasPdf
       FROM announcements WHERE (? IS NULL OR exam_code = ?) ORDER BY exam_code, seq`,
  ).all(exam ?? null, exam ?? null) as (Omit<AnnouncementRow, 'rulesetSha256' | 'hasPdf'> & { document: string; hasPdf: number })[];
  return rows.map(({ document, hasPdf, ...r }) => ({ ...r, hasPdf: hasPdf === 1, rulesetSha256: (JSON.parse(document) as AnnouncementDocument).ruleset.sha256 }));
}

/** The latest announcement of an exam (the objection period in force is its), or null. */
export function latestAnnouncement(db: Db, exam: string): { seq: number; sha256: string; document: AnnouncementDocument; objectionFrom: string; objectionUntil: string; leafIdx: number | null } | null {
  const row = sql(db, 'SELECT seq, sha256, document, objection_from, objection_until, leaf_idx FROM announcements WHERE exam_code = ? ORDER BY seq DESC LIMIT 1').get(exam) as
    | { seq: number; sha256: string; document: string; objection_from: string; objection_until: string; leaf_idx: number | null }
    | undefined;
  if (!row) return null;
  return { seq: row.seq, sha256: row.sha256, document: JSON.parse(row.document) as AnnouncementDocument, objectionFrom: row.objection_from, objectionUntil: row.objection_until, leafIdx: row.leaf_idx };
}

/** A kept announcement as its signed file and PDF (to hand to the hub, over the network or on a USB stick). */
export function storedAnnouncement(db: Db, exam: string, seq: number): { signed: SignedAnnouncement; pdf: Uint8Array | null; sha256: string; leafIdx: number | null } | null {
  const row = sql(db, 'SELECT document, signature, certificate, pdf, sha256, leaf_idx FROM announcements WHERE exam_code = ? AND seq = ?').get(exam, seq) as
    | { document: string; signature: string; certificate: string; pdf: Uint8Array | null; sha256: string; leaf_idx: number | null }
    | undefined;
  if (!row) return null;
  return { signed: { format: SIGNED_ANNOUNCEMENT_FORMAT, document: row.document, signature: row.signature, certificate: row.certificate }, pdf: row.pdf ? new Uint8Array(row.pdf) : null, sha256: row.sha256, leafIdx: row.leaf_idx };
}

// ------------------------------------------------------------------------------- the hub's acknowledgement

export interface AnnouncementAck {
  v: 1;
  kind: 'pengumuman';
  exam: string;
  seq: number;
  sha256: string;
  /** true when the hub had this very announcement already (a second sending changes nothing) */
  unchanged: boolean;
  proof: RecordProof;
  at: string;
  logKey: string;
}

export interface SignedAnnouncementAck extends AnnouncementAck {
  sig: string;
}

/**
 * Checks the hub's answer against the log key pinned here: signed by it, about this announcement, and with an
 * inclusion proof of the announcement's own bytes into a checkpoint signed by that key.
 */
export function verifyAnnouncementAck(raw: unknown, logKey: string, want: { exam: string; seq: number; document: string }): SignedAnnouncementAck {
  const ack = signedByPinnedHub<SignedAnnouncementAck>(raw, logKey);
  if (ack.kind !== 'pengumuman' || ack.exam !== want.exam || ack.seq !== want.seq || ack.sha256 !== sha256Hex(want.document)) {
    throw new LenteraError('ACK_INVALID', `The acknowledgement is not for announcement ${want.seq} of ${want.exam}.`, {});
  }
  if (ack.logKey !== logKey) throw new LenteraError('ACK_INVALID', 'The acknowledgement names another log key.', {});
  const problem = recordProofProblem(want.document, ack.proof, logKey);
  if (problem) throw new LenteraError('ACK_INVALID', `The hub's proof for the announcement does not hold: ${problem}.`, {});
  return ack;
}

/** The numbers of an exam's announcements the hub has not logged yet, oldest first (they are sent in this order). */
export function pendingAnnouncements(db: Db, exam: string): number[] {
  return sql(db, 'SELECT seq FROM announcements WHERE exam_code = ? AND leaf_idx IS NULL ORDER BY seq').pluck().all(exam) as number[];
}

/** Records where the hub logged an announcement (inside the caller's transaction). */
export function recordAnnouncementLeaf(db: Db, exam: string, seq: number, leafIdx: number): void {
  sql(db, 'UPDATE announcements SET leaf_idx = ? WHERE exam_code = ? AND seq = ?').run(leafIdx, exam, seq);
}
