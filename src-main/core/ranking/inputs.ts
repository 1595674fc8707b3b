import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { Fraction } from '../scoring/exact';
import { stageInfo, type Item } from '../scoring/items';
import { examFinalizations, type ExamFinalization } from '../scoring/panel';
import type { CandidateFacts, FormationFacts, StageValue } from './engine';
import type { Ruleset } from './ruleset-schema';

/** A score entry as `.raw()` gives it: nomor_peserta, stage_code, item, units, source, slot. */
type EntryRow = [string, string, string, number, string, string | null];

const value = (item: Item, units: number) => new Fraction(String(item.min)).add(new Fraction(String(item.step)).mul(units));

/**
 * `value`, made once per item and number of units: an exam has a few hundred distinct values and 100,000s of
 * entries, and each Fraction costs BigInt work and garbage. Fractions never change once made, so sharing is safe.
 */
function valueCache(): (item: Item, units: number) => Fraction {
  const made = new Map<Item, Fraction[]>();
  return (item, units) => {
    let byUnits = made.get(item);
    if (!byUnits) made.set(item, (byUnits = []));
    return (byUnits[units] ??= value(item, units));
  };
}

/** One candidate's settled values: stage → item → value. */
export type CandidateValues = Map<string, Map<string, Fraction>>;

/**
 * The settled value of every item, exactly: an approved amendment wins; then a CAT result; then a resolved or
 * agreed paper sheet; interview criteria come from the signed finalization. Anything else is not settled.
 *
 * Read candidate by candidate: `take(nomor)` gives one candidate's values, and must be called in the order of
 * `ORDER BY nomor_peserta` over the exam's candidates (each at most once). The entries are read in that order
 * (the index's), so only one candidate's entries are held at a time, not 400,000 items' (at 100k candidates, a map
 * of every item was most of the ranking's peak memory). Every entry belongs to a candidate (a foreign key), so the
 * entries' candidates come in the same order; `done()` says whether every entry was taken (a caller that skipped
 * some, or an order that differed, would lose scores: callers refuse then). `close()` ends the read (an open
 * one keeps the connection busy): callers call it in a `finally`.
 */
export function settledValues(db: Db, examId: string, only?: readonly string[]): { take(nomor: string): CandidateValues | undefined; done(): boolean; close(): void } {
  const stageItems = new Map<string, Map<string, Item>>();
  for (const code of sql(db, 'SELECT code FROM stages WHERE exam_id = ?').pluck().all(examId) as string[]) {
    stageItems.set(code, new Map(stageInfo(db, examId, code).items.map((i) => [i.code, i])));
  }
  // Interviews: the finalizations every panelist signed, per candidate (a few per candidate at most).
  const signed = new Map<string, ExamFinalization[]>();
  for (const f of examFinalizations(db, examId)) {
    if (!f.signed) continue;
    const list = signed.get(f.nomorPeserta);
    if (list) list.push(f);
    else signed.set(f.nomorPeserta, [f]);
  }
  const valueOf = valueCache();
  // Equal aggregates share one Fraction, as entry values do (so a stage's percent can be remembered per set of values).
  const aggregates = new Map<string, Fraction>();
  const aggregate = (exact: string) => aggregates.get(exact) ?? aggregates.set(exact, new Fraction(exact)).get(exact)!;

  // Item by item (candidate, stage, item), in time order within an item: each item's choice depends only on its
  // own entries in time order, so it is made as the item's last entry passes.
  const rows = (
    only
      ? sql(
          db,
          "SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? AND nomor_peserta IN (SELECT value FROM json_each(?)) AND source <> 'panel' ORDER BY nomor_peserta, stage_code, item, at, id",
        )
          .raw()
          .iterate(examId, JSON.stringify(only))
      : sql(db, "SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? AND source <> 'panel' ORDER BY nomor_peserta, stage_code, item, at, id")
          .raw()
          .iterate(examId)
  ) as IterableIterator<EntryRow>;
  // Rows as arrays (.raw()): 400,000 entries at 100k candidates, and an object per row is garbage.
  let next: EntryRow | undefined = rows.next().value as EntryRow | undefined;

  return {
    take(nomor) {
      const values: CandidateValues = new Map();
      const put = (stage: string, item: string, v: Fraction) => {
        let items = values.get(stage);
        if (!items) values.set(stage, (items = new Map()));
        items.set(item, v);
      };
      const interviewAmended = new Map<string, Fraction>(); // "stage|item"
      while (next && next[0] === nomor) {
        const [, stage, code] = next;
        let amendment: number | undefined;
        let cat: number | undefined;
        let resolution: number | undefined;
        let first: number | undefined;
        let second: number | undefined;
        for (; next && next[0] === nomor && next[1] === stage && next[2] === code; next = rows.next().value as EntryRow | undefined) {
          const [, , , units, source, slot] = next;
          if (source === 'amendment') amendment = units;
          else if (source === 'cat') cat = units;
          else if (source === 'resolution') resolution = units;
          else if (slot === 'first') first ??= units;
          else if (slot === 'second') second ??= units;
        }
        const item = stageItems.get(stage)?.get(code);
        if (!item) continue;
        const agreed = first !== undefined && first === second ? first : undefined;
        const chosen = amendment ?? cat ?? resolution ?? agreed;
        if (chosen === undefined) continue;
        if (amendment !== undefined && cat === undefined && resolution === undefined && first === undefined) {
          interviewAmended.set(`${stage}|${code}`, valueOf(item, amendment));
        } else put(stage, code, valueOf(item, chosen));
      }
      // Interview criteria after the entries (they win over an entry for the same item), amended where approved.
      for (const f of signed.get(nomor) ?? []) {
        for (const c of f.result.criteria) put(f.stage, c.code, interviewAmended.get(`${f.stage}|${c.code}`) ?? aggregate(c.aggregateExact));
      }
      return values.size ? values : undefined;
    },
    done: () => next === undefined,
    close: () => void rows.return?.(),
  };
}

