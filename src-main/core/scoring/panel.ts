import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { requireSession, attendanceState, LAST_KIND, type SessionRow } from '../attendance/attendance';
import { hasConflict } from '../exams/conflicts';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { aggregate, spread, type AggregateMethod } from './aggregate';
import { Fraction, toExactString, toFixedString } from './exact';
import { fromUnits, toUnits } from './items';

export interface Criterion {
  code: string;
  label: string;
  description?: string;
  levels: { score: number; label: string; description?: string }[];
  min: number;
  max: number;
  step: number;
  weight: number;
}

export interface Panelist {
  accountId: string | null;
  name: string;
  nip: string;
  role: 'chair' | 'examiner';
  accountName: string | null;
}

export interface Panel {
  examId: string;
  session: SessionRow;
  criteria: Criterion[];
  method: AggregateMethod;
  divergence: number;
  members: Panelist[];
}

export function loadPanel(db: Db, examId: string, sessionCode: string): Panel {
  const session = requireSession(db, examId, sessionCode);
  const stage = sql(db, 'SELECT kind, definition FROM stages WHERE exam_id = ? AND code = ?').get(examId, session.stage_code) as { kind: string; definition: string };
  if (stage.kind !== 'interview') throw new LenteraError('WRONG_STAGE', `Session ${sessionCode} is not an interview; its scores are imported or typed, not given by a panel.`, { session: sessionCode });
  const rubric = (JSON.parse(stage.definition) as { rubric: { criteria: Criterion[]; aggregate: AggregateMethod; divergence: number } }).rubric;
  const members = sql(
    db,
    `SELECT p.name, p.nip, p.role, a.id AS accountId, a.name AS accountName
       FROM session_panel p LEFT JOIN accounts a ON a.nip = p.nip AND a.active = 1
      WHERE p.session_id = ? ORDER BY p.ord`,
  ).all(session.id) as Panelist[];
  return { examId, session, criteria: rubric.criteria, method: rubric.aggregate, divergence: rubric.divergence, members };
}

export function panelistOf(panel: Panel, accountId: string): Panelist {
  const m = panel.members.find((x) => x.accountId === accountId);
  if (!m) throw new LenteraError('NOT_ON_PANEL', `You are not on the panel of session ${panel.session.code}.`, { session: panel.session.code });
  return m;
}

/** The panelists who score this candidate: the session's panel less anyone who declared a conflict. */
export function candidatePanel(db: Db, panel: Panel, nomor: string): Panelist[] {
  return panel.members.filter((m) => !m.accountId || !hasConflict(db, panel.examId, m.accountId, nomor));
}

function criterion(panel: Panel, code: string): Criterion {
  const c = panel.criteria.find((x) => x.code === code);
  if (!c) throw new LenteraError('NOT_FOUND', `No criterion "${code}" in this rubric.`, { criterion: code });
  return c;
}

export function finalizationOf(db: Db, sessionId: string, nomor: string) {
  return sql(db, 'SELECT id, account_id, at, result FROM finalizations WHERE session_id = ? AND nomor_peserta = ?').get(sessionId, nomor) as
    | { id: string; account_id: string; at: string; result: string }
    | undefined;
}

/** Checks that this panelist may score this candidate now. */
function assertCanScore(db: Db, panel: Panel, nomor: string, accountId: string): void {
  panelistOf(panel, accountId);
  const listed = sql(db, 'SELECT 1 FROM session_candidates WHERE session_id = ? AND nomor_peserta = ?').get(panel.session.id, nomor);
  if (!listed) throw new LenteraError('UNKNOWN_CANDIDATE', `Candidate ${nomor} is not in session ${panel.session.code}.`, { nomorPeserta: nomor });
  const state = attendanceState(db, panel.session.id, nomor);
  if (state !== 'present') {
    throw new LenteraError('NOT_PRESENT', `Candidate ${nomor} is ${state === 'absent' ? 'absent (TH)' : 'not checked in'} in session ${panel.session.code}; there is nothing to score.`, { nomorPeserta: nomor, attendance: state });
  }
  if (hasConflict(db, panel.examId, accountId, nomor)) {
    throw new LenteraError('CONFLICT_OF_INTEREST', `You declared a conflict of interest with candidate ${nomor}; you cannot score them.`, { nomorPeserta: nomor });
  }
  if (finalizationOf(db, panel.session.id, nomor)) {
    throw new LenteraError('FINALIZED', `The scores of ${nomor} in session ${panel.session.code} are finalized; a correction is an amendment.`, { nomorPeserta: nomor });
  }
}

