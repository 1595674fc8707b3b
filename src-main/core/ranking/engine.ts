import { Fraction } from '../scoring/exact';
import { reason, reasonId, reasonList, reasonsId, type Reason } from './reasons';
import { add, cmp, CommonDenominator, exactString, fixed3, fraction, int, lcm, mul, rescale, Shown, shownString, trimmedString, type Int } from './scaled';
import type { IntegrationRuleset, Ruleset, WeightedStagesRuleset } from './ruleset-schema';

export type { Reason } from './reasons';

/** What a stage score can be: a number, or the reason there is none. Missing is never guessed as zero. */
export type StageValue = Fraction | 'absent' | 'missing';

export interface FormationFacts {
  code: string;
  quota: number;
  position: string;
  education: string;
  /**
   * Every description the workstations gave of a formation they do not agree on (bundles/merge.ts): which quota, or
   * which position, is right is not known. Such a formation neither gives nor takes seats, and every formation it
   * might share seats with, under any of its descriptions, waits for it as for an incomplete one.
   */
  disputed?: { quota: number; position: string; education: string }[];
}

export interface CandidateFacts {
  nomorPeserta: string;
  kodeFormasi: string;
  kategori: string;
  /** IPK in hundredths; null when unknown (sorts last) */
  ipk: number | null;
  tanggalLahir: string;
  flag?: 'APS' | 'TMS';
  /** integration: the SKD components, or why there are none */
  skd?: Record<string, Fraction> | 'absent' | 'missing';
  /** integration: each SKB stage on 0–100; or one SKB value already on 0–100 (flat files) */
  skb?: Record<string, StageValue> | StageValue;
  /** weighted_stages: each stage on 0–100 */
  stages?: Record<string, StageValue>;
}

export interface Threshold {
  rule: string;
  pass: boolean;
  reason: string;
}

export interface RankedCandidate {
  nomor_peserta: string;
  kode_formasi: string;
  kategori: string;
  components: Record<string, string>;
  stages: Record<string, string>;
  skd_total: string | null;
  thresholds: Threshold[];
  skb: string | null;
  final: string | null;
  final_exact: string | null;
  rank: number | null;
  status: string;
  reason: string;
  decided_by: string | null;
  optimalisasi_ke?: string;
  /**
   * Present (always true) when missing results (BL) could still change this status: it is provisional, shown as
   * SEMENTARA, never as final. Absent when no completion of the missing results can change the status.
   */
  provisional?: true;
  /** Why, in words: the BL candidates it waits for, or the incomplete formations optimalisasi waits for. */
  provisional_reason?: string;
}

/**
 * One candidate while ranking. Its numbers are exact scaled integers (./scaled): each quantity of the whole run on
 * one common denominator, so that sorting compares integers and allocates nothing.
 */
interface Work {
  facts: CandidateFacts;
  out: RankedCandidate;
  /** SKD total and components, on the run's SKD denominator */
  skdTotal?: Int;
  skdParts?: Record<string, Int>;
  /** each on its stage's denominator */
  stageValues?: Record<string, Int>;
  /** on the run's final denominator */
  final?: Int;
  /** integration: keeps its SKB seat (within skb_cap × quota) whatever the missing SKD results turn out to be */
  capSure?: boolean;
  /** why it has its status: the data `out.reason` is written from */
  why: Reason[];
  /** what this status still waits for, one reason each; empty or absent when it is final */
  waits?: Reason[];
}

/** A result with its reasons as data, for screens that say them in the reader's language. */
export interface ExplainedCandidate {
  result: RankedCandidate;
  /** why it has its status; `result.reason` is these in Indonesian, "; " between */
  reasons: Reason[];
  /** what a provisional status waits for; `result.provisional_reason` in Indonesian; empty when final */
  provisionalReasons: Reason[];
}

/** Sets a status and why; the Indonesian sentence goes into the result, as signed and published. */
function decide(w: Work, status: string, ...why: Reason[]): void {
  w.out.status = status;
  w.why = why;
  w.out.reason = why.length === 1 ? reasonId(why[0]!) : reasonsId(why);
}

/** decide, with a reason list and its sentence shared by many candidates (read-only, like the strings). */
function decideShared(w: Work, status: string, shared: { why: Reason[]; text: string }): void {
  w.out.status = status;
  w.why = shared.why;
  w.out.reason = shared.text;
}

