import { changedSince, changesState, sameChanges, type ChangesState } from '../db/changes';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { readTransaction } from '../db/transaction';
import { requireExam } from '../exams/exams';
import { searchedNumbers } from '../roster/candidates';
import { blindScores, scoreVisible, type BlindViewer } from './blind';
import { listScores, scoreSummaries, type BlindFacts, type ScoreBase, type ScoreState, type ScoreView } from './scores';

type Summary = ScoreBase & BlindFacts;

/**
 * An exam's scores as derived from their entries (without history), in number order, kept between answers with the
 * state of the data they were derived from: the scores screen reads a page at a time, as the person scrolls, and at
 * 100,000 candidates deriving them all took seconds of the thread every desk of the venue waits on. A change to a few
 * candidates derives those again (`upToDate`), as the kept ranking does.
 */
interface Kept {
  examId: string;
  state: ChangesState;
  /** every score, by number (as SQLite orders them: code units), then as `listScores` orders a candidate's */
  scores: Summary[];
  /** how many candidates have a score */
  candidates: number;
}

/** One exam kept per connection: a workstation shows one exam's scores at a time. */
const keptScores = new WeakMap<Db, Kept>();

/** How many times this process derived an exam's scores whole, and a few candidates' (for tests and the bench). */
export const scoreDerivations = { whole: 0, partial: 0 };

/** Past this share of the candidates changed, deriving the exam whole costs less than reading them one by one. */
const WHOLE_AT = 0.05;

function candidatesIn(scores: Summary[]): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (i === 0 || scores[i]!.nomorPeserta !== scores[i - 1]!.nomorPeserta) n++;
  return n;
}

function whole(db: Db, examId: string, state: ChangesState): Kept {
  scoreDerivations.whole++;
  const scores = scoreSummaries(db, examId, {});
  return { examId, state, scores, candidates: candidatesIn(scores) };
}

/**
 * `kept` brought up to the database's state: the candidates changed since derived again and merged in, in number
 * order (one pass over the kept scores: a few milliseconds at 100,000 candidates, against seconds for the whole).
 */
function upToDate(db: Db, kept: Kept, state: ChangesState): Kept {
  const changed = changedSince(db, kept.examId, kept.state, { attendance: false });
  if (changed === null || changed.length > Math.max(100, kept.candidates * WHOLE_AT)) return whole(db, kept.examId, state);
  if (changed.length === 0) return { ...kept, state };
  scoreDerivations.partial++;
  const gone = new Set(changed);
  const fresh = scoreSummaries(db, kept.examId, { only: changed });
  const scores: Summary[] = [];
  let j = 0;
  for (const s of kept.scores) {
    while (j < fresh.length && fresh[j]!.nomorPeserta < s.nomorPeserta) scores.push(fresh[j++]!);
    if (!gone.has(s.nomorPeserta)) scores.push(s);
  }
  while (j < fresh.length) scores.push(fresh[j++]!);
  return { examId: kept.examId, state, scores, candidates: candidatesIn(scores) };
}

/** The exam's kept scores, derived or brought up to date as needed. In the caller's read transaction. */
function scoresOf(db: Db, examId: string): Kept {
  const state = changesState(db);
  const cached = keptScores.get(db);
  const mine = cached && cached.examId === examId ? cached : undefined;
  if (mine && sameChanges(mine.state, state)) return mine;
  const kept = mine ? upToDate(db, mine, state) : whole(db, examId, state);
  keptScores.set(db, kept);
  return kept;
}

export interface ScoresQuery {
  stage?: string | undefined;
  state?: ScoreState | undefined;
  /** part of the number or the name, as the candidates list searches (ASCII letters in either case) */
  search?: string | undefined;
  offset: number;
  limit: number;
}

export type ScorePageRow = ScoreBase & { nama: string };

/** Who reads (`scoreVisible`): plain data, so that it crosses to the ranking thread. */
export type ScoresViewer = BlindViewer & { name: string };

export interface ScoresPage {
  /** the scores this query finds, that the viewer may see */
  total: number;
  /** the scores of the stage (or of all stages) that the viewer may see, before the search and the state */
  all: number;
  /** whether any of those is a panelist's (the list then has a panelist column) */
  panel: boolean;
  rows: ScorePageRow[];
}

/**
 * One page of an exam's scores, in number order (then stage, item, panelist), as the viewer may see them
 * (`scoreVisible`), of one stage or all, searched and filtered by state; with how many there are.
 */
export function scoresPage(db: Db, examId: string, query: ScoresQuery, viewer: ScoresViewer): ScoresPage {
  return readTransaction(db, () => {
    const kept = scoresOf(db, examId);
    const search = query.search || undefined;
    // By number or name, as the candidates list finds them (every score is of a candidate: a foreign key).
    const found = search ? new Set(searchedNumbers(db, examId, search)) : null;
    const end = query.offset + query.limit;
    const rows: ScoreBase[] = [];
    let total = 0;
    let all = 0;
    let panel = false;
    for (const s of kept.scores) {
      if (query.stage !== undefined && s.stage !== query.stage) continue;
      if (!scoreVisible(s, viewer)) continue;
      all++;
      if (s.panelist !== null) panel = true;
      if (query.state !== undefined && s.state !== query.state) continue;
      if (found && !found.has(s.nomorPeserta)) continue;
      if (total >= query.offset && total < end) {
        const { paper: _p, soleActor: _a, ...row } = s;
        rows.push(row);
      }
      total++;
    }
    const names = new Map(
      rows.length
        ? (sql(db, 'SELECT nomor_peserta, nama FROM candidates WHERE exam_id = ? AND nomor_peserta IN (SELECT value FROM json_each(?))')
            .raw()
            .all(examId, JSON.stringify([...new Set(rows.map((r) => r.nomorPeserta))])) as [string, string][])
        : [],
    );
    return { total, all, panel, rows: rows.map((r) => ({ ...r, nama: names.get(r.nomorPeserta) ?? '' })) };
  });
}

/** `scoresPage` of an exam named by its code (as scores.page asks it, on the ranking thread or here). */
export function scoresAnswer(db: Db, examCode: string, query: ScoresQuery, viewer: ScoresViewer): ScoresPage {
  return scoresPage(db, requireExam(db, examCode).id, query, viewer);
}

/**
 * Brings what is kept of an exam's scores up to date ahead of the next look (the ranking thread, after a burst of
 * changes). Only scores someone looked at are kept: an exam's first look derives them, so that a warm-up never makes
 * a results page wait behind two seconds of scores nobody asked for.
 */
export function warmScores(db: Db, examCode: string): void {
  const cached = keptScores.get(db);
  const exam = requireExam(db, examCode);
  if (cached?.examId === exam.id) readTransaction(db, () => scoresOf(db, exam.id));
}

export interface ScoreKey {
  stage: string;
  nomorPeserta: string;
  item: string;
  /** the panelist, for a panel score; null for the candidate's own */
  panelist: string | null;
}

/** One score with its whole history, as the viewer may see it; null when there is none, or the viewer may not. */
export function scoreHistory(db: Db, examId: string, key: ScoreKey, viewer: ScoresViewer): ScoreView | null {
  const views = listScores(db, examId, key.stage, [key.nomorPeserta]).filter((v) => v.item === key.item && v.panelist === key.panelist);
  return blindScores(views, viewer)[0] ?? null;
}

/** Forgets what this connection keeps (for tests: the next page derives the exam whole). */
export function forgetScores(db: Db): void {
  keptScores.delete(db);
}
