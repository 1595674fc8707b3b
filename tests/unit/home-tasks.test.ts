import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attendanceState, checkIn, closeSession, sessionCounts, undoCheckIn } from '../../src-main/core/attendance/attendance';
import { seedDemo } from '../../src-main/core/demo/seed';
import { loadPanel, recordNote, scoreCriterion, submit } from '../../src-main/core/scoring/panel';
import { homeTasks, type HomeTask } from '../../src-main/core/home/tasks';
import { initWorkstation, type Workstation } from '../../src-main/core/workstation/workstation';
import { tempDir } from './helpers';

// 14.00 WIB on the interview day: the two 13.00 sessions (WWC-F03, WWC-F04) have begun, the next morning's not.
const AT = '2026-12-02T07:00:00.000Z';
const NOW = new Date(AT);

function demo(): { ws: Workstation; dir: string; id: (name: string) => string } {
  const dir = join(tempDir(), 'ws');
  const ws = initWorkstation(dir, { adminName: 'koordinator', pin: '482913', actor: 'cli:test' }, { clock: { now: () => NOW } });
  seedDemo(ws, AT, 'cli:test', '482913');
  const id = (name: string) => (ws.db.prepare('SELECT id FROM accounts WHERE name = ?').pluck().get(name) as string);
  return { ws, dir, id };
}

const brief = (tasks: HomeTask[]) => tasks.map((t) => `${t.kind} ${t.session ?? t.exam ?? ''} ${t.count} ${t.route}`.replace(/  +/g, ' '));

