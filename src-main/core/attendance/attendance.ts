import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { maskNik } from '../roster/fields';

export interface SessionRow {
  id: string;
  exam_id: string;
  code: string;
  stage_code: string;
  venue_code: string;
  room: string;
  starts_at: string;
  closed_at: string | null;
  closed_by: string | null;
}

export type AttendanceState = 'present' | 'absent' | 'pending';

export function requireSession(db: Db, examId: string, code: string): SessionRow {
  const s = sql(db, 'SELECT * FROM sessions WHERE exam_id = ? AND code = ?').get(examId, code) as SessionRow | undefined;
  if (!s) throw new LenteraError('NOT_FOUND', `No session "${code}" in this exam.`, { session: code });
  return s;
}

function currentState(db: Db, sessionId: string, nomor: string): { state: AttendanceState; at: string | null; actor: string | null } {
  const last = sql(db, 'SELECT kind, at, actor FROM attendance_events WHERE session_id = ? AND nomor_peserta = ? ORDER BY seq DESC LIMIT 1').get(sessionId, nomor) as
    | { kind: 'present' | 'absent' | 'undo'; at: string; actor: string }
    | undefined;
  if (!last || last.kind === 'undo') return { state: 'pending', at: null, actor: null };
  return { state: last.kind, at: last.at, actor: last.actor };
}

function appendAttendance(db: Db, sessionId: string, nomor: string, kind: 'present' | 'absent' | 'undo', at: string, actor: string, reason: string | null): void {
  const seq = ((sql(db, 'SELECT MAX(seq) FROM attendance_events WHERE session_id = ?').pluck().get(sessionId) as number | null) ?? 0) + 1;
  sql(db, 'INSERT INTO attendance_events (id, session_id, nomor_peserta, kind, at, actor, reason, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    newId(), sessionId, nomor, kind, at, actor, reason, seq,
  );
}

function candidateCard(db: Db, examId: string, nomor: string) {
  return sql(
    db,
    `SELECT c.nomor_peserta AS nomorPeserta, c.nama, c.nik, c.kode_formasi AS kodeFormasi, f.position AS jabatan
       FROM candidates c JOIN formations f ON f.exam_id = c.exam_id AND f.code = c.kode_formasi
      WHERE c.exam_id = ? AND c.nomor_peserta = ?`,
  ).get(examId, nomor) as { nomorPeserta: string; nama: string; nik: string; kodeFormasi: string; jabatan: string } | undefined;
}

/** A scanner types the digits and Enter; people type them. Both arrive here. */
export function checkIn(db: Db, examId: string, sessionCode: string, rawNomor: string, at: string, actor: string) {
  const session = requireSession(db, examId, sessionCode);
  const nomor = rawNomor.trim();
  if (session.closed_at) throw new LenteraError('SESSION_CLOSED', `Session ${session.code} is closed; check-in is over.`, { session: session.code });
  const card = candidateCard(db, examId, nomor);
  if (!card) throw new LenteraError('UNKNOWN_CANDIDATE', `No candidate with number ${nomor} in this exam.`, { nomorPeserta: nomor });
  const listed = sql(db, 'SELECT 1 FROM session_candidates WHERE session_id = ? AND nomor_peserta = ?').get(session.id, nomor);
  if (!listed) {
    const elsewhere = sql(
      db,
      'SELECT s.code, s.room, s.starts_at AS startsAt FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ? AND sc.nomor_peserta = ? ORDER BY s.starts_at',
    ).all(examId, nomor) as { code: string; room: string; startsAt: string }[];
    throw new LenteraError(
      'WRONG_SESSION',
      `${card.nama} (${nomor}) is not registered for session ${session.code}${elsewhere.length ? `; their session: ${elsewhere.map((e) => `${e.code} (${e.room})`).join(', ')}` : ''}.`,
      { nomorPeserta: nomor, nama: card.nama, sessions: elsewhere },
    );
  }
  const state = currentState(db, session.id, nomor);
  if (state.state === 'present') {
    throw new LenteraError('ALREADY_CHECKED_IN', `${card.nama} (${nomor}) already checked in at ${state.at} by ${state.actor}.`, {
      nomorPeserta: nomor,
      nama: card.nama,
      at: state.at,
      by: state.actor,
    });
  }
  appendAttendance(db, session.id, nomor, 'present', at, actor, null);
  return { nomorPeserta: nomor, nama: card.nama, kodeFormasi: card.kodeFormasi, jabatan: card.jabatan, nikMasked: maskNik(card.nik), at, by: actor };
}

export function undoCheckIn(db: Db, examId: string, sessionCode: string, nomor: string, reason: string, at: string, actor: string) {
  const session = requireSession(db, examId, sessionCode);
  if (session.closed_at) throw new LenteraError('SESSION_CLOSED', `Session ${session.code} is closed; its attendance can no longer be undone.`, { session: session.code });
  const state = currentState(db, session.id, nomor.trim());
  if (state.state !== 'present') throw new LenteraError('NOT_CHECKED_IN', `${nomor} has not checked in to session ${session.code}.`, { nomorPeserta: nomor });
  appendAttendance(db, session.id, nomor.trim(), 'undo', at, actor, reason);
  return { nomorPeserta: nomor.trim(), undone: true };
}

