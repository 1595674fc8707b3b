import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';

export function declareConflict(db: Db, examId: string, accountId: string, nomor: string, reason: string, at: string): { nomorPeserta: string; declared: boolean } {
  const exists = sql(db, 'SELECT 1 FROM candidates WHERE exam_id = ? AND nomor_peserta = ?').get(examId, nomor);
  if (!exists) throw new LenteraError('UNKNOWN_CANDIDATE', `No candidate with number ${nomor} in this exam.`, { nomorPeserta: nomor });
  const res = sql(db, 'INSERT OR IGNORE INTO conflicts (id, exam_id, account_id, nomor_peserta, reason, declared_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    newId(), examId, accountId, nomor, reason, at,
  );
  return { nomorPeserta: nomor, declared: res.changes === 1 };
}

export function hasConflict(db: Db, examId: string, accountId: string, nomor: string): boolean {
  return Boolean(sql(db, 'SELECT 1 FROM conflicts WHERE exam_id = ? AND account_id = ? AND nomor_peserta = ?').get(examId, accountId, nomor));
}

/** Scoring calls this before accepting any score: a recused examiner cannot score that candidate. */
export function assertNoConflict(db: Db, examId: string, accountId: string, nomor: string): void {
  if (hasConflict(db, examId, accountId, nomor)) {
    throw new LenteraError('CONFLICT_OF_INTEREST', `You declared a conflict of interest with candidate ${nomor}; you cannot score them.`, { nomorPeserta: nomor });
  }
}

export interface DeclaredConflict {
  nomorPeserta: string;
  reason: string;
  declaredAt: string;
  /** the account name of who declared it */
  examiner: string;
  examinerName: string;
}

export function listConflicts(db: Db, examId: string): DeclaredConflict[] {
  return sql(
    db,
    `SELECT k.nomor_peserta AS nomorPeserta, k.reason, k.declared_at AS declaredAt, a.name AS examiner, a.display_name AS examinerName
       FROM conflicts k JOIN accounts a ON a.id = k.account_id WHERE k.exam_id = ? ORDER BY k.declared_at`,
  ).all(examId) as DeclaredConflict[];
}
