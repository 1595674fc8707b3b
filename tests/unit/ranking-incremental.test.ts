import Database from 'better-sqlite3';
import fc from 'fast-check';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { rankingAnswer, rankingRuns } from '../../src-main/core/ranking/answer';

const local = { local: 't' };
const EXAM = 'CPNS-SMG-2026';

/**
 * A ranking kept up to date (core/ranking/answer.ts keptUpToDate: the candidates noted in ranking_changes read
 * again, their formations' groups ranked again) must answer exactly what ranking the whole exam afresh answers, after
 * any sequence of changes by another connection: scores, absences, a candidate moved to another formation or given
 * another kategori or IPK, a new candidate, a quota, many candidates at once. The demo exam has optimalisasi, BL and
 * provisional results, interviews and absences, so the groups and the waits across formations are all exercised.
 */
type Step =
  | { kind: 'score'; pick: number; from: number }
  | { kind: 'attendance'; pick: number; absent: boolean }
  | { kind: 'formation'; pick: number; to: number }
  | { kind: 'kategori'; pick: number; to: number }
  | { kind: 'ipk'; pick: number; ipk: number }
  | { kind: 'newCandidate'; pick: number; to: number }
  | { kind: 'quota'; to: number; quota: number }
  | { kind: 'many'; pick: number; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('score' as const), pick: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('attendance' as const), pick: fc.nat(), absent: fc.boolean() }),
  fc.record({ kind: fc.constant('formation' as const), pick: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('kategori' as const), pick: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('ipk' as const), pick: fc.nat(), ipk: fc.integer({ min: 250, max: 400 }) }),
  fc.record({ kind: fc.constant('newCandidate' as const), pick: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('quota' as const), to: fc.nat(), quota: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('many' as const), pick: fc.nat(), count: fc.integer({ min: 100, max: 140 }) }),
);

let seq = 0;
function apply(db: Database.Database, s: Step): void {
  const all = <T>(q: string, ...a: unknown[]) => db.prepare(q).all(...a) as T[];
  const nth = <T>(xs: T[], i: number) => xs[i % xs.length]!;
  const candidates = all<{ exam_id: string; nomor_peserta: string }>('SELECT exam_id, nomor_peserta FROM candidates ORDER BY nomor_peserta');
  const formations = all<{ code: string }>('SELECT code FROM formations ORDER BY code');
  const at = new Date(Date.UTC(2026, 11, 20) + seq++ * 1000).toISOString();
  switch (s.kind) {
    case 'score': {
      // Another entry of an item someone already has, for this candidate: CAT (it wins over a typed one) or an amendment.
      const c = nth(candidates, s.pick);
      const row = nth(all<Record<string, unknown>>("SELECT * FROM score_entries WHERE source IN ('cat', 'paper') ORDER BY id"), s.from);
      db.prepare(`INSERT INTO score_entries (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => `@${k}`).join(', ')})`).run({ ...row, id: `prop-${seq}`, nomor_peserta: c.nomor_peserta, source: s.from % 2 ? 'cat' : 'amendment', at, slot: null, session_id: null, import_id: null });
      return;
    }
    case 'attendance': {
      const seat = nth(all<{ session_id: string; nomor_peserta: string }>('SELECT session_id, nomor_peserta FROM session_candidates ORDER BY session_id, nomor_peserta'), s.pick);
      const next = ((db.prepare('SELECT max(seq) FROM attendance_events').pluck().get() as number | null) ?? 0) + 1;
      db.prepare('INSERT INTO attendance_events (id, session_id, nomor_peserta, kind, at, actor, reason, seq) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)').run(`prop-${seq}`, seat.session_id, seat.nomor_peserta, s.absent ? 'absent' : 'present', at, 'test', next);
      return;
    }
    case 'formation':
      db.prepare('UPDATE candidates SET kode_formasi = ? WHERE nomor_peserta = ?').run(nth(formations, s.to).code, nth(candidates, s.pick).nomor_peserta);
      return;
    case 'kategori':
      db.prepare('UPDATE candidates SET kategori = ? WHERE nomor_peserta = ?').run(nth(['umum', 'cumlaude', 'disabilitas', 'putra_papua', 'diaspora'], s.to), nth(candidates, s.pick).nomor_peserta);
      return;
    case 'ipk':
      db.prepare('UPDATE candidates SET ipk_x100 = ? WHERE nomor_peserta = ?').run(s.ipk, nth(candidates, s.pick).nomor_peserta);
      return;
    case 'newCandidate': {
      const row = db.prepare('SELECT * FROM candidates WHERE nomor_peserta = ?').get(nth(candidates, s.pick).nomor_peserta) as Record<string, unknown>;
      db.prepare(`INSERT INTO candidates (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => `@${k}`).join(', ')})`).run({ ...row, nomor_peserta: `9${String(seq).padStart(11, '0')}`, kode_formasi: nth(formations, s.to).code });
      return;
    }
    case 'quota':
      db.prepare('UPDATE formations SET quota = ? WHERE code = ?').run(s.quota, nth(formations, s.to).code);
      return;
    case 'many': {
      const update = db.prepare('UPDATE candidates SET ipk_x100 = ipk_x100 - 1 + 2 * (ipk_x100 < 300) WHERE nomor_peserta = ?');
      db.transaction(() => {
        for (let i = 0; i < s.count; i++) update.run(nth(candidates, s.pick + i).nomor_peserta);
      })();
      return;
    }
  }
}

