import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { sessionCounts } from '../attendance/attendance';
import { latestMinutes } from '../sheets/batch';
import { loadPanel, resultOf, sessionPanelStates, type CandidatePanelState, type Panel } from '../scoring/panel';
import { stageSheets } from '../scoring/paper';
import { join } from 'node:path';

/**
 * The home page's list of what this person has to do today, read from the data. Codes and counts only: the
 * renderer words each task in the viewer's language. Counts say how many things wait, never a value that is not
 * yet settled (a panelist's score, a clerk's entry), so the list is as blind as the pages it links to.
 */
export type TaskKind =
  | 'exam.noRoster'
  | 'attendance.waiting'
  | 'panel.score'
  | 'paper.mismatch'
  | 'paper.firstEntry'
  | 'paper.secondEntry'
  | 'panel.discussion'
  | 'amendments.decide'
  | 'panel.finalize'
  | 'panel.signoff'
  | 'minutes.make'
  | 'minutes.countersign'
  | 'bundles.refused'
  | 'bundles.pending'
  | 'audit.follow'
  | 'results.view';

/** The renderer's pages a task leads to (app/router.ts). */
export type TaskRoute = 'exams' | 'attendance' | 'scoring' | 'results' | 'documents' | 'bundles' | 'audit';

export interface HomeTask {
  kind: TaskKind;
  /** how many things wait (0 for a task that is only a link) */
  count: number;
  route: TaskRoute;
  exam?: string;
  session?: string;
  stage?: string;
}

export interface TaskViewer {
  /** null for the command line's local user, who sees what the coordinator sees */
  accountId: string | null;
  role: string;
}

/**
 * Most urgent first: people waiting at the door, then panelists waiting for one another, then what blocks the
 * results, then the paperwork after the day.
 */
const URGENCY: Record<TaskKind, number> = {
  'exam.noRoster': 0,
  'attendance.waiting': 1,
  'panel.score': 2,
  'paper.mismatch': 3,
  'paper.firstEntry': 4,
  'paper.secondEntry': 5,
  'panel.discussion': 6,
  'amendments.decide': 7,
  'panel.finalize': 8,
  'panel.signoff': 9,
  'minutes.make': 10,
  'minutes.countersign': 11,
  'bundles.refused': 12,
  'bundles.pending': 13,
  'audit.follow': 14,
  'results.view': 15,
};

interface ExamRef {
  id: string;
  code: string;
}

interface SessionRef {
  id: string;
  code: string;
  exam_id: string;
  exam_code: string;
  stage_code: string;
  kind: string;
  starts_at: string;
  closed_at: string | null;
}

/** Exams with work left: a purged exam (core/exams/purge.ts) is final and has none, nor its minutes any more. */
function exams(db: Db): ExamRef[] {
  return sql(db, 'SELECT id, code FROM exams WHERE purged_at IS NULL ORDER BY code').all() as ExamRef[];
}

function sessionsOf(db: Db): SessionRef[] {
  return sql(
    db,
    `SELECT s.id, s.code, s.exam_id, e.code AS exam_code, s.stage_code, st.kind, s.starts_at, s.closed_at
       FROM sessions s JOIN exams e ON e.id = s.exam_id JOIN stages st ON st.exam_id = s.exam_id AND st.code = s.stage_code
      WHERE e.purged_at IS NULL
      ORDER BY e.code, s.starts_at, s.code`,
  ).all() as SessionRef[];
}

/** Sessions that have begun and are not closed: candidates may still come to the door. */
function attendanceTasks(db: Db, sessions: SessionRef[], now: Date): HomeTask[] {
  const out: HomeTask[] = [];
  for (const s of sessions) {
    if (s.closed_at || Date.parse(s.starts_at) > now.getTime()) continue;
    const waiting = sessionCounts(db, s.id).pending;
    if (waiting) out.push({ kind: 'attendance.waiting', count: waiting, route: 'attendance', exam: s.exam_code, session: s.code });
  }
  return out;
}

/** The paper stages of these sessions, each once. */
function paperStages(sessions: SessionRef[]): { exam: string; examId: string; stage: string }[] {
  const byStage = new Map<string, { exam: string; examId: string; stage: string }>();
  for (const s of sessions) {
    if (s.kind !== 'written' && s.kind !== 'practical') continue;
    const key = `${s.exam_id}\u0000${s.stage_code}`;
    if (!byStage.has(key)) byStage.set(key, { exam: s.exam_code, examId: s.exam_id, stage: s.stage_code });
  }
  return [...byStage.values()];
}

