import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attendanceState, checkIn, undoCheckIn } from '../../src-main/core/attendance/attendance';
import { PRACTICAL_STAGE } from '../../src-main/core/demo/generate';
import { declareConflict } from '../../src-main/core/exams/conflicts';
import {
  candidatePanel,
  finalizationState,
  finalizeCandidate,
  lastSubmission,
  loadPanel,
  panelResult,
  recordNote,
  resultOf,
  scoreCriterion,
  sessionPanelStates,
  signOff,
  submit,
} from '../../src-main/core/scoring/panel';
import { enterPaper, paperMismatches, paperStatus, resolvePaper, sheetState, stageSheets } from '../../src-main/core/scoring/paper';
import { stageInfo } from '../../src-main/core/scoring/items';
import { attempt, DAY_AT, demoDay } from './demo-day';

/**
 * The reads of a whole session or stage in one statement (the overview, the home page, the paper status) against the
 * per-candidate functions they replaced, after any mix of what a venue day does.
 */
const AT = DAY_AT;


/** Runs `f`, and takes back whatever it wrote. */
function inRound(db: { exec: (s: string) => unknown }, f: () => void) {
  db.exec('SAVEPOINT round');
  try {
    f();
  } finally {
    db.exec('ROLLBACK TO round; RELEASE round');
  }
}


describe('an interview session read whole', () => {
  it('property: sessionPanelStates and resultOf say of every candidate what the per-candidate rules say', () => {
    const { ws, id, exam } = demoDay();
    try {
      const panel = loadPanel(ws.db, exam, 'WWC-F04');
      const nomors = ws.db.prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F04' ORDER BY 1").pluck().all() as string[];
      const members = ['ketua2', 'penguji3', 'penguji4'] as const;
      const who = fc.constantFrom(...members);
      // Three candidates, so that the ops pile up on each: a conflict after submissions, a sign-off after a finalize.
      const i = fc.nat({ max: 2 });
      const op = fc.oneof(
        fc.record({ k: fc.constant('in' as const), i }),
        fc.record({ k: fc.constant('in' as const), i }),
        fc.record({ k: fc.constant('undo' as const), i }),
        fc.record({ k: fc.constant('score' as const), i, who, value: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ k: fc.constant('submit' as const), i, who }),
        fc.record({ k: fc.constant('scoreAndSubmit' as const), i, who, value: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ k: fc.constant('scoreAndSubmit' as const), i, who, value: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ k: fc.constant('note' as const), i }),
        fc.record({ k: fc.constant('conflict' as const), i, who }),
        fc.record({ k: fc.constant('finalize' as const), i }),
        fc.record({ k: fc.constant('signoff' as const), who }),
      );
      let tick = 0;
      fc.assert(
        fc.property(fc.array(op, { minLength: 10, maxLength: 60, size: 'max' }), (ops) => {
          inRound(ws.db, () => {
            for (const o of ops) {
              // Three ops to a second, and some going back in time: the last submission is by time, then by insertion.
              const at = new Date(Date.parse(AT) + (Math.floor(++tick / 3) % 5) * 1000).toISOString();
              const n = 'i' in o ? nomors[o.i]! : '';
              if (o.k === 'in') attempt(() => checkIn(ws.db, exam, 'WWC-F04', n, at, 'user:petugas1'));
              else if (o.k === 'undo') attempt(() => undoCheckIn(ws.db, exam, 'WWC-F04', n, 'salah orang', at, 'user:petugas1'));
              else if (o.k === 'score') for (const c of panel.criteria) attempt(() => scoreCriterion(ws.db, panel, n, id(o.who), c.code, o.value, at, `user:${o.who}`, ws.id));
              else if (o.k === 'submit') attempt(() => submit(ws.db, panel, n, id(o.who), at, ws.id));
              else if (o.k === 'scoreAndSubmit') {
                for (const c of panel.criteria) attempt(() => scoreCriterion(ws.db, panel, n, id(o.who), c.code, o.value, at, `user:${o.who}`, ws.id));
                attempt(() => submit(ws.db, panel, n, id(o.who), at, ws.id));
              }
              else if (o.k === 'note') attempt(() => recordNote(ws.db, panel, n, id('ketua2'), undefined, 'Dibahas.', at));
              else if (o.k === 'conflict') attempt(() => declareConflict(ws.db, exam, id(o.who), n, 'Kerabat.', at));
              else if (o.k === 'finalize') attempt(() => finalizeCandidate(ws.db, panel, n, id('ketua2'), at, ws.id));
              else attempt(() => signOff(ws.db, panel, id(o.who), at));
            }
            const all = sessionPanelStates(ws.db, panel);
            expect(all.map((s) => s.nomorPeserta)).toEqual(nomors);
            for (const s of all) {
              const n = s.nomorPeserta;
              expect(s.attendance).toBe(attendanceState(ws.db, panel.session.id, n));
              expect(s.members).toEqual(candidatePanel(ws.db, panel, n));
              expect(s.finalization).toBe(finalizationState(ws.db, panel, n));
              expect(resultOf(panel, s)).toEqual(panelResult(ws.db, panel, n));
              for (const m of members) expect(s.latest.get(id(m))).toEqual(lastSubmission(ws.db, panel.session.id, n, id(m))?.snapshot);
            }
            expect(sessionPanelStates(ws.db, panel, { presentOnly: true })).toEqual(all.filter((s) => s.attendance === 'present'));
          });
        }),
        { numRuns: 150 },
      );
    } finally {
      ws.close();
    }
  });
});