/** One criterion, one value: autosaved on every change. Every change is a new entry; nothing is overwritten. */
export function scoreCriterion(db: Db, panel: Panel, nomor: string, accountId: string, code: string, value: number, at: string, actor: string, workstationId: string) {
  assertCanScore(db, panel, nomor, accountId);
  const c = criterion(panel, code);
  const u = toUnits(c, value);
  if (!u.ok) throw new LenteraError('SCORE_OUT_OF_RANGE', `${c.label}: ${u.reason}.`, { criterion: code, value });
  sql(
    db,
    `INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, slot, session_id, account_id, actor, at, workstation_id)
     VALUES (?, ?, ?, ?, ?, ?, 'panel', ?, ?, ?, ?, ?, ?)`,
  ).run(newId(), panel.examId, panel.session.stage_code, nomor, code, u.units, accountId, panel.session.id, accountId, actor, at, workstationId);
  return { criterion: code, value: fromUnits(c, u.units), savedAt: at };
}

/**
 * What one score write needs to know of its session, read in one statement: the exam and session by code, the
 * stage's rubric, and the caller's seat on the panel (an active account whose NIP is on it, as `loadPanel` joins
 * them). Nothing is kept between commands but the parsed rubric, keyed by its own text: a panelist removed, an
 * account deactivated or a candidate finalized since the last write is seen by the next one.
 */
export interface ScoreTarget {
  examId: string;
  sessionId: string;
  sessionCode: string;
  stageCode: string;
  criteria: readonly Criterion[];
  /** the caller's role on this panel, or null when they have no seat on it */
  seat: Panelist['role'] | null;
}

/**
 * Parsed rubrics, one per stage, each beside the text it was parsed from: a stage re-imported with another rubric
 * no longer equals its text and is parsed again. (Compared with ===, not used as a Map key: hashing a fresh 5 KB
 * string on every write cost more than parsing saves.)
 */
const rubrics = new Map<string, { text: string; criteria: readonly Criterion[] }>();
const RUBRICS_KEPT = 32;

function criteriaOf(examId: string, stageCode: string, definition: string): readonly Criterion[] {
  const key = `${examId}\u0000${stageCode}`;
  const kept = rubrics.get(key);
  if (kept && kept.text === definition) return kept.criteria;
  const parsed = (JSON.parse(definition) as { rubric: { criteria: Criterion[] } }).rubric.criteria;
  const criteria = Object.freeze(parsed.map((c) => Object.freeze(c))); // shared by every later write: read-only
  if (!kept && rubrics.size >= RUBRICS_KEPT) rubrics.delete(rubrics.keys().next().value!);
  rubrics.set(key, { text: definition, criteria });
  return criteria;
}

