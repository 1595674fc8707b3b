import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkIn } from '../../src-main/core/attendance/attendance';
import { PRACTICAL_STAGE } from '../../src-main/core/demo/generate';
import { declareConflict } from '../../src-main/core/exams/conflicts';
import { blindScores, type BlindViewer } from '../../src-main/core/scoring/blind';
import { finalizeCandidate, loadPanel, scoreCriterion, signOff, submit } from '../../src-main/core/scoring/panel';
import { enterPaper, resolvePaper } from '../../src-main/core/scoring/paper';
import { listScores, type ScoreState } from '../../src-main/core/scoring/scores';
import { forgetScores, scoreDerivations, scoreHistory, scoresPage, warmScores, type ScoresQuery } from '../../src-main/core/scoring/scores-page';
import { attempt, DAY_AT, demoDay } from './demo-day';

/**
 * The scores screen reads a page at a time from what is kept of the exam's scores, brought up to date by the
 * candidates changed since (core/scoring/scores-page.ts). Whatever the day did in between, a page must be the whole
 * list's (listScores, as blindScores shows it to that viewer), searched, filtered and cut as asked.
 */
const AT = DAY_AT;
const STATES: ScoreState[] = ['draft', 'submitted', 'confirmed', 'finalized', 'amended'];


/** Candidates present at the paper stage (the demo's session there is closed) whose sheets are not typed yet. */
function presentAtPaper(db: Parameters<typeof listScores>[0], exam: string, n: number): string[] {
  return db
    .prepare(
      `SELECT l.nomor_peserta FROM attendance_session_latest l JOIN sessions s ON s.id = l.session_id
        WHERE s.exam_id = ? AND s.stage_code = ? AND l.kind = 'present'
          AND NOT EXISTS (SELECT 1 FROM score_entries e WHERE e.exam_id = s.exam_id AND e.stage_code = s.stage_code AND e.nomor_peserta = l.nomor_peserta)
        ORDER BY 1 LIMIT ?`,
    )
    .pluck()
    .all(exam, PRACTICAL_STAGE, n) as string[];
}

type Viewer = BlindViewer & { name: string };
const person = (name: string): Viewer => ({ local: false, actor: `user:${name}`, name });
const VIEWERS: Viewer[] = [person('koordinator'), person('ketua2'), person('penguji3'), person('petugas1'), { local: true, actor: 'cli:test', name: '' }];

const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** What a page must be: the whole list as the viewer may see it, searched as LIKE would, filtered, cut. */
function expected(db: Parameters<typeof listScores>[0], exam: string, q: ScoresQuery, viewer: Viewer) {
  const all = blindScores(listScores(db, exam, q.stage), viewer);
  const needle = q.search ? asciiLower(q.search) : null;
  const found = all.filter(
    (s) => (!q.state || s.state === q.state) && (!needle || asciiLower(s.nomorPeserta).includes(needle) || asciiLower(s.nama).includes(needle)),
  );
  return {
    total: found.length,
    all: all.length,
    panel: all.some((s) => s.panelist !== null),
    rows: found.slice(q.offset, q.offset + q.limit).map(({ history: _h, ...s }) => ({ ...s, mismatch: s.mismatch ?? false })),
  };
}


