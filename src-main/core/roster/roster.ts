import type { Db } from '../db/open';
import { ROWS_PER_INSERT, sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { refuseIfPurged, updateCandidate } from '../exams/exams';
import { insertCandidates } from './candidates';
import { caseFolds } from '../publish/paths';
import { caseClash, formatIpk, maskNik } from './fields';
import { ROSTER_COLUMNS, validateRow, type CandidateInput } from './row';
import type { SourceRow, SourceTable } from './table-file';
import { formulaRefusal } from './formula-cells';
import { decideDateOrder, type DateOrderFinding, type DateReading } from './date-order';
import { roundedBySpreadsheet } from './nik';

export interface Rejected {
  line: number;
  column: string;
  reason: string;
  values: Record<string, string>;
}

export interface RosterUpdate {
  nomorPeserta: string;
  line: number;
  changed: string[];
  before: Record<string, string | number>;
  after: Record<string, string | number>;
}

export interface RosterPlan {
  file: string;
  rows: number;
  inserts: CandidateInput[];
  updates: (RosterUpdate & { candidate: CandidateInput })[];
  unchanged: number;
  rejected: Rejected[];
  /** how the file's birth dates were read (day or month first), and which line decided it */
  dates: DateOrderFinding;
  /** the separator of the rejected-rows report: the input's own (`;` for an XLSX, whose numbers it writes with a decimal comma) */
  reportDelimiter: ';' | ',' | '\t';
}

interface StoredCandidate {
  nomor_peserta: string;
  nik: string;
  nama: string;
  tanggal_lahir: string;
  jenis_kelamin: string;
  pendidikan: string;
  ipk_x100: number;
  kode_formasi: string;
  kategori: string;
}

const FIELDS: [keyof CandidateInput, keyof StoredCandidate][] = [
  ['nik', 'nik'],
  ['nama', 'nama'],
  ['tanggalLahir', 'tanggal_lahir'],
  ['jenisKelamin', 'jenis_kelamin'],
  ['pendidikan', 'pendidikan'],
  ['ipk', 'ipk_x100'],
  ['kodeFormasi', 'kode_formasi'],
  ['kategori', 'kategori'],
];

/** A candidate with any score can no longer be edited by an import. */
export function candidateHasResults(db: Db, examId: string, nomorPeserta: string): boolean {
  return Boolean(sql(db, 'SELECT 1 FROM score_entries WHERE exam_id = ? AND nomor_peserta = ? LIMIT 1').get(examId, nomorPeserta));
}

function auditView(c: StoredCandidate | CandidateInput): Record<string, string | number> {
  // The audit log travels in bundles: it records that a NIK changed, never the NIK itself.
  if ('nik' in c && 'nomor_peserta' in c) {
    const s = c as StoredCandidate;
    return { nik: maskNik(s.nik), nama: s.nama, tanggal_lahir: s.tanggal_lahir, jenis_kelamin: s.jenis_kelamin, pendidikan: s.pendidikan, ipk: formatIpk(s.ipk_x100), kode_formasi: s.kode_formasi, kategori: s.kategori };
  }
  const i = c as CandidateInput;
  return { nik: maskNik(i.nik), nama: i.nama, tanggal_lahir: i.tanggalLahir, jenis_kelamin: i.jenisKelamin, pendidikan: i.pendidikan, ipk: formatIpk(i.ipk), kode_formasi: i.kodeFormasi, kategori: i.kategori };
}

/**
 * A rejected row's values for its report, as the file had them: a CSV's text as it is; an XLSX's dates as
 * YYYY-MM-DD and its numbers with a decimal comma, since its report is a semicolon CSV for Indonesian spreadsheets.
 */
function text(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] = v instanceof Date ? v.toISOString().slice(0, 10) : v === undefined || v === null ? '' : typeof v === 'number' ? numberText(v) : String(v);
  }
  return out;
}

/** A number as an Indonesian spreadsheet types it, every digit kept (a NIK held as a number is 16 digits, no exponent). */
const numberText = (n: number) => (Number.isInteger(n) ? BigInt(n).toString() : String(n).replace('.', ','));

/** What a walk over the rows hands on: each row to insert or update, as soon as it has passed every check. */
interface RosterSink {
  insert(c: CandidateInput): void;
  update(u: RosterUpdate & { candidate: CandidateInput }): void;
}

