import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { Fraction } from '../scoring/exact';
import { stageInfo, type Item } from '../scoring/items';
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
function settled(db: Db, examId: string): Map<string, Map<string, Fraction>> {
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
  const rows = sql(db, "SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? AND source <> 'panel' ORDER BY at, id").all(examId) as EntryRow[];
  const byKey = new Map<string, EntryRow[]>();
  for (const r of rows) {
    const k = `${r.nomor_peserta}|${r.stage_code}|${r.item}`;
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(r);
  }
  const interviewAmended = new Map<string, Fraction>();
  for (const [, list] of byKey) {
    const { nomor_peserta: nomor, stage_code: stage, item: code } = list[0]!;
    const item = stageItems.get(stage)?.get(code);
    if (!item) continue;
    const last = (pred: (r: EntryRow) => boolean) => list.filter(pred).at(-1);
    const amendment = last((r) => r.source === 'amendment');
    const cat = last((r) => r.source === 'cat');
    const resolution = last((r) => r.source === 'resolution');
    const first = list.find((r) => r.source === 'paper' && r.slot === 'first');
    const second = list.find((r) => r.source === 'paper' && r.slot === 'second');
    const chosen = amendment ?? cat ?? resolution ?? (first && second && first.units === second.units ? first : undefined);
    if (!chosen) continue;
    if (amendment && !cat && !resolution && !first) interviewAmended.set(`${nomor}|${stage}|${code}`, value(item, amendment.units));
    else put(nomor, stage, code, value(item, chosen.units));
  }
  // Interviews: the criteria aggregates of finalizations every panelist signed, amended where approved.
  const finals = sql(
    db,
    `SELECT f.nomor_peserta, s.stage_code, f.result,
            (SELECT COUNT(*) FROM signoffs so WHERE so.finalization_id = f.id) AS signed,
            (SELECT COUNT(*) FROM session_panel p JOIN accounts a ON a.nip = p.nip WHERE p.session_id = f.session_id
               AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.account_id = a.id AND k.nomor_peserta = f.nomor_peserta)) AS members
       FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ?`,
  ).all(examId) as { nomor_peserta: string; stage_code: string; result: string; signed: number; members: number }[];
  for (const f of finals) {
    if (f.signed < f.members) continue;
    for (const c of (JSON.parse(f.result) as { criteria: { code: string; aggregateExact: string }[] }).criteria) {
      put(f.nomor_peserta, f.stage_code, c.code, interviewAmended.get(`${f.nomor_peserta}|${f.stage_code}|${c.code}`) ?? new Fraction(c.aggregateExact));
    }
  }
  return out;
}

/** A stage on 0–100: its value as a share of its maximum (components summed or weighted; criteria weighted). */
function stagePercent(db: Db, examId: string, stage: string, values: Map<string, Fraction> | undefined): Fraction | undefined {
  const info = stageInfo(db, examId, stage);
  if (!values || info.items.some((i) => !values.has(i.code))) return undefined;
  const def = JSON.parse(sql(db, 'SELECT definition FROM stages WHERE exam_id = ? AND code = ?').pluck().get(examId, stage) as string) as {
    score?: { method: string; weights?: Record<string, number> };
    rubric?: { criteria: { code: string; weight: number }[] };
  };
  const weights: Record<string, number> =
    info.kind === 'interview'
      ? Object.fromEntries(def.rubric!.criteria.map((c) => [c.code, c.weight]))
      : def.score?.method === 'weighted'
        ? def.score.weights!
        : Object.fromEntries(info.items.map((i) => [i.code, 1]));
  let got = new Fraction(0);
  let max = new Fraction(0);
  for (const i of info.items) {
    const w = new Fraction(String(weights[i.code] ?? 0));
    got = got.add(values.get(i.code)!.mul(w));
    max = max.add(new Fraction(String(i.max)).mul(w));
  }
  return got.mul(100).div(max);
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
  const named = ruleset.model === 'integration' ? [ruleset.skd.stage, ...Object.keys(ruleset.skb.weights)] : Object.keys(ruleset.stages);
  const unknown = named.filter((s) => !stages.has(s));
  if (unknown.length) {
    throw new LenteraError('RULESET_MISMATCH', `Ruleset ${ruleset.id} names stage(s) ${unknown.join(', ')}, which this exam does not have (it has ${[...stages].join(', ')}).`, { unknown });
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
  const stageValue = (nomor: string, stage: string): StageValue => {
    if (absent.has(`${nomor}|${stage}`)) return 'absent';
    return stagePercent(db, examId, stage, values.get(`${nomor}|${stage}`)) ?? 'missing';
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