/** The checks and errors of `requireExam`, `loadPanel` and `panelistOf`, in their order, for one score write. */
export function scoreTarget(db: Db, examCode: string, sessionCode: string, accountId: string | null): ScoreTarget {
  const row = sql(
    db,
    `SELECT e.id AS examId, s.id AS sessionId, s.code AS sessionCode, s.stage_code AS stageCode, st.kind, st.definition,
            (SELECT p.role FROM session_panel p JOIN accounts a ON a.nip = p.nip AND a.active = 1
              WHERE p.session_id = s.id AND a.id = ?) AS seat
       FROM exams e
       LEFT JOIN sessions s ON s.exam_id = e.id AND s.code = ?
       LEFT JOIN stages st ON st.exam_id = s.exam_id AND st.code = s.stage_code
      WHERE e.code = ?`,
  ).get(accountId, sessionCode, examCode) as
    | { examId: string; sessionId: string | null; sessionCode: string; stageCode: string; kind: string; definition: string; seat: Panelist['role'] | null }
    | undefined;
  if (!row) throw new LenteraError('NOT_FOUND', `No exam with code "${examCode}" on this workstation. Import its package first.`, { exam: examCode });
  if (row.sessionId === null) throw new LenteraError('NOT_FOUND', `No session "${sessionCode}" in this exam.`, { session: sessionCode });
  if (row.kind !== 'interview') throw new LenteraError('WRONG_STAGE', `Session ${sessionCode} is not an interview; its scores are imported or typed, not given by a panel.`, { session: sessionCode });
  return { examId: row.examId, sessionId: row.sessionId, sessionCode: row.sessionCode, stageCode: row.stageCode, criteria: criteriaOf(row.examId, row.stageCode, row.definition), seat: row.seat };
}

/**
 * `scoreCriterion` for a target read by `scoreTarget`: the same checks in the same order with the same errors
 * (`assertCanScore`), the candidate's four in one statement.
 */
export function scoreAsPanelist(db: Db, t: ScoreTarget, nomor: string, accountId: string, code: string, value: number, at: string, actor: string, workstationId: string) {
  if (!t.seat) throw new LenteraError('NOT_ON_PANEL', `You are not on the panel of session ${t.sessionCode}.`, { session: t.sessionCode });
  const c = sql(
    db,
    `SELECT EXISTS (SELECT 1 FROM session_candidates WHERE session_id = @session AND nomor_peserta = @nomor) AS listed,
            (SELECT kind FROM attendance_events WHERE session_id = @session AND nomor_peserta = @nomor ORDER BY seq DESC LIMIT 1) AS attendance,
            EXISTS (SELECT 1 FROM conflicts WHERE exam_id = @exam AND account_id = @account AND nomor_peserta = @nomor) AS conflicted,
            EXISTS (SELECT 1 FROM finalizations WHERE session_id = @session AND nomor_peserta = @nomor) AS finalized`,
  ).get({ session: t.sessionId, nomor, exam: t.examId, account: accountId }) as { listed: number; attendance: 'present' | 'absent' | 'undo' | null; conflicted: number; finalized: number };
  if (!c.listed) throw new LenteraError('UNKNOWN_CANDIDATE', `Candidate ${nomor} is not in session ${t.sessionCode}.`, { nomorPeserta: nomor });
  const state = c.attendance === 'present' || c.attendance === 'absent' ? c.attendance : 'pending';
  if (state !== 'present') {
    throw new LenteraError('NOT_PRESENT', `Candidate ${nomor} is ${state === 'absent' ? 'absent (TH)' : 'not checked in'} in session ${t.sessionCode}; there is nothing to score.`, { nomorPeserta: nomor, attendance: state });
  }
  if (c.conflicted) {
    throw new LenteraError('CONFLICT_OF_INTEREST', `You declared a conflict of interest with candidate ${nomor}; you cannot score them.`, { nomorPeserta: nomor });
  }
  if (c.finalized) {
    throw new LenteraError('FINALIZED', `The scores of ${nomor} in session ${t.sessionCode} are finalized; a correction is an amendment.`, { nomorPeserta: nomor });
  }
  const crit = t.criteria.find((x) => x.code === code);
  if (!crit) throw new LenteraError('NOT_FOUND', `No criterion "${code}" in this rubric.`, { criterion: code });
  const u = toUnits(crit, value);
  if (!u.ok) throw new LenteraError('SCORE_OUT_OF_RANGE', `${crit.label}: ${u.reason}.`, { criterion: code, value });
  sql(
    db,
    `INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, slot, session_id, account_id, actor, at, workstation_id)
     VALUES (?, ?, ?, ?, ?, ?, 'panel', ?, ?, ?, ?, ?, ?)`,
  ).run(newId(), t.examId, t.stageCode, nomor, code, u.units, accountId, t.sessionId, accountId, actor, at, workstationId);
  return { criterion: code, value: fromUnits(crit, u.units), savedAt: at };
}

