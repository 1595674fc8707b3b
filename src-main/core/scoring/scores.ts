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

/** An entry as a score's state and blindness read it (null where its source does not need the column: readEntries). */
interface EntryRow {
  stage_code: string;
  nomor_peserta: string;
  item: string;
  units: number;
  source: string;
  slot: string | null;
  session_id: string | null;
  actor: string | null;
  at: string | null;
  panelist: string | null;
}

/** An entry as a history shows it. */
interface HistoryRow extends EntryRow {
  id: string;
  actor: string;
  at: string;
  reason: string | null;
  file_name: string | null;
  nama: string | null;
}

/** A score as derived from its entries, without its history. */
export type ScoreBase = Omit<ScoreView, 'history' | 'nama'>;

/** Which entries to read: an exam's, of one stage or all, of every candidate or of those `only`. */
export interface ScoreScope {
  stage?: string | undefined;
  only?: readonly string[] | undefined;
}

function readEntries<R extends EntryRow>(db: Db, examId: string, scope: ScoreScope, history: R extends HistoryRow ? true : false): R[] {
  const params: (string | null)[] = [examId, scope.stage ?? null, scope.stage ?? null];
  if (scope.only) params.push(JSON.stringify(scope.only));
  // Without a history, only what a score's state and its blindness read, each column where its source needs it (a CAT
  // result's author never: it is confirmed, so never blind): at 100,000 candidates making the text of the rest was most
  // of the read.
  const columns = history
    ? `e.id, e.stage_code, e.nomor_peserta, e.item, e.units, e.source, e.slot, e.session_id, e.actor, e.at,
       CASE WHEN e.source = 'panel' THEN a.name END AS panelist, e.reason, i.file_name, c.nama`
    : `e.stage_code, e.nomor_peserta, e.item, e.units, e.source,
       CASE WHEN e.source IN ('paper', 'panel') THEN e.slot END AS slot,
       CASE WHEN e.source = 'panel' THEN e.session_id END AS session_id,
       CASE WHEN e.source <> 'cat' THEN e.actor END AS actor,
       CASE WHEN e.source = 'panel' THEN e.at END AS at,
       CASE WHEN e.source = 'panel' THEN a.name END AS panelist`;
  return sql(
    db,
    `SELECT ${columns}
       FROM score_entries e LEFT JOIN accounts a ON a.id = e.slot${
         history
           ? ` LEFT JOIN score_imports i ON i.id = e.import_id
       LEFT JOIN candidates c ON c.exam_id = e.exam_id AND c.nomor_peserta = e.nomor_peserta`
           : ''
       }
      WHERE e.exam_id = ? AND (? IS NULL OR e.stage_code = ?)${scope.only ? ' AND e.nomor_peserta IN (SELECT value FROM json_each(?))' : ''}
      ORDER BY e.nomor_peserta, e.stage_code, e.item, e.at, e.id`,
  ).all(...params) as R[];
}

/**
 * Each score of the entries read, in their order (by number, stage, item, then each panelist as their first entry
 * came), with the entries it is derived from: CAT imports are confirmed; paper sheets are submitted until the second
 * entry agrees (or a third person resolves them); panel scores are drafts until submitted and finalized once the chair
 * finalized and every panelist signed; an approved amendment makes a score amended.
 */
function* derivedScores<R extends EntryRow>(db: Db, examId: string, scope: ScoreScope, rows: R[]): Generator<{ score: ScoreBase; entries: R[]; item: Item }> {
  const items = new Map<string, Map<string, Item>>();
  const itemOf = (stage: string, item: string): Item | undefined => {
    if (!items.has(stage)) items.set(stage, new Map(stageInfo(db, examId, stage).items.map((i) => [i.code, i])));
    return items.get(stage)!.get(item);
  };

  const only = scope.only ? JSON.stringify(scope.only) : null;
  const submittedAt = new Map<string, string>();
  for (const s of sql(
    db,
    `SELECT ps.session_id, ps.nomor_peserta, ps.account_id, MAX(ps.at) AS at FROM panel_submissions ps JOIN sessions s ON s.id = ps.session_id
      WHERE s.exam_id = ?${only ? ' AND ps.nomor_peserta IN (SELECT value FROM json_each(?))' : ''} GROUP BY 1, 2, 3`,
  ).all(...(only ? [examId, only] : [examId])) as {
    session_id: string;
    nomor_peserta: string;
    account_id: string;
    at: string;
  }[]) {
    submittedAt.set(`${s.session_id}|${s.nomor_peserta}|${s.account_id}`, s.at);
  }
  const finalized = new Map(examFinalizations(db, examId, scope.only).map((f) => [`${f.sessionId}|${f.nomorPeserta}`, f.signed]));

  // The entries come by number, stage and item: each run of one candidate's item is one score, or one per panelist
  // where panelists scored it (their entries interleave by time), in the order each first came.
  let i = 0;
  while (i < rows.length) {
    const r0 = rows[i]!;
    let end = i + 1;
    let panel = r0.source === 'panel';
    while (end < rows.length && rows[end]!.item === r0.item && rows[end]!.stage_code === r0.stage_code && rows[end]!.nomor_peserta === r0.nomor_peserta) {
      if (rows[end]!.source === 'panel') panel = true;
      end++;
    }
    const item = itemOf(r0.stage_code, r0.item);
    if (item) {
      let groups: R[][];
      if (!panel) groups = [rows.slice(i, end)];
      else {
        // Keyed as a score is named (stage, item, panelist): another source's entries go with a panelist's no longer
        // known (null), as they always have.
        const by = new Map<string, R[]>();
        for (let k = i; k < end; k++) {
          const r = rows[k]!;
          const key = r.source === 'panel' ? (r.panelist ?? '') : '';
          const g = by.get(key);
          if (g) g.push(r);
          else by.set(key, [r]);
        }
        groups = [...by.values()];
      }
      for (const entries of groups) {
        const first = entries[0]!;
        const score = derive(entries, item, submittedAt, finalized);
        if (score) {
          yield {
            score: { nomorPeserta: r0.nomor_peserta, stage: r0.stage_code, item: r0.item, panelist: first.source === 'panel' ? first.panelist : null, ...score },
            entries,
            item,
          };
        }
      }
    }
    i = end;
  }
}

