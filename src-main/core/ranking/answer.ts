import { changedSince, changesState, sameChanges, type ChangesState } from '../db/changes';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { readTransaction } from '../db/transaction';
import { requireExam } from '../exams/exams';
import { interviewStageCodes } from '../scoring/items';
import { rankExplained, type CandidateFacts, type FormationFacts, type RankedCandidate } from './engine';
import { resultsCsv, resultsSpreadsheetCsv, resultsXlsx } from './export';
import { gatherFacts } from './inputs';
import type { Reason } from './reasons';
import { loadRuleset } from './rulesets';

type Exam = ReturnType<typeof requireExam>;
type NamedResult = RankedCandidate & { nama: string };

/** How many rankings this process made of a whole exam and of a few formations in it (for tests and the bench). */
export const rankingRuns = { whole: 0, partial: 0 };

type Explained = { result: NamedResult; reasons: Reason[]; provisionalReasons: Reason[] };

/** Code units in order, as the engine sorts formation codes (and gatherFacts' ORDER BY sorts numbers). */
const ascending = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The whole exam ranked, explained and named, as of one state of the database, with what it was made from. Answers
 * are cut from it one formation at a time, so switching formations, or coming back to the results, ranks nothing
 * again; a change to a few candidates reads those candidates again and ranks their formations again (`keptUpToDate`).
 */
interface Kept {
  examId: string;
  /** the state of its inputs when they were read (`changesState`) */
  state: ChangesState;
  loaded: ReturnType<typeof loadRuleset>;
  formations: FormationFacts[];
  interviewStages: string[];
  /** every candidate's facts and name, by number */
  facts: Map<string, CandidateFacts>;
  names: Map<string, string>;
  /** the results by the formation they are listed under (the engine's order within each) */
  byFormation: Map<string, Explained[]>;
  /** every result, in the engine's order: formation, rank, number */
  explained: Explained[];
  /** the group a formation code is ranked in (`groupOf`): the formations and the ruleset do not change while kept */
  group: (code: string) => string;
}

/** Named in place (each result is this ranking's own): a copy of 100,000 results is only garbage. `nama` comes last. */
function named(explained: ReturnType<typeof rankExplained>, names: Map<string, string>): Explained[] {
  for (const { result: r } of explained) (r as NamedResult).nama = names.get(r.nomor_peserta) ?? '';
  return explained as Explained[];
}

function byFormationOf(explained: Explained[]): Map<string, Explained[]> {
  const out = new Map<string, Explained[]>();
  for (const x of explained) {
    const list = out.get(x.result.kode_formasi);
    if (list) list.push(x);
    else out.set(x.result.kode_formasi, [x]);
  }
  return out;
}

/** The engine's order of formations: by code, as `ranked` in engine.ts lists them. */
function inEngineOrder(byFormation: Map<string, Explained[]>): Explained[] {
  const out: Explained[] = [];
  for (const code of [...byFormation.keys()].sort(ascending)) for (const x of byFormation.get(code)!) out.push(x);
  return out;
}

function rankWholeExam(db: Db, exam: Exam, state: ChangesState, keep = true): Kept {
  rankingRuns.whole++;
  const loaded = loadRuleset(exam.ruleset);
  // The names come in the same read of the candidates as the facts; the engine and its exports work on numbers only.
  const facts = gatherFacts(db, exam.id, loaded.ruleset, { names: true });
  const explained = named(rankExplained(loaded.ruleset, facts.formations, facts.candidates), facts.names);
  return {
    group: groupOf(loaded, facts.formations),
    examId: exam.id,
    state,
    loaded,
    formations: facts.formations,
    interviewStages: interviewStageCodes(db, exam.id),
    // Only a ranking that is kept needs them again (a one-shot command line frees them while it writes its answer).
    facts: keep ? new Map(facts.candidates.map((c) => [c.nomorPeserta, c])) : new Map(),
    names: facts.names,
    byFormation: byFormationOf(explained),
    explained,
  };
}

/**
 * The formations that are ranked together: those optimalisasi may move seats between (the same position and
 * education, as the ruleset matches them), otherwise each formation alone. Nothing else in a ranking crosses
 * formations (every shown value is exact or rounded from its exact value, whatever the other formations hold), so
 * a group ranked alone gives what the whole exam ranked gives for it — `ranking-incremental.test.ts` holds it to that.
 */