/**
 * A panelist's current values (their drafts), criterion → units. Found through the candidate's entries of the stage
 * (exam, candidate, stage: the index): by session alone, SQLite walked every score entry of the workstation.
 */
export function draftUnits(db: Db, panel: Panel, nomor: string, accountId: string): Record<string, number> {
  const rows = sql(
    db,
    `SELECT item, units FROM score_entries
      WHERE exam_id = ? AND nomor_peserta = ? AND stage_code = ? AND session_id = ? AND source = 'panel' AND slot = ? ORDER BY at, id`,
  ).all(panel.examId, nomor, panel.session.stage_code, panel.session.id, accountId) as { item: string; units: number }[];
  const out: Record<string, number> = {};
  for (const r of rows) out[r.item] = r.units;
  return out;
}

export function lastSubmission(db: Db, sessionId: string, nomor: string, accountId: string): { at: string; snapshot: Record<string, number> } | undefined {
  const row = sql(db, 'SELECT at, snapshot FROM panel_submissions WHERE session_id = ? AND nomor_peserta = ? AND account_id = ? ORDER BY at DESC, rowid DESC LIMIT 1').get(sessionId, nomor, accountId) as
    | { at: string; snapshot: string }
    | undefined;
  return row ? { at: row.at, snapshot: JSON.parse(row.snapshot) as Record<string, number> } : undefined;
}

export function submit(db: Db, panel: Panel, nomor: string, accountId: string, at: string, workstationId: string) {
  assertCanScore(db, panel, nomor, accountId);
  const drafts = draftUnits(db, panel, nomor, accountId);
  const missing = panel.criteria.filter((c) => drafts[c.code] === undefined).map((c) => c.label);
  if (missing.length) throw new LenteraError('INCOMPLETE', `Score every criterion before submitting; missing: ${missing.join(', ')}.`, { missing });
  const snapshot = Object.fromEntries(panel.criteria.map((c) => [c.code, drafts[c.code]!]));
  assertChangeDiscussed(db, panel, nomor, accountId, snapshot);
  sql(db, 'INSERT INTO panel_submissions (id, session_id, nomor_peserta, account_id, at, snapshot, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    newId(), panel.session.id, nomor, accountId, at, JSON.stringify(snapshot), workstationId,
  );
  return { nomorPeserta: nomor, submittedAt: at };
}

/** Whether two sets of a panelist's values (criterion → units) agree on every criterion of the rubric. */
export function sameValues(panel: Panel, a: Record<string, number>, b: Record<string, number>): boolean {
  return panel.criteria.every((c) => a[c.code] === b[c.code]);
}

/**
 * Once every panelist has submitted, each sees the others' scores (panel-views.ts): a change to one's submission
 * after that moment could be fitted to them, so it needs the panel's discussion, recorded after it by another
 * panelist. A note never unlocks its own author's change: the chair, who scores too and records the discussion,
 * could otherwise submit a throwaway, look, note a "discussion" alone and submit fitted values (audit s80). The
 * chair's own change so needs an examiner's record of the discussion; an examiner's, the chair's (or the other
 * examiner's). Before that moment a panelist may change their mind freely: they have seen nothing.
 */
