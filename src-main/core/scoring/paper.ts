import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { attendanceState, LAST_KIND } from '../attendance/attendance';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { fromUnits, stageInfo, toUnits, type StageInfo } from './items';

/**
 * Paper scores, blind double entry: two different clerks type the same sheet; equal entries confirm it, a
 * mismatch waits for a third person. Nobody sees the other entry's values through these functions.
 */
interface PaperRow {
  item: string;
  units: number;
  slot: string;
  account_id: string;
  actor: string;
  at: string;
  source: string;
}

function paperStage(db: Db, examId: string, stageCode: string): StageInfo {
  const stage = stageInfo(db, examId, stageCode);
  if (stage.kind !== 'written' && stage.kind !== 'practical') {
    throw new LenteraError('WRONG_STAGE', `Stage ${stageCode} is a ${stage.kind} stage; paper double entry is for written and practical tests.`, { stage: stageCode });
  }
  return stage;
}

function rowsOf(db: Db, examId: string, stageCode: string, nomor: string): PaperRow[] {
  return sql(
    db,
    `SELECT item, units, slot, account_id, actor, at, source FROM score_entries
      WHERE exam_id = ? AND stage_code = ? AND nomor_peserta = ? AND source IN ('paper', 'resolution') ORDER BY at, id`,
  ).all(examId, stageCode, nomor) as PaperRow[];
}

export interface SheetState {
  state: 'empty' | 'first' | 'confirmed' | 'mismatch' | 'resolved';
  firstBy: string | null;
  secondBy: string | null;
  firstAccount: string | null;
  secondAccount: string | null;
  mismatched: string[];
}

export function sheetState(db: Db, examId: string, stageCode: string, nomor: string): SheetState {
  return stateOf(rowsOf(db, examId, stageCode, nomor));
}

/** A sheet's state from its paper and resolution entries, in (at, id) order. */
function stateOf(rows: readonly PaperRow[]): SheetState {
  const first = rows.filter((r) => r.slot === 'first');
  const second = rows.filter((r) => r.slot === 'second');
  const resolved = rows.some((r) => r.source === 'resolution');
  const by = (xs: PaperRow[]) => xs[0]?.actor ?? null;
  const acct = (xs: PaperRow[]) => xs[0]?.account_id ?? null;
  const mismatched = second.length ? second.filter((s) => first.find((f) => f.item === s.item)?.units !== s.units).map((s) => s.item) : [];
  const state: SheetState['state'] = resolved ? 'resolved' : !first.length ? 'empty' : !second.length ? 'first' : mismatched.length ? 'mismatch' : 'confirmed';
  return { state, firstBy: by(first), secondBy: by(second), firstAccount: acct(first), secondAccount: acct(second), mismatched };
}

/** One sheet of a stage as `stageSheets` reads it. */
export interface StageSheet {
  nomorPeserta: string;
  /** checked in (attendanceState 'present') in a session of the stage */
  present: boolean;
  /** its paper and resolution entries, in (at, id) order */
  rows: PaperRow[];
  state: SheetState;
}

// The paper entries by their own index, named: since migration 29 the candidates' index holds every column this
// branch reads, and the planner (without statistics) walked all of the exam's entries through it instead
// (tests/unit/query-plans.test.ts). INDEXED BY fails the statement rather than plan it otherwise.
const SHEETS = (presentOnly: boolean) => `
  WITH sheets(nomor, present) AS (
    SELECT nomor, MAX(present) FROM (
      SELECT sc.nomor_peserta AS nomor, ${LAST_KIND} IS 'present' AS present
        FROM sessions s JOIN session_candidates sc ON sc.session_id = s.id
       WHERE s.exam_id = @exam AND s.stage_code = @stage${presentOnly ? ` AND ${LAST_KIND} = 'present'` : `
      UNION ALL
      SELECT nomor_peserta, 0 FROM score_entries INDEXED BY score_entries_paper WHERE exam_id = @exam AND stage_code = @stage AND source IN ('paper', 'resolution')`})
     GROUP BY nomor)
  SELECT sheets.nomor, sheets.present, e.item, e.units, e.slot, e.account_id, e.actor, e.at, e.source
    FROM sheets LEFT JOIN score_entries e
      ON e.exam_id = @exam AND e.nomor_peserta = sheets.nomor AND e.stage_code = @stage AND e.source IN ('paper', 'resolution')
   ORDER BY sheets.nomor, e.at, e.id`;