/**
 * Paper sheets by state. The coordinator follows the two-person rule (sheets waiting for a second clerk, and
 * mismatches waiting for a third person); a clerk sees the sheets they may type: untouched ones, and those whose
 * first entry someone else typed. Only the sheets of candidates who sat the test (present) count.
 */
function paperTasks(db: Db, sessions: SessionRef[], viewer: TaskViewer, asCoordinator: boolean): HomeTask[] {
  const out: HomeTask[] = [];
  for (const g of paperStages(sessions)) {
    let empty = 0;
    let first = 0;
    let firstByOthers = 0;
    let mismatch = 0;
    for (const { state: st } of stageSheets(db, g.examId, g.stage, { presentOnly: true })) {
      if (st.state === 'empty') empty++;
      else if (st.state === 'first') {
        first++;
        if (st.firstAccount !== viewer.accountId) firstByOthers++;
      } else if (st.state === 'mismatch') mismatch++;
    }
    const at = { route: 'scoring' as const, exam: g.exam, stage: g.stage };
    if (asCoordinator) {
      if (mismatch) out.push({ kind: 'paper.mismatch', count: mismatch, ...at });
      if (first) out.push({ kind: 'paper.secondEntry', count: first, ...at });
    } else {
      if (empty) out.push({ kind: 'paper.firstEntry', count: empty, ...at });
      if (firstByOthers) out.push({ kind: 'paper.secondEntry', count: firstByOthers, ...at });
    }
  }
  return out;
}

interface PanelCounts {
  discussion: number;
  finalize: number;
  awaitingSignoff: number;
  finalized: number;
}

/** One interview session's candidates who attended, by where they stand (no values). */
function panelCounts(present: CandidatePanelState[], panel: Panel): PanelCounts {
  const c: PanelCounts = { discussion: 0, finalize: 0, awaitingSignoff: 0, finalized: 0 };
  for (const s of present) {
    if (s.finalization === 'awaiting_signoff') c.awaitingSignoff++;
    if (s.finalization !== 'open') {
      c.finalized++;
      continue;
    }
    const r = resultOf(panel, s);
    if (!r.complete) continue;
    if (r.needsDiscussion && !r.discussed) c.discussion++;
    else c.finalize++;
  }
  return c;
}

/** Present, not finalized, not conflicted, and without this panelist's submission: theirs to score. */
function toScore(present: CandidatePanelState[], accountId: string): number {
  return present.filter((s) => !s.conflicted.has(accountId) && s.finalization === 'open' && !s.latest.has(accountId)).length;
}

/** Finalized candidates of the session this panelist scores (not conflicted with) and has not signed off yet. */
function toSignOff(db: Db, panel: Panel, accountId: string): number {
  return sql(
    db,
    `SELECT COUNT(*) FROM finalizations f
      WHERE f.session_id = @session AND NOT EXISTS (SELECT 1 FROM signoffs s WHERE s.finalization_id = f.id AND s.account_id = @me)
        AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.exam_id = @exam AND k.account_id = @me AND k.nomor_peserta = f.nomor_peserta)`,
  ).pluck().get({ session: panel.session.id, me: accountId, exam: panel.examId }) as number;
}

/** The minutes' newest version, when this account has not countersigned it (its signature is an audited event). */
function minutesToCountersign(db: Db, dataDir: string, s: SessionRef, accountName: string): boolean {
  const latest = latestMinutes(join(dataDir, 'sheets', s.exam_code), s.code);
  if (!latest) return false;
  const signed = sql(
    db,
    `SELECT 1 FROM audit_events WHERE command = 'minutes.sign' AND outcome = 'ok'
        AND json_extract(payload, '$.exam') = ? AND json_extract(payload, '$.session') = ?
        AND json_extract(payload, '$.signer.account') = ? AND json_extract(payload, '$.document.name') = ?`,
  ).get(s.exam_code, s.code, accountName, latest.name);
  return !signed;
}

function interviewPanels(db: Db, sessions: SessionRef[]): { s: SessionRef; panel: Panel }[] {
  return sessions.filter((s) => s.kind === 'interview').map((s) => ({ s, panel: loadPanel(db, s.exam_id, s.code) }));
}

