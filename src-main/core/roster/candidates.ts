import type { Db } from '../db/open';
import { insertRows, sql, valuesInsert } from '../db/statements';
import type { CandidateInput } from './row';

const candidatesInsert = valuesInsert(
  'INSERT INTO candidates (exam_id, nomor_peserta, nik, nama, tanggal_lahir, jenis_kelamin, pendidikan, ipk_x100, kode_formasi, kategori, created_at, updated_at, workstation_id)',
  '(@exam, ?, ?, ?, ?, ?, ?, ?, ?, ?, @at, @at, @workstation)',
);

/**
 * New candidates, in their order, many per statement (insertRows: 9 values a row, 1,152 a statement, far under
 * SQLite's limit): a 100,000-row roster spent a fifth of its transaction in the per-row call into better-sqlite3.
 * The one place that inserts candidates (core/exams insertCandidate is this for one).
 */
export function insertCandidates(db: Db, examId: string, candidates: readonly CandidateInput[], at: string, workstationId: string): void {
  insertRows(
    db,
    candidatesInsert,
    9,
    candidates.length,
    (args, i, row) => {
      const c = candidates[row]!;
      args[i] = c.nomorPeserta;
      args[i + 1] = c.nik;
      args[i + 2] = c.nama;
      args[i + 3] = c.tanggalLahir;
      args[i + 4] = c.jenisKelamin;
      args[i + 5] = c.pendidikan;
      args[i + 6] = c.ipk;
      args[i + 7] = c.kodeFormasi;
      args[i + 8] = c.kategori;
    },
    { exam: examId, at, workstation: workstationId },
  );
}

/** The candidates of an exam as the roster screen reads them: searched, filtered, a page at a time. */

export interface CandidateFilter {
  /** part of the number or the name */
  search?: string | undefined;
  formation?: string | undefined;
  /** attendance counted in this session only (otherwise in any session of the exam) */
  session?: string | undefined;
  attendance?: 'present' | 'absent' | 'pending' | undefined;
  offset: number;
  limit: number;
}

/** A candidate as imported (NIK in full: whoever shows it masks it for those who may not see it). */
export interface CandidateListRow extends CandidateInput {
  /** the latest attendance fact, or null when there is none */
  attendance: 'present' | 'absent' | 'undo' | null;
}

/** A search this long or longer (in characters) is looked up in the trigram index; a shorter one has no trigram. */
export const TRIGRAM_MIN = 3;

