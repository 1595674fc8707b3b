// Issue 14, items 1 and 2: the demo must tell the truth.
//  - 23 interview places went to candidates the ruleset rates TL (outside 3 × the quota), while eligible ones sat in
//    no session: the SKB sessions must be what the SKD ranking gives, as a committee would make them.
//  - The clerk's main job (paper double entry) had nothing to enter: a practical test on paper, with sheets in every
//    state of double entry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { demoPackage, PRACTICAL_STAGE } from '../../src-main/core/demo/generate';
import { readPackage } from '../../src-main/core/exams/exams';
import type { RankedCandidate } from '../../src-main/core/ranking/engine';

const EXAM = 'CPNS-SMG-2026';
const local = { local: 'test' };

describe('the demo venue', () => {
  let dir: string;
  let app: LenteraApp;
  let results: RankedCandidate[];
  let sessions: { code: string; stage: string; candidates: string[] }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lentera-demo-venue-'));
    app = new LenteraApp({ dataDir: join(dir, 'demo'), allowInit: true });
    const made = await app.invokeAsync('workstation.demo', { candidates: 300 }, local);
    if (!made.ok) throw new Error(made.error.message);
    results = (await app.invokeAsync('ranking.compute', { exam: EXAM }, local) as { value: { results: RankedCandidate[] } }).value.results;
    const db = app.workstation!.db;
    sessions = (db.prepare('SELECT s.code, s.stage_code AS stage FROM sessions s ORDER BY s.code').all() as { code: string; stage: string }[]).map((s) => ({
      ...s,
      candidates: db.prepare('SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = ? ORDER BY 1').pluck().all(s.code) as string[],
    }));
  }, 60_000);
  afterAll(() => {
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends to the SKB exactly those the recorded SKD ranks within 3 × the quota of their formation', () => {
    // What the engine says from the recorded SKD: TL (below a passing grade, or outside the SKB seats) and TH stay
    // out; everyone else had an SKB seat.
    const seated = new Set(results.filter((r) => !['TL', 'TH'].includes(r.status)).map((r) => r.nomor_peserta));
    const outside = results.filter((r) => r.status === 'TL' && /di luar 3 × \d+ = \d+ peserta SKB/.test(r.reason));
    expect(outside.length).toBeGreaterThan(0); // the cap matters in this demo: more passers than seats
    const skbCat = new Set(sessions.filter((s) => s.stage === 'SKB-CAT').flatMap((s) => s.candidates));
    const interview = sessions.filter((s) => s.stage === 'SKB-WWC');
    const interviewed = new Set(interview.flatMap((s) => s.candidates));
    expect([...skbCat].sort()).toEqual([...seated].sort());
    expect([...interviewed].sort()).toEqual([...seated].sort());
    // Each interview session is one formation's seats: 3 × its quota, all from that formation.
    const quota: Record<string, number> = { F01: 3, F02: 2, F03: 4, F04: 3, F05: 2, F06: 1 };
    for (const s of interview) {
      const f = s.code.replace('WWC-', '');
      expect(s.candidates.length, s.code).toBe(3 * quota[f]!);
      for (const n of s.candidates) expect(results.find((r) => r.nomor_peserta === n)!.kode_formasi, `${s.code} ${n}`).toBe(f);
    }
  });

  it('has formations complete and in progress: F01 final, F02 partly provisional, the rest waiting for their interviews', () => {
    const of = (f: string) => results.filter((r) => r.kode_formasi === f && !['TL', 'TH'].includes(r.status));
    expect(of('F01').map((r) => r.status).sort()).toEqual(['P/L', 'P/L', 'P/L', 'P/TL', 'P/TL', 'P/TL', 'P/TL', 'P/TL', 'P/TL']);
    expect(of('F01').filter((r) => r.status === 'P/L').every((r) => !r.provisional)).toBe(true);
    expect(of('F02').filter((r) => r.status === 'BL')).toHaveLength(3);
    expect(of('F02').some((r) => r.provisional)).toBe(true);
    for (const f of ['F03', 'F04', 'F05', 'F06']) expect(of(f).every((r) => r.status === 'BL'), f).toBe(true);
  });

  it("has the practical test's paper sheets in every state: confirmed, a mismatch for a third person, typed once, not typed", () => {
    const practical = sessions.find((s) => s.stage === PRACTICAL_STAGE)!;
    expect(practical.candidates.length).toBe(9);
    const status = (app.invoke('paper.status', { exam: EXAM, stage: PRACTICAL_STAGE }, local) as { value: { nomorPeserta: string; state: string; firstBy: string | null; secondBy: string | null }[] }).value;
    const count = (state: string) => status.filter((s) => s.state === state).length;
    // Every sheet is listed, the two not typed yet too, so the clerks see what is left.
    expect({ confirmed: count('confirmed'), mismatch: count('mismatch'), first: count('first'), empty: count('empty') }).toEqual({ confirmed: 4, mismatch: 1, first: 2, empty: 2 });
    expect(status.map((s) => s.nomorPeserta)).toEqual(practical.candidates);
    // Two different clerks typed each sheet with two entries; the mismatch waits (the coordinator sees both entries).
    for (const s of status.filter((x) => x.secondBy)) expect(s.firstBy).not.toBe(s.secondBy);
    const mismatches = app.invoke('paper.mismatches', { exam: EXAM, stage: PRACTICAL_STAGE }, local) as { value: { fields: { differs: boolean }[] }[] };
    expect(mismatches.value).toHaveLength(1);
    expect(mismatches.value[0]!.fields.filter((f) => f.differs)).toHaveLength(1);
  });
});

describe('the demo package', () => {
  it('seats by the SKD ranking at every size: never more than 3 × the quota, never someone the ranking leaves out', () => {
    for (const n of [12, 60, 300, 900]) {
      const pkg = demoPackage(n, 7);
      const formationOf = new Map(pkg.roster.map((r) => [r.nomor_peserta, r.kode_formasi]));
      for (const s of pkg.sessions.filter((x) => x.stage === 'SKB-WWC')) {
        const f = pkg.formations.find((x) => `WWC-${x.code}` === s.code)!;
        expect(s.candidates.length).toBeLessThanOrEqual(3 * f.quota);
        for (const c of s.candidates) expect(formationOf.get(c)).toBe(f.code);
      }
      const cat = pkg.sessions.find((x) => x.stage === 'SKB-CAT')!.candidates;
      expect([...cat].sort()).toEqual(pkg.sessions.filter((x) => x.stage === 'SKB-WWC').flatMap((x) => x.candidates).sort());
    }
  });

  it('is a valid exam package at every size: at 900 candidates and more its SKD rooms sat at 24.00 and past it', () => {
    for (const n of [300, 900, 20_000]) {
      const pkg = demoPackage(n);
      expect(() => readPackage(JSON.stringify(pkg))).not.toThrow();
      const times = new Set(pkg.sessions.filter((x) => x.stage === 'SKD').map((x) => x.starts_at.slice(11, 16)));
      for (const t of times) expect(['08:00', '10:00', '12:00', '14:00', '16:00']).toContain(t);
    }
  });
});
