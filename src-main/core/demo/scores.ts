import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { appendEvent } from '../audit/chain';
import { checkIn, closeSession } from '../attendance/attendance';
import { decideAmendment, requestAmendment } from '../scoring/amendments';
import { finalizeCandidate, loadPanel, recordNote, scoreCriterion, signOff, submit } from '../scoring/panel';
import { newId } from '../util/ids';
import type { ExamPackage } from '../exams/package-schema';
import type { DemoSkd } from './generate';
import { enterPaper } from '../scoring/paper';
import { demoSkdResults, prng, PRACTICAL_STAGE } from './generate';

/**
 * Scores for the demo venue, so a newcomer sees every state at once: SKD and SKB CAT results (confirmed) for
 * everyone who came, a few absent (TH), the practical test's paper sheets typed twice (agreeing), once, with a
 * mismatch waiting for a third person, and not yet, one interview session finalized and signed, one half finalized
 * and half waiting for the chair, one with drafts, and one approved amendment.
 */
export function seedDemoScores(db: Db, examId: string, pkg: ExamPackage, at: string, actor: string, workstationId: string, accounts: Map<string, string>): void {
  const rnd = prng(42);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const event = (command: string, payload: unknown) => appendEvent(db, { at, actor, command, outcome: 'ok', payload: { ...(payload as object), demo: true } });
  const skd = demoSkdResults(pkg.roster);

  const catStage = (stage: string, sessions: ExamPackage['sessions'], values: (nomor: string) => Record<string, number>, came: (nomor: string) => boolean) => {
    const importId = newId();
    let rows = 0;
    for (const s of sessions) {
      for (const n of s.candidates) if (came(n)) checkIn(db, examId, s.code, n, at, actor);
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
  // SKD in steps (TWK and TIU of 5, TKP of 1): the results the SKB sessions were made from.
  catStage('SKD', pkg.sessions.filter((s) => s.stage === 'SKD'), (n) => skd.get(n) as Exclude<DemoSkd, 'absent'>, (n) => skd.get(n) !== 'absent');
  catStage('SKB-CAT', pkg.sessions.filter((s) => s.stage === 'SKB-CAT'), () => ({ nilai: int(45, 95) }), () => true);

  // The practical test, on paper: every sheet handed in, typed by two clerks in every state of double entry.
  const practical = pkg.sessions.find((s) => s.stage === PRACTICAL_STAGE);
  if (practical) {
    for (const n of practical.candidates) checkIn(db, examId, practical.code, n, at, actor);
    closeSession(db, examId, practical.code, at, actor);
    const clerk = (name: string) => ({ id: accounts.get(name)!, actor: `user:${name}` });
    const [one, two] = [clerk('petugas1'), clerk('petugas2')];
    const sheet = () => ({ rpp: int(50, 78) / 2, praktik: int(30, 58) });
    const type = (n: string, by: { id: string; actor: string }, values: Record<string, number>) => enterPaper(db, examId, PRACTICAL_STAGE, n, values, by.id, by.actor, at, workstationId);
    const states: Record<string, number> = { confirmed: 0, mismatch: 0, first: 0, empty: 0 };
    practical.candidates.forEach((n, i) => {
      const values = sheet();
      if (i < 4) {
        type(n, one, values); // both clerks typed the same sheet: confirmed
        type(n, two, values);
        states.confirmed!++;
      } else if (i === 4) {
        type(n, two, values); // one digit apart: waits for a third person (the chair or the coordinator)
        type(n, one, { ...values, praktik: values.praktik === 58 ? 57 : values.praktik + 1 });
        states.mismatch!++;
      } else if (i < 7) {
        type(n, one, values); // typed once: the second clerk's turn
        states.first!++;
      } else states.empty!++; // not typed yet
    });
    event('paper.demo', { stage: PRACTICAL_STAGE, session: practical.code, ...states });
  }

  // 'partial': the chair has finalized half and the panel signed them; the rest are submitted and wait for the chair.
  const interview = (code: string, mode: 'signed' | 'partial' | 'draft') => {
    const session = pkg.sessions.find((s) => s.code === code)!;
    const panel = loadPanel(db, examId, code);
    for (const n of session.candidates) checkIn(db, examId, code, n, at, actor);
    const members = panel.members.filter((m) => m.accountId);
    // Finalized so far in 'partial': those with the lower SKD, so those still waiting could overtake them (provisional).
    const total = (n: string) => {
      const r = skd.get(n);
      return r && r !== 'absent' ? r.twk * 5 + r.tiu * 5 + r.tkp : 0;
    };
    const finalizedFirst = new Set([...session.candidates].sort((a, b) => total(a) - total(b)).slice(0, Math.ceil(session.candidates.length / 2)));
    session.candidates.forEach((n) => {
      for (const m of members) {
        for (const c of panel.criteria) scoreCriterion(db, panel, n, m.accountId!, c.code, int(3, 5), at, `user:${m.accountName}`, workstationId);
        if (mode !== 'draft') submit(db, panel, n, m.accountId!, at, workstationId);
        if (mode === 'draft') break; // only the first panelist has started
      }
      if (mode === 'signed' || (mode === 'partial' && finalizedFirst.has(n))) {
        const chair = members.find((m) => m.role === 'chair')!;
        recordNote(db, panel, n, chair.accountId!, undefined, 'Nilai panel dibahas dan disepakati.', at);
        finalizeCandidate(db, panel, n, chair.accountId!, at, workstationId);
      }
    });
    if (mode !== 'draft' && session.candidates.length) for (const m of members) signOff(db, panel, m.accountId!, at);
    event('panel.demo', { session: code, mode });
  };
  // F01 complete (its statuses final), F02 in progress (provisional), F03 with drafts, F04 to F06 not begun.
  interview('WWC-F01', 'signed');
  interview('WWC-F02', 'partial');
  interview('WWC-F03', 'draft');

  // A small demo may send nobody from F01 to the SKB; then there is no amendment to show.
  const first = pkg.sessions.find((s) => s.code === 'WWC-F01')!.candidates[0];
  if (first) {
    const req = requestAmendment(db, examId, 'SKB-CAT', first, 'nilai', 90, 'Sanggah diterima: kunci jawaban soal 12 diperbaiki', accounts.get('ketua1') ?? null, 'user:ketua1', at);
    decideAmendment(db, req.requestId, true, 'Disetujui koordinator', accounts.get('koordinator') ?? null, 'user:koordinator', at, workstationId);
    event('amendments.decide', { requestId: req.requestId, decision: 'approved' });
  }
}
