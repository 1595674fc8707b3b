import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { gatherFacts } from '../../src-main/core/ranking/inputs';
import { openWorkstation } from '../../src-main/core/workstation/workstation';
import { tempDir } from './helpers';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { rankExplained, type CandidateFacts, type FormationFacts } from '../../src-main/core/ranking/engine';
import type { Ruleset } from '../../src-main/core/ranking/ruleset-schema';
import { add, cmp, CommonDenominator, exactString, fixed3, int, mul, shownString, trimmedString, type Int } from '../../src-main/core/ranking/scaled';
import { Fraction, toExactString, toFixedString } from '../../src-main/core/scoring/exact';
import { rankExplained as referenceRank } from './ranking-reference';
import { cpns, facts, formations, integrationCandidates, integrationRuleset, value, weightedCandidates, weightedRuleset } from './ranking-generators';

// The scaled-integer engine must give, field for field and string for string, what the fraction.js engine gave.

const same = (ruleset: Ruleset, fs: FormationFacts[], cs: CandidateFacts[]) => {
  const fast = rankExplained(ruleset, fs, cs);
  const reference = referenceRank(ruleset, fs, cs);
  // String for string, key order included (results are hashed as JSON), and the reasons as data.
  expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
  expect(fast).toEqual(reference);
};

describe('the scaled-integer engine equals the fraction.js engine', () => {
  it('integration rulesets, on random facts full of exact ties that floating point breaks', () => {
    fc.assert(
      fc.property(integrationRuleset, formations, integrationCandidates, (r, fs, cs) => same(r, fs, facts(cs))),
      { numRuns: 300 },
    );
  });

  it('weighted-stages rulesets, likewise', () => {
    fc.assert(
      fc.property(weightedRuleset, formations, weightedCandidates, (r, fs, cs) => same(r, fs, facts(cs))),
      { numRuns: 300 },
    );
  });

  it('the float trap: equal finals that doubles order the wrong way tie exactly and fall to the SKD total', () => {
    // 0.4×(333/550×100) + 0.6×53.8 and 0.4×(300/550×100) + 0.6×57.8 are both 15537/275.
    const cs = facts([
      { kode: 'F1', ipk: 350, lahir: '1990-01-01', flag: null, kategori: 'disabilitas', skd: { twk: new Fraction(70), tiu: new Fraction(60), tkp: new Fraction(170) }, skb: new Fraction('57.8') },
      { kode: 'F1', ipk: 350, lahir: '1990-01-01', flag: null, kategori: 'umum', skd: { twk: new Fraction(80), tiu: new Fraction(85), tkp: new Fraction(168) }, skb: new Fraction('53.8') },
    ]);
    const r = rankExplained(cpns, [{ code: 'F1', quota: 1, position: 'A', education: 'S1' }], cs).map((x) => x.result);
    expect(r.map((x) => [x.nomor_peserta, x.rank, x.final_exact, x.final, x.decided_by])).toEqual([
      ['n001', 1, '15537/275', '56.498', 'skd_total'],
      ['n000', 2, '15537/275', '56.498', null],
    ]);
    same(cpns, [{ code: 'F1', quota: 1, position: 'A', education: 'S1' }], cs);
  });

  it('a demo workstation ranks the same: stage values on 0–100 from its raw entries, any denominator', async () => {
    const dir = join(tempDir(), 'demo');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 400 }, { local: 't' });
    app.close();
    const ws = openWorkstation(dir);
    try {
      const examId = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
      const f = gatherFacts(ws.db, examId, cpns);
      expect(f.candidates.length).toBe(400);
      same(cpns, f.formations, f.candidates);
    } finally {
      ws.close();
    }
  });

  it('values far beyond 2^53 rank and print exactly (the bigint path)', () => {
    const big = (s: string) => new Fraction(s);
    const cs = facts([
      { kode: 'F1', ipk: 350, lahir: '1990-01-01', flag: null, kategori: 'umum', skd: { twk: big('100'), tiu: big('100'), tkp: big('200') }, skb: big('123456789012345678901/1234567890123456789012') },
      { kode: 'F1', ipk: 350, lahir: '1990-01-01', flag: null, kategori: 'umum', skd: { twk: big('100'), tiu: big('100'), tkp: big('200') }, skb: big('123456789012345678902/1234567890123456789012') },
    ]);
    const r = rankExplained(cpns, [{ code: 'F1', quota: 1, position: 'A', education: 'S1' }], cs).map((x) => x.result);
    // 1/10^21 apart: the second is ahead, decided by the final itself.
    expect(r.map((x) => [x.nomor_peserta, x.rank, x.decided_by])).toEqual([
      ['n001', 1, null],
      ['n000', 2, null],
    ]);
    same(cpns, [{ code: 'F1', quota: 1, position: 'A', education: 'S1' }], cs);
  });
});