/** The highest value a key of a BL candidate can still reach, or undefined where the key is already known. */
type Highest = (key: string) => Fraction | undefined;

/** A display string of an exact number: the old engine's `show` (integers in full) and `fmt` (trimmed decimals). */
const shown = (d: CommonDenominator) => new Shown(() => d.d, shownString);
const trimmed = (d: () => bigint) => new Shown(d, trimmedString);

function blank(c: CandidateFacts): RankedCandidate {
  return {
    nomor_peserta: c.nomorPeserta,
    kode_formasi: c.kodeFormasi,
    kategori: c.kategori,
    components: {},
    stages: {},
    skd_total: null,
    thresholds: [],
    skb: null,
    final: null,
    final_exact: null,
    rank: null,
    status: '',
    reason: '',
    decided_by: null,
  };
}

/**
 * A tie-break key, resolved once per ranking: how to read its value from a candidate (higher is better for all
 * but `older`, where the earlier birth date wins) and, for exact numbers, their common denominator.
 */
interface Key {
  name: string;
  value: (w: Work) => Int | string | null;
  older: boolean;
  /** the denominator of the key's numbers (final and stages: a BL candidate's highest reach is compared with them) */
  den?: bigint;
  /** `older` only: told of every two candidates compared on it, i.e. equal on every key before it (rankWithAgeTies) */
  tie?: AgeTie;
}

type AgeTie = (a: Work, b: Work) => void;

function keysOf(names: readonly string[], finalDen: () => bigint, stageDen: (stage: string) => bigint | undefined, tie?: AgeTie): Key[] {
  return names.map((name): Key => {
    switch (name) {
      case 'final':
        return { name, value: (w) => w.final ?? null, older: false, den: finalDen() };
      case 'skd_total':
        return { name, value: (w) => w.skdTotal ?? null, older: false };
      case 'ipk':
        return { name, value: (w) => w.facts.ipk, older: false };
      case 'older':
        return { name, value: (w) => w.facts.tanggalLahir, older: true, tie };
      default:
        if (name.startsWith('stage:')) {
          const stage = name.slice(6);
          return { name, value: (w) => w.stageValues?.[stage] ?? null, older: false, den: stageDen(stage) };
        }
        return { name, value: (w) => w.skdParts?.[name] ?? null, older: false };
    }
  });
}

/** Negative when a ranks before b on this key. Values of one key share a denominator: integers compare exactly. */
function compareKey(a: Work, b: Work, key: Key): number {
  if (key.tie) key.tie(a, b);
  const x = key.value(a);
  const y = key.value(b);
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  if (key.older) return x < y ? -1 : x > y ? 1 : 0;
  return cmp(y as Int, x as Int);
}

/** A total order: the keys in turn, then the registration number so that even a perfect tie has one answer. */
function order(keys: readonly Key[]) {
  return (a: Work, b: Work): number => {
    for (const k of keys) {
      const c = compareKey(a, b, k);
      if (c !== 0) return c;
    }
    return a.facts.nomorPeserta < b.facts.nomorPeserta ? -1 : a.facts.nomorPeserta > b.facts.nomorPeserta ? 1 : 0;
  };
}

function decidedBy(a: Work, b: Work, keys: readonly Key[]): string | null {
  if (compareKey(a, b, keys[0]!) !== 0) return null; // separated by the first key itself: no tie to break
  for (let i = 1; i < keys.length; i++) if (compareKey(a, b, keys[i]!) !== 0) return keys[i]!.name;
  return 'nomor_peserta';
}

function rankGroup(group: Work[], keys: readonly Key[]): void {
  group.sort(order(keys));
  group.forEach((w, i) => {
    w.out.rank = i + 1;
    w.out.decided_by = i + 1 < group.length ? decidedBy(w, group[i + 1]!, keys) : null;
  });
}

/**
 * Whether some completion of y's missing values could rank y before w, in this order of keys. Each key is taken
 * on its own (an over-approximation: sound for deciding that something is final); a missing value can reach
 * `highest(key)` and anything below it, so y can precede w as soon as, key by key, y can equal w's value and then
 * beat it on a later key, or beat it outright. All comparisons are exact.
 */