// A NUL (which would end the text of an FTS5 query, and ends LIKE's pattern) or a lone surrogate (no character at
// all): such a search is answered by LIKE alone, as it always was.
const NOT_FOR_FTS = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The FTS5 query that finds exactly the rows whose number or name LIKE '%search%' finds: the search as LIKE compares
 * it (ASCII letters in lower case, as the index's view holds the text; migration 14), as one phrase, quoted with any
 * `"` doubled, so nothing in it is FTS5 syntax. Null when the index cannot answer (shorter than TRIGRAM_MIN, or see
 * NOT_FOR_FTS).
 */
export function trigramPhrase(search: string): string | null {
  if (NOT_FOR_FTS.test(search)) return null;
  let chars = 0;
  for (const _ of search) if (++chars >= TRIGRAM_MIN) return `"${search.replace(/[A-Z]+/g, (m) => m.toLowerCase()).replaceAll('"', '""')}"`;
  return null;
}

/**
 * A page is read in the order of numbers (walking the exam's candidates, asking the index or the attendance of each)
 * once the rows found are at least this many times the rows the page needs (offset + limit): the walk then stops
 * soon. Fewer, they are read one by one from where they were found, and sorted.
 */
const WALK_WHEN_FOUND = 8;

/**
 * One page of an exam's candidates, and how many there are in all, searched and filtered:
 * - search: a substring of the number or the name, ASCII letters in either case (SQLite's LIKE, the definition).
 *   From TRIGRAM_MIN characters on it is looked up in the trigram index (candidates_search), which finds those rows
 *   and only those, so neither the count nor the page reads the whole exam; a shorter one scans with LIKE.
 * - attendance: the fact recorded last in any session of the exam (attendance_latest), or in the one session asked
 *   for (attendance_session_latest: its greatest `seq`, as the door reads it), whatever the clock said (migration
 *   25); both kept by a trigger on attendance_events. No fact, or an undo, is pending.
 * Ordered by number. The count is read first, from what is most selective (the index, or the attendance of one kind);
 * the page then either walks the exam in number order or sorts what was found, whichever reads fewer rows.
 */
export function listCandidates(db: Db, examId: string, filter: CandidateFilter): { total: number; rows: CandidateListRow[] } {
  const params: Record<string, string | number | null> = { exam: examId, offset: filter.offset, limit: filter.limit };
  const phrase = filter.search ? trigramPhrase(filter.search) : null;
  if (phrase) params.phrase = phrase;
  const like = Boolean(filter.search) && !phrase;
  if (like) params.like = likePattern(filter.search!);
  if (filter.formation) params.formation = filter.formation;
  // Conditions on the candidate row itself. In a walk in number order the formation is checked on each row (unary +),
  // never used to pick the formation's index, which would lose the order.
  const onRow = (walking: boolean) =>
    (like ? " AND (c.nomor_peserta LIKE @like ESCAPE '\\' OR c.nama LIKE @like ESCAPE '\\')" : '') +
    (filter.formation ? ` AND ${walking ? '+' : ''}c.kode_formasi = @formation` : '');

  // The latest attendance: in any session of the exam, or in the one session asked for (none when no session of the
  // exam has that code: everyone is pending there, as before).
  let latest = 'attendance_latest l';
  let latestKey = 'l.exam_id = @exam';
  if (filter.session) {
    latest = 'attendance_session_latest l';
    latestKey = 'l.session_id = @session';
    params.session = (sql(db, 'SELECT id FROM sessions WHERE exam_id = ? AND code = ?').pluck().get(examId, filter.session) as string | undefined) ?? null;
  }
  const ofKind = filter.attendance === 'present' || filter.attendance === 'absent' ? filter.attendance : null;
  if (ofKind) params.kind = ofKind;
  // Joined for the filter, and for the page's column.
  const joinLatest = (withColumn: boolean) =>
    ofKind
      ? `CROSS JOIN ${latest} ON ${latestKey} AND l.nomor_peserta = c.nomor_peserta AND l.kind = @kind`
      : filter.attendance === 'pending' || withColumn
        ? `LEFT JOIN ${latest} ON ${latestKey} AND l.nomor_peserta = c.nomor_peserta`
        : '';
  const pending = filter.attendance === 'pending' ? " AND COALESCE(l.kind, 'undo') = 'undo'" : '';
  const indexed = 'candidates_search MATCH @phrase';

  // The rows found, read from their most selective source, the order written kept (CROSS JOIN; the planner would
  // rather walk the exam in number order, which reads every candidate when few match): null when there is none.
  const found = (columns: string, withColumn: boolean, order: string) => {
    if (phrase) {
      return `SELECT ${columns} FROM candidates_search s CROSS JOIN candidates c ON c.rowid = s.rowid ${joinLatest(withColumn)}
               WHERE ${indexed} AND c.exam_id = @exam${onRow(false)}${pending} ${order}`;
    }
    if (ofKind) {
      return `SELECT ${columns} FROM ${latest} CROSS JOIN candidates c ON c.exam_id = @exam AND c.nomor_peserta = l.nomor_peserta
               WHERE ${latestKey} AND l.kind = @kind${onRow(false)} ${order}`;
    }
    if (filter.formation) {
      return `SELECT ${columns} FROM candidates c ${joinLatest(withColumn)} WHERE c.exam_id = @exam${onRow(false)}${pending} ${order}`;
    }
    return null;
  };
  // The exam walked in number order, each row asked about (the index through the list of its rowids, made once).
  const walk = (columns: string, withColumn: boolean, order: string) => {
    const searched = phrase ? ` AND c.rowid IN (SELECT rowid FROM candidates_search WHERE ${indexed})` : '';
    return `SELECT ${columns} FROM candidates c ${joinLatest(withColumn)} WHERE c.exam_id = @exam${searched}${onRow(true)}${pending} ${order}`;
  };

  // Few distinct texts (the filters switch clauses on and off; values are parameters), so caching them is cheap.
  let total: number;
  if (phrase && !filter.attendance && !filter.formation && aloneWithCandidates(db, examId)) {
    // The index's own count: every row it holds is this exam's.
    total = sql(db, `SELECT COUNT(*) FROM candidates_search WHERE ${indexed}`).pluck().get(params) as number;
  } else {
    total = sql(db, found('COUNT(*)', false, '') ?? walk('COUNT(*)', false, '')).pluck().get(params) as number;
  }
  if (total === 0 || filter.offset >= total) return { total, rows: [] };

  const columns = `c.nomor_peserta AS nomorPeserta, c.nik, c.nama, c.tanggal_lahir AS tanggalLahir, c.jenis_kelamin AS jenisKelamin,
            c.pendidikan, c.ipk_x100 AS ipk, c.kode_formasi AS kodeFormasi, c.kategori, l.kind AS attendance`;
  const order = 'ORDER BY c.nomor_peserta LIMIT @limit OFFSET @offset';
  const few = total < WALK_WHEN_FOUND * (filter.offset + filter.limit);
  const rows = sql(db, (few ? found(columns, true, order) : null) ?? walk(columns, true, order)).all(params) as CandidateListRow[];
  return { total, rows };
}

/** LIKE's pattern for text holding `search` anywhere (its own wildcards escaped, with ESCAPE '\\'). */
function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/**
 * The numbers of an exam's candidates whose number or name holds `search`, as `listCandidates` finds them (the trigram
 * index from TRIGRAM_MIN characters, LIKE below), in no order.
 */
export function searchedNumbers(db: Db, examId: string, search: string): string[] {
  const phrase = trigramPhrase(search);
  if (phrase) {
    return sql(db, 'SELECT c.nomor_peserta FROM candidates_search s CROSS JOIN candidates c ON c.rowid = s.rowid WHERE candidates_search MATCH ? AND c.exam_id = ?')
      .pluck()
      .all(phrase, examId) as string[];
  }
  const like = likePattern(search);
  return sql(db, "SELECT nomor_peserta FROM candidates WHERE exam_id = ? AND (nomor_peserta LIKE ? ESCAPE '\\' OR nama LIKE ? ESCAPE '\\')")
    .pluck()
    .all(examId, like, like) as string[];
}

/** Whether no other exam has candidates on this workstation (two probes of the primary key). */
function aloneWithCandidates(db: Db, examId: string): boolean {
  return (
    sql(db, 'SELECT EXISTS (SELECT 1 FROM candidates WHERE exam_id < @exam) OR EXISTS (SELECT 1 FROM candidates WHERE exam_id > @exam)').pluck().get({ exam: examId }) === 0
  );
}

/** Number → name of every candidate of an exam (the workstation's own screens show names beside numbers). */
export function candidateNames(db: Db, examId: string): Map<string, string> {
  const rows = sql(db, 'SELECT nomor_peserta, nama FROM candidates WHERE exam_id = ?').all(examId) as { nomor_peserta: string; nama: string }[];
  return new Map(rows.map((c) => [c.nomor_peserta, c.nama]));
}
