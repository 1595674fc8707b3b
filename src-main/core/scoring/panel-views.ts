import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { attendanceState } from '../attendance/attendance';
import { hasConflict } from '../exams/conflicts';
import { fromUnits } from './items';
import { Fraction, toFixedString } from './exact';
import { rubricScale } from '../../shared/score-labels';
import { stagePercent, stageScale, type StageScale } from '../ranking/inputs';
import { candidatePanel, draftUnits, finalizationState, lastSubmission, panelResult, resultOf, sameValues, sessionPanelStates, type Panel, type PanelResult } from './panel';

/**
 * What one person sees of one candidate's interview. A panelist sees their own drafts, and the panel's values only
 * once every panelist has submitted (their own submission is not enough: a throwaway one would show the others
 * before one's real scores, found by review); coordinator and observer see them then too.
 */
export interface SheetCandidate {
  nomorPeserta: string;
  nama: string;
  kodeFormasi: string;
}

export interface PanelNote {
  criterion: string | null;
  note: string;
  at: string;
  /** display name of the panelist who wrote it */
  author: string;
}

export function panelSheet(db: Db, panel: Panel, nomor: string, viewer: { accountId: string | null; role: string }) {
  const me = viewer.accountId ? panel.members.find((m) => m.accountId === viewer.accountId) : undefined;
  const members = candidatePanel(db, panel, nomor);
  const mySubmission = me?.accountId ? lastSubmission(db, panel.session.id, nomor, me.accountId) : undefined;
  const drafts = me?.accountId ? draftUnits(db, panel, nomor, me.accountId) : {};
  const result = panelResult(db, panel, nomor);
  const mayLook = result.complete && (Boolean(mySubmission) || (!me && ['coordinator', 'observer', 'local'].includes(viewer.role)));
  const candidate = sql(db, 'SELECT nomor_peserta AS nomorPeserta, nama, kode_formasi AS kodeFormasi FROM candidates WHERE exam_id = ? AND nomor_peserta = ?').get(panel.examId, nomor) as
    | SheetCandidate
    | undefined;
  const notes = sql(db, 'SELECT n.criterion, n.note, n.at, a.display_name AS author FROM panel_notes n JOIN accounts a ON a.id = n.account_id WHERE n.session_id = ? AND n.nomor_peserta = ? ORDER BY n.at').all(panel.session.id, nomor) as PanelNote[];
  return {
    candidate,
    session: panel.session.code,
    attendance: attendanceState(db, panel.session.id, nomor),
    conflicted: Boolean(me?.accountId && hasConflict(db, panel.examId, me.accountId, nomor)),
    role: me?.role ?? null,
    criteria: panel.criteria.map((c) => ({ ...c, mine: drafts[c.code] === undefined ? null : fromUnits(c, drafts[c.code]!) })),
    submittedAt: mySubmission?.at ?? null,
    /** true when a draft changed after the last submission: it does not count until submitted again */
    changedSinceSubmit: Boolean(mySubmission && !sameValues(panel, drafts, mySubmission.snapshot)),
    panelists: members.map((m) => ({ name: m.name, role: m.role, submitted: Boolean(m.accountId && lastSubmission(db, panel.session.id, nomor, m.accountId)) })),
    result: mayLook ? result : { complete: result.complete, waitingFor: result.waitingFor, needsDiscussion: result.needsDiscussion, discussed: result.discussed },
    notes: mayLook || me?.role === 'chair' ? notes : [],
    finalization: finalizationState(db, panel, nomor),
  };
}