function assertChangeDiscussed(db: Db, panel: Panel, nomor: string, accountId: string, snapshot: Record<string, number>): void {
  const mine = lastSubmission(db, panel.session.id, nomor, accountId);
  if (!mine || sameValues(panel, mine.snapshot, snapshot)) return;
  const allIn = allSubmittedAt(db, panel, nomor);
  if (allIn === undefined) return;
  const authors = sql(db, 'SELECT DISTINCT account_id FROM panel_notes WHERE session_id = ? AND nomor_peserta = ? AND at >= ?').pluck().all(panel.session.id, nomor, allIn) as string[];
  if (authors.some((a) => a !== accountId)) return;
  if (panelistOf(panel, accountId).role === 'chair' || authors.length) {
    throw new LenteraError(
      'CHANGE_NEEDS_DISCUSSION_BY_OTHER',
      `Every panelist has submitted ${nomor} and has seen the others' scores: a change of your own now needs the panel's discussion recorded by another panelist of this candidate; a note you recorded yourself does not count.`,
      { nomorPeserta: nomor },
    );
  }
  throw new LenteraError(
    'CHANGE_NEEDS_DISCUSSION',
    `Every panelist has submitted ${nomor} and has seen the others' scores: a change now needs the panel's discussion, recorded by the chair first.`,
    { nomorPeserta: nomor },
  );
}

/** When the last of the candidate's panel first submitted (from then on all see every value), or undefined if not all have. */
function allSubmittedAt(db: Db, panel: Panel, nomor: string): string | undefined {
  let last = '';
  for (const m of candidatePanel(db, panel, nomor)) {
    const first = m.accountId
      ? (sql(db, 'SELECT MIN(at) FROM panel_submissions WHERE session_id = ? AND nomor_peserta = ? AND account_id = ?').pluck().get(panel.session.id, nomor, m.accountId) as string | null)
      : null;
    if (first === null) return undefined;
    if (first > last) last = first;
  }
  return last || undefined;
}

export interface CriterionResult {
  code: string;
  label: string;
  weight: number;
  values: Record<string, number>;
  aggregate: string;
  aggregateExact: string;
  spread: number;
  divergent: boolean;
}

export interface PanelResult {
  complete: boolean;
  waitingFor: string[];
  criteria: CriterionResult[];
  /** weighted over the criteria, on the rubric's scale */
  total: string | null;
  totalExact: string | null;
  needsDiscussion: boolean;
  discussed: boolean;
}

/** The aggregate of each panelist's last submitted values, exactly. */
export function panelResult(db: Db, panel: Panel, nomor: string): PanelResult {
  const members = candidatePanel(db, panel, nomor);
  const latest = new Map<string, Record<string, number>>();
  for (const m of members) {
    const s = m.accountId ? lastSubmission(db, panel.session.id, nomor, m.accountId) : undefined;
    if (s) latest.set(m.accountId!, s.snapshot);
  }
  const discussed = sql(db, `SELECT ${DISCUSSED('@session', '@nomor')}`).pluck().get({ session: panel.session.id, nomor }) === 1;
  return resultOf(panel, { members, latest, discussed });
}

/**
 * Whether the panel's discussion of a candidate is recorded after the last submission: a discussion covers the
 * values it was held over, so a change submitted after it (which may diverge anew) needs its own.
 */
const DISCUSSED = (session: string, nomor: string) => `EXISTS (SELECT 1 FROM panel_notes n WHERE n.session_id = ${session} AND n.nomor_peserta = ${nomor}
           AND n.at >= (SELECT MAX(p.at) FROM panel_submissions p WHERE p.session_id = ${session} AND p.nomor_peserta = ${nomor}))`;

