import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { Fraction } from '../scoring/exact';
import { stageInfo, type Item } from '../scoring/items';
import { examFinalizations } from '../scoring/panel';
import type { CandidateFacts, FormationFacts, StageValue } from './engine';
import type { Ruleset } from './ruleset-schema';

interface EntryRow {
  nomor_peserta: string;
  stage_code: string;
  item: string;
  units: number;
  source: string;
  slot: string | null;
}

const value = (item: Item, units: number) => new Fraction(String(item.min)).add(new Fraction(String(item.step)).mul(units));

/**
 * The settled value of every item, exactly: an approved amendment wins; then a CAT result; then a resolved or
 * agreed paper sheet; interview criteria come from the signed finalization. Anything else is not settled.
 */
export function settled(db: Db, examId: string): Map<string, Map<string, Fraction>> {
  const stageItems = new Map<string, Map<string, Item>>();
  for (const code of sql(db, 'SELECT code FROM stages WHERE exam_id = ?').pluck().all(examId) as string[]) {
    stageItems.set(code, new Map(stageInfo(db, examId, code).items.map((i) => [i.code, i])));
  }
  const out = new Map<string, Map<string, Fraction>>(); // "nomor|stage" → item → value
  const put = (nomor: string, stage: string, item: string, v: Fraction) => {
    const k = `${nomor}|${stage}`;
    if (!out.has(k)) out.set(k, new Map());
    out.get(k)!.set(item, v);
  };
  // One pass over the entries in time order, keeping per item only the latest entry of each kind.
  interface Latest {
    nomor: string;
    stage: string;
    item: string;
    amendment?: number;
    cat?: number;
    resolution?: number;
    first?: number;
    second?: number;
  }
  const latest = new Map<string, Latest>();
  const iter = sql(db, "SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? AND source <> 'panel' ORDER BY at, id").iterate(examId) as IterableIterator<EntryRow>;
  for (const r of iter) {
    const k = `${r.nomor_peserta}|${r.stage_code}|${r.item}`;
    let l = latest.get(k);
    if (!l) latest.set(k, (l = { nomor: r.nomor_peserta, stage: r.stage_code, item: r.item }));
    if (r.source === 'amendment') l.amendment = r.units;
    else if (r.source === 'cat') l.cat = r.units;
    else if (r.source === 'resolution') l.resolution = r.units;
    else if (r.slot === 'first') l.first ??= r.units;
    else if (r.slot === 'second') l.second ??= r.units;
  }
  const interviewAmended = new Map<string, Fraction>();
  for (const l of latest.values()) {
    const item = stageItems.get(l.stage)?.get(l.item);
    if (!item) continue;
    const agreed = l.first !== undefined && l.first === l.second ? l.first : undefined;
    const chosen = l.amendment ?? l.cat ?? l.resolution ?? agreed;
    if (chosen === undefined) continue;
    if (l.amendment !== undefined && l.cat === undefined && l.resolution === undefined && l.first === undefined) {
      interviewAmended.set(`${l.nomor}|${l.stage}|${l.item}`, value(item, l.amendment));
    } else put(l.nomor, l.stage, l.item, value(item, chosen));
  }
  // Interviews: the criteria aggregates of finalizations every panelist signed, amended where approved.
  for (const f of examFinalizations(db, examId)) {
    if (!f.signed) continue;
    for (const c of f.result.criteria) {
      put(f.nomorPeserta, f.stage, c.code, interviewAmended.get(`${f.nomorPeserta}|${f.stage}|${c.code}`) ?? new Fraction(c.aggregateExact));
    }
  }
  return out;
}

export interface StageScale {
  items: Item[];
  weights: Record<string, Fraction>;
  max: Fraction;
}

/** How a stage turns into 0–100: its items, their weights (components summed or weighted; criteria weighted), its maximum. */
export function stageScale(db: Db, examId: string, stage: string): StageScale {
  const info = stageInfo(db, examId, stage);
  const def = JSON.parse(sql(db, 'SELECT definition FROM stages WHERE exam_id = ? AND code = ?').pluck().get(examId, stage) as string) as {
    score?: { method: string; weights?: Record<string, number> };
    rubric?: { criteria: { code: string; weight: number }[] };
  };
  const raw: Record<string, number> =
    info.kind === 'interview'
      ? Object.fromEntries(def.rubric!.criteria.map((c) => [c.code, c.weight]))
      : def.score?.method === 'weighted'
        ? def.score.weights!
        : Object.fromEntries(info.items.map((i) => [i.code, 1]));
  const weights = Object.fromEntries(info.items.map((i) => [i.code, new Fraction(String(raw[i.code] ?? 0))]));
  const max = info.items.reduce((acc, i) => acc.add(new Fraction(String(i.max)).mul(weights[i.code]!)), new Fraction(0));
  return { items: info.items, weights, max };
}

