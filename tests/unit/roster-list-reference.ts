// roster.list's query as it was before issue 21 (LIKE over every row for a search, a correlated subquery per
// candidate for its latest attendance), kept as the reference that roster-list-fast.test.ts holds the indexed query
// to, and that the bench measures as "before". One change since: the latest fact is the one recorded last, as the
// door reads it (migration 25); the old query took the latest by time, which a clock put back made wrong.
import type { Db } from '../../src-main/core/db/open';
import { sql } from '../../src-main/core/db/statements';
import type { CandidateFilter, CandidateListRow } from '../../src-main/core/roster/candidates';

export function referenceListCandidates(db: Db, examId: string, filter: CandidateFilter): { total: number; rows: CandidateListRow[] } {
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
  // Attendance: the fact recorded last in any session of the exam (the append-only events' rowids), or in the one
  // session asked for (its seq, as the door reads it: attendance.ts LAST_KIND), whatever the clock said.
  const latest = `(SELECT a.kind FROM attendance_events a JOIN sessions s ON s.id = a.session_id
                     WHERE s.exam_id = c.exam_id AND a.nomor_peserta = c.nomor_peserta ${filter.session ? 'AND s.code = @session' : ''}
                     ORDER BY ${filter.session ? 'a.seq DESC' : 'a.rowid DESC'} LIMIT 1)`;
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
