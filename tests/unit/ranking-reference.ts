// The ranking engine as it was before issue 16 (exact fraction.js arithmetic throughout, Fraction.compare in
// every comparison), kept verbatim as the reference that ranking-fast.test.ts holds the scaled-integer engine to.
import { Fraction, toExactString, toFixedString } from '../../src-main/core/scoring/exact';
import { reason, reasonId, reasonList, reasonsId, type Reason } from '../../src-main/core/ranking/reasons';
import type { IntegrationRuleset, Ruleset, WeightedStagesRuleset } from '../../src-main/core/ranking/ruleset-schema';

export type { Reason } from '../../src-main/core/ranking/reasons';

/** What a stage score can be: a number, or the reason there is none. Missing is never guessed as zero. */
export type StageValue = Fraction | 'absent' | 'missing';

export interface FormationFacts {
  code: string;
  quota: number;
  position: string;
  education: string;
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

interface Work {
  facts: CandidateFacts;
  out: RankedCandidate;
  skdTotal?: Fraction;
  skdParts?: Record<string, Fraction>;
  stageValues?: Record<string, Fraction>;
  final?: Fraction;
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
  w.out.reason = reasonsId(why);
}

/** The highest value a key of a BL candidate can still reach, or undefined where the key is already known. */
type Highest = (key: string) => Fraction | undefined;

const fmt = (f: Fraction) => {
  const s = toFixedString(f, 3);
  return s.replace(/\.?0+$/, '') || '0';
};
const show = (f: Fraction) => (f.d === 1n ? f.n.toString() : fmt(f));

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

/** The value a tie-break key takes; higher is better for all but `older`, where the earlier birth date wins. */
function keyValue(w: Work, key: string): Fraction | number | string | null {
  switch (key) {
    case 'final':
      return w.final ?? null;
    case 'skd_total':
      return w.skdTotal ?? null;
    case 'ipk':
      return w.facts.ipk;
    case 'older':
      return w.facts.tanggalLahir;
    default:
      if (key.startsWith('stage:')) return w.stageValues?.[key.slice(6)] ?? null;
      return w.skdParts?.[key] ?? null;
  }
}

/** Negative when a ranks before b on this key. */
function compareKey(a: Work, b: Work, key: string): number {
  const x = keyValue(a, key);
  const y = keyValue(b, key);
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  if (key === 'older') return (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0;
  if (x instanceof Fraction) return -x.compare(y as Fraction);
  return (y as number) - (x as number);
}

/** A total order: the keys in turn, then the registration number so that even a perfect tie has one answer. */
function order(keys: readonly string[]) {
  return (a: Work, b: Work): number => {
    for (const k of keys) {
      const c = compareKey(a, b, k);
      if (c !== 0) return c;
    }
    return a.facts.nomorPeserta < b.facts.nomorPeserta ? -1 : a.facts.nomorPeserta > b.facts.nomorPeserta ? 1 : 0;
  };
}

function decidedBy(a: Work, b: Work, keys: readonly string[]): string | null {
  if (compareKey(a, b, keys[0]!) !== 0) return null; // separated by the first key itself: no tie to break
  for (const k of keys.slice(1)) if (compareKey(a, b, k) !== 0) return k;
  return 'nomor_peserta';
}

function rankGroup(group: Work[], keys: readonly string[]): void {
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
function canPrecede(y: Work, w: Work, keys: readonly string[], highest: Highest): boolean {
  for (const k of keys) {
    const hi = highest(k);
    if (hi === undefined) {
      const c = compareKey(y, w, k);
      if (c !== 0) return c < 0;
      continue;
    }
    const theirs = keyValue(w, k);
    if (theirs === null) return true; // w has no value here: any value of y's ranks first
    const c = hi.compare(theirs as Fraction);
    if (c > 0) return true;
    if (c < 0) return false;
  }
  return y.facts.nomorPeserta < w.facts.nomorPeserta;
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

function integration(r: IntegrationRuleset, formations: FormationFacts[], candidates: CandidateFacts[]): Work[] {
  const works: Work[] = candidates.map((facts) => ({ facts, out: blank(facts), why: [] }));
  const skdKeys = r.tie_break.filter((k) => k !== 'final');
  const finalKeys = ['final', ...skdKeys];
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
    w.skdParts = parts;
    w.skdTotal = r.skd.components.reduce((acc, k) => acc.add(parts[k]!), new Fraction(0));
    for (const k of r.skd.components) w.out.components[k] = show(parts[k]!);
    w.out.skd_total = show(w.skdTotal);
    const grades = r.passing_grade[c.kategori as keyof typeof r.passing_grade];
    if (!grades) {
      decide(w, 'BL', reason('unknownKategori', { kategori: c.kategori, ruleset: r.id }));
      continue;
    }
    const failed: Reason[] = [];
    for (const t of grades) {
      const value = 'component' in t ? parts[t.component]! : w.skdTotal;
      const name = 'component' in t ? (LABEL[t.component] ?? t.component.toUpperCase()) : 'SKD';
      const pass = value.compare(t.min) >= 0;
      const why = reason('threshold', { name, value: show(value), op: pass ? '≥' : '<', min: String(t.min) });
      w.out.thresholds.push({ rule: `${name} ≥ ${t.min}`, pass, reason: reasonId(why) });
      if (!pass) failed.push(why);
    }
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
  const finalOf = (skdTotal: Fraction, skb: Fraction) =>
    new Fraction(r.integration.skd).div(100).mul(skdTotal.mul(100).div(String(r.skd.max))).add(new Fraction(r.integration.skb).div(100).mul(skb));
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
        decide(w, 'TL', reason('outsideSkbCap', { rank: i + 1, cap: r.skb_cap, quota: q, seats: cap }));
        return;
      }
      // Each candidate with a missing SKD could come before this one in SKD order.
      w.capSure = i + unknown.length < cap;
      const skb = skbValue(r, w);
      if (skb === 'absent' || skb === 'missing') {
        if (skb === 'absent') decide(w, 'P/TH', reason('absentSkb', {}));
        else decide(w, 'BL', reason('skbIncomplete', {}));
        if (skb === 'missing') {
          const high = skbHighest(r, w.facts);
          pending.push({ w, highest: high === null ? null : finalOf(w.skdTotal!, high) });
        } else if (!w.capSure) wait(w, waitsForUnknown);
        return;
      }
      w.out.skb = fmt(skb);
      w.final = finalOf(w.skdTotal!, skb);
      w.out.final = toFixedString(w.final, 3);
      w.out.final_exact = toExactString(w.final);
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

function skbValue(r: IntegrationRuleset, w: Work): Fraction | 'absent' | 'missing' {
  const skb = w.facts.skb;
  if (skb === undefined) return 'missing';
  if (skb === 'absent' || skb === 'missing' || skb instanceof Fraction) return skb;
  let total = new Fraction(0);
  const stages: Record<string, Fraction> = {};
  for (const [stage, weight] of Object.entries(r.skb.weights)) {
    const v = skb[stage];
    if (v === undefined || v === 'missing') return 'missing';
    if (v === 'absent') return 'absent';
    stages[stage] = v;
    w.out.stages[stage] = fmt(v);
    total = total.add(v.mul(weight).div(100));
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
function optimalisasi(r: IntegrationRuleset, formations: FormationFacts[], ranked: Map<string, Work[]>, keys: readonly string[], works: Work[]): void {
  const info = new Map(formations.map((f) => [f.code, f]));
  const key = (f: FormationFacts) => r.optimalisasi!.match.map((k) => f[k].trim().toLowerCase()).join('\u0000');
  const incomplete = new Set(works.filter((w) => w.out.status === 'BL' && info.has(w.facts.kodeFormasi)).map((w) => w.facts.kodeFormasi));
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
    if (!groups.has(key(f))) groups.set(key(f), []);
    groups.get(key(f))!.push(f);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const waiting = group.map((f) => f.code).filter((c) => incomplete.has(c)).sort();
    if (!waiting.length) continue;
    const surelyPassed = (f: FormationFacts) => (ranked.get(f.code) ?? []).filter((w) => w.out.status === 'P/L' && !w.waits?.length).length;
    if (!group.some((f) => surelyPassed(f) < f.quota)) continue; // every formation surely filled: no seat will open
    const why = reason('waitsFormations', { list: reasonList(waiting, 'formations') });
    for (const f of group) for (const w of ranked.get(f.code) ?? []) if (w.out.status === 'P/TL' || w.out.status.startsWith('P/L-')) wait(w, why);
  }
}

function weightedStages(r: WeightedStagesRuleset, formations: FormationFacts[], candidates: CandidateFacts[]): Work[] {
  const works: Work[] = candidates.map((facts) => ({ facts, out: blank(facts), why: [] }));
  const keys = r.tie_break.includes('final') ? r.tie_break : ['final', ...r.tie_break];
  const byFormation = new Map<string, Work[]>();
  /** BL candidates who could still meet every minimum, per formation: they may yet be ranked */
  const pending = new Map<string, Work[]>();
  for (const w of works) {
    const c = w.facts;
    if (c.flag) {
      decide(w, c.flag, reason(c.flag === 'APS' ? 'withdrew' : 'ineligible', {}));
      continue;
    }
    const values: Record<string, Fraction> = {};
    let missing = false;
    let absent = false;
    for (const stage of Object.keys(r.stages)) {
      const v = c.stages?.[stage];
      if (v === 'absent') absent = true;
      else if (v === undefined || v === 'missing') missing = true;
      else {
        values[stage] = v;
        w.out.stages[stage] = fmt(v);
      }
    }
    if (absent || missing) {
      if (absent) decide(w, 'P/TH', reason('absentStage', {}));
      else decide(w, 'BL', reason('stageIncomplete', {}));
      if (!absent && Object.entries(values).every(([stage, v]) => v.compare(r.stages[stage]!.min) >= 0)) {
        w.stageValues = values; // the known stages, for the tie-break keys
        if (!pending.has(c.kodeFormasi)) pending.set(c.kodeFormasi, []);
        pending.get(c.kodeFormasi)!.push(w);
      }
      continue;
    }
    w.stageValues = values;
    const failed: Reason[] = [];
    for (const [stage, s] of Object.entries(r.stages)) {
      const pass = values[stage]!.compare(s.min) >= 0;
      const why = reason('threshold', { name: stage, value: fmt(values[stage]!), op: pass ? '≥' : '<', min: String(s.min) });
      w.out.thresholds.push({ rule: `${stage} ≥ ${s.min}`, pass, reason: reasonId(why) });
      if (!pass) failed.push(why);
    }
    w.final = Object.entries(r.stages).reduce((acc, [stage, s]) => acc.add(values[stage]!.mul(s.weight).div(100)), new Fraction(0));
    w.out.final = toFixedString(w.final, 3);
    w.out.final_exact = toExactString(w.final);
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
    // missing stage at 100 at most.
    const highest = (y: Work): Highest => (k) => {
      if (k === 'final') return Object.entries(r.stages).reduce((acc, [stage, s]) => acc.add((y.stageValues?.[stage] ?? new Fraction(100)).mul(s.weight).div(100)), new Fraction(0));
      if (k.startsWith('stage:') && k.slice(6) in r.stages && !y.stageValues?.[k.slice(6)]) return new Fraction(100);
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

/**
 * Ranks every candidate from the raw facts and the ruleset alone, each result with its reasons as data. Output
 * order: formation, rank, number.
 */
export function rankExplained(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[]): ExplainedCandidate[] {
  const works = ruleset.model === 'integration' ? integration(ruleset, formations, candidates) : weightedStages(ruleset, formations, candidates);
  return works
    .map((w) => ({ result: w.out, reasons: w.why, provisionalReasons: w.out.provisional ? (w.waits ?? []) : [] }))
    .sort(({ result: a }, { result: b }) => {
      if (a.kode_formasi !== b.kode_formasi) return a.kode_formasi < b.kode_formasi ? -1 : 1;
      if (a.rank !== b.rank) return a.rank === null ? 1 : b.rank === null ? -1 : a.rank - b.rank;
      return a.nomor_peserta < b.nomor_peserta ? -1 : 1;
    });
}

/**
 * Ranks every candidate from the raw facts and the ruleset alone. Output order: formation, rank, number. The
 * results carry their reasons as Indonesian sentences only: they are hashed, signed and published as they are.
 */
export function rank(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[]): RankedCandidate[] {
  return rankExplained(ruleset, formations, candidates).map((x) => x.result);
}
