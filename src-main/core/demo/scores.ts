import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { appendEvent } from '../audit/chain';
import { checkIn, closeSession } from '../attendance/attendance';
import { decideAmendment, requestAmendment } from '../scoring/amendments';
import { finalizeCandidate, loadPanel, recordNote, scoreCriterion, signOff, submit } from '../scoring/panel';
import { newId } from '../util/ids';
import type { ExamPackage } from '../exams/package-schema';
import { prng } from './generate';

/**
 * Scores for the demo venue, so a newcomer sees every state at once: SKD and SKB CAT results (confirmed) for
 * everyone who came, a few absent (TH), one interview session finalized and signed, one submitted and waiting,
 * one with drafts, and one approved amendment.
 */
export function seedDemoScores(db: Db, examId: string, pkg: ExamPackage, at: string, actor: string, workstationId: string, accounts: Map<string, string>): void {
  const rnd = prng(42);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const event = (command: string, payload: unknown) => appendEvent(db, { at, actor, command, outcome: 'ok', payload: { ...(payload as object), demo: true } });
  const interviewed = new Set(pkg.sessions.filter((s) => s.stage === 'SKB-WWC').flatMap((s) => s.candidates));

  const catStage = (stage: string, sessions: ExamPackage['sessions'], values: (nomor: string) => Record<string, number>) => {
    const importId = newId();
    let rows = 0;
    for (const s of sessions) {
      for (const n of s.candidates) {
        if (!interviewed.has(n) && rnd() < 0.03) continue; // a few did not come
        checkIn(db, examId, s.code, n, at, actor);
      }
      closeSession(db, examId, s.code, at, actor);
    }
    sql(db, 'INSERT INTO score_imports (id, exam_id, stage_code, file_name, sha256, rows, at, actor, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      importId, examId, stage, `demo-${stage.toLowerCase()}.csv`, '0'.repeat(64), 0, at, actor, workstationId,
    );
    const insert = sql(db, "INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, import_id, actor, at, workstation_id) VALUES (?, ?, ?, ?, ?, ?, 'cat', ?, ?, ?, ?)");
    const present = sql(
      db,
      `SELECT DISTINCT a.nomor_peserta FROM attendance_events a JOIN sessions s ON s.id = a.session_id
        WHERE s.exam_id = ? AND s.stage_code = ? AND a.kind = 'present'`,
    ).pluck().all(examId, stage) as string[];
    for (const n of present) {
      for (const [item, units] of Object.entries(values(n))) insert.run(newId(), examId, stage, n, item, units, importId, actor, at, workstationId);
      rows++;
    }
    event('scores.import', { stage, rows });
  };
  // SKD in steps: TWK and TIU in steps of 5, TKP in steps of 1. Interviewed candidates passed the passing grade.
  catStage('SKD', pkg.sessions.filter((s) => s.stage === 'SKD'), (n) =>
    interviewed.has(n) ? { twk: int(14, 26), tiu: int(17, 30), tkp: int(170, 215) } : { twk: int(8, 26), tiu: int(10, 30), tkp: int(140, 215) },
  );
  catStage('SKB-CAT', pkg.sessions.filter((s) => s.stage === 'SKB-CAT'), () => ({ nilai: int(45, 95) }));

  const interview = (code: string, mode: 'signed' | 'submitted' | 'draft') => {
    const session = pkg.sessions.find((s) => s.code === code)!;
    const panel = loadPanel(db, examId, code);
    for (const n of session.candidates) checkIn(db, examId, code, n, at, actor);
    const members = panel.members.filter((m) => m.accountId);
    for (const n of session.candidates) {
      for (const m of members) {
        for (const c of panel.criteria) scoreCriterion(db, panel, n, m.accountId!, c.code, int(3, 5), at, `user:${m.accountName}`, workstationId);
        if (mode !== 'draft') submit(db, panel, n, m.accountId!, at, workstationId);
        if (mode === 'draft') break; // only the first panelist has started
      }
      if (mode === 'signed') {
        const chair = members.find((m) => m.role === 'chair')!;
        recordNote(db, panel, n, chair.accountId!, undefined, 'Nilai panel dibahas dan disepakati.', at);
        finalizeCandidate(db, panel, n, chair.accountId!, at, workstationId);
      }
    }
    if (mode === 'signed') for (const m of members) signOff(db, panel, m.accountId!, at);
    event('panel.demo', { session: code, mode });
  };
  interview('WWC-F01', 'signed');
  interview('WWC-F02', 'submitted');
  interview('WWC-F03', 'draft');

  const first = pkg.sessions.find((s) => s.code === 'WWC-F01')!.candidates[0]!;
  const req = requestAmendment(db, examId, 'SKB-CAT', first, 'nilai', 90, 'Sanggah diterima: kunci jawaban soal 12 diperbaiki', accounts.get('ketua1') ?? null, 'user:ketua1', at);
  decideAmendment(db, req.requestId, true, 'Disetujui koordinator', accounts.get('koordinator') ?? null, 'user:koordinator', at, workstationId);
  event('amendments.decide', { requestId: req.requestId, decision: 'approved' });
}
