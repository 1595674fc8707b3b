// core/ranking/inputs.ts reads a workstation's entries candidate by candidate (issue 16): the settled values and
// the absences must be what the earlier whole-exam passes gave, on random entries and attendance.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { Db } from '../../src-main/core/db/open';
import { absentAt, settled, settledValues } from '../../src-main/core/ranking/inputs';
import { Fraction } from '../../src-main/core/scoring/exact';
import { stageInfo } from '../../src-main/core/scoring/items';

let dir: string;
let app: LenteraApp;
let db: Db;
let examId: string;
let nomors: string[];
let stages: { code: string; items: { code: string; min: number; step: number }[] }[];
let sessionsByStage: Map<string, string[]>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lentera-rank-inputs-'));
  app = new LenteraApp({ dataDir: join(dir, 'demo'), allowInit: true });
  expect((await app.invokeAsync('workstation.demo', { candidates: 40 }, { local: 't' })).ok).toBe(true);
  db = app.workstation!.db;
  examId = db.prepare('SELECT id FROM exams').pluck().get() as string;
  nomors = db.prepare('SELECT nomor_peserta FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta').pluck().all(examId) as string[];
  stages = (db.prepare('SELECT code FROM stages WHERE exam_id = ?').pluck().all(examId) as string[]).map((code) => ({ code, items: stageInfo(db, examId, code).items }));
  sessionsByStage = new Map();
  for (const s of db.prepare('SELECT id, stage_code FROM sessions WHERE exam_id = ?').all(examId) as { id: string; stage_code: string }[]) {
    sessionsByStage.set(s.stage_code, [...(sessionsByStage.get(s.stage_code) ?? []), s.id]);
  }
}, 60_000);
afterAll(() => {
  app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs fn inside a savepoint that is rolled back: each random case starts from the same demo. */
function scratch<T>(fn: () => T): T {
  db.exec('SAVEPOINT scratch');
  try {
    return fn();
  } finally {
    db.exec('ROLLBACK TO scratch; RELEASE scratch');
  }
}

/** The earlier pass, as it was: every entry in time order, the latest of each kind kept per item. */
function settledReference(): Map<string, Map<string, string>> {
  const items = new Map(stages.map((s) => [s.code, new Map(s.items.map((i) => [i.code, i]))]));
  const latest = new Map<string, { nomor: string; stage: string; item: string; amendment?: number; cat?: number; resolution?: number; first?: number; second?: number }>();
  const rows = db.prepare("SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? AND source <> 'panel' ORDER BY at, id").all(examId) as {
    nomor_peserta: string;
    stage_code: string;
    item: string;
    units: number;
    source: string;
    slot: string | null;
  }[];
  for (const r of rows) {
    const k = `${r.nomor_peserta}|${r.stage_code}|${r.item}`;
    let l = latest.get(k);
    if (!l) latest.set(k, (l = { nomor: r.nomor_peserta, stage: r.stage_code, item: r.item }));
    if (r.source === 'amendment') l.amendment = r.units;
    else if (r.source === 'cat') l.cat = r.units;
    else if (r.source === 'resolution') l.resolution = r.units;
    else if (r.slot === 'first') l.first ??= r.units;
    else if (r.slot === 'second') l.second ??= r.units;
  }
  const out = new Map<string, Map<string, string>>();
  for (const l of latest.values()) {
    const item = items.get(l.stage)?.get(l.item);
    const agreed = l.first !== undefined && l.first === l.second ? l.first : undefined;
    const chosen = l.amendment ?? l.cat ?? l.resolution ?? agreed;
    if (!item || chosen === undefined) continue;
    if (l.amendment !== undefined && l.cat === undefined && l.resolution === undefined && l.first === undefined) continue; // interview amendments: none here
    const k = `${l.nomor}|${l.stage}`;
    if (!out.has(k)) out.set(k, new Map());
    out.get(k)!.set(l.item, new Fraction(String(item.min)).add(new Fraction(String(item.step)).mul(chosen)).toFraction());
  }
  return out;
}

const asText = (m: Map<string, Map<string, Fraction>>) => new Map([...m].map(([k, v]) => [k, new Map([...v].map(([i, f]) => [i, f.toFraction()]))]));

describe('settled values, candidate by candidate', () => {
  it('equal the whole-exam pass in time order, on random entries (amendments, CAT, resolutions, paper slots, equal times)', () => {
    const paperless = (s: { code: string }) => !s.code.includes('WWC'); // interview criteria come from finalizations
    const entry = fc.record({
      who: fc.nat(),
      stage: fc.nat(),
      item: fc.nat(),
      units: fc.nat({ max: 30 }),
      kind: fc.constantFrom(['amendment', null], ['cat', null], ['resolution', null], ['paper', 'first'], ['paper', 'second']),
      at: fc.constantFrom('2026-12-01T00:00:00.000Z', '2026-12-01T00:00:01.000Z', '2026-11-30T23:59:59.000Z'),
      id: fc.stringMatching(/^[0-9a-f]{6}$/),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) =>
        scratch(() => {
          const insert = db.prepare(
            'INSERT OR IGNORE INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, slot, actor, at, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          );
          const usable = stages.filter(paperless);
          for (const e of entries) {
            const stage = usable[e.stage % usable.length]!;
            const item = stage.items[e.item % stage.items.length]!;
            insert.run(`t-${e.id}`, examId, stage.code, nomors[e.who % nomors.length], item.code, e.units, e.kind[0], e.kind[1], 't', e.at, 'w');
          }
          const got = asText(settled(db, examId));
          const want = settledReference();
          for (const [k, v] of want) expect(got.get(k)).toEqual(v);
          for (const k of got.keys()) if (!k.includes('WWC')) expect(want.has(k)).toBe(true);
        }),
      ),
      { numRuns: 60 },
    );
  });

  it('a caller that skips candidates or goes out of order is told the entries were not all read', () => {
    const values = settledValues(db, examId);
    values.take(nomors[nomors.length - 1]!); // the last first: the entries of every other candidate stay unread
    expect(values.done()).toBe(false);
    values.close();
    expect(() => db.exec('SELECT 1')).not.toThrow(); // closed: the connection is free for the next command
    const inOrder = settledValues(db, examId);
    const one = new Map<string, unknown>();
    for (const n of nomors) for (const [stage, items] of inOrder.take(n) ?? []) one.set(`${n}|${stage}`, items);
    expect(inOrder.done()).toBe(true);
    inOrder.close();
    expect(one).toEqual(settled(db, examId));
  });
});

describe('absences', () => {
  /** The earlier pass: every seat of the exam with its latest attendance fact. */
  function absentReference(): Set<string> {
    const rows = db
      .prepare(
        `SELECT sc.nomor_peserta AS nomor, s.stage_code AS stage,
                (SELECT kind FROM attendance_events a WHERE a.session_id = s.id AND a.nomor_peserta = sc.nomor_peserta ORDER BY seq DESC LIMIT 1) AS last
           FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ?`,
      )
      .all(examId) as { nomor: string; stage: string; last: string | null }[];
    const present = new Set<string>();
    const absent = new Set<string>();
    for (const r of rows) (r.last === 'absent' ? absent : present).add(`${r.nomor}|${r.stage}`);
    for (const k of present) absent.delete(k);
    return absent;
  }

  it('equal the whole-exam pass, on random attendance facts (absent, present, undone; several sessions of a stage)', () => {
    const seats = db.prepare('SELECT sc.session_id AS session, sc.nomor_peserta AS nomor FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ?').all(examId) as {
      session: string;
      nomor: string;
    }[];
    const sessions = [...sessionsByStage.values()].flat();
    const fact = fc.record({ seat: fc.nat(), kind: fc.constantFrom('absent', 'absent', 'present', 'undo'), elsewhere: fc.boolean(), session: fc.nat() });
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 40 }), (facts) =>
        scratch(() => {
          const insert = db.prepare('INSERT INTO attendance_events (id, session_id, nomor_peserta, kind, at, actor, reason, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
          const addSeat = db.prepare('INSERT OR IGNORE INTO session_candidates (session_id, nomor_peserta) VALUES (?, ?)');
          facts.forEach((f, i) => {
            const seat = seats[f.seat % seats.length]!;
            // Sometimes seated in a second session of any stage too, so a stage can have one absent and one present seat.
            const session = f.elsewhere ? sessions[f.session % sessions.length]! : seat.session;
            addSeat.run(session, seat.nomor);
            insert.run(`a-${i}`, session, seat.nomor, f.kind, '2026-12-01T00:00:00.000Z', 't', null, 1000 + i);
          });
          expect([...absentAt(db, examId)].sort()).toEqual([...absentReference()].sort());
        }),
      ),
      { numRuns: 60 },
    );
  });
});