function canPrecede(y: Work, w: Work, keys: readonly Key[], highest: Highest): boolean {
  for (const k of keys) {
    const hi = highest(k.name);
    if (hi === undefined) {
      const c = compareKey(y, w, k);
      if (c !== 0) return c < 0;
      continue;
    }
    const theirs = k.value(w);
    if (theirs === null) return true; // w has no value here: any value of y's ranks first
    const c = hi.compare(fraction(theirs as Int, k.den!));
    if (c > 0) return true;
    if (c < 0) return false;
  }
  return y.facts.nomorPeserta < w.facts.nomorPeserta;
}

/** A minimum (a passing grade, a stage minimum) met exactly by values on denominator d: value·min.d ≥ min.n·d. */
function atLeast(min: number, d: bigint): (value: Int) => boolean {
  const m = new Fraction(min);
  const times = int(m.d);
  const bound = int(m.s * m.n * d);
  return (value) => cmp(mul(value, times), bound) >= 0;
}

/** The reason of a status that BL candidates of its own formation could still change. */
function waitsForCandidates(formation: string, who: Work[]): Reason {
  const nomors = [...new Set(who.map((x) => x.facts.nomorPeserta))].sort();
  return reason('waitsCandidates', { formation, list: reasonList(nomors, 'candidates') });
}

function wait(w: Work, why: Reason | null): void {
  if (!why) return;
  w.waits ??= [];
  const text = reasonId(why);
  if (!w.waits.some((x) => reasonId(x) === text)) w.waits.push(why);
}

/** A status with something to wait for is provisional; BL itself is not a status to wait on, it is the waiting. */
function markProvisional(works: Work[]): void {
  for (const w of works) {
    if (!w.waits?.length || w.out.status === 'BL') continue;
    w.out.provisional = true;
    w.out.provisional_reason = reasonsId(w.waits);
  }
}

const LABEL: Record<string, string> = { twk: 'TWK', tiu: 'TIU', tkp: 'TKP' };

/**
 * The run's denominators for an integration ruleset: SKD components (and total) on one, each SKB stage on its own,
 * the SKB value (0–100) on one more and the final on the last. Every value is noted before any is scaled.
 */
function integrationScales(r: IntegrationRuleset, candidates: CandidateFacts[], partKeys: readonly string[]) {
  const skd = new CommonDenominator();
  const stages = Object.entries(r.skb.weights).map(([stage, weight]) => ({ stage, coef: new Fraction(weight).div(100), den: new CommonDenominator(), mult: 0 as Int }));
  const skb = new CommonDenominator();
  for (const c of candidates) {
    if (c.skd && typeof c.skd === 'object') for (const k of partKeys) if (c.skd[k] instanceof Fraction) skd.note(c.skd[k]);
    const v = c.skb;
    if (v instanceof Fraction) skb.note(v);
    else if (v && typeof v === 'object') for (const s of stages) if (v[s.stage] instanceof Fraction) s.den.note(v[s.stage] as Fraction);
  }
  for (const s of stages) skb.noteDen(s.coef.d * s.den.d);
  for (const s of stages) s.mult = rescale(s.coef, s.den.d, skb.d);
  // final = skd% × (SKD total × 100 / max) + skb% × SKB, each coefficient exact once
  const onSkd = new Fraction(r.integration.skd).div(100).mul(new Fraction(100).div(String(r.skd.max)));
  const onSkb = new Fraction(r.integration.skb).div(100);
  const final = lcm(onSkd.d * skd.d, onSkb.d * skb.d);
  return { skd, stages, skb, final, fromSkd: rescale(onSkd, skd.d, final), fromSkb: rescale(onSkb, skb.d, final), onSkd, onSkb };
}

