// The ranking's random inputs (ranking-fast.test.ts, tests/attacks/birth-order.test.ts): random rulesets (tie-breaks
// in any order) and facts full of exact ties that floating point breaks.
import fc from 'fast-check';
import type { CandidateFacts, FormationFacts, StageValue } from '../../src-main/core/ranking/engine';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import type { IntegrationRuleset, Ruleset, WeightedStagesRuleset } from '../../src-main/core/ranking/ruleset-schema';
import { Fraction } from '../../src-main/core/scoring/exact';

export const cpns = loadRuleset('cpns-2024').ruleset as IntegrationRuleset;
export const open = loadRuleset('seleksi-terbuka-2024').ruleset as WeightedStagesRuleset;

/**
 * Values in [lo, hi] that tie exactly where floating point does not (whole numbers plus 0.1, 0.2, 0.3, thirds,
 * sevenths, elevenths), decimals of up to three places, and a few whose denominators pass 2^53, so the bigint paths
 * are taken too. Few distinct values, so that ties, and the tie-breaks after them, are common.
 */
export const value = (lo: number, hi: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(lo, hi).map((n) => new Fraction(n)) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(lo, hi - 1), fc.constantFrom('0.1', '0.2', '0.3', '0.5', '1/3', '2/3', '1/7', '3/7', '10/11')).map(([n, f]) => new Fraction(f).add(n)) },
    { weight: 2, arbitrary: fc.tuple(fc.integer({ min: lo, max: hi - 1 }), fc.constantFrom(3, 7, 10, 11, 100, 1000)).chain(([n, d]) => fc.integer({ min: 0, max: d - 1 }).map((k) => new Fraction(n * d + k, d))) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: lo, max: hi - 1 }), fc.bigInt({ min: 1n, max: 1n << 70n })).map(([n, k]) => new Fraction(k, (1n << 70n) + 1n).add(n)) },
  );
/** Each run draws a pool of one to three values per quantity, and every candidate picks from it: ties are common. */
const pool = (lo: number, hi: number) => fc.array(value(lo, hi), { minLength: 1, maxLength: 3 });
const pick = (p: Fraction[]) => fc.constantFrom(...p);
const orNone = (v: fc.Arbitrary<Fraction>): fc.Arbitrary<StageValue> => fc.oneof({ weight: 8, arbitrary: v }, { weight: 1, arbitrary: fc.constant('absent' as const) }, { weight: 1, arbitrary: fc.constant('missing' as const) });

const common = {
  kode: fc.constantFrom('F1', 'F2', 'F3', 'F9'), // F9 is no formation: "formasi tidak dikenal"
  ipk: fc.option(fc.constantFrom(300, 350, 400), { nil: null, freq: 8 }),
  lahir: fc.constantFrom('1990-01-01', '1990-01-02', '1985-06-30', ''),
  flag: fc.oneof({ weight: 20, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('APS' as const, 'TMS' as const) }),
};

export const integrationCandidates = fc.record({ twk: pool(65, 70), tiu: pool(80, 85), tkp: pool(165, 170), cat: pool(70, 75), wwc: pool(70, 75) }).chain((p) =>
  fc.array(
    fc.record({
      ...common,
      kategori: fc.constantFrom('umum', 'umum', 'cumlaude', 'disabilitas', 'luar'),
      skd: fc.oneof(
        { weight: 8, arbitrary: fc.record({ twk: pick(p.twk), tiu: pick(p.tiu), tkp: pick(p.tkp) }) },
        { weight: 1, arbitrary: fc.record({ twk: pick(p.twk), tiu: pick(p.tiu) }) }, // a component missing: BL
        { weight: 1, arbitrary: fc.constantFrom('absent' as const, 'missing' as const) },
      ),
      skb: fc.oneof({ weight: 4, arbitrary: orNone(pick(p.cat)) }, { weight: 4, arbitrary: fc.record({ 'SKB-CAT': orNone(pick(p.cat)), 'SKB-WWC': orNone(pick(p.wwc)) }, { requiredKeys: ['SKB-CAT'] }) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
);

export const weightedCandidates = fc.record({ a: pool(60, 65), m: pool(60, 65), w: pool(70, 75) }).chain((p) =>
  fc.array(
    fc.record({
      ...common,
      kategori: fc.constant('umum'),
      stages: fc.oneof({ weight: 8, arbitrary: fc.record({ ASESMEN: orNone(pick(p.a)), MAKALAH: orNone(pick(p.m)), WAWANCARA: orNone(pick(p.w)) }) }, { weight: 1, arbitrary: fc.record({ ASESMEN: orNone(pick(p.a)), WAWANCARA: orNone(pick(p.w)) }) }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
);

export const formations = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([a, b, c, same]): FormationFacts[] => [
  { code: 'F1', quota: a, position: 'Analis', education: 'S1' },
  { code: 'F2', quota: b, position: 'Analis', education: same ? 'S1' : 'S2' },
  { code: 'F3', quota: c, position: 'Pranata', education: 'S1' },
]);

/** Tie-breaks in any order, and rulesets whose weights and maximum give other denominators. */
export const integrationRuleset = fc.record({ tie: fc.shuffledSubarray(['skd_total', 'tkp', 'tiu', 'twk', 'ipk', 'older'] as const, { minLength: 1 }), final: fc.boolean(), skd: fc.constantFrom(40, 35, 33.5), max: fc.constantFrom(550, 500, 437.5), cat: fc.constantFrom(60, 100, 66.5), opt: fc.boolean() }).map(
  (o): Ruleset => ({
    ...cpns,
    skd: { ...cpns.skd, max: o.max },
    integration: { skd: o.skd, skb: 100 - o.skd },
    skb: { weights: o.cat === 100 ? { 'SKB-CAT': 100 } : { 'SKB-CAT': o.cat, 'SKB-WWC': 100 - o.cat } },
    tie_break: o.final ? ['final', ...o.tie] : [...o.tie],
    ...(o.opt ? {} : { optimalisasi: undefined }),
  }),
);
export const weightedRuleset = fc.record({ tie: fc.shuffledSubarray(['stage:WAWANCARA', 'stage:ASESMEN', 'stage:MAKALAH', 'older', 'ipk', 'skd_total'], { minLength: 1 }), final: fc.boolean(), w: fc.constantFrom(30, 33.5, 10) }).map(
  (o): Ruleset => ({
    ...open,
    stages: { ASESMEN: { weight: o.w, min: 60 }, MAKALAH: { weight: 50 - o.w, min: 60.5 }, WAWANCARA: { weight: 50, min: 70 } },
    tie_break: o.final ? ['final', ...o.tie] : o.tie,
  }),
);

export function facts(list: ({ kode: string; ipk: number | null; lahir: string; flag: 'APS' | 'TMS' | null; kategori: string } & Partial<Pick<CandidateFacts, 'skd' | 'skb' | 'stages'>>)[]): CandidateFacts[] {
  return list.map(({ kode, ipk, lahir, flag, kategori, ...rest }, i) => ({ nomorPeserta: `n${String(i).padStart(3, '0')}`, kodeFormasi: kode, kategori, ipk, tanggalLahir: lahir, ...(flag ? { flag } : {}), ...rest }) as CandidateFacts);
}
