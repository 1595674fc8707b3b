/**
 * What objections (sanggah) and public reports (laporan) share at the hub: tracking codes, the rules for the
 * plain text the public sends, masking of personal data before anything is published, the committee's tokens,
 * and the keyed hash of a sender's address that the report rate limit counts by.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z, type ZodError } from 'zod';
import { appendEvent } from '../audit/chain';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { writeTransaction } from '../db/transaction';
import { LenteraError } from '../util/errors';
import { createSecretFile } from '../util/secret-file';

/** 32 symbols without 0, O, 1 and I (read aloud or copied by hand from a receipt without confusion). */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const GROUPS = 4;
const PER_GROUP = 4;

export type TrackingPrefix = 'SGH' | 'LAP';

/**
 * A tracking code, e.g. `SGH-7KQ2-M9XD-4HTP-ZC8R`: 16 symbols of 5 bits, 80 random bits, so nobody can guess
 * another's code to read its status. 32 divides 256, so `byte & 31` is unbiased.
 */
export function newTrackingCode(prefix: TrackingPrefix): string {
  const bytes = randomBytes(GROUPS * PER_GROUP);
  const symbols = [...bytes].map((b) => TRACKING_ALPHABET[b & 31]!);
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) groups.push(symbols.slice(g * PER_GROUP, (g + 1) * PER_GROUP).join(''));
  return `${prefix}-${groups.join('-')}`;
}

/** The code as typed (any case, spaces around) in its canonical form, or null when it cannot be one. */
export function parseTrackingCode(prefix: TrackingPrefix, text: string): string | null {
  const s = text.trim().toUpperCase();
  const re = new RegExp(`^${prefix}(?:-[${TRACKING_ALPHABET}]{${PER_GROUP}}){${GROUPS}}$`);
  return re.test(s) ? s : null;
}

/** A data: URL with a media type: a file pasted into a text field. */
const DATA_URL = /data:[a-z]+\/[a-z0-9.+-]+[;,]/i;
/** Control characters other than tab and line feed (and carriage return, normalised away): binary, not text. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/;

/** A text as the hub keeps and logs it: line ends normalised, NFC, trimmed (what a sender compares a record with). */
export function plainForm(s: string): string {
  return s.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

/**
 * A plain-text field of the public forms: line ends normalised, NFC, trimmed, between `min` and `max`
 * characters (code points), no control characters and no data: URL. Markup is not refused: it is kept as text
 * and escaped wherever it is shown.
 */
export function plainText(label: string, min: number, max: number) {
  return z
    .string({ error: `${label} harus berupa teks.` })
    .transform(plainForm)
    .superRefine((s, ctx) => {
      const n = [...s].length;
      if (n < min) ctx.addIssue({ code: 'custom', message: `${label} terlalu pendek: paling sedikit ${min} karakter (sekarang ${n}).` });
      else if (n > max) ctx.addIssue({ code: 'custom', message: `${label} terlalu panjang: paling banyak ${max} karakter (sekarang ${n}).` });
      if (CONTROL.test(s)) ctx.addIssue({ code: 'custom', message: `${label} hanya boleh berisi teks biasa (ada karakter biner/kontrol).` });
      if (DATA_URL.test(s)) ctx.addIssue({ code: 'custom', message: `${label} tidak boleh berisi berkas (data: URL); kirim teks saja.` });
    });
}

/**
 * The first problem of a failed parse as one sentence for the public form: the field and what it expects.
 * Unknown fields (a file, anything extra) are named.
 */
export function firstProblem(error: ZodError, labels: Record<string, string>, input: object): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return `Kolom tidak dikenal: ${issue.keys.join(', ')}. Kirim hanya kolom formulir (teks).`;
  const field = String(issue.path[0] ?? '');
  const label = labels[field] ?? field;
  if (issue.code === 'invalid_type' && (input as Record<string, unknown>)[field] === undefined) return `${label} wajib diisi.`;
  return issue.message.startsWith(label) || !label ? issue.message : `${label}: ${issue.message}`;
}

/**
 * The fields of a public form read with `schema`, or the error `invalid` makes of the first problem (as
 * `firstProblem` words it, `labels` naming the fields) with that field in its details.
 */
export function parseForm<T>(schema: z.ZodType<T>, input: unknown, labels: Record<string, string>, invalid: (message: string, details?: Record<string, unknown>) => LenteraError): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('Kirim sebuah objek JSON berisi kolom formulir.');
  const r = schema.safeParse(input);
  if (!r.success) throw invalid(firstProblem(r.error, labels, input), { field: String(r.error.issues[0]!.path[0] ?? '') });
  return r.data;
}

