import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { fromUnits, stageInfo, toUnits } from './items';
import { sheetState } from './paper';

/** The settled value of one score, or why it is not settled yet (then it is still changed the normal way). */
export function settledValue(db: Db, examId: string, stageCode: string, nomor: string, item: string): { value: string; units: number | null } {
  const stage = stageInfo(db, examId, stageCode);
  const it = stage.items.find((i) => i.code === item);
  if (!it) throw new LenteraError('NOT_FOUND', `Stage ${stageCode} has no item "${item}".`, { item });
  const amended = sql(db, "SELECT units FROM score_entries WHERE exam_id = ? AND stage_code = ? AND nomor_peserta = ? AND item = ? AND source = 'amendment' ORDER BY at DESC, id DESC LIMIT 1").pluck().get(examId, stageCode, nomor, item) as number | undefined;
  if (amended !== undefined) return { value: String(fromUnits(it, amended)), units: amended };
  if (stage.kind === 'cat') {
    const u = sql(db, "SELECT units FROM score_entries WHERE exam_id = ? AND stage_code = ? AND nomor_peserta = ? AND item = ? AND source = 'cat' ORDER BY at DESC, id DESC LIMIT 1").pluck().get(examId, stageCode, nomor, item) as number | undefined;
    if (u === undefined) throw new LenteraError('NOT_SETTLED', `${nomor} has no ${item} score in ${stageCode} yet.`, { nomorPeserta: nomor });
    return { value: String(fromUnits(it, u)), units: u };
  }
  if (stage.kind === 'interview') {
    const f = sql(
      db,
      `SELECT f.result FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ? AND s.stage_code = ? AND f.nomor_peserta = ?`,
    ).pluck().get(examId, stageCode, nomor) as string | undefined;
    if (!f) throw new LenteraError('NOT_SETTLED', `The interview of ${nomor} is not finalized yet; panelists still change their own scores.`, { nomorPeserta: nomor });
    const c = (JSON.parse(f) as { criteria: { code: string; aggregate: string }[] }).criteria.find((x) => x.code === item)!;
    return { value: c.aggregate, units: null };
  }
  const st = sheetState(db, examId, stageCode, nomor);
  if (st.state !== 'confirmed' && st.state !== 'resolved') {
    throw new LenteraError('NOT_SETTLED', `Sheet ${nomor} is not confirmed yet (${st.state}).`, { nomorPeserta: nomor, state: st.state });
  }
  const source = st.state === 'resolved' ? 'resolution' : 'paper';
  const u = sql(db, 'SELECT units FROM score_entries WHERE exam_id = ? AND stage_code = ? AND nomor_peserta = ? AND item = ? AND source = ? ORDER BY at DESC, id DESC LIMIT 1').pluck().get(examId, stageCode, nomor, item, source) as number;
  return { value: String(fromUnits(it, u)), units: u };
}

export function requestAmendment(db: Db, examId: string, stageCode: string, nomor: string, item: string, value: number, reason: string, accountId: string | null, actor: string, at: string) {
  const current = settledValue(db, examId, stageCode, nomor, item);
  const it = stageInfo(db, examId, stageCode).items.find((i) => i.code === item)!;
  const u = toUnits(it, value);
  if (!u.ok) throw new LenteraError('SCORE_OUT_OF_RANGE', `${item}: ${u.reason}.`, { item, value });
  if (u.units === current.units) throw new LenteraError('NO_CHANGE', `${item} of ${nomor} is already ${current.value}.`, { item });
  const pending = sql(
    db,
    `SELECT r.id FROM amendment_requests r LEFT JOIN amendment_decisions d ON d.request_id = r.id
      WHERE r.exam_id = ? AND r.stage_code = ? AND r.nomor_peserta = ? AND r.item = ? AND d.request_id IS NULL`,
  ).pluck().get(examId, stageCode, nomor, item);
  if (pending) throw new LenteraError('AMENDMENT_PENDING', `An amendment of ${item} for ${nomor} is already waiting for the coordinator.`, { requestId: pending });
  const id = newId();
  sql(db, 'INSERT INTO amendment_requests (id, exam_id, stage_code, nomor_peserta, item, old_units, new_units, reason, account_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    id, examId, stageCode, nomor, item, current.units, u.units, reason, accountId, actor, at,
  );
  return { requestId: id, nomorPeserta: nomor, stage: stageCode, item, from: current.value, to: String(fromUnits(it, u.units)), reason };
}

