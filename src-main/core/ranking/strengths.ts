/**
 * A candidate's strengths and weaknesses (issue 15, item 3): per component (each SKD test, the SKD total, each
 * stage on 0–100, each interview criterion, each practical item) their score, the pass line if the ruleset sets
 * one, the distance to it, and where they stand in their own formation. Pure: values in, summaries out.
 *
 * Definitions (docs/bundles.md, "Halaman peserta: kekuatan dan kelemahan"), all on exact fractions, rounded only
 * for display:
 * - the population of a component is every candidate registered in the same formation (kode formasi) who has a
 *   value for it; n counts them, the candidate included;
 * - quartiles and the median by linear interpolation between closest ranks (Hyndman & Fan type 7, the default of R
 *   and of spreadsheets' QUARTILE.INC): on the ascending values x₀…xₙ₋₁, Q(p) = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋)
 *   with h = (n − 1)p; Q1 = Q(¼), median = Q(½), Q3 = Q(¾);
 * - the percentile is the mid-rank: (those strictly lower + half of those equal, the candidate included) ÷ n × 100,
 *   shown rounded down; "lebih tinggi dari X %" is those strictly lower ÷ n × 100, rounded down, so it never says
 *   more than is true;
 * - privacy: with fewer than MIN_COMPARABLE values no distribution is given at all ("terlalu sedikit peserta untuk
 *   dibandingkan"), so nobody can read another candidate's score off a median of two; no other candidate's value,
 *   name or number is ever part of a summary.
 */
import { Fraction, fractionOf, toExactString, toFixedString } from '../scoring/exact';
import type { AggregateMethod } from '../scoring/aggregate';
import type { CandidateFacts } from './engine';
import type { Ruleset } from './ruleset-schema';
import { INTERVIEW_SCORE_100 } from '../../shared/score-labels';

/** Fewer values than this and the formation is not compared: a median of two is the other candidate's score. */
export const MIN_COMPARABLE = 5;

export const TOO_FEW = 'terlalu sedikit peserta untuk dibandingkan';

export interface Level {
  score: number;
  label: string;
  description?: string;
}

/** A stage as the exam package defines it, as far as the summary needs it. */
export interface StageDef {
  code: string;
  name?: string;
  kind: 'cat' | 'written' | 'practical' | 'interview';
  items: { code: string; name?: string; max?: number; levels?: Level[] }[];
  /** interview: how the panel's values become the criterion's value */
  method?: AggregateMethod | null;
}

export interface Distribution {
  /** ascending */
  sorted: Fraction[];
  n: number;
  q1: Fraction;
  median: Fraction;
  q3: Fraction;
}

/** Q(p) of ascending values by linear interpolation between closest ranks (type 7). */
export function quantile(sorted: readonly Fraction[], p: Fraction): Fraction {
  if (!sorted.length) throw new Error('no values');
  const h = p.mul(sorted.length - 1);
  const lo = Number(h.floor().valueOf());
  const lower = sorted[lo]!;
  if (lo + 1 >= sorted.length) return lower;
  return lower.add(h.sub(lo).mul(sorted[lo + 1]!.sub(lower)));
}

export function distribution(values: readonly Fraction[]): Distribution {
  const sorted = [...values].sort((a, b) => a.compare(b));
  return { sorted, n: sorted.length, q1: quantile(sorted, new Fraction(1, 4)), median: quantile(sorted, new Fraction(1, 2)), q3: quantile(sorted, new Fraction(3, 4)) };
}

