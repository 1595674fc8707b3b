import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandidateFacts } from '../../src-main/core/ranking/engine';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { distribution, examStrengths, MIN_COMPARABLE, nearestLevel, plainSentence, quantile, standing, TOO_FEW, type StageDef } from '../../src-main/core/ranking/strengths';
import { Fraction } from '../../src-main/core/scoring/exact';

const cpns = loadRuleset('cpns-2024').ruleset;
const terbuka = loadRuleset('seleksi-terbuka-2024').ruleset;
const F = (x: number | string) => new Fraction(x);

function cand(nomor: string, formation: string, twk: number, tiu: number, tkp: number, kategori = 'umum', wwc?: number): CandidateFacts {
  return {
    nomorPeserta: nomor,
    kodeFormasi: formation,
    kategori,
    ipk: 350,
    tanggalLahir: '1995-01-01',
    skd: { twk: F(twk), tiu: F(tiu), tkp: F(tkp) },
    skb: { 'SKB-CAT': 'missing', 'SKB-WWC': wwc === undefined ? 'missing' : F(wwc) },
  };
}

// F01: six candidates with an SKD, TIU 60 70 80 80 90 100, and one whose SKD is missing. F02: two candidates.
const F01 = [
  cand('A1', 'F01', 70, 60, 170),
  cand('A2', 'F01', 70, 70, 170),
  cand('A3', 'F01', 70, 80, 170),
  cand('A4', 'F01', 70, 80, 170),
  cand('A5', 'F01', 70, 90, 170),
  cand('A6', 'F01', 90, 100, 200),
  { ...cand('A7', 'F01', 0, 0, 0), skd: 'missing' as const },
];
const F02 = [cand('B1', 'F02', 100, 150, 200), cand('B2', 'F02', 50, 40, 100)];

describe('statistics, worked by hand', () => {
  it('type-7 quartiles and the mid-rank percentile of 60 70 80 80 90 100', () => {
    const d = distribution([100, 60, 80, 70, 90, 80].map(F));
    // h = 5p: Q1 at 1.25 → 70 + 0.25 × 10; median at 2.5 → 80; Q3 at 3.75 → 80 + 0.75 × 10.
    expect([d.n, d.q1.toString(), d.median.toString(), d.q3.toString()]).toEqual([6, '72.5', '80', '87.5']);
    // 80: two lower, two equal → (2 + 1) / 6 = 50 %.
    expect(standing(d.sorted, F(80))).toMatchObject({ lower: 2, equal: 2 });
    expect(standing(d.sorted, F(80)).percentile.toString()).toBe('50');
    expect(standing(d.sorted, F(100)).percentile.toFraction()).toBe('275/3'); // 91.67
    expect(standing(d.sorted, F(60)).percentile.toFraction()).toBe('25/3'); // 8.33
    // A value nobody has: all below it counted, none equal.
    expect(standing(d.sorted, F(85))).toMatchObject({ lower: 4, equal: 0 });
    expect(quantile([F(7)], F('1/2')).toString()).toBe('7');
  });

  it('the summary of TIU 80 in F01: on the pass line, Q1 72,5, median 80, Q3 87,5, percentile 50, higher than 33 %', () => {
    const s = examStrengths({ ruleset: cpns, candidates: [...F01, ...F02] });
    const a3 = s.get('A3')!;
    expect(a3.formation).toBe('F01');
    const tiu = a3.components.find((c) => c.key === 'skd:tiu')!;
    expect(tiu).toMatchObject({ label: 'TIU', score: '80', passLine: '80', distance: '0', passes: true, comparison: { n: 6, q1: '72.5', median: '80', q3: '87.5', percentile: 50, higherThan: 33 } });
    expect(plainSentence(tiu)).toBe('TIU: tepat pada nilai ambang batas (80); lebih tinggi dari 33 % peserta formasi ini (median formasi 80).');
    const top = s.get('A6')!.components.find((c) => c.key === 'skd:tiu')!;
    expect(top).toMatchObject({ distance: '20', comparison: { percentile: 91, higherThan: 83 } });
    expect(plainSentence(top)).toBe('TIU: 20 poin di atas nilai ambang batas (80); lebih tinggi dari 83 % peserta formasi ini (median formasi 80).');
    // The fields in the order the sheet's and the site's JSON have always had them (toMatchObject ignores order).
    expect(Object.keys(tiu)).toEqual(['key', 'group', 'label', 'score', 'exact', 'max', 'passLine', 'distance', 'distanceExact', 'passes', 'comparison']);
    expect(Object.keys(tiu.comparison)).toEqual(['n', 'median', 'q1', 'q3', 'percentile', 'higherThan']);
    expect(JSON.stringify(s.get('B1')!.components[0]!.comparison)).toBe('{"n":2}');
    const low = s.get('A1')!.components.find((c) => c.key === 'skd:tiu')!;
    expect(low).toMatchObject({ distance: '-20', passes: false, comparison: { percentile: 8, higherThan: 0 } });
    expect(plainSentence(low)).toContain('20 poin di bawah nilai ambang batas (80); tidak ada peserta formasi ini yang nilainya lebih rendah');
    // SKD total: 310 for A3 (70 + 80 + 160… here 70 + 80 + 170); umum has no total pass line.
    expect(a3.components.find((c) => c.key === 'skd:total')).toMatchObject({ score: '320', max: '550', passLine: null, distance: null, passes: null });
    // No SKB value yet: no SKB rows at all, never a 0.
    expect(a3.components.map((c) => c.key)).toEqual(['skd:twk', 'skd:tiu', 'skd:tkp', 'skd:total']);
  });

  it('the pass line follows the kategori: cumlaude has TIU 85 and a total of 311, and no TWK line', () => {
    const s = examStrengths({ ruleset: cpns, candidates: [...F01, { ...cand('C1', 'F01', 60, 84, 170, 'cumlaude') }] });
    const c = s.get('C1')!.components;
    expect(c.find((x) => x.key === 'skd:tiu')).toMatchObject({ passLine: '85', distance: '-1', passes: false });
    expect(c.find((x) => x.key === 'skd:twk')).toMatchObject({ passLine: null, distance: null });
    expect(c.find((x) => x.key === 'skd:total')).toMatchObject({ score: '314', passLine: '311', distance: '3', passes: true });
  });
});

