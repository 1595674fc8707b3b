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

export function listCandidates(db: Db, examId: string, filter: CandidateFilter): { total: number; rows: CandidateListRow[] } {
  const where = ['c.exam_id = @exam'];
  const params: Record<string, string | number> = { exam: examId, offset: filter.offset, limit: filter.limit };
  if (filter.search) {
    where.push("(c.nomor_peserta LIKE @like ESCAPE '\\' OR c.nama LIKE @like ESCAPE '\\')");
    params.like = `%${filter.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  }
  if (filter.formation) {
    where.push('c.kode_formasi = @formation');
    params.formation = filter.formation;
  }
  // Attendance: the latest fact in any session of the exam (or the one session asked for).
  const latest = `(SELECT a.kind FROM attendance_events a JOIN sessions s ON s.id = a.session_id
                     WHERE s.exam_id = c.exam_id AND a.nomor_peserta = c.nomor_peserta ${filter.session ? 'AND s.code = @session' : ''}
                     ORDER BY a.at DESC, a.seq DESC LIMIT 1)`;
  if (filter.session) params.session = filter.session;
  if (filter.attendance === 'present') where.push(`${latest} = 'present'`);
  if (filter.attendance === 'absent') where.push(`${latest} = 'absent'`);
  if (filter.attendance === 'pending') where.push(`COALESCE(${latest}, 'undo') = 'undo'`);
  const clause = where.join(' AND ');
  // Few distinct texts (the filters switch clauses on and off; values are parameters), so caching them is cheap.
  const total = sql(db, `SELECT COUNT(*) FROM candidates c WHERE ${clause}`).pluck().get(params) as number;
  const rows = sql(
    db,
    `SELECT c.nomor_peserta AS nomorPeserta, c.nik, c.nama, c.tanggal_lahir AS tanggalLahir, c.jenis_kelamin AS jenisKelamin,
            c.pendidikan, c.ipk_x100 AS ipk, c.kode_formasi AS kodeFormasi, c.kategori, ${latest} AS attendance
       FROM candidates c WHERE ${clause} ORDER BY c.nomor_peserta LIMIT @limit OFFSET @offset`,
  ).all(params) as CandidateListRow[];
  return { total, rows };
}

/** Number → name of every candidate of an exam (the workstation's own screens show names beside numbers). */
export function candidateNames(db: Db, examId: string): Map<string, string> {
  const rows = sql(db, 'SELECT nomor_peserta, nama FROM candidates WHERE exam_id = ?').all(examId) as { nomor_peserta: string; nama: string }[];
  return new Map(rows.map((c) => [c.nomor_peserta, c.nama]));
}
