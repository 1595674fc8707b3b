import type { Db } from '../db/open';
import { insertRows, sql, valuesInsert } from '../db/statements';
import { canonicalJson } from '../audit/chain';
import type { ExamPackage } from '../exams/package-schema';
import { DEFAULT_READING } from '../roster/date-order';
import { rosterRows } from '../roster/roster';
import { validateRow, type CandidateInput } from '../roster/row';
import type { SourceTable } from '../roster/table-file';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { ageOrderKeys } from './facts';

/**
 * The exam's order of birth dates, which the ranking's last tie-break ("the older candidate") reads. Bundles no
 * longer carry it: they are published whole, and the whole order with each candidate's birth year pins nearly every
 * birth date of a large exam (docs/security.md). The merge takes it, in this order, from:
 * - the package the selection committee registered at the hub (`lentera hub package`, `registerAgeOrder`);
 * - the workstation's own exam, whose candidates' birth dates it holds (a venue merging its other workstations);
 * - the bundles' own facts (`ageOrder`, in bundles made before it was taken out).
 * Null when none of the first two has the exam: the bundles' values, where there are any, are used.
 */
export function ageOrdersOf(db: Db, examCode: string): AgeOrders | null {
  // Streamed into the map, as pairs: at 100,000 candidates the rows read whole, as objects, were some 20 MB more
  // at the hub's peak, the ingest.
  const places = new Map<string, string>();
  for (const [n, o] of sql(db, 'SELECT nomor_peserta, age_order FROM hub_age_orders WHERE exam_code = ?').raw().iterate(examCode) as Iterable<[string, string]>) places.set(n, o);
  if (places.size) {
    const year = sql(db, 'SELECT birth_year FROM hub_age_orders WHERE exam_code = ? AND nomor_peserta = ?').pluck();
    return { places, yearOf: (n) => year.get(examCode, n) as string | undefined };
  }
  // A PostgreSQL store holds a hub only: no exam of its own.
  if ('url' in db) return null;
  const local = sql(db, 'SELECT c.nomor_peserta AS n, c.tanggal_lahir AS d FROM candidates c JOIN exams e ON e.id = c.exam_id WHERE e.code = ?').all(examCode) as { n: string; d: string }[];
  if (!local.length) return null;
  const keys = ageOrderKeys(local.map((r) => String(r.d)));
  const born = new Map(local.map((r) => [r.n, String(r.d)]));
  return { places: new Map(local.map((r) => [r.n, keys.get(String(r.d))!])), yearOf: (n) => born.get(n)?.slice(0, 4) };
}

export interface AgeOrders {
  /** each candidate's place in the exam's order of birth dates (facts.ts ageOrderKeys) */
  places: Map<string, string>;
  /**
   * The birth year the place stands for: a candidate whose bundles give another year is not ordered by it (it is
   * another package's). Asked only for the candidates a ranking compared on their birth order (merge.ts).
   */
  yearOf(nomor: string): string | undefined;
}

/** Names the registered package of an exam and its roster files, for the keys that name a merged view (merge.ts mergedStateKey). */
export function agePackageKey(db: Db, examCode: string): string {
  const row = sql(db, 'SELECT sha256, rosters FROM hub_packages WHERE exam_code = ?').get(examCode) as { sha256: string; rosters: string | null } | undefined;
  if (!row) return '';
  return row.rosters === null ? row.sha256 : `${row.sha256}+${sha256Hex(row.rosters)}`;
}

/**
 * A roster file given with the package (`lentera hub package --roster`): candidates the committee sent apart from
 * it, as a venue imports them (`lentera roster import`), each row already checked by that import's rules.
 */
export interface RosterFile {
  /** the file's name, as the site and the audit log name it */
  file: string;
  /** sha256 of the file's bytes */
  sha256: string;
  /** how many of its rows passed */
  rows: number;
  /** those new or changed since the package and the files before (the rest give the same date again) */
  candidates: readonly { nomorPeserta: string; tanggalLahir: string }[];
}

/**
 * Roster files sent with a package (`lentera hub package --roster`), each read by `lentera roster import`'s rules
 * against the package's year and formations and what a venue holds by then: the package's roster (read as a
 * package import reads it), then the files before. The first file with a row refused throws ROSTER_INVALID.
 */
export function packageRosterFiles(pkg: ExamPackage, tables: readonly SourceTable[]): RosterFile[] {
  const formations = new Set(pkg.formations.map((f) => f.code));
  const reading = { ...DEFAULT_READING, pivotYear: pkg.exam.year };
  const known = new Map<string, CandidateInput>();
  for (const row of pkg.roster) {
    const { candidate } = validateRow(row, formations, reading);
    if (candidate) known.set(candidate.nomorPeserta, candidate);
  }
  return tables.map((table) => {
    const read = rosterRows(table, { year: pkg.exam.year, formations, known: known.values() });
    for (const c of read.candidates) known.set(c.nomorPeserta, c);
    // The table's sha256 is that of the file's bytes, which a venue's roster import records too.
    return { file: table.file, sha256: table.sha256!, rows: read.rows, candidates: read.candidates.map((c) => ({ nomorPeserta: c.nomorPeserta, tanggalLahir: c.tanggalLahir })) };
  });
}