/** Closing marks everyone who did not check in as absent (TH). Nobody can check in afterwards. */
export function closeSession(db: Db, examId: string, sessionCode: string, at: string, actor: string) {
  const session = requireSession(db, examId, sessionCode);
  if (session.closed_at) throw new LenteraError('SESSION_CLOSED', `Session ${session.code} was already closed at ${session.closed_at}.`, { session: session.code });
  const listed = sql(db, 'SELECT nomor_peserta FROM session_candidates WHERE session_id = ? ORDER BY nomor_peserta').pluck().all(session.id) as string[];
  let present = 0;
  const absent: string[] = [];
  for (const nomor of listed) {
    if (currentState(db, session.id, nomor).state === 'present') present++;
    else {
      appendAttendance(db, session.id, nomor, 'absent', at, actor, null);
      absent.push(nomor);
    }
  }
  sql(db, 'UPDATE sessions SET closed_at = ?, closed_by = ? WHERE id = ?').run(at, actor, session.id);
  return { session: session.code, present, absent: absent.length, absentNumbers: absent };
}

export interface AttendanceLine {
  nomorPeserta: string;
  nama: string;
  kodeFormasi: string;
  nik: string;
  state: AttendanceState;
  at: string | null;
  by: string | null;
}

/** The daftar hadir: every listed candidate with their current state (or only `onlyNomor`, when listed). */
export function sessionAttendance(db: Db, examId: string, sessionCode: string, onlyNomor?: string) {
  const session = requireSession(db, examId, sessionCode);
  const rows = sql(
    db,
    `SELECT c.nomor_peserta AS nomorPeserta, c.nama, c.kode_formasi AS kodeFormasi, c.nik,
            ${LAST_KIND} AS kind,
            (SELECT at FROM attendance_events a WHERE a.session_id = sc.session_id AND a.nomor_peserta = sc.nomor_peserta ORDER BY seq DESC LIMIT 1) AS at,
            (SELECT actor FROM attendance_events a WHERE a.session_id = sc.session_id AND a.nomor_peserta = sc.nomor_peserta ORDER BY seq DESC LIMIT 1) AS actor
       FROM session_candidates sc JOIN candidates c ON c.exam_id = ? AND c.nomor_peserta = sc.nomor_peserta
      WHERE sc.session_id = ?${onlyNomor === undefined ? '' : ' AND sc.nomor_peserta = ?'} ORDER BY sc.nomor_peserta`,
  ).all(examId, session.id, ...(onlyNomor === undefined ? [] : [onlyNomor])) as { nomorPeserta: string; nama: string; kodeFormasi: string; nik: string; kind: string | null; at: string | null; actor: string | null }[];
  const lines: AttendanceLine[] = rows.map((r) => ({
    nomorPeserta: r.nomorPeserta,
    nama: r.nama,
    kodeFormasi: r.kodeFormasi,
    nik: r.nik,
    state: r.kind === 'present' ? 'present' : r.kind === 'absent' ? 'absent' : 'pending',
    at: r.kind === 'undo' ? null : r.at,
    by: r.kind === 'undo' ? null : r.actor,
  }));
  return { session, lines };
}

export function attendanceState(db: Db, sessionId: string, nomor: string): AttendanceState {
  return currentState(db, sessionId, nomor).state;
}

/**
 * The kind of the last attendance event, by seq, of a listed candidate (the `session_candidates` row aliased `sc`) in
 * their session: what attendanceState reads, as an SQL expression for reads that count or filter in one statement.
 */
export const LAST_KIND = '(SELECT kind FROM attendance_events a WHERE a.session_id = sc.session_id AND a.nomor_peserta = sc.nomor_peserta ORDER BY seq DESC LIMIT 1)';

/**
 * A session's counts by state, as the whole list counts them (present, absent, and pending for no event or an undo),
 * in one statement: a desk reads one line after each check-in at another desk with the session's counts beside it,
 * and the home page asks every open session how many wait (a query per candidate took 1.3 s at 100,000).
 */
export function sessionCounts(db: Db, sessionId: string): { listed: number; present: number; absent: number; pending: number } {
  const c = sql(db, `SELECT COUNT(*) AS listed, COUNT(*) FILTER (WHERE k = 'present') AS present, COUNT(*) FILTER (WHERE k = 'absent') AS absent
                       FROM (SELECT ${LAST_KIND} AS k FROM session_candidates sc WHERE sc.session_id = ?)`).get(sessionId) as { listed: number; present: number; absent: number };
  return { ...c, pending: c.listed - c.present - c.absent };
}

