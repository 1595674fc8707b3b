/**
 * The candidates' strengths and weaknesses at the hub, from the merged bundles alone (core/ranking/strengths.ts):
 * the ranking facts give each SKD test and each stage; the signed finalizations give each interview criterion's
 * panel value. A bundle does not carry the exam's stage definitions: they come from the exam's announcement (the
 * latest one with the results' ruleset), which publishes every rubric with its levels, so the site says the
 * level's descriptor beside the panel's value as the result sheet does. Without such an announcement the site
 * shows the values alone. Per-item values of a practical stage are on the sheet only: at the hub they would have to
 * be re-derived from the raw score entries (double entry, corrections), and a second copy of that rule is worse
 * than none; the stage's own 0–100 value is on the site.
 */
import type { MergedView } from '../bundles/merge';
import { factsFromJson } from '../bundles/facts';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { readRuleset } from '../ranking/rulesets';
import { strengthsLookup, type CandidateStrengths, type StageDef } from '../ranking/strengths';
import { fractionOf, type Fraction } from '../scoring/exact';
import type { AnnouncementDocument } from './announcement';

interface FinalizationBody {
  session?: unknown;
  nomor_peserta?: unknown;
  at?: unknown;
  result?: { criteria?: { code?: unknown; label?: unknown; aggregateExact?: unknown }[] };
}

/**
 * Each interview criterion's value from the merged finalizations: "nomor|stage" → criterion → value. A criterion
 * with an amendment is left out: the amended value travels as units of a scale the bundle does not describe, and
 * a stale finalization value is worse than none (the stage's own 0–100 value, from the facts, is amended).
 */
function interviewItems(db: Db, exam: string, view: MergedView, shared: Map<string, Fraction>): { items: Map<string, Map<string, Fraction>>; defs: StageDef[] } {
  const rows = (kind: string) => sql(db, 'SELECT body FROM merged_items WHERE exam_code = ? AND kind = ? ORDER BY key, workstation_id').pluck().all(exam, kind) as string[];
  const stageOf = new Map<string, string>();
  for (const b of rows('session')) {
    const s = JSON.parse(b) as { code?: unknown; stage_code?: unknown };
    if (typeof s.code === 'string' && typeof s.stage_code === 'string') stageOf.set(s.code, s.stage_code);
  }
  const amended = new Set<string>();
  // Amendments only: an exam's score entries run to hundreds of thousands, and are not otherwise needed here. The
  // text test is SQL both stores share (a body that only mentions the word is dropped by the check below).
  const amendments = sql(db, `SELECT body FROM merged_items WHERE exam_code = ? AND kind = 'score_entry' AND body LIKE '%"amendment"%'`).pluck().all(exam) as string[];
  for (const b of amendments) {
    const e = JSON.parse(b) as { source?: unknown; nomor_peserta?: unknown; stage_code?: unknown; item?: unknown };
    if (e.source === 'amendment') amended.add(`${String(e.nomor_peserta)}|${String(e.stage_code)}|${String(e.item)}`);
  }
  const interview = new Set(view.interviewStages);
  const items = new Map<string, Map<string, Fraction>>();
  const latest = new Map<string, string>();
  const labels = new Map<string, Map<string, string>>();
  for (const b of rows('finalization')) {
    const f = JSON.parse(b) as FinalizationBody;
    const stage = typeof f.session === 'string' ? stageOf.get(f.session) : undefined;
    if (!stage || !interview.has(stage) || typeof f.nomor_peserta !== 'string') continue;
    const key = `${f.nomor_peserta}|${stage}`;
    const at = typeof f.at === 'string' ? f.at : '';
    if ((latest.get(key) ?? '') > at) continue;
    latest.set(key, at);
    const values = new Map<string, Fraction>();
    if (!labels.has(stage)) labels.set(stage, new Map());
    for (const c of f.result?.criteria ?? []) {
      if (typeof c.code !== 'string' || typeof c.aggregateExact !== 'string' || !c.aggregateExact) continue;
      if (!labels.get(stage)!.has(c.code)) labels.get(stage)!.set(c.code, typeof c.label === 'string' ? c.label : c.code);
      if (amended.has(`${key}|${c.code}`)) continue;
      try {
        values.set(c.code, fractionOf(c.aggregateExact, shared));
      } catch {
        // not a number: shown as nothing rather than guessed
      }
    }
    items.set(key, values);
  }
  const defs = [...labels].map(([code, l]): StageDef => ({ code, kind: 'interview', items: [...l].map(([c, name]) => ({ code: c, name })), method: null }));
  return { items, defs };
}

/**
 * Every candidate's summary for the site, by number, each made as it is asked for (`strengthsLookup`). Conflicted
 * candidates are summarised on nothing.
 */
export function hubStrengths(db: Db, exam: string, view: MergedView): (nomor: string) => CandidateStrengths | undefined {
  const { ruleset } = readRuleset(view.ruleset.json, 'ruleset.json');
  const conflicted = new Set(view.conflicts.map((c) => c.nomor));
  const shared = new Map<string, Fraction>();
  const candidates = view.facts.candidates.map((j) => {
    const c = factsFromJson(j, shared);
    // As the ranking does: a value two workstations disagree on is no value, on either side's word.
    return conflicted.has(c.nomorPeserta) ? { ...c, skd: undefined, skb: undefined, stages: undefined } : c;
  });
  const { items, defs } = interviewItems(db, exam, view, shared);
  const rules = announcedRules(db, exam, view.ruleset.sha256);
  return strengthsLookup({ ruleset, candidates, stages: rules ? withRubrics(defs, rules) : defs, items, interviewStages: view.interviewStages });
}

/** The latest announcement of the exam that announced these very rules (the same ruleset sha256), or null. */
function announcedRules(db: Db, exam: string, rulesetSha256: string): AnnouncementDocument | null {
  const docs = sql(db, 'SELECT document FROM announcements WHERE exam_code = ? ORDER BY seq DESC').pluck().all(exam) as string[];
  for (const text of docs) {
    const doc = JSON.parse(text) as AnnouncementDocument;
    if (doc.ruleset.sha256 === rulesetSha256) return doc;
  }
  return null;
}

/** Each interview criterion with its name, scale and levels as the announcement's rubric has them. */
function withRubrics(defs: StageDef[], doc: AnnouncementDocument): StageDef[] {
  return defs.map((d) => {
    const rubric = doc.rubrics.find((r) => r.stage === d.code);
    if (!rubric) return d;
    return {
      ...d,
      name: rubric.stageName,
      items: d.items.map((it) => {
        const c = rubric.criteria.find((x) => x.code === it.code);
        if (!c) return it;
        return { code: it.code, name: c.label, max: c.max, levels: c.levels.map((l) => (l.description ? { score: l.score, label: l.label, description: l.description } : { score: l.score, label: l.label })) };
      }),
    };
  });
}