/** `panelResult`'s rule over what was read: the candidate's panel, each account's last submission, a discussion noted. */
export function resultOf(panel: Panel, c: Pick<CandidatePanelState, 'members' | 'latest' | 'discussed'>): PanelResult {
  const submissions = new Map<string, Record<string, number>>();
  const waitingFor: string[] = [];
  for (const m of c.members) {
    const snapshot = m.accountId ? c.latest.get(m.accountId) : undefined;
    if (snapshot) submissions.set(m.accountName ?? m.nip, snapshot);
    else waitingFor.push(m.name);
  }
  const complete = waitingFor.length === 0 && c.members.length > 0;
  const criteria: CriterionResult[] = [];
  let weighted = new Fraction(0);
  let weights = new Fraction(0);
  for (const crit of panel.criteria) {
    const values: Record<string, number> = {};
    const units: number[] = [];
    for (const [who, snap] of submissions) {
      values[who] = fromUnits(crit, snap[crit.code]!);
      units.push(snap[crit.code]!);
    }
    if (!units.length) {
      criteria.push({ code: crit.code, label: crit.label, weight: crit.weight, values, aggregate: '', aggregateExact: '', spread: 0, divergent: false });
      continue;
    }
    const step = new Fraction(String(crit.step));
    const agg = new Fraction(String(crit.min)).add(step.mul(aggregate(units, panel.method)));
    const spreadValue = step.mul(spread(units));
    weighted = weighted.add(agg.mul(String(crit.weight)));
    weights = weights.add(String(crit.weight));
    criteria.push({
      code: crit.code,
      label: crit.label,
      weight: crit.weight,
      values,
      aggregate: toFixedString(agg, 3),
      aggregateExact: toExactString(agg),
      spread: Number(spreadValue.valueOf()),
      divergent: spreadValue.compare(String(panel.divergence)) > 0,
    });
  }
  const total = complete && weights.compare(0) > 0 ? weighted.div(weights) : null;
  const needsDiscussion = complete && criteria.some((x) => x.divergent);
  return { complete, waitingFor, criteria, total: total ? toFixedString(total, 3) : null, totalExact: total ? toExactString(total) : null, needsDiscussion, discussed: c.discussed };
}

/** Where one listed candidate of an interview session stands, as `sessionPanelStates` reads it. */
export interface CandidatePanelState {
  nomorPeserta: string;
  attendance: 'present' | 'absent' | 'pending';
  /** `candidatePanel`: the session's panel less anyone who declared a conflict with this candidate */
  members: Panelist[];
  /** accounts that declared a conflict with this candidate */
  conflicted: ReadonlySet<string>;
  /** each account's last submission (by at, then insertion), criterion → units */
  latest: ReadonlyMap<string, Record<string, number>>;
  discussed: boolean;
  /** `finalizationState` */
  finalization: 'open' | 'awaiting_signoff' | 'finalized';
}

const PANEL_STATES = (presentOnly: boolean) => `
  SELECT sc.nomor_peserta AS nomor, ${LAST_KIND} AS kind,
         (SELECT json_group_array(k.account_id) FROM conflicts k WHERE k.exam_id = @exam AND k.nomor_peserta = sc.nomor_peserta) AS conflicted,
         f.id AS finalization,
         (SELECT json_group_array(so.account_id) FROM signoffs so WHERE so.finalization_id = f.id) AS signed,
         ${DISCUSSED('sc.session_id', 'sc.nomor_peserta')} AS discussed,
         (SELECT json_group_array(json_array(p.account_id, p.at, p.rowid, p.snapshot)) FROM panel_submissions p
           WHERE p.session_id = sc.session_id AND p.nomor_peserta = sc.nomor_peserta) AS submissions
    FROM session_candidates sc LEFT JOIN finalizations f ON f.session_id = sc.session_id AND f.nomor_peserta = sc.nomor_peserta
   WHERE sc.session_id = @session${presentOnly ? ` AND ${LAST_KIND} = 'present'` : ''}
   ORDER BY sc.nomor_peserta`;
const PANEL_STATES_ALL = PANEL_STATES(false);
const PANEL_STATES_PRESENT = PANEL_STATES(true);

/**
 * Every listed candidate of an interview session (or only those present) with what the panel has done, by number,
 * in one statement, by the rules of `candidatePanel`, `lastSubmission`, `panelResult` and `finalizationState`. The
 * overview and the home page read whole sessions; those functions asked five to ten queries per candidate.
 */