describe('home tasks on the demo venue', () => {
  it('gives each role its own work today, with counts, most urgent first', () => {
    const { ws, dir, id } = demo();
    try {
      const as = (name: string, role: string) => brief(homeTasks(ws.db, dir, NOW, { accountId: id(name), role }));
      // WWC-F04 (13.00) has begun and nobody has checked in; the practical test's sheets have a mismatch for a third
      // person and two typed once; WWC-F02's panel has all submitted within the rubric's spread and the chair has
      // finalized three, so three wait for the chair; WWC-F01 and half of WWC-F02 are signed, their minutes not made.
      expect(as('koordinator', 'coordinator')).toEqual([
        'attendance.waiting WWC-F04 9 attendance',
        'paper.mismatch CPNS-SMG-2026 1 scoring',
        'paper.secondEntry CPNS-SMG-2026 2 scoring',
        'panel.finalize WWC-F02 3 scoring',
        'minutes.make WWC-F01 1 documents',
        'minutes.make WWC-F02 1 documents',
      ]);
      // petugas1 typed the first entry of two sheets: the second is petugas2's; either may type the untyped two.
      expect(as('petugas1', 'clerk')).toEqual(['attendance.waiting WWC-F04 9 attendance', 'paper.firstEntry CPNS-SMG-2026 2 scoring']);
      expect(as('petugas2', 'clerk')).toEqual(['attendance.waiting WWC-F04 9 attendance', 'paper.firstEntry CPNS-SMG-2026 2 scoring', 'paper.secondEntry CPNS-SMG-2026 2 scoring']);
      // The chair of panel A has scored WWC-F03 in drafts only, not submitted.
      expect(as('ketua1', 'chair')).toEqual(['panel.score WWC-F03 12 scoring']);
      expect(as('ketua2', 'chair')).toEqual(['panel.finalize WWC-F02 3 scoring']);
      expect(as('penguji1', 'examiner')).toEqual(['panel.score WWC-F03 12 scoring']);
      // Panel B's examiners have submitted WWC-F02 and WWC-F04 has nobody in yet: nothing waits on them.
      expect(as('penguji3', 'examiner')).toEqual([]);
      expect(as('pengawas', 'observer')).toEqual(['audit.follow 0 audit', 'results.view 0 results']);
    } finally {
      ws.close();
    }
  });

  it('a divergence waits on the chair and the coordinator; an examiner is never told whether the others differ', () => {
    const { ws, dir, id } = demo();
    try {
      const exam = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
      const panel = loadPanel(ws.db, exam, 'WWC-F04');
      const nomor = (ws.db.prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F04' ORDER BY 1").pluck().get() as string);
      checkIn(ws.db, exam, 'WWC-F04', nomor, AT, 'user:petugas1');
      // Panel B scores far apart (1 and 5 on every criterion): a spread above the rubric's threshold.
      for (const [name, value] of [['ketua2', 3], ['penguji3', 1], ['penguji4', 5]] as const) {
        for (const c of panel.criteria) scoreCriterion(ws.db, panel, nomor, id(name), c.code, value, AT, `user:${name}`, ws.id);
        submit(ws.db, panel, nomor, id(name), AT, ws.id);
      }
      const kinds = (name: string, role: string) => homeTasks(ws.db, dir, NOW, { accountId: id(name), role }).filter((t) => t.session === 'WWC-F04').map((t) => `${t.kind} ${t.count}`);
      expect(kinds('koordinator', 'coordinator')).toEqual(['attendance.waiting 8', 'panel.discussion 1']);
      expect(kinds('ketua2', 'chair')).toEqual(['panel.discussion 1']);
      expect(kinds('penguji4', 'examiner')).toEqual([]);
      recordNote(ws.db, panel, nomor, id('ketua2'), undefined, 'Dibahas bersama, nilai tetap.', AT);
      expect(kinds('ketua2', 'chair')).toEqual(['panel.finalize 1']);
    } finally {
      ws.close();
    }
  });

  it('a task shrinks as it is done, and is gone when done', () => {
    const { ws, dir, id } = demo();
    try {
      const waiting = () => homeTasks(ws.db, dir, NOW, { accountId: id('koordinator'), role: 'coordinator' }).find((t) => t.kind === 'attendance.waiting');
      const nomors = ws.db.prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F04'").pluck().all() as string[];
      checkIn(ws.db, ws.db.prepare('SELECT id FROM exams').pluck().get() as string, 'WWC-F04', nomors[0]!, AT, 'user:petugas1');
      expect(waiting()?.count).toBe(8);
      const exam = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
      for (const n of nomors.slice(1)) checkIn(ws.db, exam, 'WWC-F04', n, AT, 'user:petugas1');
      expect(waiting()).toBeUndefined();
    } finally {
      ws.close();
    }
  });

  it('a session that has not begun asks for nobody at the door', () => {
    const { ws, dir, id } = demo();
    try {
      // At 12.00 WIB only the morning sessions have begun, and their candidates are all in: nobody waits at the door.
      // (The practical test's two untyped sheets are paper work, not the door.)
      const noon = new Date('2026-12-02T05:00:00.000Z');
      expect(brief(homeTasks(ws.db, dir, noon, { accountId: id('petugas1'), role: 'clerk' }))).toEqual(['paper.firstEntry CPNS-SMG-2026 2 scoring']);
    } finally {
      ws.close();
    }
  });

  it('counts a session at the door in one statement, as attendanceState says of each candidate', () => {
    // Check-ins, undos and a close in any order: who is present and how many wait are those attendanceState gives,
    // one candidate at a time (what the home page asked before, one query per candidate: 1.3 s at 100,000).
    const { ws } = demo();
    try {
      const exam = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
      const sessionId = (code: string) => ws.db.prepare('SELECT id FROM sessions WHERE code = ?').pluck().get(code) as string;
      const nomors = ws.db.prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F04' ORDER BY 1").pluck().all() as string[];
      const op = fc.record({ i: fc.nat({ max: nomors.length - 1 }), undo: fc.boolean() });
      let round = 0;
      fc.assert(
        fc.property(fc.array(op, { maxLength: 30 }), fc.boolean(), (ops, close) => {
          ws.db.exec('SAVEPOINT round');
          try {
            for (const { i, undo } of ops) {
              const at = new Date(Date.parse(AT) + ++round * 1000).toISOString();
              const state = attendanceState(ws.db, sessionId('WWC-F04'), nomors[i]!);
              if (undo && state === 'present') undoCheckIn(ws.db, exam, 'WWC-F04', nomors[i]!, 'salah orang', at, 'user:petugas1');
              else if (!undo && state !== 'present') checkIn(ws.db, exam, 'WWC-F04', nomors[i]!, at, 'user:petugas1');
            }
            if (close) closeSession(ws.db, exam, 'WWC-F04', AT, 'user:koordinator');
            const each = nomors.map((n) => attendanceState(ws.db, sessionId('WWC-F04'), n));
            const count = (state: string) => each.filter((s) => s === state).length;
            expect(sessionCounts(ws.db, sessionId('WWC-F04'))).toEqual({ listed: nomors.length, present: count('present'), absent: count('absent'), pending: count('pending') });
          } finally {
            ws.db.exec('ROLLBACK TO round; RELEASE round');
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      ws.close();
    }
  });
});