/** What the rules read besides the file: the exam's year and formations, and the candidates it already has. */
interface RosterContext {
  examYear: number;
  formations: ReadonlySet<string>;
  existing: ReadonlyMap<string, StoredCandidate>;
  hasResults(nomor: string): boolean;
}

/** The context of an exam on this workstation (refused if its personal data was purged). */
function rosterContext(db: Db, examId: string): RosterContext {
  refuseIfPurged(db, examId, 'a roster import');
  const existing = new Map<string, StoredCandidate>();
  for (const r of sql(db, 'SELECT nomor_peserta, nik, nama, tanggal_lahir, jenis_kelamin, pendidikan, ipk_x100, kode_formasi, kategori FROM candidates WHERE exam_id = ?').all(examId) as StoredCandidate[]) {
    existing.set(r.nomor_peserta, r);
  }
  return {
    examYear: sql(db, 'SELECT year FROM exams WHERE id = ?').pluck().get(examId) as number,
    formations: new Set(sql(db, 'SELECT code FROM formations WHERE exam_id = ?').pluck().all(examId) as string[]),
    existing,
    hasResults: (nomor) => candidateHasResults(db, examId, nomor),
  };
}

/**
 * A roster file read by the rules of `lentera roster import` for an exam that is not on this machine: the hub's
 * (`lentera hub package --roster`), given its year and formations by its package, and the candidates a venue would
 * already hold by then (the package's roster, the files before). Every row must pass, as an import without
 * --skip-invalid (a NIK other than the one a candidate already has is refused as the import refuses it); otherwise
 * ROSTER_INVALID with each row's line, column and reason. Gives the rows new or changed, and how many rows passed.
 */
export function rosterRows(table: SourceTable, exam: { year: number; formations: Iterable<string>; known?: Iterable<CandidateInput> }): { candidates: CandidateInput[]; rows: number } {
  const existing = new Map<string, StoredCandidate>();
  for (const c of exam.known ?? []) {
    existing.set(c.nomorPeserta, { nomor_peserta: c.nomorPeserta, nik: c.nik, nama: c.nama, tanggal_lahir: c.tanggalLahir, jenis_kelamin: c.jenisKelamin, pendidikan: c.pendidikan, ipk_x100: c.ipk, kode_formasi: c.kodeFormasi, kategori: c.kategori });
  }
  const candidates: CandidateInput[] = [];
  const ctx: RosterContext = { examYear: exam.year, formations: new Set(exam.formations), existing, hasResults: () => false };
  const { rejected, unchanged } = walkRoster(ctx, table, { insert: (c) => candidates.push(c), update: (u) => candidates.push(u.candidate) });
  if (rejected.length) throw rosterInvalid(table.file, rejected, 'nothing was taken');
  return { candidates, rows: candidates.length + unchanged };
}

/** The refusal of a roster whose rows failed the rules: the first few in its message, up to 1,000 with their line, column and reason. */
export function rosterInvalid(file: string, rejected: readonly Rejected[], outcome: string): LenteraError {
  const first = rejected.slice(0, 5).map((r) => `line ${r.line}, column ${r.column}: ${r.reason}`);
  return new LenteraError('ROSTER_INVALID', `${file}: ${rejected.length} invalid row(s); ${outcome}. ${first.join('; ')}${rejected.length > 5 ? '; ...' : ''}`, {
    file,
    problems: rejected.slice(0, 1000),
    count: rejected.length,
  });
}

/** Checks every row against the rules and the database; writes nothing. */
export function planRosterImport(db: Db, examId: string, table: SourceTable): RosterPlan {
  const inserts: CandidateInput[] = [];
  const updates: RosterPlan['updates'] = [];
  const walked = walkRoster(rosterContext(db, examId), table, { insert: (c) => inserts.push(c), update: (u) => updates.push(u) });
  return { file: table.file, rows: table.rows.length, inserts, updates, unchanged: walked.unchanged, rejected: walked.rejected, dates: walked.dates, reportDelimiter: table.delimiter ?? ';' };
}

/** A roster import as it was done: what `planRosterImport` says, with the inserts counted instead of kept. */
export interface RosterOutcome extends Omit<RosterPlan, 'inserts' | 'updates'> {
  inserts: number;
  updates: RosterUpdate[];
}

