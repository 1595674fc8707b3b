import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';

/** A scorable item: a stage component or a rubric criterion, with its range and step. */
export interface Item {
  code: string;
  name?: string;
  min: number;
  max: number;
  step: number;
}

export interface StageInfo {
  code: string;
  name: string;
  kind: 'cat' | 'written' | 'practical' | 'interview';
  items: Item[];
}

export function stageInfo(db: Db, examId: string, code: string): StageInfo {
  const row = sql(db, 'SELECT code, name, kind, definition FROM stages WHERE exam_id = ? AND code = ?').get(examId, code) as
    | { code: string; name: string; kind: StageInfo['kind']; definition: string }
    | undefined;
  if (!row) throw new LenteraError('NOT_FOUND', `No stage "${code}" in this exam.`, { stage: code });
  const def = JSON.parse(row.definition) as { components?: Item[]; rubric?: { criteria: (Item & { label: string })[] } };
  const items = row.kind === 'interview' ? (def.rubric?.criteria ?? []).map((c) => ({ code: c.code, name: c.label, min: c.min, max: c.max, step: c.step })) : (def.components ?? []);
  return { code: row.code, name: row.name, kind: row.kind, items };
}

/** The exam's interview stages (scored by a panel on a rubric), by code: their score is "Nilai wawancara". */
export function interviewStageCodes(db: Db, examId: string): string[] {
  return sql(db, "SELECT code FROM stages WHERE exam_id = ? AND kind = 'interview' ORDER BY code").pluck().all(examId) as string[];
}

/**
 * Turns a typed value into whole steps above the minimum, refusing anything off the grid. Decimal text is
 * compared as text-derived integers, so 0,1 + 0,2 style float noise cannot let an off-step value through.
 */
export function toUnits(item: Item, value: number): { ok: true; units: number } | { ok: false; reason: string } {
  if (!Number.isFinite(value)) return { ok: false, reason: 'not a number' };
  if (value < item.min || value > item.max) return { ok: false, reason: `${formatValue(value)} is outside ${formatValue(item.min)}–${formatValue(item.max)}` };
  const units = (value - item.min) / item.step;
  const rounded = Math.round(units);
  if (Math.abs(units - rounded) > 1e-9) return { ok: false, reason: `${formatValue(value)} is not a multiple of the step ${formatValue(item.step)} (from ${formatValue(item.min)})` };
  return { ok: true, units: rounded };
}

export function fromUnits(item: Item, units: number): number {
  // Steps like 0.5 and 0.25 are exact in binary; for others the display rounds to the step's decimals.
  const decimals = (String(item.step).split('.')[1] ?? '').length;
  return Number((item.min + units * item.step).toFixed(decimals));
}

export function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(v);
}

/** Parses a score as typed or exported by Indonesian Excel: decimal comma or point, stray spaces. */
export function parseScore(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (raw === null || raw === undefined) return undefined;
  const s = String(raw).trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return undefined;
  return Number(s);
}