function integration(r: IntegrationRuleset, formations: FormationFacts[], candidates: CandidateFacts[], tie?: AgeTie): Work[] {
  const works: Work[] = candidates.map((facts) => ({ facts, out: blank(facts), why: [] }));
  const skdNames = r.tie_break.filter((k) => k !== 'final');
  // The SKD parts a tie-break may read: the components, and any other part the facts carry under a key's name.
  const partKeys = [...new Set([...r.skd.components, ...skdNames.filter((k) => k !== 'skd_total' && k !== 'ipk' && k !== 'older')])];
  const sc = integrationScales(r, candidates, partKeys);
  const stageDen = (stage: string) => sc.stages.find((s) => s.stage === stage)?.den.d;
  const skdKeys = keysOf(skdNames, () => sc.final, stageDen, tie);
  const finalKeys = keysOf(['final', ...skdNames], () => sc.final, stageDen, tie);
  const skdShown = shown(sc.skd);
  const grades = new Map(
    Object.entries(r.passing_grade).map(([kategori, list]) => [
      kategori,
      list.map((t) => {
        const name = 'component' in t ? (LABEL[t.component] ?? t.component.toUpperCase()) : 'SKD';
        const passes = atLeast(t.min, sc.skd.d);
        // One reason (data and sentence) per distinct value: shared, read-only, like the strings.
        const said = new Map<Int, { pass: boolean; why: Reason; text: string }>();
        const judge = (value: Int) => {
          let x = said.get(value);
          if (!x) {
            const pass = passes(value);
            const why = reason('threshold', { name, value: skdShown.of(value), op: pass ? '≥' : '<', min: String(t.min) });
            said.set(value, (x = { pass, why, text: reasonId(why) }));
          }
          return x;
        };
        return { component: 'component' in t ? t.component : null, rule: `${name} ≥ ${t.min}`, judge };
      }),
    ]),
  );
  const byFormation = new Map<string, Work[]>();
  // Per formation, the candidates whose SKD is missing: each may still come with any SKD at all (the facts carry no
  // maximum per component), pass the passing grade, take an SKB seat and, unless already absent at SKB, pass anyone.
  const unknownSkd = new Map<string, Work[]>();

  for (const w of works) {
    const c = w.facts;
    if (c.flag) {
      decide(w, c.flag, reason(c.flag === 'APS' ? 'withdrew' : 'ineligible', {}));
      continue;
    }
    if (c.skd === 'absent') {
      decide(w, 'TH', reason('absentSkd', {}));
      continue;
    }
    if (!c.skd || c.skd === 'missing' || r.skd.components.some((k) => !(k in (c.skd as Record<string, Fraction>)))) {
      decide(w, 'BL', reason('skdIncomplete', {}));
      // An unknown kategori stays BL whatever its SKD: it never competes.
      if (r.passing_grade[c.kategori as keyof typeof r.passing_grade]) {
        if (!unknownSkd.has(c.kodeFormasi)) unknownSkd.set(c.kodeFormasi, []);
        unknownSkd.get(c.kodeFormasi)!.push(w);
      }
      continue;
    }
    const parts = c.skd;
    const scaled: Record<string, Int> = {};
    for (const k of partKeys) if (parts[k] instanceof Fraction) scaled[k] = sc.skd.scale(parts[k]);
    let total: Int = 0;
    for (const k of r.skd.components) {
      total = add(total, scaled[k]!);
      w.out.components[k] = skdShown.of(scaled[k]!);
    }
    w.skdParts = scaled;
    w.skdTotal = total;
    w.out.skd_total = skdShown.of(total);
    const thresholds = grades.get(c.kategori);
    if (!thresholds) {
      decide(w, 'BL', reason('unknownKategori', { kategori: c.kategori, ruleset: r.id }));
      continue;
    }
    const failed: Reason[] = [];
    // Made by map, not pushed: an array grown by push keeps room for 17 (150 bytes for 3), for every candidate.
    w.out.thresholds = thresholds.map((t) => {
      const value = t.component === null ? total : scaled[t.component]!;
      const { pass, why, text } = t.judge(value);
      if (!pass) failed.push(why);
      return { rule: t.rule, pass, reason: text };
    });
    if (failed.length) {
      decide(w, 'TL', ...failed);
      continue;
    }
    const list = byFormation.get(c.kodeFormasi) ?? [];
    list.push(w);
    byFormation.set(c.kodeFormasi, list);
  }

  const quota = new Map(formations.map((f) => [f.code, f.quota]));
  const ranked = new Map<string, Work[]>();
  // Most candidates of a large exam end outside the SKB seats: one reason (data and sentence) per rank and quota.
  const capReasons = new Map<number, { why: Reason[]; text: string }[]>();
  const outsideCap = (rank: number, q: number, seats: number) => {
    let byRank = capReasons.get(q);
    if (!byRank) capReasons.set(q, (byRank = []));
    const why = reason('outsideSkbCap', { rank, cap: r.skb_cap, quota: q, seats });
    return (byRank[rank] ??= { why: [why], text: reasonId(why) });
  };
  const skbShown = trimmed(() => sc.skb.d);
  const stageShown = new Map(sc.stages.map((s) => [s.stage, trimmed(() => s.den.d)]));
  /** The highest final a BL candidate can reach, exactly (a rare path: fractions are fine here). */
  const highestFinal = (skdTotal: Int, skb: Fraction) => sc.onSkd.mul(fraction(skdTotal, sc.skd.d)).add(sc.onSkb.mul(skb));
  for (const [code, list] of byFormation) {
    const q = quota.get(code);
    if (q === undefined) {
      for (const w of list) decide(w, 'BL', reason('unknownFormation', { formation: code }));
      continue;
    }
    const unknown = unknownSkd.get(code) ?? [];
    const waitsForUnknown = unknown.length ? waitsForCandidates(code, unknown) : null;
    // SKB seats: at most skb_cap × quota SKD passers, by SKD rank.
    list.sort(order(skdKeys));
    const cap = r.skb_cap * q;
    const toSkb: Work[] = [];
    /** within the SKB seats, SKB missing: BL, with the highest final each can still reach (null: never a final) */
    const pending: { w: Work; highest: Fraction | null }[] = [];
    list.forEach((w, i) => {
      if (i >= cap) {
        // Final: a missing SKD can only add a candidate before this one.
        decideShared(w, 'TL', outsideCap(i + 1, q, cap));
        return;
      }
      // Each candidate with a missing SKD could come before this one in SKD order.
      w.capSure = i + unknown.length < cap;
      const skb = skbValue(sc, w, stageShown);
      if (skb === 'absent' || skb === 'missing') {
        if (skb === 'absent') decide(w, 'P/TH', reason('absentSkb', {}));
        else decide(w, 'BL', reason('skbIncomplete', {}));
        if (skb === 'missing') {
          const high = skbHighest(r, w.facts);
          pending.push({ w, highest: high === null ? null : highestFinal(w.skdTotal!, high) });
        } else if (!w.capSure) wait(w, waitsForUnknown);
        return;
      }
      w.out.skb = skbShown.of(skb);
      w.final = add(mul(w.skdTotal!, sc.fromSkd), mul(skb, sc.fromSkb));
      w.out.final = fixed3(w.final, sc.final);
      w.out.final_exact = exactString(w.final, sc.final);
      toSkb.push(w);
    });
    rankGroup(toSkb, finalKeys);
    toSkb.forEach((w) => (w.out.rank! <= q ? decide(w, 'P/L', reason('withinQuota', { rank: w.out.rank!, quota: q })) : decide(w, 'P/TL', reason('outsideQuota', { rank: w.out.rank!, quota: q }))));

    // What the missing results could still change in this formation.
    const mayFinish = unknown.filter((u) => skbHighest(r, u.facts) !== null);
    let stay = 0; // before the current one in rank order (toSkb is sorted), those sure to keep their SKB seat
    for (const w of toSkb) {
      if (!w.capSure) wait(w, waitsForUnknown);
      if (w.out.status === 'P/L') {
        // Pushed out only if at least q candidates could end before it: those ranked before it now (who can only
        // drop out), each BL candidate whose highest final could pass it (tie-breaks included), each missing SKD.
        const before = pending.filter((p) => p.highest !== null && canPrecede(p.w, w, finalKeys, (k) => (k === 'final' ? p.highest! : undefined)));
        if (w.out.rank! - 1 + before.length + mayFinish.length >= q) wait(w, waitsForCandidates(code, [...before.map((p) => p.w), ...mayFinish]));
      } else if (stay < q) {
        // Comes within the quota only if fewer than q stay before it; only a missing SKD can take a seat from them.
        wait(w, waitsForUnknown);
      }
      if (w.capSure) stay++;
    }
    ranked.set(code, toSkb);
  }

  if (r.optimalisasi) optimalisasi(r, formations, ranked, finalKeys, works);
  markProvisional(works);
  return works;
}