/**
 * Checks and writes in one pass (the caller's transaction makes it all or nothing): each valid row is written
 * soon after it has passed (new ones ROWS_PER_INSERT at a time), so 100,000 candidates are not first kept as a
 * plan. The checks are `planRosterImport`'s
 * own (the same walk), and they read only what was loaded before the first write, so a row written early changes
 * no later verdict. Unless `skipInvalid`, writing stops at the first rejected row (the caller then refuses the
 * import, which rolls back what was written) while the rest is still checked, so every problem is reported.
 */
export function importRoster(db: Db, examId: string, table: SourceTable, opts: { skipInvalid: boolean; at: string; workstationId: string }): RosterOutcome {
  let inserts = 0;
  const updates: RosterUpdate[] = [];
  const rejected: Rejected[] = [];
  const writing = () => opts.skipInvalid || rejected.length === 0;
  // New rows go in ROWS_PER_INSERT at a time (insertCandidates). Nothing the walk reads depends on them, and an
  // update never touches a row inserted here, so writing them a little later changes nothing but the time taken.
  const pending: CandidateInput[] = [];
  const flush = () => {
    insertCandidates(db, examId, pending, opts.at, opts.workstationId);
    pending.length = 0;
  };
  const walked = walkRoster(
    rosterContext(db, examId),
    table,
    {
      insert: (c) => {
        inserts++;
        if (!writing()) return;
        pending.push(c);
        if (pending.length === ROWS_PER_INSERT) flush();
      },
      update: ({ candidate, ...u }) => {
        updates.push(u);
        if (writing()) updateCandidate(db, examId, candidate, opts.at);
      },
    },
    rejected,
  );
  if (writing()) flush();
  return { file: table.file, rows: table.rows.length, inserts, updates, unchanged: walked.unchanged, rejected: walked.rejected, dates: walked.dates, reportDelimiter: table.delimiter ?? ';' };
}

/** A rejected row, with the file's own values (top-level: walkRoster would otherwise make a closure per row). */
function reject(rejected: Rejected[], row: SourceRow, column: string, reason: string): void {
  rejected.push({ line: row.line, column, reason, values: text(row.values) });
}