describe('a paper stage read whole', () => {
  it('property: stageSheets, paperStatus and paperMismatches agree with sheetState candidate by candidate', () => {
    const { ws, id, exam } = demoDay();
    try {
      const listed = () => ws.db.prepare(
        "SELECT DISTINCT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ? AND s.stage_code = ? ORDER BY 1",
      ).pluck().all(exam, PRACTICAL_STAGE) as string[];
      const nomors = listed();
      const sessionId = ws.db.prepare('SELECT id FROM sessions WHERE exam_id = ? AND stage_code = ?').pluck().get(exam, PRACTICAL_STAGE) as string;
      const items = stageInfo(ws.db, exam, PRACTICAL_STAGE).items.map((x) => x.code);
      const i = fc.nat({ max: nomors.length - 1 });
      const clerk = fc.constantFrom('petugas1', 'petugas2', 'koordinator');
      const op = fc.oneof(
        fc.record({ k: fc.constant('type' as const), i, clerk, bump: fc.boolean() }),
        fc.record({ k: fc.constant('resolve' as const), i }),
        // The door's last word may be an undo after the session closed (a clerk's correction), or the candidate
        // may have been moved out of the stage's sessions by a package update after their sheet was typed.
        fc.record({ k: fc.constant('undo' as const), i }),
        fc.record({ k: fc.constant('unlist' as const), i }),
      );
      let tick = 0;
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40, size: 'max' }), (ops) => {
          inRound(ws.db, () => {
            for (const o of ops) {
              const at = new Date(Date.parse(AT) + ++tick * 1000).toISOString();
              const n = nomors[o.i]!;
              const values = { rpp: 30, praktik: o.k === 'type' && o.bump ? 41 : 40 };
              if (o.k === 'type') attempt(() => enterPaper(ws.db, exam, PRACTICAL_STAGE, n, values, id(o.clerk), `user:${o.clerk}`, at, ws.id));
              else if (o.k === 'resolve') attempt(() => resolvePaper(ws.db, exam, PRACTICAL_STAGE, n, values, 'Dicek ke lembar asli.', id('koordinator'), 'user:koordinator', at, ws.id));
              else if (o.k === 'undo') {
                const seq = (ws.db.prepare('SELECT MAX(seq) FROM attendance_events WHERE session_id = ?').pluck().get(sessionId) as number) + 1;
                ws.db.prepare("INSERT INTO attendance_events (id, session_id, nomor_peserta, kind, at, actor, reason, seq) VALUES (?, ?, ?, 'undo', ?, 'user:petugas1', 'salah orang', ?)").run(`undo-${tick}`, sessionId, n, at, seq);
              } else ws.db.prepare('DELETE FROM session_candidates WHERE session_id = ? AND nomor_peserta = ?').run(sessionId, n);
            }
            const stillListed = new Set(listed());
            const present = (n: string) => stillListed.has(n) && attendanceState(ws.db, sessionId, n) === 'present';
            const sheets = stageSheets(ws.db, exam, PRACTICAL_STAGE);
            const typed = (n: string) => sheetState(ws.db, exam, PRACTICAL_STAGE, n).state !== 'empty' || Boolean(ws.db.prepare("SELECT 1 FROM score_entries WHERE exam_id = ? AND stage_code = ? AND nomor_peserta = ? AND source IN ('paper', 'resolution')").get(exam, PRACTICAL_STAGE, n));
            // Every candidate listed now, and anyone unlisted since whose sheet was typed.
            expect(sheets.map((s) => s.nomorPeserta)).toEqual(nomors.filter((n) => stillListed.has(n) || typed(n)));
            for (const s of sheets) {
              expect(s.state).toEqual(sheetState(ws.db, exam, PRACTICAL_STAGE, s.nomorPeserta));
              expect(s.present).toBe(present(s.nomorPeserta));
            }
            expect(stageSheets(ws.db, exam, PRACTICAL_STAGE, { presentOnly: true })).toEqual(sheets.filter((s) => s.present));
            expect(paperStatus(ws.db, exam, PRACTICAL_STAGE).map((s) => s.nomorPeserta)).toEqual(nomors.filter((n) => present(n) || typed(n)));
            const mismatched = nomors.filter((n) => sheetState(ws.db, exam, PRACTICAL_STAGE, n).state === 'mismatch');
            expect(paperMismatches(ws.db, exam, PRACTICAL_STAGE).map((m) => [m.nomorPeserta, m.fields.map((f) => f.item)])).toEqual(mismatched.map((n) => [n, items]));
          });
        }),
        { numRuns: 40 },
      );
    } finally {
      ws.close();
    }
  });

  it('refuses the paper status of a stage that has no paper sheets, rather than calling its candidates unscored sheets', () => {
    const { ws, exam } = demoDay();
    try {
      expect(() => paperStatus(ws.db, exam, 'SKD')).toThrow(expect.objectContaining({ code: 'WRONG_STAGE' }));
      expect(() => paperStatus(ws.db, exam, 'SKB-WWC')).toThrow(expect.objectContaining({ code: 'WRONG_STAGE' }));
    } finally {
      ws.close();
    }
  });
});