const STAGE_SHEETS = SHEETS(false);
const PRESENT_SHEETS = SHEETS(true);

/** A row of `SHEETS`, as an array: the sheet, then one of its entries (item null where it has none). */
type SheetRow = [nomor: string, present: number, item: string | null, units: number, slot: string, account_id: string, actor: string, at: string, source: string];

/**
 * Every sheet of a stage, by number, in one statement (or only those of candidates present): each candidate listed
 * in a session of the stage, and anyone with an entry (a package update may have moved them since). The status page,
 * the resolver's list and the home page's counts read whole stages; a `sheetState` per candidate cost a query each,
 * 10,000 of them in a practical test.
 */
export function stageSheets(db: Db, examId: string, stageCode: string, opts: { presentOnly?: boolean } = {}): StageSheet[] {
  // As arrays, not objects: a stage's 20,000 entries as row objects cost more than the statement.
  const rows = sql(db, opts.presentOnly ? PRESENT_SHEETS : STAGE_SHEETS).raw(true).all({ exam: examId, stage: stageCode }) as SheetRow[];
  const out: StageSheet[] = [];
  let sheet: StageSheet | undefined;
  for (const [nomor, present, item, units, slot, account_id, actor, at, source] of rows) {
    if (sheet?.nomorPeserta !== nomor) out.push((sheet = { nomorPeserta: nomor, present: present === 1, rows: [], state: undefined! }));
    if (item !== null) sheet.rows.push({ item, units, slot, account_id, actor, at, source }); // null: listed, nothing typed (the LEFT JOIN's one row)
  }
  for (const s of out) s.state = stateOf(s.rows);
  return out;
}

function checkValues(stage: StageInfo, values: Record<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  const problems: { item: string; reason: string }[] = [];
  for (const item of stage.items) {
    const v = values[item.code];
    if (v === undefined) {
      problems.push({ item: item.code, reason: 'missing' });
      continue;
    }
    const u = toUnits(item, v);
    if (u.ok) out.set(item.code, u.units);
    else problems.push({ item: item.code, reason: u.reason });
  }
  for (const k of Object.keys(values)) if (!stage.items.some((i) => i.code === k)) problems.push({ item: k, reason: `not a component of stage ${stage.code}` });
  if (problems.length) {
    throw new LenteraError('SCORE_OUT_OF_RANGE', problems.map((p) => `${p.item}: ${p.reason}`).join('; '), { problems });
  }
  return out;
}

function assertPresent(db: Db, examId: string, stageCode: string, nomor: string): void {
  const sessions = sql(
    db,
    `SELECT s.id, s.code FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id
      WHERE s.exam_id = ? AND s.stage_code = ? AND sc.nomor_peserta = ?`,
  ).all(examId, stageCode, nomor) as { id: string; code: string }[];
  if (!sessions.length) throw new LenteraError('NOT_REGISTERED', `Candidate ${nomor} is not registered for stage ${stageCode}.`, { nomorPeserta: nomor, stage: stageCode });
  if (!sessions.some((s) => attendanceState(db, s.id, nomor) === 'present')) {
    const absent = sessions.some((s) => attendanceState(db, s.id, nomor) === 'absent');
    throw new LenteraError('NOT_PRESENT', `Candidate ${nomor} ${absent ? 'was absent (TH)' : 'has not checked in'} for stage ${stageCode}; there is no sheet to score.`, { nomorPeserta: nomor });
  }
}