/** The entries were not read to the end: some would be left out of the ranking, so nothing is ranked. */
function unreadEntries(examId: string): LenteraError {
  return new LenteraError('INTERNAL', 'Some score entries of this exam belong to no candidate of it, or were read out of order; nothing was ranked.', { examId });
}

/** `settledValues` for every candidate of the exam, as one map: "nomor|stage" → item → value. */
export function settled(db: Db, examId: string): Map<string, Map<string, Fraction>> {
  const values = settledValues(db, examId);
  try {
    const out = new Map<string, Map<string, Fraction>>();
    for (const nomor of sql(db, 'SELECT nomor_peserta FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta').pluck().all(examId) as string[]) {
      for (const [stage, items] of values.take(nomor) ?? []) out.set(`${nomor}|${stage}`, items);
    }
    if (!values.done()) throw unreadEntries(examId);
    return out;
  } finally {
    values.close();
  }
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

/**
 * Attendance per candidate and stage: absent only when marked TH in every session of that stage they were in.
 * Only a candidate marked TH at least once in some session of a stage can be absent at it, so only their
 * (candidate, stage) pairs are read, each with every session of that stage they are in (not every seat of the exam).
 */
export function absentAt(db: Db, examId: string): Set<string> {
  const rows = sql(
    db,
    `WITH marked AS (
       SELECT DISTINCT a.nomor_peserta AS nomor, s.stage_code AS stage
         FROM attendance_events a JOIN sessions s ON s.id = a.session_id
        WHERE s.exam_id = ? AND a.kind = 'absent')
     SELECT m.nomor AS nomor, m.stage AS stage,
            (SELECT kind FROM attendance_events a WHERE a.session_id = s.id AND a.nomor_peserta = m.nomor ORDER BY seq DESC LIMIT 1) AS last
       FROM marked m
       JOIN sessions s ON s.exam_id = ? AND s.stage_code = m.stage
       JOIN session_candidates sc ON sc.session_id = s.id AND sc.nomor_peserta = m.nomor`,
  ).all(examId, examId) as { nomor: string; stage: string; last: string | null }[];
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

/**
 * A stage's percent of each set of values, made once per set: the values are shared Fractions (see `settled`),
 * so the same scores give the same objects, and a trie over them, item by item, finds an earlier result.
 */
function percentCache(scale: StageScale): (values: Map<string, Fraction> | undefined) => Fraction | undefined {
  const root = new Map<Fraction, unknown>();
  return (values) => {
    if (!values) return undefined;
    let node = root;
    for (let i = 0; i < scale.items.length; i++) {
      const v = values.get(scale.items[i]!.code);
      if (v === undefined) return undefined;
      let next = node.get(v);
      if (next === undefined) {
        // At the last item the trie holds the percent itself.
        next = i === scale.items.length - 1 ? stagePercent(scale, values)! : new Map<Fraction, unknown>();
        node.set(v, next);
      }
      if (i === scale.items.length - 1) return next as Fraction;
      node = next as Map<Fraction, unknown>;
    }
    return stagePercent(scale, values); // a stage without items: as stagePercent says
  };
}

/**
 * Everything the engine needs, read from the workstation's raw entries; with `names`, each candidate's name too
 * (read in the same pass over the candidates, for the workstation's own screens); with `only`, the facts of those
 * candidates alone (and every formation).
 */
export function gatherFacts(db: Db, examId: string, ruleset: Ruleset): { formations: FormationFacts[]; candidates: CandidateFacts[] };
export function gatherFacts(
  db: Db,
  examId: string,
  ruleset: Ruleset,
  opts: { names: true; only?: readonly string[] },
): { formations: FormationFacts[]; candidates: CandidateFacts[]; names: Map<string, string> };
export function gatherFacts(
  db: Db,
  examId: string,
  ruleset: Ruleset,
  opts?: { names?: boolean; only?: readonly string[] },
): { formations: FormationFacts[]; candidates: CandidateFacts[]; names?: Map<string, string> } {
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
  const absent = absentAt(db, examId);
  const percents = new Map(named.map(([s]) => [s, percentCache(stageScale(db, examId, s))]));
  // The stage lists, once (not per candidate); the facts keep the key order they always had (bundles hold them).
  const skdStage = ruleset.model === 'integration' ? ruleset.skd.stage : '';
  const skdParts = ruleset.model === 'integration' ? ruleset.skd.components : [];
  const scored = Object.keys(ruleset.model === 'integration' ? ruleset.skb.weights : ruleset.stages);
  // Candidates and their entries, both in nomor_peserta order, read side by side (see settledValues).
  const only = opts?.only;
  const settledOf = settledValues(db, examId, only);
  const columns = `nomor_peserta, kode_formasi, kategori, ipk_x100, tanggal_lahir${opts?.names ? ', nama' : ''}`;
  // `only`: these candidates alone (a ranking kept up to date reads again only the candidates that changed).
  const rows = (
    only
      ? sql(db, `SELECT ${columns} FROM candidates WHERE exam_id = ? AND nomor_peserta IN (SELECT value FROM json_each(?)) ORDER BY nomor_peserta`).iterate(examId, JSON.stringify(only))
      : sql(db, `SELECT ${columns} FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta`).iterate(examId)
  ) as IterableIterator<{
    nomor_peserta: string;
    kode_formasi: string;
    kategori: string;
    ipk_x100: number;
    tanggal_lahir: string;
    nama?: string;
  }>;
  const candidates: CandidateFacts[] = [];
  const names = new Map<string, string>();
  try {
    for (const r of rows) {
      const nomor = r.nomor_peserta;
      const values = settledOf.take(nomor);
      if (opts?.names) names.set(nomor, r.nama!);
      const stageValues: Record<string, StageValue> = {};
      for (const s of scored) stageValues[s] = absent.has(`${nomor}|${s}`) ? 'absent' : (percents.get(s)!(values?.get(s)) ?? 'missing');
      if (ruleset.model === 'integration') {
        const skdValues = values?.get(skdStage);
        let skd: CandidateFacts['skd'];
        if (absent.has(`${nomor}|${skdStage}`)) skd = 'absent';
        else if (skdValues && skdParts.every((c) => skdValues.has(c))) {
          skd = {};
          for (const c of skdParts) skd[c] = skdValues.get(c)!;
        } else skd = 'missing';
        candidates.push({ nomorPeserta: nomor, kodeFormasi: r.kode_formasi, kategori: r.kategori, ipk: r.ipk_x100, tanggalLahir: r.tanggal_lahir, skd, skb: stageValues });
      } else {
        candidates.push({ nomorPeserta: nomor, kodeFormasi: r.kode_formasi, kategori: r.kategori, ipk: r.ipk_x100, tanggalLahir: r.tanggal_lahir, stages: stageValues });
      }
    }
    if (!settledOf.done()) throw unreadEntries(examId);
  } finally {
    // Both reads end here, whatever happened: an open one would keep the connection busy for the next command.
    rows.return?.();
    settledOf.close();
  }
  return opts?.names ? { formations, candidates, names } : { formations, candidates };
}