describe('privacy: fewer than five values, no distribution', () => {
  it('F02 has two candidates: no median, quartiles or percentile, and the sentence says so', () => {
    const s = examStrengths({ ruleset: cpns, candidates: [...F01, ...F02] });
    const b2 = s.get('B2')!;
    for (const c of b2.components) {
      expect(c.comparison).toEqual({ n: 2 });
      expect(plainSentence(c)).toContain(TOO_FEW);
    }
    // Nothing in B2's summary is B1's value (TIU 150, TWK 100, SKD 450).
    const text = JSON.stringify(b2);
    for (const v of ['150', '450']) expect(text).not.toContain(`"${v}"`);
  });

  it('exactly at the limit: four values say nothing, five compare', () => {
    const base = F01.slice(0, 4);
    expect(examStrengths({ ruleset: cpns, candidates: base }).get('A1')!.components[0]!.comparison).toEqual({ n: 4 });
    expect(examStrengths({ ruleset: cpns, candidates: F01.slice(0, MIN_COMPARABLE) }).get('A1')!.components[0]!.comparison.median).toBe('70');
  });

  it('a missing SKD is not a zero: A7 has no summary rows and is not counted in n', () => {
    const s = examStrengths({ ruleset: cpns, candidates: F01 });
    expect(s.get('A7')!.components).toEqual([]);
    expect(s.get('A1')!.components[0]!.comparison.n).toBe(6);
  });
});