const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[A-Za-z]{2,}/g;
/**
 * A run of digits (any script's, \p{Nd}) broken by at most three separators in a row: spaces, punctuation,
 * symbols or combining marks, so "3374/0123/4567/8901", "0812,3456,7890" or "0812   3456 7890" are one run.
 * Letters end a run. An optional leading + and (.
 */
const DIGITS = /\+?\(?\p{Nd}(?:[\p{Z}\s\p{P}\p{S}\p{M}]{0,3}\p{Nd})+/gu;
/** Format characters (zero-width space and joiners, soft hyphen, bidi overrides, BOM): invisible. */
const FORMAT = /\p{Cf}/gu;

/**
 * The text in the form the site publishes: NFKC (fullwidth and mathematical digits, fullwidth @, become plain
 * ones) without format characters, so an invisible character between digits or a fullwidth NIK cannot slip a
 * number past the masking, nor past the site's own check for a 16-digit NIK.
 */
export function publishedForm(text: string): string {
  return text.normalize('NFKC').replace(FORMAT, '');
}

function mask(normalised: string): string {
  return normalised.replace(EMAIL, '[email disamarkan]').replace(DIGITS, (m) => {
    const digits = m.replace(/\P{Nd}/gu, '');
    const phoneLike = digits.length >= 9 && /^(?:\+?62|08)/.test(m.replace(/[^\p{Nd}+]/gu, ''));
    return digits.length >= 10 || phoneLike ? '[nomor disamarkan]' : m;
  });
}

/**
 * The text as the site may publish it: in its published form (`publishedForm`), with email addresses, phone
 * numbers and any run of 10 or more digits (a candidate number, a NIK, a phone number written in groups)
 * replaced by a marker. A phone number is 10 or more digits, or 9 when it starts with +62, 62 or 0 8; shorter
 * numbers (a date, a room, a score) stay.
 */
export function maskPersonal(text: string): string {
  return mask(publishedForm(text));
}

/** Whether the text holds something `maskPersonal` would hide (seen through the same normalisation). */
export function holdsPersonal(text: string): boolean {
  const normalised = publishedForm(text);
  return mask(normalised) !== normalised;
}

// ---------------------------------------------------------------------------------------------------------
// The committee at the hub

export const COMMITTEE_ROLES = ['panitia', 'pengamat', 'tempat'] as const;
export type CommitteeRole = (typeof COMMITTEE_ROLES)[number];

export interface CommitteeMember {
  /** the first 12 hex digits of the token's sha256: names a token in lists without revealing it */
  id: string;
  name: string;
  role: CommitteeRole;
  createdAt: string;
  revokedAt: string | null;
  /** the exams the token is good for; null for every exam of the hub */
  exams: string[] | null;
}

type MemberRow = { token_hash: string; name: string; role: CommitteeRole; created_at: string; revoked_at: string | null; exams: string | null };
const MEMBER_COLUMNS = 'token_hash, name, role, created_at, revoked_at, exams';

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const memberOf = (r: MemberRow): CommitteeMember => ({
  id: r.token_hash.slice(0, 12),
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  exams: r.exams === null ? null : (JSON.parse(r.exams) as string[]),
});

const memberInput = z.strictObject({
  name: z.string().trim().min(2, { error: 'A committee member needs a name of at least 2 characters.' }).max(120, { error: 'A name has at most 120 characters.' }),
  role: z.enum(COMMITTEE_ROLES, { error: 'The role is panitia (answers), pengamat (reads everything) or tempat (a venue filing objections).' }),
  exams: z
    .array(z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'An exam code is letters, digits, dot, dash or underscore (as in its package), at most 64.' }))
    .min(1)
    .max(200)
    .optional(),
});

/**
 * Whether a member may act on an exam: a token made for some exams is good for those only (on a hub that carries
 * several agencies' exams, one agency's panitia must not answer another's objections); one made without is good
 * for every exam.
 */
export function coversExam(m: Pick<CommitteeMember, 'exams'>, exam: string): boolean {
  return m.exams === null || m.exams.includes(exam);
}

/** Refuses an act on an exam the member's token is not for. */
export function assertCoversExam(m: Pick<CommitteeMember, 'name' | 'exams'>, exam: string): void {
  if (!coversExam(m, exam)) {
    throw new LenteraError('KOMITE_FORBIDDEN', `Token komite ${m.name} hanya berlaku untuk ujian ${m.exams!.join(', ')}; bukan untuk ${exam}.`, { exam, exams: m.exams });
  }
}

/**
 * Adds a committee member and returns their token, the only time it is seen: only its sha256 is kept. 32
 * random bytes, base64url. An active member's name is not given twice, so `filed_by` and `answered_by` name one.
 */