function groupOf(loaded: ReturnType<typeof loadRuleset>, formations: FormationFacts[]): (code: string) => string {
  const r = loaded.ruleset;
  const info = new Map(formations.map((f) => [f.code, f]));
  const match = r.model === 'integration' && r.optimalisasi ? r.optimalisasi.match : null;
  return (code) => {
    const f = info.get(code);
    if (!f) return `unknown\u0000${code}`;
    return match ? `match\u0000${match.map((k) => f[k].trim().toLowerCase()).join('\u0000')}` : `code\u0000${code}`;
  };
}

/** Past this share of the roster changed, one ranking of the whole exam costs less than reading them one by one. */
const WHOLE_AT = 0.05;

/**
 * Brings `kept` up to the database's state from what changed since it was made: the candidates noted in
 * ranking_changes and those with rows appended since (scores, attendance, finalizations, sign-offs) are read again and
 * their formations' groups ranked again; a change to the exam itself (a formation, a stage, a session, a panel, an
 * account), or to too many candidates, ranks the whole exam. In the caller's read transaction.
 */
function keptUpToDate(db: Db, exam: Exam, kept: Kept, state: ChangesState): Kept {
  const since = changedSince(db, exam.id, kept.state);
  if (since === null) return rankWholeExam(db, exam, state);
  const changed = since.sort(ascending);
  if (changed.length > Math.max(100, kept.facts.size * WHOLE_AT)) return rankWholeExam(db, exam, state);
  if (changed.length === 0) return { ...kept, state };
  rankingRuns.partial++;
  const fresh = gatherFacts(db, exam.id, kept.loaded.ruleset, { names: true, only: changed });
  const { group } = kept;
  // The groups to rank again: where each changed candidate was, and where they are now.
  const groups = new Set<string>();
  for (const nomor of changed) {
    const before = kept.facts.get(nomor);
    if (before) groups.add(group(before.kodeFormasi));
  }
  for (const c of fresh.candidates) groups.add(group(c.kodeFormasi));
  // Who those groups held, from the kept results (each listed under its own formation), then as they are now.
  const members = new Set<string>();
  for (const [code, list] of kept.byFormation) if (groups.has(group(code))) for (const x of list) members.add(x.result.nomor_peserta);
  // In place: copying 100,000 facts costs more than ranking a group (rankedExam drops what is kept if this fails).
  const { facts, names } = kept;
  for (const nomor of changed) {
    facts.delete(nomor);
    names.delete(nomor);
    members.delete(nomor);
  }
  for (const c of fresh.candidates) {
    facts.set(c.nomorPeserta, c);
    names.set(c.nomorPeserta, fresh.names.get(c.nomorPeserta)!);
    members.add(c.nomorPeserta);
  }
  // The groups' formations and candidates, in the order gatherFacts gives them (formations by code, candidates by number).
  const formations = kept.formations.filter((f) => groups.has(group(f.code)));
  const candidates = [...members].sort(ascending).map((n) => facts.get(n)!);
  const part = byFormationOf(named(rankExplained(kept.loaded.ruleset, formations, candidates), names));
  const byFormation = new Map(kept.byFormation);
  for (const code of [...byFormation.keys()]) if (groups.has(group(code))) byFormation.delete(code);
  for (const [code, list] of part) byFormation.set(code, list);
  return { ...kept, state, facts, names, byFormation, explained: inEngineOrder(byFormation) };
}

/**
 * The last ranking of each connection, with the state of its inputs it was made from. While that stands the ranking
 * is the database's, whoever wrote meanwhile; a login, a setting or an audit event changes nothing of it.
 */
const rankings = new WeakMap<Db, Kept>();

function rankedExam(db: Db, exam: Exam, keep = true): { whole: Kept; fresh: boolean } {
  const cached = rankings.get(db);
  const mine = cached && cached.examId === exam.id ? cached : undefined;
  if (mine && sameChanges(mine.state, changesState(db))) return { whole: mine, fresh: false };
  if (!keep) return { whole: readTransaction(db, () => rankWholeExam(db, exam, changesState(db), false)), fresh: true };
  // One read transaction: every table as of one commit, and the state of that same commit (on the ranking thread
  // other connections commit between statements).
  let whole: Kept;
  try {
    whole = readTransaction(db, () => {
      const state = changesState(db);
      return mine ? keptUpToDate(db, exam, mine, state) : rankWholeExam(db, exam, state);
    });
  } catch (e) {
    // What is kept may be half brought up to date: the next answer ranks the whole exam.
    rankings.delete(db);
    throw e;
  }
  // One exam kept: a workstation shows one exam's results at a time.
  rankings.set(db, whole);
  return { whole, fresh: true };
}