/** What the hub keeps and the rules page names of each roster file: not its rows. */
export interface RosterFileRecord {
  file: string;
  sha256: string;
  candidates: number;
}

const insertAgeOrders = valuesInsert('INSERT INTO hub_age_orders (exam_code, nomor_peserta, age_order, birth_year)', '(?, ?, ?, ?)');

export interface AgeOrderRegistered {
  exam: string;
  sha256: string;
  candidates: number;
  /** the package that was registered before for this exam, if another */
  replaced: string | null;
  unchanged: boolean;
  /** the roster files given with it */
  rosters: RosterFileRecord[];
}

/**
 * Keeps the order of birth dates of an exam's package, and of the roster files given with it, at the hub: each
 * candidate's place, not the date, and the sha256 of the package and of each file (a venue can compare them with
 * its own). Refused, changing nothing: no candidates in the package or the files, or a candidate whose birth year
 * contradicts what the merged bundles say of them (another package, another file, or another exam's).
 */
export function registerAgeOrder(db: Db, pkg: ExamPackage, at: string, actor: string, rosters: readonly RosterFile[] = []): AgeOrderRegistered {
  const exam = pkg.exam.code;
  const sha256 = sha256Hex(canonicalJson(pkg));
  const seen = new Set<string>();
  for (const [i, r] of pkg.roster.entries()) {
    const n = r.nomor_peserta.trim();
    if (seen.has(n)) throw new LenteraError('INVALID_PACKAGE', `roster[${i}]: candidate ${n} is listed twice in the package.`, { exam, nomor: n, path: `roster[${i}]` });
    seen.add(n);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.tanggal_lahir.trim())) {
      throw new LenteraError('INVALID_PACKAGE', `roster[${i}].tanggal_lahir: candidate ${n}'s birth date "${r.tanggal_lahir}" is not a date YYYY-MM-DD.`, { exam, nomor: n, path: `roster[${i}].tanggal_lahir` });
    }
  }
  // The package's roster, then each roster file in the order given: a candidate a later file lists again takes its
  // birth date from there, as a venue's roster import updates a candidate.
  const born = new Map<string, string>(pkg.roster.map((r) => [r.nomor_peserta.trim(), r.tanggal_lahir.trim()]));
  for (const f of rosters) for (const c of f.candidates) born.set(c.nomorPeserta, c.tanggalLahir);
  if (born.size === 0) {
    throw new LenteraError('INVALID_PACKAGE', `The package of ${exam} lists no candidates (its roster is empty) and no roster file was given: the hub takes the order of birth dates from them, so give the package with its roster, or the roster file (--roster).`, { exam });
  }
  const merged = sql(db, "SELECT key, body FROM merged_items WHERE exam_code = ? AND kind = 'candidate'").all(exam) as { key: string; body: string }[];
  for (const m of merged) {
    const year = (JSON.parse(m.body) as { tahun_lahir?: unknown }).tahun_lahir;
    const theirs = born.get(m.key)?.slice(0, 4);
    if (theirs !== undefined && typeof year === 'string' && year !== theirs) {
      const from = rosters.findLast((f) => f.candidates.some((c) => c.nomorPeserta === m.key))?.file ?? 'the package';
      throw new LenteraError('PACKAGE_MISMATCH', `The package is not the one the venues ranked ${exam} with: candidate ${m.key} was born in ${theirs} by ${from}, in ${year} by the merged bundles.`, { exam, nomor: m.key });
    }
  }
  const records: RosterFileRecord[] = rosters.map((f) => ({ file: f.file, sha256: f.sha256, candidates: f.rows }));
  const rostersJson = records.length ? JSON.stringify(records) : null;
  const before = sql(db, 'SELECT sha256, rosters FROM hub_packages WHERE exam_code = ?').get(exam) as { sha256: string; rosters: string | null } | undefined;
  if (before?.sha256 === sha256 && before.rosters === rostersJson) return { exam, sha256, candidates: born.size, replaced: null, unchanged: true, rosters: records };
  const dates = [...born];
  const keys = ageOrderKeys(dates.map(([, d]) => d));
  sql(db, 'DELETE FROM hub_age_orders WHERE exam_code = ?').run(exam);
  insertRows(db, insertAgeOrders, 4, dates.length, (args, at, i) => {
    const [nomor, date] = dates[i]!;
    args[at] = exam;
    args[at + 1] = nomor;
    args[at + 2] = keys.get(date)!;
    args[at + 3] = date.slice(0, 4);
  });
  sql(db, 'DELETE FROM hub_packages WHERE exam_code = ?').run(exam);
  sql(db, 'INSERT INTO hub_packages (exam_code, sha256, candidates, registered_at, actor, rosters) VALUES (?, ?, ?, ?, ?, ?)').run(exam, sha256, born.size, at, actor, rostersJson);
  return { exam, sha256, candidates: born.size, replaced: before && before.sha256 !== sha256 ? before.sha256 : null, unchanged: false, rosters: records };
}
