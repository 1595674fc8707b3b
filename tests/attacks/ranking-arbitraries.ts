// The generators the ranking's properties share (tests/attacks/provisional.test.ts, impostor-formation.test.ts):
// small value sets, so that exact ties (on finals and on every tie-break key) happen often.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CandidateFacts, FormationFacts, RankedCandidate, StageValue } from '../../src-main/core/ranking/engine';
import { Fraction } from '../../src-main/core/scoring/exact';

export const F = (x: number | string) => new Fraction(x);
export const by = (results: RankedCandidate[], n: string) => results.find((r) => r.nomor_peserta === n)!;
export const formation = (code: string, quota: number, position = 'Analis', education = 'S1'): FormationFacts => ({ code, quota, position, education });

export type Skd = [number, number, number] | 'missing' | 'absent';
export type Stage = number | 'missing' | 'absent';
/** Small value sets, so that exact ties (on finals and on every tie-break key) happen often. */
export const skdArb: fc.Arbitrary<Skd> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(60, 65, 100, 150), fc.constantFrom(60, 80, 85, 140), fc.constantFrom(160, 166, 170, 200)) },
  { weight: 1, arbitrary: fc.constant('missing' as const) },
  { weight: 1, arbitrary: fc.constant('absent' as const) },
);
export const stageArb: fc.Arbitrary<Stage> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 50, 60, 70, 96, 100) },
  { weight: 2, arbitrary: fc.constant('missing' as const) },
  { weight: 1, arbitrary: fc.constant('absent' as const) },
);
export const integrationCandidate = fc.record({
  f: fc.constantFrom('F1', 'F2', 'F3', 'F4'),
  kat: fc.constantFrom('umum', 'umum', 'disabilitas', 'cumlaude'),
  skd: skdArb,
  cat: stageArb,
  wwc: stageArb,
  ipk: fc.constantFrom(300, 350),
  lahir: fc.constantFrom('1990-01-01', '1991-01-01'),
  flag: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('APS' as const, 'TMS' as const) }),
});
export type IntegrationGen = typeof integrationCandidate extends fc.Arbitrary<infer T> ? T : never;

export const stage = (x: Stage): StageValue => (typeof x === 'number' ? F(x) : x);
export function integrationFacts(cs: IntegrationGen[]): CandidateFacts[] {
  return cs.map((c, i) => ({
    nomorPeserta: `n${String(i).padStart(2, '0')}`,
    kodeFormasi: c.f,
    kategori: c.kat,
    ipk: c.ipk,
    tanggalLahir: c.lahir,
    ...(c.flag ? { flag: c.flag } : {}),
    skd: Array.isArray(c.skd) ? { twk: F(c.skd[0]), tiu: F(c.skd[1]), tkp: F(c.skd[2]) } : c.skd,
    skb: { 'SKB-CAT': stage(c.cat), 'SKB-WWC': stage(c.wwc) },
  }));
}
export const quotas = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 1 }));
// F1, F2 and F3 share a position and education (optimalisasi between them); F4 stands alone.
export const integrationFormations = (q: number[]) => [formation('F1', q[0]!), formation('F2', q[1]!), formation('F3', q[2]!), formation('F4', q[3]!, 'Lain')];

/**
 * The claim: each status that was neither BL nor provisional is the same after the completion (optimalisasi seat
 * too). Returns how many P/… statuses it found final in a formation that had a BL candidate (to show it is not vacuous).
 */
export function expectFinalKept(before: RankedCandidate[], after: RankedCandidate[]): number {
  let besideBl = 0;
  const withBl = new Set(before.filter((r) => r.status === 'BL').map((r) => r.kode_formasi));
  for (const b of before) {
    if (b.status === 'BL' || b.provisional) continue;
    const a = by(after, b.nomor_peserta);
    expect({ nomor: b.nomor_peserta, status: a.status, ke: a.optimalisasi_ke }, JSON.stringify(b)).toEqual({ nomor: b.nomor_peserta, status: b.status, ke: b.optimalisasi_ke });
    if (withBl.has(b.kode_formasi) && b.status.startsWith('P/')) besideBl++;
  }
  return besideBl;
}