/** The SKB value (0–100) on the run's SKB denominator, from one value or the weighted stages; shows the stages. */
function skbValue(sc: ReturnType<typeof integrationScales>, w: Work, stageShown: Map<string, Shown>): Int | 'absent' | 'missing' {
  const skb = w.facts.skb;
  if (skb === undefined) return 'missing';
  if (skb === 'absent' || skb === 'missing') return skb;
  if (skb instanceof Fraction) return sc.skb.scale(skb);
  let total: Int = 0;
  const stages: Record<string, Int> = {};
  for (const s of sc.stages) {
    const v = skb[s.stage];
    if (v === undefined || v === 'missing') return 'missing';
    if (v === 'absent') return 'absent';
    const n = s.den.scale(v);
    stages[s.stage] = n;
    w.out.stages[s.stage] = stageShown.get(s.stage)!.of(n);
    total = add(total, mul(n, s.mult));
  }
  w.stageValues = stages;
  return total;
}

/** The highest SKB (0–100) a candidate can still reach: each missing stage at 100; null when absent at a stage. */
function skbHighest(r: IntegrationRuleset, c: CandidateFacts): Fraction | null {
  const skb = c.skb;
  if (skb === undefined || skb === 'missing') return new Fraction(100);
  if (skb === 'absent') return null;
  if (skb instanceof Fraction) return skb;
  let total = new Fraction(0);
  for (const [stage, weight] of Object.entries(r.skb.weights)) {
    const v = skb[stage];
    if (v === 'absent') return null;
    total = total.add((v === undefined || v === 'missing' ? new Fraction(100) : v).mul(weight).div(100));
  }
  return total;
}