/** The rules, row by row; what is rejected goes into `rejected` as it is found. */
function walkRoster(ctx: RosterContext, table: SourceTable, sink: RosterSink, rejected: Rejected[] = []): { unchanged: number; rejected: Rejected[]; dates: DateOrderFinding } {
  const missing = ROSTER_COLUMNS.filter((c) => !table.headers.includes(c));
  if (missing.length) {
    throw new LenteraError('ROSTER_INVALID', `${table.file}, line 1: missing column(s) ${missing.join(', ')}.`, {
      file: table.file,
      problems: missing.map((c) => ({ line: 1, column: c, reason: 'missing column in the header' })),
    });
  }
  // A formula's stored result is whatever the file's author put there; Excel shows what the formula gives.
  const formula = formulaRefusal(table, ROSTER_COLUMNS, 'ROSTER_INVALID');
  if (formula) throw formula;
  refuseRoundedNiks(table);
  const dates = decideDateOrder(table.file, 'tanggal_lahir', dateCells(table.rows));
  const reading: DateReading = { order: dates.order, pivotYear: ctx.examYear, date1904: table.date1904 === true };
  const { formations, existing } = ctx;
  const nikOwner = new Map<string, string>();
  for (const c of existing.values()) nikOwner.set(c.nik, c.nomor_peserta);
  // Only numbers with a letter can differ by letter case alone: a roster of digits keeps nothing here.
  const clashOf = caseFolds();
  for (const n of existing.keys()) clashOf(n);

  const firstLine = new Map<string, number>();
  // NIK → the nomor of the row that first had it. That row's line is firstLine's for its nomor: a nomor enters
  // firstLine once, on the row that then enters here, so no object per row has to be kept for it.
  const fileNik = new Map<string, string>();
  // A roster imported into an empty exam (the usual first import) has nobody to compare with.
  const stored0 = existing.size > 0;
  let unchanged = 0;

  for (const row of table.rows) {
    const { candidate, problems } = validateRow(row.values, formations, reading);
    if (!candidate) {
      for (const p of problems) reject(rejected, row, p.column, p.reason);
      continue;
    }
    const nomor = candidate.nomorPeserta;
    const dupLine = firstLine.get(nomor);
    if (dupLine !== undefined) {
      reject(rejected, row, 'nomor_peserta', `duplicate nomor_peserta ${nomor} (also on line ${dupLine})`);
      continue;
    }
    const other = clashOf(nomor);
    if (other !== undefined) {
      const line = firstLine.get(other);
      reject(rejected, row, 'nomor_peserta', `${caseClash(nomor, other)} (${line === undefined ? 'on this workstation' : `line ${line}`})`);
      continue;
    }
    firstLine.set(nomor, row.line);
    const nikNomor = fileNik.get(candidate.nik);
    if (nikNomor !== undefined && nikNomor !== nomor) {
      reject(rejected, row, 'nik', `this NIK is also on line ${firstLine.get(nikNomor)} (nomor ${nikNomor})`);
      continue;
    }
    fileNik.set(candidate.nik, nomor);
    if (!stored0) {
      sink.insert(candidate);
      continue;
    }
    const owner = nikOwner.get(candidate.nik);
    if (owner && owner !== nomor) {
      reject(rejected, row, 'nik', `this NIK is already registered under nomor_peserta ${owner}`);
      continue;
    }
    const stored = existing.get(nomor);
    if (!stored) {
      sink.insert(candidate);
      continue;
    }
    if (stored.nik !== candidate.nik) {
      reject(
        rejected,
        row,
        'nik',
        roundedBySpreadsheet(stored.nik, candidate.nik)
          ? `this NIK is the NIK registered for ${nomor} rounded to 15 digits by a spreadsheet that held NIKs as numbers: format the column as Text and re-enter the NIKs`
          : `the NIK differs from the one registered for ${nomor} (${maskNik(stored.nik)}): another person under the same nomor_peserta, or a mistyped NIK`,
      );
      continue;
    }
    const changed = FIELDS.filter(([i, s]) => String(candidate[i]) !== String(stored[s])).map(([, s]) => (s === 'ipk_x100' ? 'ipk' : s));
    if (changed.length === 0) {
      unchanged++;
      continue;
    }
    if (ctx.hasResults(nomor)) {
      reject(rejected, row, changed[0]!, `candidate ${nomor} already has scores: their data can no longer be changed by import (${changed.join(', ')} differ)`);
      continue;
    }
    sink.update({ nomorPeserta: nomor, line: row.line, changed, before: auditView(stored), after: auditView(candidate), candidate });
  }
  return { unchanged, rejected, dates };
}

function* dateCells(rows: readonly SourceRow[]): Generator<{ line: number; date: SourceRow['values'][string]; nik: SourceRow['values'][string] }> {
  for (const row of rows) yield { line: row.line, date: row.values.tanggal_lahir, nik: row.values.nik };
}

/** Below this many NIKs a file whose NIKs all end in 0 may be chance (1 in 10^10 at ten). */
const ROUNDED_FILE_MIN = 10;

/**
 * A spreadsheet that held NIKs as numbers wrote each with 15 significant digits, its 16th a 0. One such NIK looks
 * like any other; a file where every one of at least ten NIKs ends in 0 was rounded, and is refused as a whole.
 */
function refuseRoundedNiks(table: SourceTable): void {
  let niks = 0;
  for (const row of table.rows) {
    const v = row.values.nik;
    const nik = typeof v === 'string' ? v.trim() : undefined;
    if (nik === undefined || !/^\d{16}$/.test(nik)) continue;
    if (!nik.endsWith('0')) return;
    niks++;
  }
  if (niks < ROUNDED_FILE_MIN) return;
  throw new LenteraError(
    'ROSTER_NIK_ROUNDED',
    `${table.file}, column nik: every NIK in the file (${niks}) ends in 0. A spreadsheet held the NIKs as numbers and kept only 15 digits, so their last digits are lost. Nothing was imported; format the NIK column as Text in the original file, re-enter the NIKs, and save again.`,
    { file: table.file, count: niks, problems: [{ line: table.rows[0]!.line, column: 'nik', reason: 'NIKs rounded to 15 digits by a spreadsheet' }] },
  );
}

export function describeRejected(file: string, rejected: Rejected[], limit = 10): string {
  const head = rejected.slice(0, limit).map((r) => `${file}, line ${r.line}, column ${r.column}: ${r.reason}`);
  return head.join('\n') + (rejected.length > limit ? `\n... and ${rejected.length - limit} more` : '');
}
