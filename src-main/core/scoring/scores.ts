import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { fromUnits, stageInfo, type Item } from './items';
import { examFinalizations } from './panel';

export type ScoreState = 'draft' | 'submitted' | 'confirmed' | 'finalized' | 'amended';

export interface ScoreEntryView {
  id: string;
  value: number;
  source: string;
  actor: string;
  at: string;
  reason: string | null;
  file: string | null;
  slot: string | null;
}

export interface ScoreView {
  nomorPeserta: string;
  /** the candidate's name, so a list can be searched by it without reading the roster too */
  nama: string;
  stage: string;
  item: string;
  /** the panelist, for interview scores; null for a candidate's own score */
  panelist: string | null;
  value: number;
  state: ScoreState;
  /** paper double entry: the two entries differ on this item */
  mismatch?: boolean;
  history: ScoreEntryView[];
}

interface EntryRow {
  id: string;
  stage_code: string;
  nomor_peserta: string;
  item: string;
  units: number;
  source: string;
  slot: string | null;
  session_id: string | null;
  actor: string;
  at: string;
  reason: string | null;
  file_name: string | null;
  panelist: string | null;
  nama: string | null;
}

/**
 * Every score of an exam (or one stage) with its current value, its state and its whole history, derived
 * from the immutable entries: CAT imports are confirmed; paper sheets are submitted until the second entry
 * agrees (or a third person resolves them); panel scores are drafts until submitted and finalized once the
 * chair finalized and every panelist signed; an approved amendment makes a score amended.
 */
export function listScores(db: Db, examId: string, stageCode?: string): ScoreView[] {
  const items = new Map<string, Map<string, Item>>();
  const itemOf = (stage: string, item: string): Item | undefined => {
    if (!items.has(stage)) items.set(stage, new Map(stageInfo(db, examId, stage).items.map((i) => [i.code, i])));
    return items.get(stage)!.get(item);
  };
  const rows = sql(
    db,
    `SELECT e.id, e.stage_code, e.nomor_peserta, e.item, e.units, e.source, e.slot, e.session_id, e.actor, e.at, e.reason, i.file_name,
            CASE WHEN e.source = 'panel' THEN a.name END AS panelist, c.nama
       FROM score_entries e LEFT JOIN score_imports i ON i.id = e.import_id LEFT JOIN accounts a ON a.id = e.slot
       LEFT JOIN candidates c ON c.exam_id = e.exam_id AND c.nomor_peserta = e.nomor_peserta
      WHERE e.exam_id = ? AND (? IS NULL OR e.stage_code = ?)
      ORDER BY e.nomor_peserta, e.stage_code, e.item, e.at, e.id`,
  ).all(examId, stageCode ?? null, stageCode ?? null) as EntryRow[];

  const submittedAt = new Map<string, string>();
  for (const s of sql(
    db,
    'SELECT ps.session_id, ps.nomor_peserta, ps.account_id, MAX(ps.at) AS at FROM panel_submissions ps JOIN sessions s ON s.id = ps.session_id WHERE s.exam_id = ? GROUP BY 1, 2, 3',
  ).all(examId) as {
    session_id: string;
    nomor_peserta: string;
    account_id: string;
    at: string;
  }[]) {
    submittedAt.set(`${s.session_id}|${s.nomor_peserta}|${s.account_id}`, s.at);
  }
  const finalized = new Map(examFinalizations(db, examId).map((f) => [`${f.sessionId}|${f.nomorPeserta}`, f.signed]));

  const groups = new Map<string, { view: ScoreView; entries: EntryRow[] }>();
  const order: string[] = [];
  for (const r of rows) {
    const panelist = r.source === 'panel' ? r.panelist : null;
    const key = `${r.nomor_peserta}|${r.stage_code}|${r.item}|${panelist ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { view: { nomorPeserta: r.nomor_peserta, nama: r.nama ?? '', stage: r.stage_code, item: r.item, panelist, value: 0, state: 'confirmed', history: [] }, entries: [] };
      groups.set(key, g);
      order.push(key);
    }
    g.entries.push(r);
  }

  const out: ScoreView[] = [];
  for (const key of order) {
    const { view, entries } = groups.get(key)!;
    const item = itemOf(view.stage, view.item);
    if (!item) continue;
    const value = (r: EntryRow) => fromUnits(item, r.units);
    view.history = entries.map((r) => ({ id: r.id, value: value(r), source: r.source, actor: r.actor, at: r.at, reason: r.reason, file: r.file_name, slot: r.source === 'paper' ? r.slot : null }));
    const last = <T>(xs: T[]) => xs[xs.length - 1];
    const amendment = last(entries.filter((r) => r.source === 'amendment'));
    const cat = last(entries.filter((r) => r.source === 'cat'));
    const resolution = last(entries.filter((r) => r.source === 'resolution'));
    const first = entries.find((r) => r.source === 'paper' && r.slot === 'first');
    const second = entries.find((r) => r.source === 'paper' && r.slot === 'second');
    const panel = last(entries.filter((r) => r.source === 'panel'));
    if (amendment) {
      view.value = value(amendment);
      view.state = 'amended';
    } else if (cat) {
      view.value = value(cat);
      view.state = 'confirmed';
    } else if (resolution) {
      view.value = value(resolution);
      view.state = 'confirmed';
    } else if (first) {
      view.value = value(first);
      view.state = second && second.units === first.units ? 'confirmed' : 'submitted';
      if (second && second.units !== first.units) view.mismatch = true;
    } else if (panel) {
      view.value = value(panel);
      const k = `${panel.session_id}|${panel.nomor_peserta}`;
      const sub = submittedAt.get(`${k}|${panel.slot}`);
      view.state = finalized.get(k) ? 'finalized' : sub && sub >= panel.at ? 'submitted' : 'draft';
    } else continue;
    out.push(view);
  }
  return out;
}