export function sessionPanelStates(db: Db, panel: Panel, opts: { presentOnly?: boolean } = {}): CandidatePanelState[] {
  const rows = sql(db, opts.presentOnly ? PANEL_STATES_PRESENT : PANEL_STATES_ALL).all({ exam: panel.examId, session: panel.session.id }) as {
    nomor: string;
    kind: string | null;
    conflicted: string;
    finalization: string | null;
    signed: string;
    discussed: number;
    submissions: string;
  }[];
  return rows.map((r) => {
    const conflicted = new Set(JSON.parse(r.conflicted) as string[]);
    const members = panel.members.filter((m) => !m.accountId || !conflicted.has(m.accountId));
    const newest = new Map<string, { at: string; rowid: number; snapshot: string }>();
    for (const [account, at, rowid, snapshot] of JSON.parse(r.submissions) as [string, string, number, string][]) {
      const had = newest.get(account);
      if (!had || at > had.at || (at === had.at && rowid > had.rowid)) newest.set(account, { at, rowid, snapshot });
    }
    const latest = new Map([...newest].map(([account, s]) => [account, JSON.parse(s.snapshot) as Record<string, number>]));
    const signed = new Set(JSON.parse(r.signed) as string[]);
    const finalization = !r.finalization ? 'open' : members.every((m) => m.accountId && signed.has(m.accountId)) ? 'finalized' : 'awaiting_signoff';
    const attendance = r.kind === 'present' || r.kind === 'absent' ? r.kind : 'pending';
    return { nomorPeserta: r.nomor, attendance, members, conflicted, latest, discussed: r.discussed === 1, finalization };
  });
}

/**
 * A record of the panel's discussion of a candidate. The chair records it at any time. An examiner of the candidate
 * records it only once every panelist has submitted (before, there is nothing to have discussed, and the chair reads
 * every note at once): it is how the chair's own change after that moment is unlocked, since a note never unlocks a
 * change by its author (`assertChangeDiscussed`).
 */
export function recordNote(db: Db, panel: Panel, nomor: string, accountId: string, criterionCode: string | undefined, note: string, at: string) {
  const me = panelistOf(panel, accountId);
  if (me.role !== 'chair') {
    if (hasConflict(db, panel.examId, accountId, nomor)) {
      throw new LenteraError('CONFLICT_OF_INTEREST', `You declared a conflict of interest with candidate ${nomor}; you take no part in their panel's discussion.`, { nomorPeserta: nomor });
    }
    if (allSubmittedAt(db, panel, nomor) === undefined) {
      throw new LenteraError('NOT_CHAIR', `Until every panelist has submitted ${nomor}, only the panel chair records notes.`, { nomorPeserta: nomor });
    }
  }
  if (criterionCode) criterion(panel, criterionCode);
  sql(db, 'INSERT INTO panel_notes (id, session_id, nomor_peserta, criterion, note, account_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    newId(), panel.session.id, nomor, criterionCode ?? null, note, accountId, at,
  );
  return { nomorPeserta: nomor, noted: true };
}

/** The chair closes a candidate's interview: every panelist has submitted and any divergence was discussed. */
export function finalizeCandidate(db: Db, panel: Panel, nomor: string, chairId: string, at: string, workstationId: string) {
  const me = panelistOf(panel, chairId);
  if (me.role !== 'chair') throw new LenteraError('NOT_CHAIR', 'Only the panel chair finalizes.', {});
  if (finalizationOf(db, panel.session.id, nomor)) throw new LenteraError('FINALIZED', `${nomor} is already finalized.`, { nomorPeserta: nomor });
  if (attendanceState(db, panel.session.id, nomor) !== 'present') {
    throw new LenteraError('NOT_PRESENT', `Candidate ${nomor} did not attend session ${panel.session.code}.`, { nomorPeserta: nomor });
  }
  const result = panelResult(db, panel, nomor);
  if (!result.complete) {
    throw new LenteraError('PANEL_INCOMPLETE', `Cannot finalize ${nomor}: waiting for ${result.waitingFor.join(', ')} to submit.`, { nomorPeserta: nomor, waitingFor: result.waitingFor });
  }
  if (result.needsDiscussion && !result.discussed) {
    const which = result.criteria.filter((c) => c.divergent).map((c) => c.label);
    throw new LenteraError('DISCUSSION_NEEDED', `Cannot finalize ${nomor}: the panel's scores diverge on ${which.join(', ')}; record the discussion first.`, { nomorPeserta: nomor, criteria: which });
  }
  const id = newId();
  sql(db, 'INSERT INTO finalizations (id, session_id, nomor_peserta, account_id, at, result, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id, panel.session.id, nomor, chairId, at, JSON.stringify(result), workstationId,
  );
  return { nomorPeserta: nomor, finalizationId: id, total: result.total, totalExact: result.totalExact };
}