describe('scaled integers', () => {
  const anyInt = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }).map(int), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52, 0));
  const den = fc.oneof(fc.constantFrom(1n, 2n, 3n, 7n, 1000n, 55000n), fc.bigInt({ min: 1n, max: 1n << 70n }));

  it('add, mul and cmp are exact, and a value is a number exactly when it is a safe integer', () => {
    fc.assert(
      fc.property(anyInt, anyInt, (a, b) => {
        const check = (x: Int, exact: bigint) => {
          expect(BigInt(x)).toBe(exact);
          expect(typeof x).toBe(exact <= BigInt(Number.MAX_SAFE_INTEGER) && exact >= -BigInt(Number.MAX_SAFE_INTEGER) ? 'number' : 'bigint');
        };
        check(add(a, b), BigInt(a) + BigInt(b));
        check(mul(a, b), BigInt(a) * BigInt(b));
        expect(cmp(a, b)).toBe(BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('prints the same strings as the fraction.js helpers', () => {
    fc.assert(
      fc.property(anyInt, den, (n, d) => {
        const f = new Fraction(BigInt(n), d);
        expect(fixed3(n, d)).toBe(toFixedString(f, 3));
        expect(exactString(n, d)).toBe(toExactString(f));
        const fmt = toFixedString(f, 3).replace(/\.?0+$/, '') || '0';
        expect(trimmedString(n, d)).toBe(fmt);
        expect(shownString(n, d)).toBe(f.d === 1n ? f.n.toString() : fmt);
      }),
      { numRuns: 2000 },
    );
    // rounding at the half, both ways, and a carry into the integer part
    expect(fixed3(1, 2000n)).toBe('0.001');
    expect(fixed3(-1, 2000n)).toBe('-0.001');
    expect(fixed3(19999, 200n)).toBe('99.995');
    expect(fixed3(1999999, 20000n)).toBe('100.000');
  });

  it('a common denominator orders fractions as they are ordered, and refuses a denominator it was not told of', () => {
    fc.assert(
      fc.property(fc.array(value(0, 10), { minLength: 1, maxLength: 20 }), (fs) => {
        const cd = new CommonDenominator();
        for (const f of fs) cd.note(f);
        const scaled = fs.map((f) => cd.scale(f));
        fs.forEach((f, i) => {
          expect(new Fraction(BigInt(scaled[i]!), cd.d).equals(f)).toBe(true);
          fs.forEach((g, j) => expect(cmp(scaled[i]!, scaled[j]!)).toBe(f.compare(g)));
        });
      }),
      { numRuns: 300 },
    );
    const cd = new CommonDenominator();
    cd.note(new Fraction(1, 3));
    expect(() => cd.scale(new Fraction(1, 7))).toThrow(/not noted/);
  });
});

describe('reading a flat results file', () => {
  // The rule as it always was: digits with at most one decimal point or comma, read exactly.
  const old = (raw: string): Fraction | undefined | 'bad' => {
    const s = raw.trim().replace(',', '.');
    if (s === '') return undefined;
    if (!/^\d+(\.\d+)?$/.test(s)) return 'bad';
    return new Fraction(s);
  };
  const cell = fc.oneof(
    fc.stringMatching(/^[0-9]{1,20}([.,][0-9]{1,20})?$/),
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9', ',', '.', ' ', '-', 'x', '\u00a0', '\u3000', '\ufeff'), maxLength: 8 }),
  );

  it('reads every score cell as the regex-and-fraction.js reader did, and refuses the same cells', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 30 }), (cells) => {
        const header = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir';
        const rows = cells.map((c, i) => `n${i};F1;1;umum;${c};100;${c};70;3,5;1990-01-01`);
        const want = cells.map(old);
        let got: ReturnType<typeof readFlatResults>;
        try {
          got = readFlatResults(parseCsvText([header, ...rows].join('\n'), 'hasil.csv'), cpns);
        } catch (e) {
          const problems = (e as { details: { problems: { line: number; column: string; reason: string }[] } }).details.problems;
          expect(problems.filter((p) => p.column === 'twk').map((p) => p.line)).toEqual(want.flatMap((w, i) => (w === 'bad' ? [i + 2] : [])));
          return;
        }
        expect(want).not.toContain('bad');
        got.candidates.forEach((c, i) => {
          const w = want[i];
          if (w === undefined) expect(c.skd).toBe('missing');
          else expect((c.skd as Record<string, Fraction>).twk!.equals(w as Fraction)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a no-break or ideographic space around a number is trimmed as before, so the same candidate twice is still a duplicate', () => {
    const header = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir';
    const twice = [header, 'A1;F1;1;umum;100;100;200;70;3,5;1990-01-01', 'A1\u00a0;F1\u00a0;1;umum;100;100;200;70\u3000;3,5;1990-01-01'].join('\n');
    expect(() => readFlatResults(parseCsvText(twice, 'hasil.csv'), cpns)).toThrow(/duplicate nomor_peserta A1/);
    const once = readFlatResults(parseCsvText([header, 'A1\u00a0;F1\u00a0;1;umum;100;100;200;70\u3000;3,5;1990-01-01'].join('\n'), 'hasil.csv'), cpns);
    expect([once.candidates[0]!.nomorPeserta, once.candidates[0]!.kodeFormasi, once.formations.map((f) => f.code)]).toEqual(['A1', 'F1', ['F1']]);
  });

  it('an SKB above 100 is refused with its line, also when written with a comma', () => {
    const header = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir';
    expect(() => readFlatResults(parseCsvText([header, 'a;F1;1;umum;100;100;200;100,001;3,5;1990-01-01'].join('\n'), 'hasil.csv'), cpns)).toThrow(/line 2, column skb: SKB 100,001 is above 100/);
    expect(readFlatResults(parseCsvText([header, 'a;F1;1;umum;100;100;200;100,000;3,5;1990-01-01'].join('\n'), 'hasil.csv'), cpns).candidates[0]!.skb).toEqual(new Fraction(100));
  });
});
