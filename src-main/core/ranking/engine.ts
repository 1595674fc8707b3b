import { Fraction, toExactString, toFixedString } from '../scoring/exact';
import type { IntegrationRuleset, Ruleset, WeightedStagesRuleset } from './ruleset-schema';

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
}

interface Work {
  facts: CandidateFacts;
  out: RankedCandidate;
  skdTotal?: Fraction;
  skdParts?: Record<string, Fraction>;
  stageValues?: Record<string, Fraction>;
  final?: Fraction;
}

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

const LABEL: Record<string, string> = { twk: 'TWK', tiu: 'TIU', tkp: 'TKP' };

function integration(r: IntegrationRuleset, formations: FormationFacts[], candidates: CandidateFacts[]): RankedCandidate[] {
  const works: Work[] = candidates.map((facts) => ({ facts, out: blank(facts) }));
  const skdKeys = r.tie_break.filter((k) => k !== 'final');
  const finalKeys = ['final', ...skdKeys];
  const byFormation = new Map<string, Work[]>();

  for (const w of works) {
    const c = w.facts;
    if (c.flag) {
      w.out.status = c.flag;
      w.out.reason = c.flag === 'APS' ? 'mengundurkan diri' : 'tidak memenuhi syarat';
      continue;
    }
    if (c.skd === 'absent') {
      w.out.status = 'TH';
      w.out.reason = 'tidak hadir SKD';
      continue;
    }
    if (!c.skd || c.skd === 'missing' || r.skd.components.some((k) => !(k in (c.skd as Record<string, Fraction>)))) {
      w.out.status = 'BL';
      w.out.reason = 'nilai SKD belum lengkap';
      continue;
    }
    const parts = c.skd;
    w.skdParts = parts;
    w.skdTotal = r.skd.components.reduce((acc, k) => acc.add(parts[k]!), new Fraction(0));
    for (const k of r.skd.components) w.out.components[k] = show(parts[k]!);
    w.out.skd_total = show(w.skdTotal);
    const grades = r.passing_grade[c.kategori as keyof typeof r.passing_grade];
    if (!grades) {
      w.out.status = 'BL';
      w.out.reason = `kategori "${c.kategori}" tidak dikenal aturan ${r.id}`;
      continue;
    }
    for (const t of grades) {
      const value = 'component' in t ? parts[t.component]! : w.skdTotal;
      const name = 'component' in t ? (LABEL[t.component] ?? t.component.toUpperCase()) : 'SKD';
      const pass = value.compare(t.min) >= 0;
      w.out.thresholds.push({ rule: `${name} ≥ ${t.min}`, pass, reason: `${name} ${show(value)} ${pass ? '≥' : '<'} ${t.min}` });
    }
    const failed = w.out.thresholds.filter((t) => !t.pass);
    if (failed.length) {
      w.out.status = 'TL';
      w.out.reason = failed.map((t) => t.reason).join('; ');
      continue;
    }
    const list = byFormation.get(c.kodeFormasi) ?? [];
    list.push(w);
    byFormation.set(c.kodeFormasi, list);
  }

  const quota = new Map(formations.map((f) => [f.code, f.quota]));
  const ranked = new Map<string, Work[]>();
  for (const [code, list] of byFormation) {
    const q = quota.get(code);
    if (q === undefined) {
      for (const w of list) Object.assign(w.out, { status: 'BL', reason: `formasi ${code} tidak dikenal` });
      continue;
    }
    // SKB seats: at most skb_cap × quota SKD passers, by SKD rank.
    list.sort(order(skdKeys));
    const cap = r.skb_cap * q;
    const toSkb: Work[] = [];
    list.forEach((w, i) => {
      if (i >= cap) {
        Object.assign(w.out, { status: 'TL', reason: `peringkat SKD ${i + 1} di luar ${r.skb_cap} × ${q} = ${cap} peserta SKB` });
        return;
      }
      const skb = skbValue(r, w);
      if (skb === 'absent' || skb === 'missing') {
        Object.assign(w.out, skb === 'absent' ? { status: 'P/TH', reason: 'tidak hadir SKB' } : { status: 'BL', reason: 'nilai SKB belum lengkap' });
        return;
      }
      w.out.skb = fmt(skb);
      w.final = new Fraction(r.integration.skd).div(100).mul(w.skdTotal!.mul(100).div(String(r.skd.max))).add(new Fraction(r.integration.skb).div(100).mul(skb));
      w.out.final = toFixedString(w.final, 3);
      w.out.final_exact = toExactString(w.final);
      toSkb.push(w);
    });
    rankGroup(toSkb, finalKeys);
    toSkb.forEach((w) => Object.assign(w.out, w.out.rank! <= q ? { status: 'P/L', reason: `peringkat ${w.out.rank} dari kebutuhan ${q}` } : { status: 'P/TL', reason: `peringkat ${w.out.rank}, kebutuhan ${q}` }));
    ranked.set(code, toSkb);
  }

  if (r.optimalisasi) optimalisasi(r, formations, ranked, finalKeys);
  return works.map((w) => w.out);
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

/** Unfilled seats go to those not passing elsewhere with the same position and education, best final first. */
function optimalisasi(r: IntegrationRuleset, formations: FormationFacts[], ranked: Map<string, Work[]>, keys: readonly string[]): void {
  const info = new Map(formations.map((f) => [f.code, f]));
  const same = (a: FormationFacts, b: FormationFacts) => r.optimalisasi!.match.every((k) => a[k].trim().toLowerCase() === b[k].trim().toLowerCase());
  for (const f of [...formations].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    const filled = (ranked.get(f.code) ?? []).filter((w) => w.out.status === 'P/L').length;
    let open = f.quota - filled;
    if (open <= 0) continue;
    const pool = [...ranked.entries()]
      .filter(([code]) => code !== f.code && info.get(code) && same(info.get(code)!, f))
      .flatMap(([, list]) => list.filter((w) => w.out.status === 'P/TL'))
      .sort(order(keys));
    let seat = filled;
    for (const w of pool) {
      if (open <= 0) break;
      seat++;
      open--;
      Object.assign(w.out, { status: `P/L-${seat - filled}`, optimalisasi_ke: f.code, reason: `optimalisasi: mengisi kursi ${seat} formasi ${f.code} (${f.position}) yang tidak terpenuhi` });
    }
  }
}

function weightedStages(r: WeightedStagesRuleset, formations: FormationFacts[], candidates: CandidateFacts[]): RankedCandidate[] {
  const works: Work[] = candidates.map((facts) => ({ facts, out: blank(facts) }));
  const keys = r.tie_break.includes('final') ? r.tie_break : ['final', ...r.tie_break];
  const byFormation = new Map<string, Work[]>();
  for (const w of works) {
    const c = w.facts;
    if (c.flag) {
      Object.assign(w.out, { status: c.flag, reason: c.flag === 'APS' ? 'mengundurkan diri' : 'tidak memenuhi syarat' });
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
      Object.assign(w.out, absent ? { status: 'P/TH', reason: 'tidak hadir pada salah satu tahap' } : { status: 'BL', reason: 'nilai tahap belum lengkap' });
      continue;
    }
    w.stageValues = values;
    for (const [stage, s] of Object.entries(r.stages)) {
      const pass = values[stage]!.compare(s.min) >= 0;
      w.out.thresholds.push({ rule: `${stage} ≥ ${s.min}`, pass, reason: `${stage} ${fmt(values[stage]!)} ${pass ? '≥' : '<'} ${s.min}` });
    }
    w.final = Object.entries(r.stages).reduce((acc, [stage, s]) => acc.add(values[stage]!.mul(s.weight).div(100)), new Fraction(0));
    w.out.final = toFixedString(w.final, 3);
    w.out.final_exact = toExactString(w.final);
    const failed = w.out.thresholds.filter((t) => !t.pass);
    if (failed.length) {
      Object.assign(w.out, { status: 'TL', reason: failed.map((t) => t.reason).join('; ') });
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
    list.forEach((w) => Object.assign(w.out, w.out.rank! <= q ? { status: 'P/L', reason: `peringkat ${w.out.rank} dari ${q}` } : { status: 'P/TL', reason: `peringkat ${w.out.rank}, diusulkan ${q}` }));
  }
  return works.map((w) => w.out);
}

/** Ranks every candidate from the raw facts and the ruleset alone. Output order: formation, rank, number. */
export function rank(ruleset: Ruleset, formations: FormationFacts[], candidates: CandidateFacts[]): RankedCandidate[] {
  const out = ruleset.model === 'integration' ? integration(ruleset, formations, candidates) : weightedStages(ruleset, formations, candidates);
  return out.sort((a, b) => {
    if (a.kode_formasi !== b.kode_formasi) return a.kode_formasi < b.kode_formasi ? -1 : 1;
    if (a.rank !== b.rank) return a.rank === null ? 1 : b.rank === null ? -1 : a.rank - b.rank;
    return a.nomor_peserta < b.nomor_peserta ? -1 : 1;
  });
}