/** The session at a glance: every candidate with attendance, submissions and finalization, no values. */
export function panelOverview(db: Db, panel: Panel) {
  const rows = sql(
    db,
    `SELECT c.nomor_peserta AS nomorPeserta, c.nama, c.kode_formasi AS kodeFormasi FROM session_candidates sc
       JOIN candidates c ON c.exam_id = ? AND c.nomor_peserta = sc.nomor_peserta WHERE sc.session_id = ? ORDER BY sc.nomor_peserta`,
  ).all(panel.examId, panel.session.id) as { nomorPeserta: string; nama: string; kodeFormasi: string }[];
  const states = new Map(sessionPanelStates(db, panel).map((c) => [c.nomorPeserta, c]));
  return {
    session: { code: panel.session.code, room: panel.session.room, startsAt: panel.session.starts_at, closedAt: panel.session.closed_at },
    panel: panel.members.map((m) => ({ name: m.name, role: m.role, nip: m.nip, account: m.accountName })),
    candidates: rows.map((r) => {
      const c = states.get(r.nomorPeserta)!;
      const result = resultOf(panel, c);
      return {
        ...r,
        attendance: c.attendance,
        submitted: c.members.length - result.waitingFor.length,
        panelists: c.members.length,
        needsDiscussion: result.needsDiscussion,
        discussed: result.discussed,
        finalization: c.finalization,
      };
    }),
  };
}

/**
 * For the venue display: finalized results only, name and number and the interview score, both ways the documents
 * show it (src-main/shared/score-labels.ts): `total` on the rubric's scale (the panel's weighted mean, 3.650) and
 * `score` on 0–100 (3.650 ÷ 5 × 100 = 73.000), the value the result sheet prints and the ranking uses. `scale` is
 * the rubric's common scale, null when its criteria differ (then only `score` has one).
 */
export function displayBoard(db: Db, panel: Panel) {
  const rows = sql(
    db,
    `SELECT f.nomor_peserta AS nomorPeserta, c.nama, f.result, f.at FROM finalizations f
       JOIN candidates c ON c.exam_id = ? AND c.nomor_peserta = f.nomor_peserta WHERE f.session_id = ? ORDER BY f.at`,
  ).all(panel.examId, panel.session.id) as { nomorPeserta: string; nama: string; result: string; at: string }[];
  const stage = stageScale(db, panel.examId, panel.session.stage_code);
  return {
    session: { code: panel.session.code, room: panel.session.room },
    scale: rubricScale(panel.criteria),
    results: rows
      .filter((r) => finalizationState(db, panel, r.nomorPeserta) === 'finalized')
      .map((r) => ({ nomorPeserta: r.nomorPeserta, nama: r.nama, ...finalizedScore(db, panel, stage, r.nomorPeserta, JSON.parse(r.result) as PanelResult), finalizedAt: r.at })),
  };
}

/**
 * The finalized interview score, with any approved amendment of a criterion applied (the screen agrees with the
 * ranking): `total` the weighted mean on the rubric's scale, `score` the same on 0–100 by the ranking's own
 * `stagePercent` over the stage's `scale`, each rounded once, from the exact value, to three places.
 */
function finalizedScore(db: Db, panel: Panel, scale: StageScale, nomor: string, result: PanelResult): { total: string | null; score: string | null } {
  const amended = new Map<string, number>();
  for (const a of sql(
    db,
    "SELECT item, units FROM score_entries WHERE exam_id = ? AND stage_code = ? AND nomor_peserta = ? AND source = 'amendment' ORDER BY at, id",
  ).all(panel.examId, panel.session.stage_code, nomor) as { item: string; units: number }[]) {
    amended.set(a.item, a.units);
  }
  const values = new Map<string, Fraction>();
  let weighted = new Fraction(0);
  let weights = new Fraction(0);
  for (const c of panel.criteria) {
    const stored = result.criteria.find((x) => x.code === c.code);
    const units = amended.get(c.code);
    if (units === undefined && !stored?.aggregateExact) return { total: result.total, score: null };
    const value = units !== undefined ? new Fraction(String(c.min)).add(new Fraction(String(c.step)).mul(units)) : new Fraction(stored!.aggregateExact);
    values.set(c.code, value);
    weighted = weighted.add(value.mul(String(c.weight)));
    weights = weights.add(String(c.weight));
  }
  if (weights.compare(0) <= 0 || scale.max.compare(0) <= 0) return { total: result.total, score: null };
  return {
    total: amended.size ? toFixedString(weighted.div(weights), 3) : result.total,
    score: toFixedString(stagePercent(scale, values)!, 3),
  };
}
