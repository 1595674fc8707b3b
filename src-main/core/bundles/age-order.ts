import type { Db } from '../db/open';
import { insertRows, sql, valuesInsert } from '../db/statements';
import { canonicalJson } from '../audit/chain';
import type { ExamPackage } from '../exams/package-schema';
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

/** Names the registered package of an exam, for the keys that name a merged view (merge.ts mergedStateKey). */
export function agePackageKey(db: Db, examCode: string): string {
  return (sql(db, 'SELECT sha256 FROM hub_packages WHERE exam_code = ?').pluck().get(examCode) as string | undefined) ?? '';
}

const insertAgeOrders = valuesInsert('INSERT INTO hub_age_orders (exam_code, nomor_peserta, age_order, birth_year)', '(?, ?, ?, ?)');

export interface AgeOrderRegistered {
  exam: string;
  sha256: string;
  candidates: number;
  /** the package that was registered before for this exam, if another */
  replaced: string | null;
  unchanged: boolean;
}

/**
 * Keeps the order of birth dates of an exam's package at the hub: each candidate's place, not the date, and the
 * package's sha256 (a venue can compare it with its own). Refused, changing nothing: a package without its
 * candidates, or one that contradicts what the merged bundles say of a candidate (another birth year: another
 * package, or another exam's).
 */
export function registerAgeOrder(db: Db, pkg: ExamPackage, at: string, actor: string): AgeOrderRegistered {
  const exam = pkg.exam.code;
  const sha256 = sha256Hex(canonicalJson(pkg));
  if (pkg.roster.length === 0) {
    throw new LenteraError('INVALID_PACKAGE', `The package of ${exam} lists no candidates (its roster is empty): the hub takes the order of birth dates from it, so give the package with its roster.`, { exam });
  }
  const seen = new Set<string>();
  for (const [i, r] of pkg.roster.entries()) {
    const n = r.nomor_peserta.trim();
    if (seen.has(n)) throw new LenteraError('INVALID_PACKAGE', `roster[${i}]: candidate ${n} is listed twice in the package.`, { exam, nomor: n, path: `roster[${i}]` });
    seen.add(n);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.tanggal_lahir.trim())) {
      throw new LenteraError('INVALID_PACKAGE', `roster[${i}].tanggal_lahir: candidate ${n}'s birth date "${r.tanggal_lahir}" is not a date YYYY-MM-DD.`, { exam, nomor: n, path: `roster[${i}].tanggal_lahir` });
    }
  }
  const merged = sql(db, "SELECT key, body FROM merged_items WHERE exam_code = ? AND kind = 'candidate'").all(exam) as { key: string; body: string }[];
  if (merged.length) {
    const born = new Map(pkg.roster.map((r) => [r.nomor_peserta.trim(), r.tanggal_lahir.trim().slice(0, 4)]));
    for (const m of merged) {
      const year = (JSON.parse(m.body) as { tahun_lahir?: unknown }).tahun_lahir;
      const theirs = born.get(m.key);
      if (theirs !== undefined && typeof year === 'string' && year !== theirs) {
        throw new LenteraError('PACKAGE_MISMATCH', `The package is not the one the venues ranked ${exam} with: candidate ${m.key} was born in ${theirs} by the package, in ${year} by the merged bundles.`, { exam, nomor: m.key });
      }
    }
  }
  const before = sql(db, 'SELECT sha256 FROM hub_packages WHERE exam_code = ?').pluck().get(exam) as string | undefined;
  if (before === sha256) return { exam, sha256, candidates: pkg.roster.length, replaced: null, unchanged: true };
  const keys = ageOrderKeys(pkg.roster.map((r) => r.tanggal_lahir.trim()));
  sql(db, 'DELETE FROM hub_age_orders WHERE exam_code = ?').run(exam);
  insertRows(db, insertAgeOrders, 4, pkg.roster.length, (args, at, i) => {
    const r = pkg.roster[i]!;
    args[at] = exam;
    args[at + 1] = r.nomor_peserta.trim();
    args[at + 2] = keys.get(r.tanggal_lahir.trim())!;
    args[at + 3] = r.tanggal_lahir.trim().slice(0, 4);
  });
  sql(db, 'DELETE FROM hub_packages WHERE exam_code = ?').run(exam);
  sql(db, 'INSERT INTO hub_packages (exam_code, sha256, candidates, registered_at, actor) VALUES (?, ?, ?, ?, ?)').run(exam, sha256, pkg.roster.length, at, actor);
  return { exam, sha256, candidates: pkg.roster.length, replaced: before ?? null, unchanged: false };
}