/**
 * The facts the kept ranking of this connection was made from, by number (for tests: what was read again must be
 * what a fresh read gives); undefined when nothing is kept.
 */
export function keptFacts(db: Db): CandidateFacts[] | undefined {
  const kept = rankings.get(db);
  return kept && [...kept.facts.values()].sort((a, b) => ascending(a.nomorPeserta, b.nomorPeserta));
}

/**
 * Ranks the exam now unless the last ranking on this connection is still the database's (a warm-up ahead of a
 * screen); says whether it ranked.
 */
export function warmRanking(db: Db, examCode: string): boolean {
  return rankedExam(db, requireExam(db, examCode)).fresh;
}

/** The exam whose scores were entered last, if any: the one a workstation's results are most likely wanted for. */
export function lastScoredExam(db: Db): string | undefined {
  return sql(db, 'SELECT e.code FROM score_entries s JOIN exams e ON e.id = s.exam_id ORDER BY s.at DESC LIMIT 1').pluck().get() as string | undefined;
}

/**
 * One formation's results, in the engine's order: its own candidates and those optimalisasi brings to it, who can only
 * come from its group (read from that group's lists, not from the whole exam's 100,000).
 */
function formationCut(kept: Kept, formation: string): Explained[] {
  const { group } = kept;
  const mine = group(formation);
  const out: Explained[] = [];
  for (const code of [...kept.byFormation.keys()].filter((c) => group(c) === mine).sort(ascending)) {
    for (const x of kept.byFormation.get(code)!) if (x.result.kode_formasi === formation || x.result.optimalisasi_ke === formation) out.push(x);
  }
  return out;
}

/**
 * What `ranking.compute` answers: the exam's ranking, or one formation's cut of it, with the ruleset and the reasons.
 * `keep: false` (a one-shot command line) ranks without keeping anything for a next answer there will not be.
 */
export function rankingAnswer(db: Db, examCode: string, formation?: string, opts: { keep?: boolean } = {}) {
  const exam = requireExam(db, examCode);
  const kept = rankedExam(db, exam, opts.keep ?? true).whole;
  const { loaded, formations, interviewStages } = kept;
  const explained = formation === undefined ? kept.explained : formationCut(kept, formation);
  const results = explained.map(({ result }) => result);
  // The reasons as data, beside the results rather than in them: a result is hashed and published exactly as the
  // engine gives it (callers strip `nama` and pass the rest on), while screens say these in the reader's language.
  const reasons: Record<string, { status: Reason[]; provisional: Reason[] }> = {};
  for (const x of explained) reasons[x.result.nomor_peserta] = { status: x.reasons, provisional: x.provisionalReasons };
  return {
    exam: { code: exam.code, name: exam.name, agency: exam.agency },
    ruleset: {
      id: loaded.ruleset.id,
      version: loaded.ruleset.version,
      title: loaded.ruleset.title,
      sha256: loaded.sha256,
      statuses: loaded.ruleset.statuses,
      model: loaded.ruleset.model,
      tie_break: loaded.ruleset.tie_break,
      ...(loaded.ruleset.model === 'integration' ? { skd_components: loaded.ruleset.skd.components, skb_cap: loaded.ruleset.skb_cap } : {}),
    },
    formations: formations.filter((f) => !formation || f.code === formation),
    /** the stages scored by an interview panel: their 0–100 score is "Nilai wawancara (skala 0–100)" on screen */
    interviewStages,
    results,
    reasons,
  };
}

export type RankingAnswer = ReturnType<typeof rankingAnswer>;

export type RankingFormat = 'csv' | 'csv-excel' | 'xlsx';

/** The ranking as a file: csv (exact, for programs), csv-excel (for a spreadsheet in Indonesian) or xlsx. */
export async function rankingFile(db: Db, examCode: string, formation: string | undefined, format: RankingFormat, opts: { keep?: boolean } = {}): Promise<{ name: string; bytes: Buffer }> {
  const out = rankingAnswer(db, examCode, formation, opts);
  const base = `hasil-${out.exam.code}${formation ? `-${formation}` : ''}`;
  const name = format === 'csv-excel' ? `${base}-excel.csv` : `${base}.${format}`;
  const bytes =
    format === 'csv'
      ? Buffer.from(resultsCsv(out.results, out.ruleset))
      : format === 'csv-excel'
        ? Buffer.from(resultsSpreadsheetCsv(out.results, out.ruleset))
        : await resultsXlsx(out.results, out.ruleset, `${out.exam.name} — ${out.exam.agency}`);
  return { name, bytes };
}