describe('the scores list, a page at a time', () => {
  it('property: every page read between the writes of a venue day is the whole list\'s, for every viewer, search and filter', () => {
    const { ws, id, exam } = demoDay();
    try {
      const db = ws.db;
      const panel = loadPanel(db, exam, 'WWC-F04');
      const interviewed = db.prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F04' ORDER BY 1 LIMIT 3").pluck().all() as string[];
      const sheets = presentAtPaper(db, exam, 3);
      const skd = db.prepare("SELECT DISTINCT nomor_peserta FROM score_entries WHERE exam_id = ? AND stage_code = 'SKD' ORDER BY 1 LIMIT 3").pluck().all(exam) as string[];
      const names = db.prepare('SELECT nama FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta LIMIT 40').pluck().all(exam) as string[];

      const i = fc.nat({ max: 2 });
      const member = fc.constantFrom('ketua2', 'penguji3', 'penguji4');
      const clerk = fc.constantFrom('petugas1', 'petugas2', 'koordinator');
      const search = fc.oneof(
        fc.constant(undefined),
        // a part of a number (a whole one, or a few digits: LIKE below three characters, the trigram index from three)
        fc.tuple(fc.constantFrom(...interviewed, ...sheets, ...skd), fc.nat({ max: 9 }), fc.integer({ min: 2, max: 12 })).map(([n, from, len]) => n.slice(from, from + len)),
        // a part of a name, in any case
        fc.tuple(fc.constantFrom(...names), fc.nat({ max: 6 }), fc.integer({ min: 2, max: 8 }), fc.boolean()).map(([n, from, len, up]) => {
          const part = n.slice(from, from + len);
          return up ? part.toUpperCase() : part.toLowerCase();
        }),
        fc.constant('zzzz'),
      );
      const query = fc.record({
        stage: fc.constantFrom(undefined, 'SKD', 'SKB-WWC', PRACTICAL_STAGE),
        state: fc.constantFrom(undefined, ...STATES),
        search,
        offset: fc.constantFrom(0, 0, 1, 5, 100, 890),
        limit: fc.constantFrom(1, 7, 50, 2000),
      });
      const op = fc.oneof(
        fc.record({ k: fc.constant('in' as const), i }),
        fc.record({ k: fc.constant('score' as const), i, who: member, value: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ k: fc.constant('score' as const), i, who: member, value: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ k: fc.constant('submit' as const), i, who: member }),
        fc.record({ k: fc.constant('conflict' as const), i, who: member }),
        fc.record({ k: fc.constant('finalize' as const), i }),
        fc.record({ k: fc.constant('signoff' as const), who: member }),
        fc.record({ k: fc.constant('type' as const), i, clerk, bump: fc.boolean() }),
        fc.record({ k: fc.constant('type' as const), i, clerk, bump: fc.boolean() }),
        fc.record({ k: fc.constant('resolve' as const), i }),
        // an approved amendment of an SKD result (the entry decideAmendment writes)
        fc.record({ k: fc.constant('amend' as const), i, units: fc.integer({ min: 0, max: 30 }) }),
        // a roster update renames a candidate: the names are the page's, read as it is answered
        fc.record({ k: fc.constant('rename' as const), i }),
        // a change to the exam itself (a stage): the whole exam derived again
        fc.record({ k: fc.constant('stage' as const) }),
        fc.record({ k: fc.constant('read' as const), q: query, v: fc.nat({ max: VIEWERS.length - 1 }) }),
        fc.record({ k: fc.constant('read' as const), q: query, v: fc.nat({ max: VIEWERS.length - 1 }) }),
      );
      let tick = 0;
      fc.assert(
        fc.property(fc.array(op, { minLength: 10, maxLength: 50, size: 'max' }), fc.nat({ max: VIEWERS.length - 1 }), (ops, last) => {
          // Each round writes (and takes back) its own day: what was kept of another round is not this one's.
          db.exec('SAVEPOINT round');
          forgetScores(db);
          try {
            for (const o of ops) {
              const at = new Date(Date.parse(AT) + (Math.floor(++tick / 3) % 7) * 1000).toISOString();
              if (o.k === 'read') {
                const q = o.q as ScoresQuery;
                const viewer = VIEWERS[o.v]!;
                expect({ q, viewer: viewer.name, page: scoresPage(db, exam, q, viewer) }).toEqual({ q, viewer: viewer.name, page: expected(db, exam, q, viewer) });
                continue;
              }
              if (o.k === 'in') attempt(() => checkIn(db, exam, 'WWC-F04', interviewed[o.i]!, at, 'user:petugas1'));
              else if (o.k === 'score') for (const c of panel.criteria) attempt(() => scoreCriterion(db, panel, interviewed[o.i]!, id(o.who), c.code, o.value, at, `user:${o.who}`, ws.id));
              else if (o.k === 'submit') attempt(() => submit(db, panel, interviewed[o.i]!, id(o.who), at, ws.id));
              else if (o.k === 'conflict') attempt(() => declareConflict(db, exam, id(o.who), interviewed[o.i]!, 'Kerabat.', at));
              else if (o.k === 'finalize') attempt(() => finalizeCandidate(db, panel, interviewed[o.i]!, id('ketua2'), at, ws.id));
              else if (o.k === 'signoff') attempt(() => signOff(db, panel, id(o.who), at));
              else if (o.k === 'type') {
                const values = { rpp: 30, praktik: o.bump ? 41 : 40 };
                attempt(() => enterPaper(db, exam, PRACTICAL_STAGE, sheets[o.i]!, values, id(o.clerk), `user:${o.clerk}`, at, ws.id));
              } else if (o.k === 'resolve') {
                attempt(() => resolvePaper(db, exam, PRACTICAL_STAGE, sheets[o.i]!, { rpp: 30, praktik: 40 }, 'Dicek ke lembar asli.', id('koordinator'), 'user:koordinator', at, ws.id));
              } else if (o.k === 'amend') {
                db.prepare(
                  "INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, account_id, actor, at, reason, workstation_id) VALUES (?, ?, 'SKD', ?, 'twk', ?, 'amendment', ?, 'user:koordinator', ?, 'Salah ketik.', ?)",
                ).run(`amend-${tick}`, exam, skd[o.i]!, o.units, id('koordinator'), at, ws.id);
              } else if (o.k === 'rename') {
                db.prepare("UPDATE candidates SET nama = nama || ' Putra' WHERE exam_id = ? AND nomor_peserta = ?").run(exam, sheets[o.i]!);
              } else db.prepare("UPDATE stages SET name = name || '.' WHERE exam_id = ? AND code = 'SKD'").run(exam);
            }
            // And at the end, the whole list as one viewer sees it.
            const q: ScoresQuery = { offset: 0, limit: 5000 };
            expect(scoresPage(db, exam, q, VIEWERS[last]!)).toEqual(expected(db, exam, q, VIEWERS[last]!));
          } finally {
            db.exec('ROLLBACK TO round; RELEASE round');
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      ws.close();
    }
  });

  it('derives the exam whole once, then only the candidates a write changed', () => {
    const { ws, id, exam } = demoDay();
    try {
      const db = ws.db;
      const v = VIEWERS[0]!;
      const before = { ...scoreDerivations };
      const first = scoresPage(db, exam, { stage: 'SKD', offset: 0, limit: 10 }, v);
      expect(first.total).toBeGreaterThan(800);
      expect(scoresPage(db, exam, { offset: 300, limit: 10 }, v).rows).toHaveLength(10);
      expect(scoreDerivations).toEqual({ whole: before.whole + 1, partial: before.partial });
      // One amendment: that candidate alone derived again, and the page shows it.
      const n = first.rows[1]!.nomorPeserta;
      db.prepare(
        "INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, account_id, actor, at, reason, workstation_id) VALUES ('a1', ?, 'SKD', ?, 'twk', 20, 'amendment', ?, 'user:koordinator', ?, 'Salah ketik.', ?)",
      ).run(exam, n, id('koordinator'), AT, ws.id);
      const after = scoresPage(db, exam, { stage: 'SKD', search: n, state: 'amended', offset: 0, limit: 10 }, v);
      expect(after.rows.map((r) => [r.nomorPeserta, r.item, r.state, r.value])).toEqual([[n, 'twk', 'amended', 100]]);
      expect(scoreDerivations).toEqual({ whole: before.whole + 1, partial: before.partial + 1 });
      // A check-in changes no score: nothing derived again (a morning at the door appends thousands).
      const door = db.prepare("SELECT s.code, sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ? AND s.closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM attendance_events a WHERE a.session_id = s.id AND a.nomor_peserta = sc.nomor_peserta) LIMIT 1").get(exam) as { code: string; nomor_peserta: string };
      checkIn(db, exam, door.code, door.nomor_peserta, AT, 'user:petugas1');
      scoresPage(db, exam, { offset: 0, limit: 1 }, v);
      expect(scoreDerivations).toEqual({ whole: before.whole + 1, partial: before.partial + 1 });
      // A change to the exam itself: derived whole again.
      db.prepare("UPDATE stages SET name = name || '.' WHERE exam_id = ? AND code = 'SKD'").run(exam);
      scoresPage(db, exam, { offset: 0, limit: 1 }, v);
      expect(scoreDerivations).toEqual({ whole: before.whole + 2, partial: before.partial + 1 });
    } finally {
      ws.close();
    }
  });

  it('a warm-up after a burst brings kept scores up to date, and derives none nobody looked at', () => {
    const { ws, id, exam } = demoDay();
    try {
      const db = ws.db;
      const code = db.prepare('SELECT code FROM exams WHERE id = ?').pluck().get(exam) as string;
      const before = { ...scoreDerivations };
      warmScores(db, code);
      expect(scoreDerivations).toEqual(before);
      const v = VIEWERS[0]!;
      const first = scoresPage(db, exam, { stage: 'SKD', offset: 0, limit: 1 }, v);
      db.prepare(
        "INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, account_id, actor, at, reason, workstation_id) VALUES ('w1', ?, 'SKD', ?, 'tiu', 3, 'amendment', ?, 'user:koordinator', ?, 'Salah ketik.', ?)",
      ).run(exam, first.rows[0]!.nomorPeserta, id('koordinator'), AT, ws.id);
      warmScores(db, code);
      expect(scoreDerivations).toEqual({ whole: before.whole + 1, partial: before.partial + 1 });
      // The next look finds it done.
      expect(scoresPage(db, exam, { stage: 'SKD', state: 'amended', search: first.rows[0]!.nomorPeserta, offset: 0, limit: 5 }, v).rows.map((r) => r.item)).toEqual(['tiu']);
      expect(scoreDerivations).toEqual({ whole: before.whole + 1, partial: before.partial + 1 });
      expect(() => warmScores(db, 'TIDAK-ADA')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    } finally {
      ws.close();
    }
  });

  it("a score's history: whole for who may see it, none for who may not", () => {
    const { ws, id, exam } = demoDay();
    try {
      const db = ws.db;
      const [sheet] = presentAtPaper(db, exam, 1) as [string];
      enterPaper(db, exam, PRACTICAL_STAGE, sheet, { rpp: 30, praktik: 40 }, id('petugas1'), 'user:petugas1', AT, ws.id);
      const key = { stage: PRACTICAL_STAGE, nomorPeserta: sheet, item: 'rpp', panelist: null };
      // The clerk who typed it sees it; the coordinator not before the second entry agrees.
      expect(scoreHistory(db, exam, key, person('petugas1'))).toMatchObject({ state: 'submitted', value: 30, history: [{ actor: 'user:petugas1', value: 30, slot: 'first' }] });
      expect(scoreHistory(db, exam, key, person('koordinator'))).toBeNull();
      expect(scoresPage(db, exam, { stage: PRACTICAL_STAGE, search: sheet, offset: 0, limit: 10 }, person('koordinator')).total).toBe(0);
      expect(scoresPage(db, exam, { stage: PRACTICAL_STAGE, search: sheet, offset: 0, limit: 10 }, person('petugas1')).total).toBe(2);
      enterPaper(db, exam, PRACTICAL_STAGE, sheet, { rpp: 30, praktik: 40 }, id('petugas2'), 'user:petugas2', AT, ws.id);
      expect(scoreHistory(db, exam, key, person('koordinator'))).toMatchObject({ state: 'confirmed', history: [{ slot: 'first' }, { slot: 'second' }] });
      expect(scoreHistory(db, exam, { ...key, item: 'tidak-ada' }, person('koordinator'))).toBeNull();
      expect(scoreHistory(db, exam, { ...key, panelist: 'ketua2' }, person('koordinator'))).toBeNull();
    } finally {
      ws.close();
    }
  });
});