export function addCommitteeMember(db: Db, input: { name: string; role: string; exams?: string[] }, at: string, actor: string): CommitteeMember & { token: string } {
  const parsed = memberInput.safeParse(input);
  if (!parsed.success) throw new LenteraError('INVALID_INPUT', parsed.error.issues[0]!.message, { field: String(parsed.error.issues[0]!.path[0] ?? '') });
  const { name, role } = parsed.data;
  const exams = parsed.data.exams ? [...new Set(parsed.data.exams)].sort() : null;
  const token = randomBytes(32).toString('base64url');
  const hash = tokenHash(token);
  writeTransaction(db, () => {
    if (sql(db, 'SELECT 1 FROM hub_committee WHERE name = ? AND revoked_at IS NULL').get(name)) {
      throw new LenteraError('KOMITE_NAME_TAKEN', `An active committee member is already named "${name}"; revoke it first or choose another name.`, { name });
    }
    sql(db, 'INSERT INTO hub_committee (token_hash, name, role, created_at, exams) VALUES (?, ?, ?, ?, ?)').run(hash, name, role, at, exams && JSON.stringify(exams));
    appendEvent(db, { at, actor, command: 'hub.komite.add', outcome: 'ok', payload: { id: hash.slice(0, 12), name, role, exams } });
  });
  return { id: hash.slice(0, 12), name, role, createdAt: at, revokedAt: null, exams, token };
}

export function listCommittee(db: Db): CommitteeMember[] {
  return (sql(db, `SELECT ${MEMBER_COLUMNS} FROM hub_committee ORDER BY created_at, name`).all() as MemberRow[]).map(memberOf);
}

/** Revokes the active tokens of a name, or the token whose id (hash prefix, 8+ hex digits) is given. */
export function revokeCommitteeMember(db: Db, which: { name?: string; id?: string }, at: string, actor: string): CommitteeMember[] {
  if (!which.name === !which.id) throw new LenteraError('INVALID_INPUT', 'Name the member to revoke by --name or by --id (one of them).');
  if (which.id !== undefined && !/^[0-9a-f]{8,64}$/.test(which.id)) throw new LenteraError('INVALID_INPUT', 'An id is 8 to 64 lowercase hex digits, as `hub komite list` shows it.');
  return writeTransaction(db, () => {
    const rows = (
      which.name !== undefined
        ? sql(db, `SELECT ${MEMBER_COLUMNS} FROM hub_committee WHERE name = ? AND revoked_at IS NULL`).all(which.name)
        : sql(db, `SELECT ${MEMBER_COLUMNS} FROM hub_committee WHERE substr(token_hash, 1, ?) = ? AND revoked_at IS NULL`).all(which.id!.length, which.id)
    ) as MemberRow[];
    if (rows.length === 0) throw new LenteraError('NOT_FOUND', `No active committee member ${which.name !== undefined ? `named "${which.name}"` : `with id ${which.id}`}.`);
    if (rows.length > 1 && which.id !== undefined) throw new LenteraError('INVALID_INPUT', `The id ${which.id} names ${rows.length} tokens; give more digits.`);
    for (const r of rows) sql(db, 'UPDATE hub_committee SET revoked_at = ? WHERE token_hash = ?').run(at, r.token_hash);
    appendEvent(db, { at, actor, command: 'hub.komite.revoke', outcome: 'ok', payload: { ids: rows.map((r) => r.token_hash.slice(0, 12)), name: rows[0]!.name } });
    return rows.map((r) => memberOf({ ...r, revoked_at: at }));
  });
}

/**
 * The active member a bearer token belongs to, or null. Looked up by the token's sha256: the comparison is of
 * hashes through the primary key, so its time says nothing about how much of a guessed token was right.
 */
export function committeeByToken(db: Db, token: string): CommitteeMember | null {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = sql(db, `SELECT ${MEMBER_COLUMNS} FROM hub_committee WHERE token_hash = ? AND revoked_at IS NULL`).get(tokenHash(token)) as MemberRow | undefined;
  return row ? memberOf(row) : null;
}

// ---------------------------------------------------------------------------------------------------------
// The sender's address, for the report rate limit only

export const CLIENT_KEY_FILE = 'laporan-klien.key';

/** The hub's own random key for client hashes, DIR/keys/laporan-klien.key, made on first use (like the log key). */
function clientKey(dataDir: string): Buffer {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, CLIENT_KEY_FILE);
  if (!existsSync(file)) createSecretFile(file, randomBytes(32).toString('base64url'));
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
}

const clientKeys = new Map<string, Buffer>();

/**
 * HMAC-SHA256 of the sender's address with the hub's own key: the rate limit can count a sender's reports
 * without the hub keeping their address, and the hash means nothing without that hub's key.
 */
export function clientHash(dataDir: string, address: string): string {
  let key = clientKeys.get(dataDir);
  if (!key) {
    key = clientKey(dataDir);
    clientKeys.set(dataDir, key);
  }
  return createHmac('sha256', key).update(address, 'utf8').digest('hex');
}