/**
 * A score's value and state from its entries (in order), or null when none of them gives it one: the last amendment,
 * else the last CAT result, else the last resolution, else the paper sheet's first entry (confirmed when the second
 * agrees), else the panelist's last value.
 */
function derive(entries: EntryRow[], item: Item, submittedAt: Map<string, string>, finalized: Map<string, boolean>): Pick<ScoreBase, 'value' | 'state' | 'mismatch'> | null {
  let amendment: EntryRow | undefined;
  let cat: EntryRow | undefined;
  let resolution: EntryRow | undefined;
  let first: EntryRow | undefined;
  let second: EntryRow | undefined;
  let panel: EntryRow | undefined;
  for (const r of entries) {
    if (r.source === 'amendment') amendment = r;
    else if (r.source === 'cat') cat = r;
    else if (r.source === 'resolution') resolution = r;
    else if (r.source === 'panel') panel = r;
    else if (r.source === 'paper') {
      if (r.slot === 'first') first ??= r;
      else if (r.slot === 'second') second ??= r;
    }
  }
  if (amendment) return { value: fromUnits(item, amendment.units), state: 'amended' };
  if (cat) return { value: fromUnits(item, cat.units), state: 'confirmed' };
  if (resolution) return { value: fromUnits(item, resolution.units), state: 'confirmed' };
  if (first) {
    if (second && second.units !== first.units) return { value: fromUnits(item, first.units), state: 'submitted', mismatch: true };
    return { value: fromUnits(item, first.units), state: second ? 'confirmed' : 'submitted' };
  }
  if (!panel) return null;
  const k = `${panel.session_id}|${panel.nomor_peserta}`;
  const sub = submittedAt.get(`${k}|${panel.slot}`);
  return { value: fromUnits(item, panel.units), state: finalized.get(k) ? 'finalized' : sub && sub >= panel.at! ? 'submitted' : 'draft' };
}

/**
 * Every score of an exam (or one stage, or of the candidates `only`) with its current value, its state and its whole
 * history, derived from the immutable entries (`derivedScores`).
 */
export function listScores(db: Db, examId: string, stageCode?: string, only?: readonly string[]): ScoreView[] {
  const out: ScoreView[] = [];
  const scope = { stage: stageCode, only };
  for (const { score, entries, item } of derivedScores(db, examId, scope, readEntries<HistoryRow>(db, examId, scope, true))) {
    out.push({
      nomorPeserta: score.nomorPeserta,
      nama: entries[0]!.nama ?? '',
      stage: score.stage,
      item: score.item,
      panelist: score.panelist,
      value: score.value,
      state: score.state,
      ...(score.mismatch ? { mismatch: true } : {}),
      history: entries.map((r) => ({
        id: r.id,
        value: fromUnits(item, r.units),
        source: r.source,
        actor: r.actor,
        at: r.at,
        reason: r.reason,
        file: r.file_name,
        slot: r.source === 'paper' ? r.slot : null,
      })),
    });
  }
  return out;
}

/**
 * Every score of the entries in scope, without history, with what blindness asks of it (`blindFacts`): for the list
 * of scores kept between answers (scores-page.ts).
 */
export function scoreSummaries(db: Db, examId: string, scope: ScoreScope): (ScoreBase & BlindFacts)[] {
  const out: (ScoreBase & BlindFacts)[] = [];
  for (const { score, entries } of derivedScores(db, examId, scope, readEntries<EntryRow>(db, examId, scope, false))) {
    const { paper, soleActor } = blindFacts(entries);
    // Every field in one order, always present: one shape for the 100,000s kept, read fast in a loop over them all.
    out.push({
      nomorPeserta: score.nomorPeserta,
      stage: score.stage,
      item: score.item,
      panelist: score.panelist,
      value: score.value,
      state: score.state,
      mismatch: score.mismatch ?? false,
      paper,
      soleActor,
    });
  }
  return out;
}

/** What blindness reads of a score's entries (a history's, or a summary's rows). */
export function blindFacts(entries: readonly { source: string; actor: string | null }[]): BlindFacts {
  const actor = entries[0]?.actor ?? null;
  return { paper: entries.some((r) => r.source === 'paper'), soleActor: entries.every((r) => r.actor === actor) ? actor : null };
}

/** What blindness reads of a score besides its panelist and state: whether paper entries made it, and who typed them. */
export interface BlindFacts {
  /** some entry of it is a paper sheet's */
  paper: boolean;
  /** the one person who wrote every entry of it, or null when several did */
  soleActor: string | null;
}