describe('interview criteria and the rubric descriptor', () => {
  const levels = [1, 2, 3, 4, 5].map((score) => ({ score, label: ['Sangat kurang', 'Kurang', 'Cukup', 'Baik', 'Sangat baik'][score - 1]!, description: `Tingkat ${score}.` }));
  const stages: StageDef[] = [
    { code: 'WAWANCARA', name: 'Wawancara', kind: 'interview', method: 'mean', items: [{ code: 'integritas', name: 'Integritas', max: 5, levels }] },
    { code: 'MAKALAH', name: 'Makalah', kind: 'written', items: [{ code: 'isi', name: 'Isi', max: 60 }, { code: 'bahasa', name: 'Bahasa', max: 40 }] },
  ];
  const people = ['P1', 'P2', 'P3', 'P4', 'P5'].map((n, i) => ({
    nomorPeserta: n,
    kodeFormasi: 'JPT1',
    kategori: 'umum',
    ipk: null,
    tanggalLahir: '1980-01-01',
    stages: { ASESMEN: F(70), MAKALAH: F(50 + i * 5), WAWANCARA: i === 4 ? ('missing' as const) : F(60 + i * 10) },
  }));
  const items = new Map<string, Map<string, Fraction>>();
  ['10/3', '7/2', '4', '9/2', '5'].forEach((v, i) => items.set(`P${i + 1}|WAWANCARA`, new Map([['integritas', F(v)]])));
  people.forEach((p, i) => items.set(`${p.nomorPeserta}|MAKALAH`, new Map([['isi', F(30 + i)], ['bahasa', F(20 + i)]])));

  it('shows the panel value, its method, and the level nearest it (halfway goes up); a stage minimum is its pass line', () => {
    const s = examStrengths({ ruleset: terbuka, candidates: people, stages, items });
    const p2 = s.get('P2')!.components;
    expect(p2.map((c) => c.key)).toEqual(['stage:ASESMEN', 'stage:MAKALAH', 'item:MAKALAH:isi', 'item:MAKALAH:bahasa', 'stage:WAWANCARA', 'item:WAWANCARA:integritas']);
    expect(p2.find((c) => c.key === 'stage:WAWANCARA')).toMatchObject({ label: 'Nilai wawancara (skala 0–100)', score: '70', passLine: '70', distance: '0', comparison: { n: 4 } });
    const crit = p2.find((c) => c.key === 'item:WAWANCARA:integritas')!;
    expect(crit).toMatchObject({ group: 'criterion', score: '3.5', exact: '7/2', max: '5', method: 'mean', level: { score: 4, label: 'Baik' } });
    expect(plainSentence(crit)).toBe(`Integritas: rata-rata nilai panel terdekat dengan tingkat rubrik “Baik”; ${TOO_FEW} (4 peserta dengan nilai ini di formasi Anda).`);
    expect(s.get('P1')!.components.find((c) => c.key === 'item:WAWANCARA:integritas')).toMatchObject({ score: '3.333', level: { score: 3 } });
    // P5's interview is not settled: its criterion value is not shown, however the items map says it.
    expect(s.get('P5')!.components.some((c) => c.stage === 'WAWANCARA')).toBe(false);
    // Written items compare across the five.
    expect(p2.find((c) => c.key === 'item:MAKALAH:isi')).toMatchObject({ score: '31', max: '60', comparison: { n: 5, median: '32', percentile: 30, higherThan: 20 } });
    const order = ['key', 'group', 'label', 'stage', 'score', 'exact', 'max', 'passLine', 'distance', 'distanceExact', 'passes', 'comparison'];
    expect(Object.keys(p2.find((c) => c.key === 'stage:MAKALAH')!)).toEqual(order);
    expect(Object.keys(p2.find((c) => c.key === 'item:MAKALAH:isi')!)).toEqual(order);
    expect(Object.keys(crit)).toEqual([...order, 'method', 'level']);
    expect(Object.keys(crit.comparison)).toEqual(['n']);
  });

  it('nearestLevel: exact, between, halfway, and no levels', () => {
    expect(nearestLevel(levels, F('3.4'))!.score).toBe(3);
    expect(nearestLevel(levels, F('3.5'))!.score).toBe(4);
    expect(nearestLevel(levels, F(5))!.score).toBe(5);
    expect(nearestLevel([], F(3))).toBeNull();
  });
});