/** A stage on 0–100: its value as a share of its maximum (the ranking's stage value, and the display's 0–100 interview score). */
export function stagePercent(scale: StageScale, values: Map<string, Fraction> | undefined): Fraction | undefined {
  if (!values || scale.items.some((i) => !values.has(i.code))) return undefined;
  let got = new Fraction(0);
  for (const i of scale.items) got = got.add(values.get(i.code)!.mul(scale.weights[i.code]!));
  return got.mul(100).div(scale.max);
}

/** Attendance per candidate and stage: absent only when marked TH in every session of that stage they were in. */
function absentAt(db: Db, examId: string): Set<string> {
  const rows = sql(
    db,
    `SELECT sc.nomor_peserta AS nomor, s.stage_code AS stage,
            (SELECT kind FROM attendance_events a WHERE a.session_id = s.id AND a.nomor_peserta = sc.nomor_peserta ORDER BY seq DESC LIMIT 1) AS last
       FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ?`,
  ).all(examId) as { nomor: string; stage: string; last: string | null }[];
  const present = new Set<string>();
  const absent = new Set<string>();
  for (const r of rows) {
    const k = `${r.nomor}|${r.stage}`;
    if (r.last === 'absent') absent.add(k);
    else present.add(k);
  }
  for (const k of present) absent.delete(k);
  return absent;
}

/** Everything the engine needs, read from the workstation's raw entries. */
export function gatherFacts(db: Db, examId: string, ruleset: Ruleset): { formations: FormationFacts[]; candidates: CandidateFacts[] } {
  const stages = new Set(sql(db, 'SELECT code FROM stages WHERE exam_id = ?').pluck().all(examId) as string[]);
  // Each stage the ruleset names, with the JSON path where it names it.
  const named: [string, string][] =
    ruleset.model === 'integration'
      ? [[ruleset.skd.stage, 'skd.stage'], ...Object.keys(ruleset.skb.weights).map((s): [string, string] => [s, `skb.weights.${s}`])]
      : Object.keys(ruleset.stages).map((s): [string, string] => [s, `stages.${s}`]);
  const unknown = named.filter(([s]) => !stages.has(s));
  if (unknown.length) {
    throw new LenteraError(
      'RULESET_MISMATCH',
      `Ruleset ${ruleset.id} names stage(s) this exam does not have: ${unknown.map(([s, path]) => `${path}: unknown stage "${s}"`).join('; ')} (the exam has ${[...stages].join(', ')}).`,
      { problems: unknown.map(([s, path]) => ({ path, message: `unknown stage "${s}"` })) },
    );
  }
  const formations = sql(db, 'SELECT code, quota, position, education FROM formations WHERE exam_id = ? ORDER BY code').all(examId) as FormationFacts[];
  const values = settled(db, examId);
  const absent = absentAt(db, examId);
  const rows = sql(db, 'SELECT nomor_peserta, kode_formasi, kategori, ipk_x100, tanggal_lahir FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta').all(examId) as {
    nomor_peserta: string;
    kode_formasi: string;
    kategori: string;
    ipk_x100: number;
    tanggal_lahir: string;
  }[];
  const scales = new Map(named.map(([s]) => [s, stageScale(db, examId, s)]));
  const stageValue = (nomor: string, stage: string): StageValue => {
    if (absent.has(`${nomor}|${stage}`)) return 'absent';
    return stagePercent(scales.get(stage)!, values.get(`${nomor}|${stage}`)) ?? 'missing';
  };
  const candidates = rows.map((r): CandidateFacts => {
    const base = { nomorPeserta: r.nomor_peserta, kodeFormasi: r.kode_formasi, kategori: r.kategori, ipk: r.ipk_x100, tanggalLahir: r.tanggal_lahir };
    if (ruleset.model === 'integration') {
      const skdValues = values.get(`${r.nomor_peserta}|${ruleset.skd.stage}`);
      const skd = absent.has(`${r.nomor_peserta}|${ruleset.skd.stage}`)
        ? ('absent' as const)
        : skdValues && ruleset.skd.components.every((c) => skdValues.has(c))
          ? Object.fromEntries(ruleset.skd.components.map((c) => [c, skdValues.get(c)!]))
          : ('missing' as const);
      const skb = Object.fromEntries(Object.keys(ruleset.skb.weights).map((s) => [s, stageValue(r.nomor_peserta, s)]));
      return { ...base, skd, skb };
    }
    return { ...base, stages: Object.fromEntries(Object.keys(ruleset.stages).map((s) => [s, stageValue(r.nomor_peserta, s)])) };
  });
  return { formations, candidates };
}
