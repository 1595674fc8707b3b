// The exam's order of birth dates, with each candidate's birth year, pins nearly every birth date of a large exam
// (docs/security.md). Published facts give only each compared candidate's place within the class of those the
// ranking compared it with (engine.ts rankWithAgeTies, facts.ts agePublished), and still recompute to the results.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agePublished, ageOrderKeys, factsFromJson, factsToJson } from '../../src-main/core/bundles/facts';
import { rank, rankWithAgeTies, type CandidateFacts, type FormationFacts } from '../../src-main/core/ranking/engine';
import type { Ruleset } from '../../src-main/core/ranking/ruleset-schema';
import { Fraction } from '../../src-main/core/scoring/exact';
import { cpns, facts, formations, integrationCandidates, integrationRuleset, weightedCandidates, weightedRuleset } from '../unit/ranking-generators';

/** Birth dates drawn from a few, so that candidates tie on everything but their birth date often. */
const dates = (n: number) => fc.array(fc.constantFrom('1990-01-01', '1990-01-02', '1985-06-30', '1999-12-31', '2001-03-04'), { minLength: n, maxLength: n });

interface Seen {
  runs: number;
  withClass: number;
  decidedByAge: number;
  changedWithoutOrder: number;
}

/** The claim, for one ranking: rankWithAgeTies ranks as rank does, and the published facts recompute to it. */
function check(ruleset: Ruleset, fs: FormationFacts[], cs: CandidateFacts[], born: string[], junk: string[], seen: Seen): void {
  const withDates = cs.map((c, i) => ({ ...c, tanggalLahir: born[i]! }));
  const order = ageOrderKeys(withDates.map((c) => c.tanggalLahir));
  const sent = withDates.map((c) => factsToJson(c, order.get(c.tanggalLahir)!));
  const expected = rank(ruleset, fs, sent.map((j) => factsFromJson(j)));
  const { results, ageClasses } = rankWithAgeTies(ruleset, fs, sent.map((j) => factsFromJson(j)));
  expect(results).toEqual(expected);

  const published = agePublished(sent, ageClasses);
  const inClass = new Set(ageClasses.flat());
  expect(inClass.size).toBe(ageClasses.flat().length); // the classes do not overlap
  for (const p of published) expect(p.ageOrder !== undefined, p.nomorPeserta).toBe(inClass.has(p.nomorPeserta));
  // Within a class: dense ranks from the first, nothing of the exam's order.
  for (const members of ageClasses) {
    const values = [...new Set(members.map((n) => published.find((p) => p.nomorPeserta === n)!.ageOrder!))].sort();
    expect(values).toEqual(values.map((_, i) => `u${String(i).padStart(7, '0')}`));
  }
  expect(rank(ruleset, fs, published.map((j) => factsFromJson(j)))).toEqual(expected);
  // Whatever a candidate outside every class is given as birth order, it ranks the same: it is never read.
  const guessed = published.map((p, i) => (p.ageOrder === undefined ? { ...p, ageOrder: junk[i % junk.length]! } : p));
  expect(rank(ruleset, fs, guessed.map((j) => factsFromJson(j)))).toEqual(expected);

  seen.runs++;
  if (ageClasses.length) seen.withClass++;
  if (process.env.SHOW_SEEN && seen.runs % 1000 === 0) console.log(JSON.stringify(seen));
  if (expected.some((r) => r.decided_by === 'older')) seen.decidedByAge++;
  // Not vacuous: with every birth order dropped, these results would be others.
  const dropped = sent.map(({ ageOrder: _a, ...rest }) => rest);
  if (JSON.stringify(rank(ruleset, fs, dropped.map((j) => factsFromJson(j)))) !== JSON.stringify(expected)) seen.changedWithoutOrder++;
}

/** The ruleset, or the same with `older` moved up to second, where it decides far more often. */
const olderEarly = (r: fc.Arbitrary<Ruleset>) =>
  fc.tuple(r.filter((x) => x.tie_break.includes('older')), fc.boolean()).map(([x, early]): Ruleset => {
    if (!early) return x;
    const rest = x.tie_break.filter((k) => k !== 'older');
    return { ...x, tie_break: [rest[0]!, 'older', ...rest.slice(1)].filter((k) => k !== undefined) } as Ruleset;
  });

