import { Fraction, fractionOf, toExactString } from '../scoring/exact';
import type { CandidateFacts, FormationFacts, StageValue } from '../ranking/engine';

/**
 * The ranking engine's inputs as JSON: every number an exact fraction "n/d", every missing value named. This is
 * what a bundle carries so that anyone can recompute the ranking, and what the merge compares.
 */
export interface FactsJson {
  nomorPeserta: string;
  kodeFormasi: string;
  kategori: string;
  ipk: number | null;
  /**
   * Not the birth date (personal data) but its place in an order of birth dates: ties break the same. A bundle's
   * facts give the place in the whole exam's order. Published facts (`agePublished`) give it only for a candidate
   * whose birth date the ranking compared, as the place within the class of those it was compared with: the whole
   * order with each candidate's birth year pins nearly every birth date of a large exam (docs/security.md).
   */
  ageOrder?: string;
  flag?: 'APS' | 'TMS';
  skd?: Record<string, string> | 'absent' | 'missing';
  skb?: Record<string, string> | string;
  stages?: Record<string, string>;
  /**
   * Set by the merge (bundles/merge.ts) for a candidate the workstations disagree on: the values they agree on are
   * shown, but none is ranked (every stage counts as missing) until someone decides. So recomputing the published
   * facts gives the published results, and the published scores stay.
   */
  heldBack?: true;
}

const valueOut = (v: StageValue): string => (v instanceof Fraction ? toExactString(v) : v);
const mapValues = <A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** Birth dates replaced by their dense rank among the exam's candidates ("older" compares these strings). */
export function ageOrderKeys(dates: string[]): Map<string, string> {
  const distinct = [...new Set(dates)].sort();
  return new Map(distinct.map((d, i) => [d, `u${String(i).padStart(7, '0')}`]));
}

/**
 * The facts as they are published: each candidate of an age class (engine.ts `rankWithAgeTies`) with their dense
 * rank among the class's orders, everyone else with none. Comparisons on birth order never cross a class, so the
 * published facts rank to the same results. A value the ranking read as unknown ('') stays '', below every rank.
 * `ageOf` gives the order the ranking read (the merge's, from the package); a candidate's facts object is copied only
 * where what is published of it changes.
 */
export function agePublished(facts: readonly FactsJson[], ageClasses: readonly (readonly string[])[], ageOf: (f: FactsJson) => string | undefined = (f) => f.ageOrder): FactsJson[] {
  const members = new Set<string>();
  for (const c of ageClasses) for (const n of c) members.add(n);
  const order = new Map<string, string>();
  for (const f of facts) if (members.has(f.nomorPeserta)) order.set(f.nomorPeserta, ageOf(f) ?? '');
  const published = new Map<string, string>();
  for (const c of ageClasses) {
    const ranks = ageOrderKeys(c.map((n) => order.get(n) ?? '').filter((v) => v !== ''));
    for (const n of c) published.set(n, ranks.get(order.get(n) ?? '') ?? '');
  }
  return facts.map((f) => {
    const within = published.get(f.nomorPeserta);
    if (within !== undefined) return { ...f, ageOrder: within }; // where it was, if it was there
    if (f.ageOrder === undefined) return f;
    const { ageOrder: _whole, ...rest } = f;
    return rest;
  });
}

/** A candidate's facts as a bundle carries them: without the birth order (bundles/age-order.ts). */
export function factsToJson(c: CandidateFacts): FactsJson {
  const out: FactsJson = { nomorPeserta: c.nomorPeserta, kodeFormasi: c.kodeFormasi, kategori: c.kategori, ipk: c.ipk };
  if (c.flag) out.flag = c.flag;
  if (c.skd !== undefined) out.skd = typeof c.skd === 'string' ? c.skd : mapValues(c.skd, (f) => toExactString(f));
  if (c.skb !== undefined) out.skb = typeof c.skb === 'string' || c.skb instanceof Fraction ? valueOut(c.skb) : mapValues(c.skb, valueOut);
  if (c.stages !== undefined) out.stages = mapValues(c.stages, valueOut);
  return out;
}

/** `shared`: fractions of the same text are one object (`fractionOf`), for a caller that keeps many candidates' facts. */
export function factsFromJson(j: FactsJson, shared?: Map<string, Fraction>): CandidateFacts {
  const valueIn = (s: string): StageValue => (s === 'absent' || s === 'missing' ? s : fractionOf(s, shared));
  const out: CandidateFacts = { nomorPeserta: j.nomorPeserta, kodeFormasi: j.kodeFormasi, kategori: j.kategori, ipk: j.ipk, tanggalLahir: j.ageOrder ?? '' };
  if (j.flag) out.flag = j.flag;
  if (j.heldBack) {
    if (j.skd !== undefined) out.skd = 'missing';
    if (j.skb !== undefined) out.skb = 'missing';
    if (j.stages !== undefined) out.stages = mapValues(j.stages, () => 'missing' as const);
    return out;
  }
  if (j.skd !== undefined) out.skd = typeof j.skd === 'string' ? j.skd : mapValues(j.skd, (s) => fractionOf(s, shared));
  if (j.skb !== undefined) out.skb = typeof j.skb === 'string' ? valueIn(j.skb) : mapValues(j.skb, valueIn);
  if (j.stages !== undefined) out.stages = mapValues(j.stages, valueIn);
  return out;
}

export type { FormationFacts };