/**
 * Unfilled seats go to those not passing elsewhere with the same position and education, best final first. Only
 * complete formations (no BL candidate) give or take seats; while a formation of the same position is incomplete
 * and a seat could still open, every P/L-n and P/TL of that position waits for it.
 */
function optimalisasi(r: IntegrationRuleset, formations: FormationFacts[], ranked: Map<string, Work[]>, keys: readonly Key[], works: Work[]): void {
  const info = new Map(formations.map((f) => [f.code, f]));
  const key = (f: { position: string; education: string }) => r.optimalisasi!.match.map((k) => f[k].trim().toLowerCase()).join('\u0000');
  const incomplete = new Set(works.filter((w) => w.out.status === 'BL' && info.has(w.facts.kodeFormasi)).map((w) => w.facts.kodeFormasi));
  for (const f of formations) if (f.disputed) incomplete.add(f.code);
  for (const f of [...formations].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    if (incomplete.has(f.code)) continue;
    const filled = (ranked.get(f.code) ?? []).filter((w) => w.out.status === 'P/L').length;
    let open = f.quota - filled;
    if (open <= 0) continue;
    const pool = [...ranked.entries()]
      .filter(([code]) => code !== f.code && !incomplete.has(code) && info.get(code) && key(info.get(code)!) === key(f))
      .flatMap(([, list]) => list.filter((w) => w.out.status === 'P/TL'))
      .sort(order(keys));
    let seat = filled;
    for (const w of pool) {
      if (open <= 0) break;
      seat++;
      open--;
      decide(w, `P/L-${seat - filled}`, reason('optimalisasi', { seat, formation: f.code, position: f.position }));
      w.out.optimalisasi_ke = f.code;
    }
  }
  // Per position: an incomplete formation will give or take once complete, if any formation could stay unfilled.
  const groups = new Map<string, FormationFacts[]>();
  for (const f of formations) {
    for (const k of f.disputed ? new Set([key(f), ...f.disputed.map(key)]) : [key(f)]) {
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(f);
    }
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const waiting = group.map((f) => f.code).filter((c) => incomplete.has(c)).sort();
    if (!waiting.length) continue;
    const surelyPassed = (f: FormationFacts) => (ranked.get(f.code) ?? []).filter((w) => w.out.status === 'P/L' && !w.waits?.length).length;
    // A disputed formation could open as many seats as its largest quota.
    const mostSeats = (f: FormationFacts) => (f.disputed ? Math.max(f.quota, ...f.disputed.map((d) => d.quota)) : f.quota);
    if (!group.some((f) => surelyPassed(f) < mostSeats(f))) continue; // every formation surely filled: no seat will open
    const why = reason('waitsFormations', { list: reasonList(waiting, 'formations') });
    for (const f of group) for (const w of ranked.get(f.code) ?? []) if (w.out.status === 'P/TL' || w.out.status.startsWith('P/L-')) wait(w, why);
  }
}

