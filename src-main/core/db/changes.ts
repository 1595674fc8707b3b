import type { Db } from './open';
import { sql } from './statements';

/**
 * Where an exam's scoring data stands (migration 15), for what is derived from it and kept between answers (a
 * ranking, the list of scores): the count of changes to the tables that change in place, and the last rowid of each
 * table only ever appended to. Equal states: nothing either derivation reads changed in between.
 */
export interface ChangesState {
  generation: number;
  score: number;
  attendance: number;
  finalizations: number;
  signoffs: number;
  submissions: number;
}

/**
 * The tables only ever appended to (their own triggers refuse the rest): read by rowid, so a score typed costs not
 * one page more. Every other table read moves ranking_generation and notes the candidate, or '' for the whole exam,
 * in ranking_changes (migration 15's triggers).
 */
export const APPENDED_INPUTS = ['score_entries', 'attendance_events', 'finalizations', 'signoffs', 'panel_submissions'] as const;

export function changesState(db: Db): ChangesState {
  return sql(
    db,
    `SELECT (SELECT n FROM ranking_generation) AS generation,
            coalesce((SELECT max(rowid) FROM score_entries), 0) AS score,
            coalesce((SELECT max(rowid) FROM attendance_events), 0) AS attendance,
            coalesce((SELECT max(rowid) FROM finalizations), 0) AS finalizations,
            coalesce((SELECT max(rowid) FROM signoffs), 0) AS signoffs,
            coalesce((SELECT max(rowid) FROM panel_submissions), 0) AS submissions`,
  ).get() as ChangesState;
}

export function sameChanges(a: ChangesState, b: ChangesState): boolean {
  return (
    a.generation === b.generation &&
    a.score === b.score &&
    a.attendance === b.attendance &&
    a.finalizations === b.finalizations &&
    a.signoffs === b.signoffs &&
    a.submissions === b.submissions
  );
}

/**
 * The candidates of an exam with anything changed since `since`: those noted in ranking_changes and those with rows
 * appended since (scores, finalizations, sign-offs, submissions, and attendance unless `attendance: false`: what a
 * check-in changes matters to a ranking, not to a list of scores, and a morning at the door appends thousands), in no
 * order; null when the exam itself changed (a formation, a stage, a session or its panel, an account), which only a
 * whole read again answers.
 */
export function changedSince(db: Db, examId: string, since: ChangesState, opts: { attendance?: boolean } = {}): string[] | null {
  const noted = sql(db, 'SELECT nomor_peserta FROM ranking_changes WHERE exam_id = ? AND generation > ?').pluck().all(examId, since.generation) as string[];
  if (noted.includes('')) return null;
  const attendance = opts.attendance ?? true;
  const appended = sql(
    db,
    // The unary + keeps SQLite off the exam_id indexes: the rows appended since (by rowid) are few, the exam's many.
    // With the index, the score entries' branch walked all of the exam's: 60 ms at 100,000, at every change.
    `SELECT nomor_peserta FROM score_entries WHERE rowid > @score AND +exam_id = @exam${
      attendance ? '\n     UNION SELECT a.nomor_peserta FROM attendance_events a JOIN sessions s ON s.id = a.session_id WHERE a.rowid > @attendance AND +s.exam_id = @exam' : ''
    }
     UNION SELECT f.nomor_peserta FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE f.rowid > @finalizations AND +s.exam_id = @exam
     UNION SELECT f.nomor_peserta FROM signoffs so JOIN finalizations f ON f.id = so.finalization_id JOIN sessions s ON s.id = f.session_id WHERE so.rowid > @signoffs AND +s.exam_id = @exam
     UNION SELECT p.nomor_peserta FROM panel_submissions p JOIN sessions s ON s.id = p.session_id WHERE p.rowid > @submissions AND +s.exam_id = @exam`,
  )
    .pluck()
    .all({
      exam: examId,
      score: since.score,
      ...(attendance ? { attendance: since.attendance } : {}),
      finalizations: since.finalizations,
      signoffs: since.signoffs,
      submissions: since.submissions,
    }) as string[];
  return [...new Set([...noted, ...appended])];
}