/** First index whose value is not below x (or, with `above`, not at or below x). */
function bound(sorted: readonly Fraction[], x: Fraction, above: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = sorted[mid]!.compare(x);
    if (c < 0 || (above && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where x stands among the values: how many are strictly lower and how many equal, and the mid-rank percentile. */
export function standing(sorted: readonly Fraction[], x: Fraction): { lower: number; equal: number; percentile: Fraction } {
  const lower = bound(sorted, x, false);
  const equal = bound(sorted, x, true) - lower;
  return { lower, equal, percentile: new Fraction(2 * lower + equal, 2).mul(100).div(sorted.length) };
}

/** "72", "72.5", "3.667": at most three places, trailing zeros dropped (display; the exact value is kept too). */
export function shown(f: Fraction): string {
  if (f.d === 1n) return (f.s < 0n ? '-' : '') + f.n.toString();
  return toFixedString(f, 3).replace(/\.?0+$/, '').replace(/^-0$/, '0') || '0';
}


/**
 * ⌊num ÷ den⌋ of non-negative integers, exactly: the percentages below are at most 200 × 100,000 over at most
 * 100,000, far inside the doubles' exact integers.
 */
export function floorDiv(num: number, den: number): number {
  return (num - (num % den)) / den;
}

/**
 * `standing` of every value of an ascending list at once, by the value object itself: one pass comparing
 * neighbours instead of two binary searches per candidate (each comparison a BigInt cross-multiplication). A
 * candidate's own value is one of the list's objects, so a lookup finds it.
 */
export function standingsOf(sorted: readonly Fraction[]): Map<Fraction, { lower: number; equal: number }> {
  const out = new Map<Fraction, { lower: number; equal: number }>();
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.compare(sorted[start]!) === 0) end++;
    const s = { lower: start, equal: end - start };
    for (let i = start; i < end; i++) out.set(sorted[i]!, s);
    start = end;
  }
  return out;
}

export interface Comparison {
  n: number;
  /** present only when n ≥ MIN_COMPARABLE */
  median?: string;
  q1?: string;
  q3?: string;
  /** mid-rank percentile, rounded down */
  percentile?: number;
  /** share strictly lower, %, rounded down */
  higherThan?: number;
}

export type ComponentGroup = 'skd' | 'stage' | 'criterion' | 'item';

export interface ComponentSummary {
  key: string;
  group: ComponentGroup;
  label: string;
  stage?: string;
  /** display value and exact value "n/d" */
  score: string;
  exact: string;
  max: string | null;
  passLine: string | null;
  /** score − pass line (negative: below it); null when there is no pass line */
  distance: string | null;
  distanceExact: string | null;
  passes: boolean | null;
  comparison: Comparison;
  /** interview criterion: how the panel's values were combined, and the rubric level nearest the value */
  method?: AggregateMethod | null;
  level?: Level | null;
}

export interface CandidateStrengths {
  nomor: string;
  formation: string;
  minComparable: number;
  components: ComponentSummary[];
}

interface Component {
  key: string;
  group: ComponentGroup;
  label: string;
  stage?: string;
  max: Fraction | null;
  passLine: (kategori: string) => Fraction | null;
  levels?: Level[];
  method?: AggregateMethod | null;
  /** each candidate's value, by their place in the candidates (`people`); none where they have none */
  values: (Fraction | undefined)[];
}

export interface StrengthsInput {
  ruleset: Ruleset;
  /** every candidate of the exam, as ranked: their formation, kategori and scores */
  candidates: readonly CandidateFacts[];
  stageNames?: Record<string, string>;
  /** stage definitions, when known: item labels and maxima, the SKD tests' maxima, the rubric's levels */
  stages?: readonly StageDef[];
  /** the settled value of each item, "nomor|stage" → item → value */
  items?: ReadonlyMap<string, ReadonlyMap<string, Fraction>>;
  /** the interview stages (also those whose definition says so): their 0–100 score is "Nilai wawancara" */
  interviewStages?: readonly string[];
  /** only these candidates are summarised (the distributions always take the whole formation) */
  only?: ReadonlySet<string>;
}

const SKD_LABEL: Record<string, string> = { twk: 'TWK', tiu: 'TIU', tkp: 'TKP' };

/** The level whose score is nearest the value: the rounded mean's descriptor; halfway goes to the higher level. */
export function nearestLevel(levels: readonly Level[], value: Fraction): Level | null {
  let best: Level | null = null;
  let bestGap: Fraction | null = null;
  for (const l of levels) {
    const gap = value.sub(String(l.score)).abs();
    const c = bestGap === null ? -1 : gap.compare(bestGap);
    if (c < 0 || (c === 0 && best !== null && l.score > best.score)) {
      best = l;
      bestGap = gap;
    }
  }
  return best;
}

/** The candidates, one per number (the last given, as a lookup by number finds), in their order. */
function people(candidates: readonly CandidateFacts[]): CandidateFacts[] {
  const last = new Map<string, number>();
  candidates.forEach((c, i) => last.set(c.nomorPeserta, i));
  return candidates.filter((c, i) => last.get(c.nomorPeserta) === i);
}

/** Each component's values, by the candidates' places in `cands` (`people`). */
function components(input: StrengthsInput, cands: readonly CandidateFacts[]): Component[] {
  // Named apart: no closure here refers to `input`, whose candidates a component's pass line would otherwise keep.
  const { ruleset: r, stageNames, interviewStages, items } = input;
  const out: Component[] = [];
  const defs = new Map((input.stages ?? []).map((s) => [s.code, s]));
  const none = () => null;
  const stageLabel = (code: string) => stageNames?.[code] ?? defs.get(code)?.name ?? code;
  const stageValue = (c: CandidateFacts, stage: string): Fraction | undefined => {
    const v = r.model === 'integration' ? (c.skb && typeof c.skb === 'object' && !(c.skb instanceof Fraction) ? c.skb[stage] : undefined) : c.stages?.[stage];
    return v instanceof Fraction ? v : undefined;
  };
  const stageCodes: string[] = [];
  if (r.model === 'integration') {
    const skdDef = defs.get(r.skd.stage);
    for (const k of r.skd.components) {
      const max = skdDef?.items.find((i) => i.code === k)?.max;
      const values = cands.map((c) => (c.skd && typeof c.skd === 'object' && c.skd[k] ? c.skd[k] : undefined));
      const passLine = (kat: string) => {
        const t = r.passing_grade[kat as keyof typeof r.passing_grade]?.find((x) => 'component' in x && x.component === k);
        return t ? new Fraction(String(t.min)) : null;
      };
      out.push({ key: `skd:${k}`, group: 'skd', label: SKD_LABEL[k] ?? k.toUpperCase(), max: max === undefined ? null : new Fraction(String(max)), passLine, values });
    }
    // Equal totals as one fraction: a few hundred values among 100,000 candidates.
    const sums = new Map<string, Fraction>();
    const total = cands.map((c) => {
      const skd = c.skd;
      if (!skd || typeof skd !== 'object' || !r.skd.components.every((k) => skd[k])) return undefined;
      return fractionOf(toExactString(r.skd.components.reduce((acc, k) => acc.add(skd[k]!), new Fraction(0))), sums);
    });
    const totalLine = (kat: string) => {
      const t = r.passing_grade[kat as keyof typeof r.passing_grade]?.find((x) => 'total' in x);
      return t ? new Fraction(String(t.min)) : null;
    };
    out.push({ key: 'skd:total', group: 'skd', label: 'SKD (jumlah)', max: new Fraction(String(r.skd.max)), passLine: totalLine, values: total });
    stageCodes.push(...Object.keys(r.skb.weights));
  } else stageCodes.push(...Object.keys(r.stages));
  const interviews = stageCodes.filter((code) => interviewStages?.includes(code) || defs.get(code)?.kind === 'interview');
  // Named as on the sheet's first page and the venue screen: one interview is "Nilai wawancara (skala 0–100)".
  const stageRowLabel = (code: string) =>
    interviews.includes(code) ? `${INTERVIEW_SCORE_100}${interviews.length > 1 ? ` — ${stageLabel(code)}` : ''}` : `${stageLabel(code)} (skala 0–100)`;

  for (const code of stageCodes) {
    const values = cands.map((c) => stageValue(c, code));
    const min = r.model === 'weighted_stages' ? r.stages[code]?.min : undefined;
    out.push({ key: `stage:${code}`, group: 'stage', label: stageRowLabel(code), stage: code, max: new Fraction(100), passLine: min === undefined ? none : () => new Fraction(String(min)), values });
    const def = defs.get(code);
    // A stage of one item says nothing its own row does not; an interview's criteria always are its detail.
    if (!def || !items || (def.kind !== 'interview' && def.items.length < 2)) continue;
    for (const item of def.items) {
      // Only where the stage itself has a value: the item detail of a settled stage, never a half-scored one.
      const vals = cands.map((c, i) => (values[i] ? items.get(`${c.nomorPeserta}|${code}`)?.get(item.code) : undefined));
      out.push({
        key: `item:${code}:${item.code}`,
        group: def.kind === 'interview' ? 'criterion' : 'item',
        label: item.name ?? item.code,
        stage: code,
        max: item.max === undefined ? null : new Fraction(String(item.max)),
        passLine: none,
        ...(def.kind === 'interview' ? { levels: item.levels ?? [], method: def.method ?? null } : {}),
        values: vals,
      });
    }
  }
  return out;
}

/**
 * Every (or each `only`) candidate's summary. Each component's values are sorted once per formation, so an exam of
 * many thousands costs a sort per formation and a binary search per candidate.
 */
export function examStrengths(input: StrengthsInput): Map<string, CandidateStrengths> {
  const of = strengthsLookup(input);
  const out = new Map<string, CandidateStrengths>();
  for (const c of input.candidates) {
    if (input.only && !input.only.has(c.nomorPeserta)) continue;
    out.set(c.nomorPeserta, of(c.nomorPeserta)!);
  }
  return out;
}

/** A score's display against one pass line: the summary's fields that depend on nothing else. */
type ScoreFacts = Pick<ComponentSummary, 'score' | 'exact' | 'max' | 'passLine' | 'distance' | 'distanceExact' | 'passes' | 'level'>;

/**
 * Distinct scores remembered per component: more than an SKD test or total can take (0–175, 0–550), and a few hundred
 * kilobytes where values are not shared, so that the hub's memory does not grow with the candidates.
 */
const SHOWN_CACHE = 1024;

function scoreFacts(comp: Component, score: Fraction, line: Fraction | null): ScoreFacts {
  const distance = line ? score.sub(line) : null;
  return {
    score: shown(score),
    exact: toExactString(score),
    max: comp.max ? shown(comp.max) : null,
    passLine: line ? shown(line) : null,
    distance: distance ? shown(distance) : null,
    distanceExact: distance ? toExactString(distance) : null,
    passes: line ? score.compare(line) >= 0 : null,
    ...(comp.group === 'criterion' ? { level: comp.levels?.length ? nearestLevel(comp.levels, score) : null } : {}),
  };
}

/**
 * Each candidate's summary, made when asked: the distributions are worked out once, and a summary (at 100,000
 * candidates 130 MB of them all) lives only as long as whoever asked keeps it, a page being written.
 */
export function strengthsLookup(input: StrengthsInput): (nomor: string) => CandidateStrengths | undefined {
  const cands = people(input.candidates);
  // Kept: each candidate's place, formation and kategori; not their facts (at 100,000 candidates, 20 MB more).
  const placeOf = new Map(cands.map((c, i) => [c.nomorPeserta, i]));
  const formation = cands.map((c) => c.kodeFormasi);
  const kategori = cands.map((c) => c.kategori);
  const comps = components(input, cands);
  const dists = comps.map((comp) => {
    const per = new Map<string, Fraction[]>();
    comp.values.forEach((v, i) => {
      if (!v) return;
      const f = formation[i]!;
      if (!per.has(f)) per.set(f, []);
      per.get(f)!.push(v);
    });
    return new Map(
      [...per].map(([f, vals]) => {
        const d = distribution(vals);
        // What every candidate of the formation is shown alike, worked out once.
        const shared = d.n >= MIN_COMPARABLE ? { median: shown(d.median), q1: shown(d.q1), q3: shown(d.q3), at: standingsOf(d.sorted) } : null;
        return [f, { ...d, shared }];
      }),
    );
  });
  // What a score shows against a pass line depends on those two values alone: worked out once per pair (each a
  // BigInt subtraction, reduction and rounding), as a formation's scores are a few hundred shared fractions.
  const lines = comps.map(() => new Map<string, Fraction | null>());
  const shownOf = comps.map(() => new Map<Fraction, Map<Fraction | null, ScoreFacts>>());
  const factsOf = (i: number, comp: Component, score: Fraction, kat: string): ScoreFacts => {
    let line = lines[i]!.get(kat);
    if (line === undefined) lines[i]!.set(kat, (line = comp.passLine(kat)));
    let byLine = shownOf[i]!.get(score);
    if (byLine === undefined) {
      byLine = new Map();
      // Bounded: values that were not shared (one object per candidate) are then worked out each time.
      if (shownOf[i]!.size < SHOWN_CACHE) shownOf[i]!.set(score, byLine);
    }
    let f = byLine.get(line);
    if (f === undefined) byLine.set(line, (f = scoreFacts(comp, score, line)));
    return f;
  };
  // Each summary is built a field at a time, in the order the sheet and the site have always had (no spreads, no
  // Object.assign): at 100,000 candidates those took 0.8 s of the site write's one busy thread.
  const summary = (comp: Component, f: ScoreFacts, comparison: Comparison): ComponentSummary => {
    const c = { key: comp.key, group: comp.group, label: comp.label } as ComponentSummary;
    if (comp.stage) c.stage = comp.stage;
    c.score = f.score;
    c.exact = f.exact;
    c.max = f.max;
    c.passLine = f.passLine;
    c.distance = f.distance;
    c.distanceExact = f.distanceExact;
    c.passes = f.passes;
    c.comparison = comparison;
    if (comp.group === 'criterion') {
      c.method = comp.method ?? null;
      c.level = f.level ?? null;
    }
    return c;
  };
  return (nomor) => {
    const at = placeOf.get(nomor);
    if (at === undefined) return undefined;
    const list: ComponentSummary[] = [];
    for (let i = 0; i < comps.length; i++) {
      const comp = comps[i]!;
      const score = comp.values[at];
      if (!score) continue;
      const dist = dists[i]!.get(formation[at]!)!;
      const f = factsOf(i, comp, score, kategori[at]!);
      let comparison: Comparison;
      if (dist.shared) {
        const s = dist.shared.at.get(score) ?? standing(dist.sorted, score);
        comparison = {
          n: dist.n,
          median: dist.shared.median,
          q1: dist.shared.q1,
          q3: dist.shared.q3,
          // the mid-rank (lower + equal/2) ÷ n × 100 and lower ÷ n × 100, rounded down, in integers
          percentile: floorDiv((2 * s.lower + s.equal) * 50, dist.n),
          higherThan: floorDiv(s.lower * 100, dist.n),
        };
      } else comparison = { n: dist.n };
      list.push(summary(comp, f, comparison));
    }
    return { nomor, formation: formation[at]!, minComparable: MIN_COMPARABLE, components: list };
  };
}

const METHOD_WORDS: Record<AggregateMethod, string> = { mean: 'rata-rata nilai panel', median: 'median nilai panel', trimmed_mean: 'rata-rata nilai panel tanpa nilai tertinggi dan terendah' };

export function methodWords(m: AggregateMethod | null | undefined): string {
  return m ? METHOD_WORDS[m] : 'nilai panel';
}

const comma = (s: string) => s.replace('.', ',');

/** "15 poin di atas nilai ambang batas (65)": the same few pairs on every page of an exam, worked out once. */
function distanceWords(distanceExact: string, passLine: string): string {
  const key = `${distanceExact} ${passLine}`;
  let words = distanceWordsSeen.get(key);
  if (words === undefined) {
    const d = new Fraction(distanceExact);
    const abs = comma(shown(d.abs()));
    const line = `nilai ambang batas (${comma(passLine)})`;
    // Below by less than the display shows ("0") is still below: the words follow the exact value.
    words = d.s < 0n ? `${abs === '0' ? 'sedikit' : `${abs} poin`} di bawah ${line}` : d.n === 0n ? `tepat pada ${line}` : `${abs === '0' ? 'sedikit' : `${abs} poin`} di atas ${line}`;
    if (distanceWordsSeen.size >= SHOWN_CACHE) distanceWordsSeen.clear();
    distanceWordsSeen.set(key, words);
  }
  return words;
}
const distanceWordsSeen = new Map<string, string>();

/**
 * One plain sentence: "TIU: 15 poin di atas nilai ambang batas; lebih tinggi dari 72 % peserta formasi ini." Words
 * for people who read a result once; numbers with a decimal comma.
 */
export function plainSentence(c: ComponentSummary): string {
  const parts: string[] = [];
  if (c.distanceExact !== null && c.passLine !== null) parts.push(distanceWords(c.distanceExact, c.passLine));
  if (c.level) parts.push(`${methodWords(c.method)} terdekat dengan tingkat rubrik “${c.level.label}”`);
  const cmp = c.comparison;
  if (cmp.percentile === undefined) parts.push(`${TOO_FEW} (${cmp.n} peserta dengan nilai ini di formasi Anda)`);
  else if (cmp.higherThan === 0) parts.push(`tidak ada peserta formasi ini yang nilainya lebih rendah (median formasi ${comma(cmp.median!)})`);
  else parts.push(`lebih tinggi dari ${cmp.higherThan} % peserta formasi ini (median formasi ${comma(cmp.median!)})`);
  return `${c.label}: ${parts.join('; ')}.`;
}