const junkArb = fc.array(fc.constantFrom('', 'u0000000', 'u0000003', 'u9999999', 'a'), { minLength: 1, maxLength: 5 });

describe('published facts recompute to the results without the exam order of birth dates', () => {
  it('integration rulesets (tie-breaks in any order, optimalisasi on and off)', () => {
    const seen: Seen = { runs: 0, withClass: 0, decidedByAge: 0, changedWithoutOrder: 0 };
    fc.assert(
      fc.property(
        olderEarly(integrationRuleset),
        formations,
        integrationCandidates.chain((cs) => fc.tuple(fc.constant(cs), dates(cs.length))),
        junkArb,
        (r, fs, [cs, born], junk) => check(r, fs, facts(cs), born, junk, seen),
      ),
      { numRuns: 1000 },
    );
    // Not vacuous (about 230, 25 and 25 of 1,000 runs when written).
    expect(seen.withClass).toBeGreaterThan(100);
    expect(seen.decidedByAge).toBeGreaterThan(8);
    expect(seen.changedWithoutOrder).toBeGreaterThan(8);
  });

  it('weighted-stages rulesets', () => {
    const seen: Seen = { runs: 0, withClass: 0, decidedByAge: 0, changedWithoutOrder: 0 };
    fc.assert(
      fc.property(
        olderEarly(weightedRuleset),
        formations,
        weightedCandidates.chain((cs) => fc.tuple(fc.constant(cs), dates(cs.length))),
        junkArb,
        (r, fs, [cs, born], junk) => check(r, fs, facts(cs), born, junk, seen),
      ),
      { numRuns: 1000 },
    );
    // Not vacuous (about 110, 100 and 100 of 1,000 runs when written).
    expect(seen.withClass).toBeGreaterThan(60);
    expect(seen.decidedByAge).toBeGreaterThan(50);
    expect(seen.changedWithoutOrder).toBeGreaterThan(50);
  });

  it('a candidate whose birth date the ranking never compared gets no birth order at all', () => {
    const F = (x: number) => ({ twk: x, tiu: 80, tkp: 166 });
    const fs: FormationFacts[] = [{ code: 'F1', quota: 1, position: 'Analis', education: 'S1' }];
    const cs = facts(
      [F(100), F(100), F(90), F(95)].map((s) => ({
        kode: 'F1',
        ipk: 350,
        lahir: '',
        flag: null,
        kategori: 'umum',
        skd: { twk: new Fraction(s.twk), tiu: new Fraction(s.tiu), tkp: new Fraction(s.tkp) },
        skb: new Fraction(70),
      })),
    );
    const born = ['1995-05-05', '1990-01-01', '1980-01-01', '2000-01-01'];
    const withDates = cs.map((c, i) => ({ ...c, tanggalLahir: born[i]! }));
    const order = ageOrderKeys(born);
    const sent = withDates.map((c) => factsToJson(c, order.get(c.tanggalLahir)!));
    const { results, ageClasses } = rankWithAgeTies(cpns, fs, sent.map((j) => factsFromJson(j)));
    // n000 and n001 tie on everything before birth: the older, n001, takes the one seat.
    expect(results.map((r) => [r.nomor_peserta, r.rank, r.status, r.decided_by])).toEqual([
      ['n001', 1, 'P/L', 'older'],
      ['n000', 2, 'P/TL', null],
      ['n003', 3, 'P/TL', null],
      ['n002', null, 'TL', null], // below the TWK passing grade
    ]);
    expect(ageClasses).toEqual([['n000', 'n001']]);
    const published = agePublished(sent, ageClasses);
    // The exam's order put n000 third of four dates; published, it is only second of the two it tied with.
    expect(sent.map((s) => s.ageOrder)).toEqual(['u0000002', 'u0000001', 'u0000000', 'u0000003']);
    expect(published.map((p) => p.ageOrder)).toEqual(['u0000001', 'u0000000', undefined, undefined]);
    expect(Object.keys(published[2]!)).not.toContain('ageOrder');
  });
});

