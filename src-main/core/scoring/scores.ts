import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { fromUnits, stageInfo, type Item } from './items';

export type ScoreState = 'draft' | 'submitted' | 'confirmed' | 'finalized' | 'amended';

export interface ScoreEntryView {
  id: string;
  value: number;
  source: string;
  actor: string;
  at: string;
  reason: string | null;
  file: string | null;
}

export interface ScoreView {
  nomorPeserta: string;
  stage: string;
  item: string;
  value: number;
  state: ScoreState;
  history: ScoreEntryView[];
}

interface EntryRow {
  id: string;
  stage_code: string;
  nomor_peserta: string;
  item: string;
  units: number;
  source: string;
  actor: string;
  at: string;
  reason: string | null;
  file_name: string | null;
}

/** Every score of an exam (or one stage) with its current value, its state and its whole history. */
export function listScores(db: Db, examId: string, stageCode?: string): ScoreView[] {
  const stages = new Map<string, Map<string, Item>>();
  const itemOf = (stage: string, item: string): Item | undefined => {
    if (!stages.has(stage)) stages.set(stage, new Map(stageInfo(db, examId, stage).items.map((i) => [i.code, i])));
    return stages.get(stage)!.get(item);
  };
  const rows = sql(
    db,
    `SELECT e.id, e.stage_code, e.nomor_peserta, e.item, e.units, e.source, e.actor, e.at, e.reason, i.file_name
       FROM score_entries e LEFT JOIN score_imports i ON i.id = e.import_id
      WHERE e.exam_id = ? AND (? IS NULL OR e.stage_code = ?)
      ORDER BY e.nomor_peserta, e.stage_code, e.item, e.at, e.id`,
  ).all(examId, stageCode ?? null, stageCode ?? null) as EntryRow[];
  const out: ScoreView[] = [];
  let cur: ScoreView | undefined;
  for (const r of rows) {
    const item = itemOf(r.stage_code, r.item);
    if (!item) continue;
    if (!cur || cur.nomorPeserta !== r.nomor_peserta || cur.stage !== r.stage_code || cur.item !== r.item) {
      cur = { nomorPeserta: r.nomor_peserta, stage: r.stage_code, item: r.item, value: 0, state: 'confirmed', history: [] };
      out.push(cur);
    }
    const value = fromUnits(item, r.units);
    cur.history.push({ id: r.id, value, source: r.source, actor: r.actor, at: r.at, reason: r.reason, file: r.file_name });
    cur.value = value;
    cur.state = r.source === 'amendment' ? 'amended' : 'confirmed';
  }
  return out;
}