export function enterPaper(db: Db, examId: string, stageCode: string, nomor: string, values: Record<string, number>, accountId: string, actor: string, at: string, workstationId: string) {
  const stage = paperStage(db, examId, stageCode);
  assertPresent(db, examId, stageCode, nomor);
  const units = checkValues(stage, values);
  const before = sheetState(db, examId, stageCode, nomor);
  if (before.state === 'first' && before.firstAccount === accountId) {
    throw new LenteraError('SAME_CLERK', `You typed the first entry of ${nomor}; the second must be typed by another clerk.`, { nomorPeserta: nomor });
  }
  if (before.state !== 'empty' && before.state !== 'first') {
    throw new LenteraError('ALREADY_ENTERED', `Sheet ${nomor} already has both entries (${before.state}).`, { nomorPeserta: nomor, state: before.state });
  }
  const slot = before.state === 'empty' ? 'first' : 'second';
  const insert = sql(
    db,
    `INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, slot, account_id, actor, at, workstation_id)
     VALUES (?, ?, ?, ?, ?, ?, 'paper', ?, ?, ?, ?, ?)`,
  );
  for (const [item, u] of units) insert.run(newId(), examId, stageCode, nomor, item, u, slot, accountId, actor, at, workstationId);
  const after = sheetState(db, examId, stageCode, nomor);
  // The second clerk learns whether the sheets agree and which fields differ, never the first clerk's values.
  return { nomorPeserta: nomor, entry: slot, state: after.state, mismatched: after.mismatched };
}

/** One typed sheet's progress, without its values (anyone following the entry may see it). */
export interface PaperSheetStatus {
  nomorPeserta: string;
  state: SheetState['state'];
  firstBy: SheetState['firstBy'];
  secondBy: SheetState['secondBy'];
  mismatched: SheetState['mismatched'];
}

/**
 * Every sheet of a stage, by number: those with at least one entry (or a resolution), and those of candidates who
 * sat the test (checked in) with none yet ('empty'), so the clerks see what is left to type.
 */
export function paperStatus(db: Db, examId: string, stageCode: string): PaperSheetStatus[] {
  paperStage(db, examId, stageCode); // an SKD or interview stage has no sheets: its 60,000 candidates are not 'empty' sheets
  return stageSheets(db, examId, stageCode)
    .filter((s) => s.present || s.rows.length)
    .map(({ nomorPeserta, state: s }) => ({ nomorPeserta, state: s.state, firstBy: s.firstBy, secondBy: s.secondBy, mismatched: s.mismatched }));
}

/** For the resolver: both entries side by side. */
export function paperMismatches(db: Db, examId: string, stageCode: string) {
  const stage = paperStage(db, examId, stageCode);
  return stageSheets(db, examId, stageCode)
    .filter((s) => s.state.state === 'mismatch')
    .map(({ nomorPeserta, rows, state: st }) => ({
      nomorPeserta,
      firstBy: st.firstBy,
      secondBy: st.secondBy,
      fields: stage.items.map((i) => ({
        item: i.code,
        first: fromUnits(i, rows.find((r) => r.slot === 'first' && r.item === i.code)!.units),
        second: fromUnits(i, rows.find((r) => r.slot === 'second' && r.item === i.code)!.units),
        differs: st.mismatched.includes(i.code),
      })),
    }));
}

export function resolvePaper(db: Db, examId: string, stageCode: string, nomor: string, values: Record<string, number>, reason: string, accountId: string, actor: string, at: string, workstationId: string) {
  const stage = paperStage(db, examId, stageCode);
  const st = sheetState(db, examId, stageCode, nomor);
  if (st.state !== 'mismatch') throw new LenteraError('NO_MISMATCH', `Sheet ${nomor} has no mismatch to resolve (${st.state}).`, { nomorPeserta: nomor, state: st.state });
  if (accountId === st.firstAccount || accountId === st.secondAccount) {
    throw new LenteraError('SAME_CLERK', 'You typed one of the two entries; a third person resolves the mismatch.', { nomorPeserta: nomor });
  }
  const units = checkValues(stage, values);
  const insert = sql(
    db,
    `INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, slot, account_id, actor, at, reason, workstation_id)
     VALUES (?, ?, ?, ?, ?, ?, 'resolution', NULL, ?, ?, ?, ?, ?)`,
  );
  for (const [item, u] of units) insert.run(newId(), examId, stageCode, nomor, item, u, accountId, actor, at, reason, workstationId);
  return { nomorPeserta: nomor, state: 'resolved' as const };
}