function coordinatorTasks(db: Db, dataDir: string, now: Date, viewer: TaskViewer): HomeTask[] {
  const out: HomeTask[] = [];
  for (const e of exams(db)) {
    const any = sql(db, 'SELECT EXISTS (SELECT 1 FROM candidates WHERE exam_id = ?)').pluck().get(e.id) as number;
    if (!any) out.push({ kind: 'exam.noRoster', count: 1, route: 'exams', exam: e.code });
  }
  const sessions = sessionsOf(db);
  out.push(...attendanceTasks(db, sessions, now));
  out.push(...paperTasks(db, sessions, viewer, true));
  for (const { s, panel } of interviewPanels(db, sessions)) {
    const c = panelCounts(sessionPanelStates(db, panel, { presentOnly: true }), panel);
    const at = { route: 'scoring' as const, exam: s.exam_code, session: s.code };
    if (c.discussion) out.push({ kind: 'panel.discussion', count: c.discussion, ...at });
    if (c.finalize) out.push({ kind: 'panel.finalize', count: c.finalize, ...at });
    if (c.awaitingSignoff) out.push({ kind: 'panel.signoff', count: c.awaitingSignoff, ...at });
    if (c.finalized && !latestMinutes(join(dataDir, 'sheets', s.exam_code), s.code)) {
      out.push({ kind: 'minutes.make', count: 1, route: 'documents', exam: s.exam_code, session: s.code });
    }
  }
  // A request is decided by another coordinator than the one who asked (core/scoring/amendments.ts).
  for (const e of exams(db)) {
    const n = sql(
      db,
      `SELECT COUNT(*) FROM amendment_requests r WHERE r.exam_id = ?
          AND NOT EXISTS (SELECT 1 FROM amendment_decisions d WHERE d.request_id = r.id)
          AND (? IS NULL OR r.account_id IS NULL OR r.account_id <> ?)`,
    ).pluck().get(e.id, viewer.accountId, viewer.accountId) as number;
    if (n) out.push({ kind: 'amendments.decide', count: n, route: 'scoring', exam: e.code });
  }
  const outbox = sql(db, "SELECT state, COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'refused') GROUP BY state").all() as { state: string; n: number }[];
  for (const r of outbox) out.push({ kind: r.state === 'refused' ? 'bundles.refused' : 'bundles.pending', count: r.n, route: 'bundles' });
  return out;
}

/** A chair or examiner: only the sessions whose panel they sit on. */
function panelistTasks(db: Db, dataDir: string, viewer: TaskViewer & { accountId: string }): HomeTask[] {
  const out: HomeTask[] = [];
  const name = sql(db, 'SELECT name FROM accounts WHERE id = ?').pluck().get(viewer.accountId) as string;
  for (const { s, panel } of interviewPanels(db, sessionsOf(db))) {
    const me = panel.members.find((m) => m.accountId === viewer.accountId);
    if (!me) continue;
    const at = { route: 'scoring' as const, exam: s.exam_code, session: s.code };
    const present = sessionPanelStates(db, panel, { presentOnly: true });
    const score = toScore(present, viewer.accountId);
    if (score) out.push({ kind: 'panel.score', count: score, ...at });
    if (me.role === 'chair') {
      // Discussions and finalizations wait on the chair only, whatever their role on other panels.
      const c = panelCounts(present, panel);
      if (c.discussion) out.push({ kind: 'panel.discussion', count: c.discussion, ...at });
      if (c.finalize) out.push({ kind: 'panel.finalize', count: c.finalize, ...at });
    }
    const sign = toSignOff(db, panel, viewer.accountId);
    if (sign) out.push({ kind: 'panel.signoff', count: sign, ...at });
    if (minutesToCountersign(db, dataDir, s, name)) out.push({ kind: 'minutes.countersign', count: 1, route: 'documents', exam: s.exam_code, session: s.code });
  }
  return out;
}

function clerkTasks(db: Db, now: Date, viewer: TaskViewer): HomeTask[] {
  const sessions = sessionsOf(db);
  return [...attendanceTasks(db, sessions, now), ...paperTasks(db, sessions, viewer, false)];
}

/** What this person has to do now, most urgent first (by kind, then in the order of the exam's sessions). */
export function homeTasks(db: Db, dataDir: string, now: Date, viewer: TaskViewer): HomeTask[] {
  let tasks: HomeTask[];
  switch (viewer.role) {
    case 'coordinator':
    case 'local':
      tasks = coordinatorTasks(db, dataDir, now, viewer);
      break;
    case 'clerk':
      tasks = clerkTasks(db, now, viewer);
      break;
    case 'chair':
    case 'examiner':
      tasks = viewer.accountId ? panelistTasks(db, dataDir, { ...viewer, accountId: viewer.accountId }) : [];
      break;
    case 'observer':
      // An observer acts on nothing; the list points at what they watch.
      tasks = [
        { kind: 'audit.follow', count: 0, route: 'audit' },
        { kind: 'results.view', count: 0, route: 'results' },
      ];
      break;
    default:
      tasks = [];
  }
  return tasks.map((t, i) => ({ t, i })).sort((a, b) => URGENCY[a.t.kind] - URGENCY[b.t.kind] || a.i - b.i).map(({ t }) => t);
}
