/**
 * Which stages of an exam are published, and since when (issue 15, item 2): each stage's results go out as soon
 * as any of them is merged, SEMENTARA while a candidate who may still sit it has no value for it, final after.
 * The times are kept at the hub (stage_publications), so a rebuilt site shows the same times.
 */
import type { FactsJson } from '../bundles/facts';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import type { RankedCandidate } from '../ranking/engine';
import { rulesetSchema, type Ruleset } from '../ranking/ruleset-schema';
import { esc, table, timeTag } from './html';

export interface StageState {
  stage: string;
  /** some candidate has a value for it (a score, or absent) */
  published: boolean;
  /** published, and no candidate still waiting on results (BL) lacks a value for it */
  final: boolean;
}

export interface StagePublication extends StageState {
  /** ISO: when the hub first merged a result of this stage; null when not published, or published before this was kept */
  firstAt: string | null;
  /** ISO: when it last became final; null while it is not */
  finalAt: string | null;
}

type Value = 'value' | 'missing';

/** The stages in the ruleset's own order: SKD, then each SKB stage (integration); or each stage (weighted). */
export function rulesetStages(r: Ruleset): string[] {
  return r.model === 'integration' ? [r.skd.stage, ...Object.keys(r.skb.weights)] : Object.keys(r.stages);
}

/** One candidate's value for one stage: a number or absent is a value; missing, partial or unknown is not. */
function valueOf(r: Ruleset, f: FactsJson, stage: string): Value {
  if (r.model === 'integration') {
    if (stage === r.skd.stage) {
      if (f.skd === 'absent') return 'value';
      if (!f.skd || f.skd === 'missing') return 'missing';
      return r.skd.components.every((k) => k in (f.skd as Record<string, string>)) ? 'value' : 'missing';
    }
    // A flat file's one SKB value stands for every SKB stage.
    const v = typeof f.skb === 'string' ? f.skb : f.skb?.[stage];
    return v === undefined || v === 'missing' ? 'missing' : 'value';
  }
  const v = f.stages?.[stage];
  return v === undefined || v === 'missing' ? 'missing' : 'value';
}

/**
 * Each stage's state from the merged facts and results. A stage is final when every candidate still BL has a
 * value for it: the others are decided (failed an earlier stage, absent, withdrawn) and will never sit it, so
 * their having none leaves nothing open. A candidate held back has none (found by review, 2026-12-07: a conflict
 * over anything but a score left the stage final while none of that candidate's scores were shown).
 */
export function stageStates(ruleset: Ruleset, facts: FactsJson[], results: RankedCandidate[]): StageState[] {
  const waiting = new Set(results.filter((r) => r.status === 'BL').map((r) => r.nomor_peserta));
  return rulesetStages(ruleset).map((stage) => {
    let published = false;
    let open = false;
    for (const f of facts) {
      // A candidate held back has their values kept in the facts (marked `heldBack`) but none shown or ranked.
      const v = f.heldBack ? 'missing' : valueOf(ruleset, f, stage);
      if (v === 'value') published = true;
      else if (waiting.has(f.nomorPeserta)) open = true;
    }
    return { stage, published, final: published && !open };
  });
}

/**
 * Records what a merge changed, in the caller's transaction: a stage's first publication once, and its becoming
 * final; a final stage that opens again (a new venue's candidates without it, a conflict) loses its final time
 * until it is final again, so the site never calls final what is not.
 */
export function recordStagePublications(db: Db, exam: string, states: StageState[], at: string): void {
  const get = sql(db, 'SELECT final_at FROM stage_publications WHERE exam_code = ? AND stage = ?');
  const insert = sql(db, 'INSERT INTO stage_publications (exam_code, stage, first_at, final_at) VALUES (?, ?, ?, ?)');
  const setFinal = sql(db, 'UPDATE stage_publications SET final_at = ? WHERE exam_code = ? AND stage = ?');
  for (const s of states) {
    if (!s.published) continue;
    const row = get.get(exam, s.stage) as { final_at: string | null } | undefined;
    if (!row) insert.run(exam, s.stage, at, s.final ? at : null);
    else if (s.final && row.final_at === null) setFinal.run(at, exam, s.stage);
    else if (!s.final && row.final_at !== null) setFinal.run(null, exam, s.stage);
  }
}

/** Every stage of the ruleset with its state now and the times kept for it. */
export function stagePublications(db: Db, exam: string, rulesetJson: string, facts: FactsJson[], results: RankedCandidate[]): StagePublication[] {
  let ruleset: Ruleset;
  try {
    ruleset = rulesetSchema.parse(JSON.parse(rulesetJson));
  } catch {
    return [];
  }
  const kept = new Map(
    (sql(db, 'SELECT stage, first_at, final_at FROM stage_publications WHERE exam_code = ?').all(exam) as { stage: string; first_at: string; final_at: string | null }[]).map((r) => [r.stage, r]),
  );
  return stageStates(ruleset, facts, results).map((s) => {
    const k = kept.get(s.stage);
    return { ...s, firstAt: s.published ? (k?.first_at ?? null) : null, finalAt: s.final ? (k?.final_at ?? null) : null };
  });
}

/** "Tahap yang sudah diumumkan": per stage, published or not, SEMENTARA or final, and when. */
export function stagesSection(stages: StagePublication[] | undefined, interviewStages: string[] = []): string {
  if (!stages?.length) return '';
  const when = (iso: string | null) => (iso ? timeTag(iso) : '–');
  const rows = stages.map((s) => [
    `${esc(s.stage)}${interviewStages.includes(s.stage) ? ' (wawancara)' : ''}`,
    s.published ? 'Sudah diumumkan' : 'Belum diumumkan',
    !s.published ? '–' : s.final ? 'Final' : '<strong>SEMENTARA</strong>',
    s.published ? when(s.firstAt) : '–',
    s.final ? when(s.finalAt) : '–',
  ]);
  return `<h2 id="tahap">Tahap yang sudah diumumkan</h2>
<p>Hasil setiap tahap diumumkan segera setelah nilainya masuk. Tahap SEMENTARA masih menunggu nilai peserta yang belum lengkap (BL); status yang dapat berubah karenanya ditandai SEMENTARA. Tahap menjadi final bila tidak ada lagi peserta yang masih dapat mengikuti tahap itu tanpa nilai.</p>
${table('Tahap seleksi dan waktu pengumumannya', ['Tahap', 'Diumumkan', 'Sifat', 'Pertama diumumkan', 'Menjadi final'], rows)}`;
}