/** The coordinator approves (a new 'amendment' entry) or rejects; the requester cannot decide their own request. */
export function decideAmendment(db: Db, requestId: string, approve: boolean, note: string | undefined, accountId: string | null, actor: string, at: string, workstationId: string) {
  const r = sql(db, 'SELECT * FROM amendment_requests WHERE id = ?').get(requestId) as
    | { id: string; exam_id: string; stage_code: string; nomor_peserta: string; item: string; new_units: number; reason: string; actor: string }
    | undefined;
  if (!r) throw new LenteraError('NOT_FOUND', `No amendment request ${requestId}.`, { requestId });
  if (sql(db, 'SELECT 1 FROM amendment_decisions WHERE request_id = ?').get(requestId)) throw new LenteraError('ALREADY_DECIDED', 'This amendment was already decided.', { requestId });
  if (r.actor === actor) throw new LenteraError('SAME_PERSON', 'You requested this amendment; another coordinator approves it.', { requestId });
  let entryId: string | null = null;
  if (approve) {
    entryId = newId();
    sql(
      db,
      `INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, account_id, actor, at, reason, workstation_id)
       VALUES (?, ?, ?, ?, ?, ?, 'amendment', ?, ?, ?, ?, ?)`,
    ).run(entryId, r.exam_id, r.stage_code, r.nomor_peserta, r.item, r.new_units, accountId, actor, at, r.reason, workstationId);
  }
  sql(db, 'INSERT INTO amendment_decisions (request_id, decision, note, account_id, actor, at, entry_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    requestId, approve ? 'approved' : 'rejected', note ?? null, accountId, actor, at, entryId,
  );
  const exam = sql(db, 'SELECT code FROM exams WHERE id = ?').pluck().get(r.exam_id) as string;
  return { requestId, decision: approve ? 'approved' : 'rejected', nomorPeserta: r.nomor_peserta, item: r.item, exam, stage: r.stage_code };
}

/** Amendments with their values as scores (not steps), pending first. */
/** One amendment request as listed, with its decision (null fields while it is pending). */
export interface AmendmentRow {
  id: string;
  stage: string;
  nomorPeserta: string;
  item: string;
  /** steps above the item's minimum, not values (null: the item had no value before) */
  oldUnits: number | null;
  newUnits: number;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  decision: 'approved' | 'rejected' | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}

export function listAmendments(db: Db, examId: string) {
  const items = new Map<string, ReturnType<typeof stageInfo>['items']>();
  const item = (stage: string, code: string) => {
    if (!items.has(stage)) items.set(stage, stageInfo(db, examId, stage).items);
    return items.get(stage)!.find((i) => i.code === code);
  };
  const rows = sql(
    db,
    `SELECT r.id, r.stage_code AS stage, r.nomor_peserta AS nomorPeserta, r.item, r.old_units AS oldUnits, r.new_units AS newUnits, r.reason,
            r.actor AS requestedBy, r.at AS requestedAt, d.decision, d.actor AS decidedBy, d.at AS decidedAt, d.note
       FROM amendment_requests r LEFT JOIN amendment_decisions d ON d.request_id = r.id
      WHERE r.exam_id = ? ORDER BY r.at DESC`,
  ).all(examId) as AmendmentRow[];
  return rows.map((r) => {
    const it = item(r.stage, r.item);
    return { ...r, from: it && r.oldUnits !== null ? fromUnits(it, r.oldUnits) : null, to: it ? fromUnits(it, r.newUnits) : null };
  });
}