describe('properties', () => {
  const values = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 });

  it('min ≤ Q1 ≤ median ≤ Q3 ≤ max', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const d = distribution(xs.map(F));
        const min = F(Math.min(...xs));
        const max = F(Math.max(...xs));
        return min.compare(d.q1) <= 0 && d.q1.compare(d.median) <= 0 && d.median.compare(d.q3) <= 0 && d.q3.compare(max) <= 0;
      }),
    );
  });

  it('the median is the usual median', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        const m = s.length % 2 ? F(s[(s.length - 1) / 2]!) : F(s[s.length / 2 - 1]!).add(s[s.length / 2]!).div(2);
        return distribution(xs.map(F)).median.equals(m);
      }),
    );
  });

  it('the percentile is in [0, 100], counts as a naive count does, and never falls as the score rises', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: -1100, max: 1100 }), fc.integer({ min: 0, max: 300 }), (xs, x, up) => {
        const d = distribution(xs.map(F));
        const a = standing(d.sorted, F(x));
        const b = standing(d.sorted, F(x + up));
        const naiveLower = xs.filter((v) => v < x).length;
        const naiveEqual = xs.filter((v) => v === x).length;
        return (
          a.lower === naiveLower &&
          a.equal === naiveEqual &&
          a.percentile.compare(0) >= 0 &&
          a.percentile.compare(100) <= 0 &&
          a.percentile.compare(b.percentile) <= 0
        );
      }),
    );
  });

  it('a summary never holds a distribution of fewer than five, and every percentile it gives is 0–100', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('F1', 'F2', 'F3'), fc.integer({ min: 0, max: 175 })), { minLength: 1, maxLength: 30 }), (rows) => {
        const cands = rows.map(([f, tiu], i) => cand(`N${i}`, f, 70, tiu, 170));
        for (const s of examStrengths({ ruleset: cpns, candidates: cands }).values()) {
          for (const c of s.components) {
            const n = cands.filter((x) => x.kodeFormasi === s.formation).length;
            if (c.comparison.n !== n) return false;
            if (n < MIN_COMPARABLE && Object.keys(c.comparison).length !== 1) return false;
            if (n >= MIN_COMPARABLE && !(c.comparison.percentile! >= 0 && c.comparison.percentile! <= 100 && c.comparison.higherThan! <= c.comparison.percentile!)) return false;
          }
        }
        return true;
      }),
    );
  });
});

describe('scores shared between candidates', () => {
  // The hub's facts hold one fraction object per distinct value (fractionOf), and what a score shows against a
  // pass line is worked out once per pair: the same object under another kategori's line must not show the first.
  it('give every candidate the summary and sentences they have when each holds their own objects', () => {
    const kategoris = cpns.model === 'integration' ? Object.keys(cpns.passing_grade) : [];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('F1', 'F2'), fc.constantFrom(...kategoris), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 40 }),
        (rows) => {
          // Few distinct values, each one object shared by every candidate that has it.
          const pool = Array.from({ length: 7 }, (_, k) => F(60 + k * 7));
          const shared = rows.map(([f, kat, tiu, twk], i): CandidateFacts => ({ ...cand(`N${i}`, f, 0, 0, 170, kat), skd: { twk: pool[twk]!, tiu: pool[tiu]!, tkp: pool[0]! } }));
          const own = shared.map((c): CandidateFacts => ({ ...c, skd: Object.fromEntries(Object.entries(c.skd as Record<string, Fraction>).map(([k, v]) => [k, F(v.toFraction())])) }));
          const a = examStrengths({ ruleset: cpns, candidates: shared });
          const b = examStrengths({ ruleset: cpns, candidates: own });
          for (const [nomor, s] of b) {
            expect(a.get(nomor)).toEqual(s);
            expect(a.get(nomor)!.components.map(plainSentence)).toEqual(s.components.map(plainSentence));
          }
        },
      ),
    );
  });

  it('show each kategori its own pass line for the very same score object', () => {
    const tiu = F(84);
    const rows = ['umum', 'cumlaude'].flatMap((kat, k) => Array.from({ length: 3 }, (_, i): CandidateFacts => ({ ...cand(`K${k}${i}`, 'F1', 70, 0, 170, kat), skd: { twk: F(70), tiu, tkp: F(170) } })));
    const s = examStrengths({ ruleset: cpns, candidates: rows });
    const line = (nomor: string) => s.get(nomor)!.components.find((c) => c.key === 'skd:tiu')!;
    expect([line('K00').passLine, line('K00').distance, line('K00').passes]).toEqual(['80', '4', true]);
    expect([line('K10').passLine, line('K10').distance, line('K10').passes]).toEqual(['85', '-1', false]);
    expect(plainSentence(line('K10'))).toMatch(/^TIU: 1 poin di bawah nilai ambang batas \(85\)/);
  });
});

describe('a candidate number given twice', () => {
  it('is summarised once, on the later facts given, and counted once in its formation', () => {
    const again = cand('A1', 'F01', 70, 100, 170);
    const once = examStrengths({ ruleset: cpns, candidates: [...F01.filter((c) => c.nomorPeserta !== 'A1'), again] });
    const twice = examStrengths({ ruleset: cpns, candidates: [...F01, again] });
    expect(twice.get('A1')).toEqual(once.get('A1'));
    const tiu = twice.get('A1')!.components.find((c) => c.key === 'skd:tiu')!;
    expect([tiu.exact, tiu.comparison.n]).toEqual(['100', 6]);
    expect(twice.get('A2')).toEqual(once.get('A2'));
  });
});