describe('a ranking kept up to date', () => {
  let root: string;
  let demo: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lentera-incremental-'));
    demo = join(root, 'demo');
    const app = new LenteraApp({ dataDir: demo, allowInit: true });
    try {
      expect((await app.invokeAsync('workstation.demo', { candidates: 1500 }, local)).ok).toBe(true);
    } finally {
      app.close();
    }
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers what ranking the whole exam afresh answers, after any changes by another connection', () => {
    let run = 0;
    const before = { ...rankingRuns };
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
        const dir = join(root, `run-${run++}`);
        cpSync(demo, dir, { recursive: true });
        const file = join(dir, 'lentera.db');
        const reader = new Database(file, { readonly: true });
        const writer = new Database(file);
        try {
          writer.pragma('foreign_keys = ON');
          rankingAnswer(reader, EXAM); // kept, from now on brought up to date
          for (const s of steps) {
            apply(writer, s);
            const fresh = new Database(file, { readonly: true });
            try {
              const expected = rankingAnswer(fresh, EXAM);
              expect(rankingAnswer(reader, EXAM)).toEqual(expected);
              for (const f of ['F01', 'F02', 'F05']) {
                const cut = rankingAnswer(reader, EXAM, f);
                expect(cut).toEqual(rankingAnswer(fresh, EXAM, f));
                // one formation's answer is the whole exam's answer cut to it, in the same order
                expect(cut.results).toEqual(expected.results.filter((r) => r.kode_formasi === f || r.optimalisasi_ke === f));
              }
            } finally {
              fresh.close();
            }
          }
        } finally {
          reader.close();
          writer.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
    // Both ways were taken: a few formations ranked again, and the whole exam (a quota, many candidates).
    expect(rankingRuns.partial - before.partial).toBeGreaterThan(20);
    expect(rankingRuns.whole - before.whole).toBeGreaterThan(25);
  }, 300_000);

  it('keeps nothing half brought up to date: a read that fails drops the kept ranking, and the next one ranks the whole exam', () => {
    const dir = join(root, 'failing');
    cpSync(demo, dir, { recursive: true });
    const file = join(dir, 'lentera.db');
    const reader = new Database(file, { readonly: true });
    const writer = new Database(file);
    try {
      rankingAnswer(reader, EXAM);
      // A candidate removed under their score entries (foreign keys off, as a broken tool might): their entries now
      // belong to nobody, and ranking refuses rather than leave scores out.
      const nomor = writer.prepare("SELECT nomor_peserta FROM score_entries WHERE source = 'cat' ORDER BY nomor_peserta LIMIT 1").pluck().get() as string;
      const row = writer.prepare('SELECT * FROM candidates WHERE nomor_peserta = ?').get(nomor) as Record<string, unknown>;
      writer.pragma('foreign_keys = OFF');
      writer.prepare('DELETE FROM candidates WHERE nomor_peserta = ?').run(nomor);
      expect(() => rankingAnswer(reader, EXAM)).toThrow(/belong to no candidate/);
      // Put back: the next answer is a whole ranking (nothing half-updated was kept), equal to a fresh one.
      writer.prepare(`INSERT INTO candidates (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => `@${k}`).join(', ')})`).run(row);
      const before = { ...rankingRuns };
      const fresh = new Database(file, { readonly: true });
      try {
        expect(rankingAnswer(reader, EXAM)).toEqual(rankingAnswer(fresh, EXAM));
      } finally {
        fresh.close();
      }
      expect(rankingRuns.partial - before.partial).toBe(0);
    } finally {
      reader.close();
      writer.close();
    }
  });
});