function weightedStages(r: WeightedStagesRuleset, formations: FormationFacts[], candidates: CandidateFacts[], tie?: AgeTie): Work[] {
  const works: Work[] = candidates.map((facts) => ({ facts, out: blank(facts), why: [] }));
  // Each stage on its own common denominator, the final (the weighted sum) on one more.
  const stages = Object.entries(r.stages).map(([stage, s]) => ({ stage, min: s.min, coef: new Fraction(s.weight).div(100), den: new CommonDenominator(), mult: 0 as Int, passes: (() => true) as (value: Int) => boolean, shown: undefined as unknown as Shown }));
  for (const c of candidates) for (const s of stages) if (c.stages?.[s.stage] instanceof Fraction) s.den.note(c.stages[s.stage] as Fraction);
  const finalDen = stages.reduce((acc, s) => lcm(acc, s.coef.d * s.den.d), 1n);
  for (const s of stages) {
    s.mult = rescale(s.coef, s.den.d, finalDen);
    s.passes = atLeast(s.min, s.den.d);
    s.shown = trimmed(() => s.den.d);
  }
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  const keys = keysOf(r.tie_break.includes('final') ? r.tie_break : ['final', ...r.tie_break], () => finalDen, (stage) => byStage.get(stage)?.den.d, tie);
  const byFormation = new Map<string, Work[]>();
  /** BL candidates who could still meet every minimum, per formation: they may yet be ranked */
  const pending = new Map<string, Work[]>();
  for (const w of works) {
    const c = w.facts;
    if (c.flag) {
      decide(w, c.flag, reason(c.flag === 'APS' ? 'withdrew' : 'ineligible', {}));
      continue;
    }
    const values: Record<string, Int> = {};
    let missing = false;
    let absent = false;
    let meetsKnown = true;
    for (const s of stages) {
      const v = c.stages?.[s.stage];
      if (v === 'absent') absent = true;
      else if (v === undefined || v === 'missing') missing = true;
      else {
        const n = s.den.scale(v);
        values[s.stage] = n;
        w.out.stages[s.stage] = s.shown.of(n);
        if (!s.passes(n)) meetsKnown = false;
      }
    }
    if (absent || missing) {
      if (absent) decide(w, 'P/TH', reason('absentStage', {}));
      else decide(w, 'BL', reason('stageIncomplete', {}));
      if (!absent && meetsKnown) {
        w.stageValues = values; // the known stages, for the tie-break keys
        if (!pending.has(c.kodeFormasi)) pending.set(c.kodeFormasi, []);
        pending.get(c.kodeFormasi)!.push(w);
      }
      continue;
    }
    w.stageValues = values;
    const failed: Reason[] = [];
    let final: Int = 0;
    w.out.thresholds = stages.map((s) => {
      const v = values[s.stage]!;
      const pass = s.passes(v);
      const why = reason('threshold', { name: s.stage, value: w.out.stages[s.stage]!, op: pass ? '≥' : '<', min: String(s.min) });
      if (!pass) failed.push(why);
      final = add(final, mul(v, s.mult));
      return { rule: `${s.stage} ≥ ${s.min}`, pass, reason: reasonId(why) };
    });
    w.final = final;
    w.out.final = fixed3(final, finalDen);
    w.out.final_exact = exactString(final, finalDen);
    if (failed.length) {
      decide(w, 'TL', ...failed);
      continue;
    }
    const list = byFormation.get(c.kodeFormasi) ?? [];
    list.push(w);
    byFormation.set(c.kodeFormasi, list);
  }
  const quota = new Map(formations.map((f) => [f.code, f.quota]));
  for (const [code, list] of byFormation) {
    const q = quota.get(code) ?? 0;
    rankGroup(list, keys);
    list.forEach((w) => (w.out.rank! <= q ? decide(w, 'P/L', reason('withinProposed', { rank: w.out.rank!, quota: q })) : decide(w, 'P/TL', reason('outsideProposed', { rank: w.out.rank!, quota: q }))));
    // Nobody ranked drops out (no seats to lose here), so a P/TL is final; a P/L is final unless at least q
    // candidates could end before it: those before it now and each BL candidate who could still pass it, each
    // missing stage at 100 at most. (A rare path: exact fractions are fine here.)
    const highest = (y: Work): Highest => (k) => {
      const known = (stage: string) => y.stageValues?.[stage];
      if (k === 'final') return stages.reduce((acc, s) => acc.add((known(s.stage) === undefined ? new Fraction(100) : fraction(known(s.stage)!, s.den.d)).mul(s.coef)), new Fraction(0));
      if (k.startsWith('stage:') && byStage.has(k.slice(6)) && known(k.slice(6)) === undefined) return new Fraction(100);
      return undefined;
    };
    for (const w of list) {
      if (w.out.status !== 'P/L') continue;
      const before = (pending.get(code) ?? []).filter((y) => canPrecede(y, w, keys, highest(y)));
      if (w.out.rank! - 1 + before.length >= q) wait(w, waitsForCandidates(code, before));
    }
  }
  markProvisional(works);
  return works;
}

