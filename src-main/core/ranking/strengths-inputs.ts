import type { Db } from '../db/open';
import { sql } from '../db/statements';
import type { AggregateMethod } from '../scoring/aggregate';
import type { CandidateFacts } from './engine';
import { settled } from './inputs';
import type { Ruleset } from './ruleset-schema';
import { examStrengths, type CandidateStrengths, type StageDef } from './strengths';

/** The exam's stages as the package defined them: item names and maxima, the rubric's levels and method. */
export function stageDefs(db: Db, examId: string): StageDef[] {
  const rows = sql(db, 'SELECT code, name, kind, definition FROM stages WHERE exam_id = ? ORDER BY code').all(examId) as { code: string; name: string; kind: StageDef['kind']; definition: string }[];
  return rows.map((r) => {
    const def = JSON.parse(r.definition) as {
      components?: { code: string; name: string; max: number }[];
      rubric?: { aggregate: AggregateMethod; criteria: { code: string; label: string; max: number; levels?: StageDef['items'][number]['levels'] }[] };
    };
    const items =
      r.kind === 'interview'
        ? (def.rubric?.criteria ?? []).map((c) => ({ code: c.code, name: c.label, max: c.max, levels: c.levels ?? [] }))
        : (def.components ?? []).map((c) => ({ code: c.code, name: c.name, max: c.max }));
    return { code: r.code, name: r.name, kind: r.kind, items, method: r.kind === 'interview' ? (def.rubric?.aggregate ?? null) : null };
  });
}

/**
 * The summaries a workstation prints on the result sheets' second page: from the same facts the ranking used, and
 * each item's settled value (the signed finalization's criterion values, amended where approved).
 */
export function workstationStrengths(db: Db, examId: string, ruleset: Ruleset, candidates: readonly CandidateFacts[], only?: ReadonlySet<string>): Map<string, CandidateStrengths> {
  const stages = stageDefs(db, examId);
  return examStrengths({ ruleset, candidates, stages, stageNames: Object.fromEntries(stages.map((s) => [s.code, s.name ?? s.code])), items: settled(db, examId), ...(only ? { only } : {}) });
}