/** A panelist's PIN-confirmed sign-off of every finalization in the session they have not yet signed. */
export function signOff(db: Db, panel: Panel, accountId: string, at: string) {
  panelistOf(panel, accountId);
  const pending = sql(
    db,
    `SELECT f.id, f.nomor_peserta FROM finalizations f
      WHERE f.session_id = ? AND NOT EXISTS (SELECT 1 FROM signoffs s WHERE s.finalization_id = f.id AND s.account_id = ?)`,
  ).all(panel.session.id, accountId) as { id: string; nomor_peserta: string }[];
  const mine = pending.filter((f) => !hasConflict(db, panel.examId, accountId, f.nomor_peserta));
  if (!mine.length) throw new LenteraError('NOTHING_TO_SIGN', 'There is no finalized result waiting for your sign-off in this session.', {});
  for (const f of mine) sql(db, 'INSERT INTO signoffs (finalization_id, account_id, at) VALUES (?, ?, ?)').run(f.id, accountId, at);
  return { signed: mine.map((f) => f.nomor_peserta) };
}

/** Finalized (chair) and signed by every panelist of that candidate. */
export function finalizationState(db: Db, panel: Panel, nomor: string): 'open' | 'awaiting_signoff' | 'finalized' {
  const f = finalizationOf(db, panel.session.id, nomor);
  if (!f) return 'open';
  const signed = new Set(sql(db, 'SELECT account_id FROM signoffs WHERE finalization_id = ?').pluck().all(f.id) as string[]);
  return candidatePanel(db, panel, nomor).every((m) => m.accountId && signed.has(m.accountId)) ? 'finalized' : 'awaiting_signoff';
}

export interface ExamFinalization {
  sessionId: string;
  stage: string;
  nomorPeserta: string;
  result: PanelResult;
  /** every panelist of that candidate (the panel less the conflicted) has signed off */
  signed: boolean;
}

/**
 * Every finalization of an exam (or of the candidates `only`) in one query, with the same rule as `finalizationState`:
 * final once each panelist of that candidate (an active account with the panel NIP, not conflicted with them) has
 * signed.
 */
export function examFinalizations(db: Db, examId: string, only?: readonly string[]): ExamFinalization[] {
  const rows = sql(
    db,
    `SELECT f.session_id, s.stage_code, f.nomor_peserta, f.result,
            (SELECT COUNT(*) FROM signoffs so WHERE so.finalization_id = f.id) AS signed,
            (SELECT COUNT(*) FROM session_panel p LEFT JOIN accounts a ON a.nip = p.nip AND a.active = 1
              WHERE p.session_id = f.session_id
                AND NOT (a.id IS NOT NULL AND EXISTS (SELECT 1 FROM conflicts k
                          WHERE k.exam_id = s.exam_id AND k.account_id = a.id AND k.nomor_peserta = f.nomor_peserta))) AS members
       FROM finalizations f JOIN sessions s ON s.id = f.session_id
      WHERE s.exam_id = ?${only ? ' AND f.nomor_peserta IN (SELECT value FROM json_each(?))' : ''}`,
  ).all(...(only ? [examId, JSON.stringify(only)] : [examId])) as { session_id: string; stage_code: string; nomor_peserta: string; result: string; signed: number; members: number }[];
  return rows.map((r) => ({
    sessionId: r.session_id,
    stage: r.stage_code,
    nomorPeserta: r.nomor_peserta,
    result: JSON.parse(r.result) as PanelResult,
    signed: r.signed >= r.members,
  }));
}