/** Output order: formation, rank, number. Sorted formation by formation: codes compare once per formation. */
function ranked(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[], tie?: AgeTie): Work[] {
  const works = ruleset.model === 'integration' ? integration(ruleset, formations, candidates, tie) : weightedStages(ruleset, formations, candidates, tie);
  const byCode = new Map<string, Work[]>();
  for (const w of works) {
    const list = byCode.get(w.out.kode_formasi);
    if (list) list.push(w);
    else byCode.set(w.out.kode_formasi, [w]);
  }
  const out: Work[] = [];
  for (const code of [...byCode.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = byCode.get(code)!.sort(({ out: a }, { out: b }) => {
      if (a.rank !== b.rank) return a.rank === null ? 1 : b.rank === null ? -1 : a.rank - b.rank;
      return a.nomor_peserta < b.nomor_peserta ? -1 : 1;
    });
    for (const w of list) out.push(w);
  }
  return out;
}

/**
 * Ranks every candidate from the raw facts and the ruleset alone, each result with its reasons as data. Output
 * order: formation, rank, number.
 */
export function rankExplained(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[]): ExplainedCandidate[] {
  return ranked(ruleset, formations, candidates).map((w) => ({ result: w.out, reasons: w.why, provisionalReasons: w.out.provisional ? (w.waits ?? []) : [] }));
}

/**
 * Ranks every candidate from the raw facts and the ruleset alone. Output order: formation, rank, number. The
 * results carry their reasons as Indonesian sentences only: they are hashed, signed and published as they are.
 */
export function rank(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[]): RankedCandidate[] {
  return ranked(ruleset, formations, candidates).map((w) => w.out);
}

/**
 * rank, and who its order of birth dates decided between: the candidates compared on the `older` key (equal on
 * every key before it), joined into classes across every sort and every status check of the run. The engine is
 * deterministic in its comparisons' answers, so facts whose `older` values keep the same order within each class,
 * whatever they are outside them, rank to the same results: publishing a candidate's place within its class
 * (facts.ts `agePublished`) lets anyone recompute without learning the exam's order of birth dates.
 * Each class is sorted by number; the classes by their first number.
 */
export function rankWithAgeTies(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[]): { results: RankedCandidate[]; ageClasses: string[][] } {
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    let r = x;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    for (let y = x, p = parent.get(y); p !== undefined && p !== r; y = p, p = parent.get(y)) parent.set(y, r);
    return r;
  };
  const tie: AgeTie = (a, b) => {
    const x = a.facts.nomorPeserta;
    const y = b.facts.nomorPeserta;
    if (!parent.has(x)) parent.set(x, x);
    if (!parent.has(y)) parent.set(y, y);
    const rx = root(x);
    const ry = root(y);
    if (rx !== ry) parent.set(rx < ry ? ry : rx, rx < ry ? rx : ry);
  };
  const results = ranked(ruleset, formations, candidates, tie).map((w) => w.out);
  const classes = new Map<string, string[]>();
  for (const x of parent.keys()) {
    const r = root(x);
    const list = classes.get(r);
    if (list) list.push(x);
    else classes.set(r, [x]);
  }
  const ageClasses = [...classes.values()].map((c) => c.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  return { results, ageClasses };
}
