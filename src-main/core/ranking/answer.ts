import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { readTransaction } from '../db/transaction';
import { requireExam } from '../exams/exams';
import { interviewStageCodes } from '../scoring/items';
import { rankExplained, type RankedCandidate } from './engine';
import { resultsCsv, resultsSpreadsheetCsv, resultsXlsx } from './export';
import { gatherFacts } from './inputs';
import type { Reason } from './reasons';
import { loadRuleset } from './rulesets';

type Exam = ReturnType<typeof requireExam>;
type NamedResult = RankedCandidate & { nama: string };

/**
 * The whole exam ranked, explained and named, as of the database's current state. Answers are cut from it one
 * formation at a time, so switching formations, or coming back to the results, does not rank 100,000 candidates again.
 */
function rankWholeExam(db: Db, exam: Exam) {
  const loaded = loadRuleset(exam.ruleset);
  // The names come in the same read of the candidates as the facts.
  const facts = gatherFacts(db, exam.id, loaded.ruleset, { names: true });
  const names = facts.names;
  // Names are for the workstation's own screens; the engine and its exports work on numbers only.
  const explained = rankExplained(loaded.ruleset, facts.formations, facts.candidates);
  // Named in place (each result is this ranking's own): a copy of 100,000 results is only garbage. `nama` comes last.
  for (const { result: r } of explained) (r as NamedResult).nama = names.get(r.nomor_peserta) ?? '';
  return {
    loaded,
    formations: facts.formations,
    interviewStages: interviewStageCodes(db, exam.id),
    explained: explained as { result: NamedResult; reasons: Reason[]; provisionalReasons: Reason[] }[],
  };
}

type WholeExam = ReturnType<typeof rankWholeExam>;

/**
 * The last ranking of each connection, with the generation of its inputs it was made from: the counter that
 * migration 15's triggers move on any change, by any connection, to a table a ranking is read from. While it stands
 * the ranking is the database's; a login, a setting or an audit event changes nothing of it. Nothing is patched.
 */
const rankings = new WeakMap<Db, { examId: string; generation: number; whole: WholeExam }>();

function inputsGeneration(db: Db): number {
  return sql(db, 'SELECT n FROM ranking_generation').pluck().get() as number;
}

function rankedExam(db: Db, exam: Exam): { whole: WholeExam; fresh: boolean } {
  const cached = rankings.get(db);
  if (cached && cached.examId === exam.id && cached.generation === inputsGeneration(db)) return { whole: cached.whole, fresh: false };
  // One exam kept: a workstation shows one exam's results at a time.
  rankings.delete(db);
  // One read transaction: every table as of one commit, and the generation of that same state (on the ranking
  // thread other connections commit between statements).
  const { generation, whole } = readTransaction(db, () => ({ generation: inputsGeneration(db), whole: rankWholeExam(db, exam) }));
  rankings.set(db, { examId: exam.id, generation, whole });
  return { whole, fresh: true };
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

/** What `ranking.compute` answers: the exam's ranking, or one formation's cut of it, with the ruleset and the reasons. */
export function rankingAnswer(db: Db, examCode: string, formation?: string) {
  const exam = requireExam(db, examCode);
  const { loaded, formations, interviewStages, explained: all } = rankedExam(db, exam).whole;
  const explained = all.filter(({ result: r }) => !formation || r.kode_formasi === formation || r.optimalisasi_ke === formation);
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
export async function rankingFile(db: Db, examCode: string, formation: string | undefined, format: RankingFormat): Promise<{ name: string; bytes: Buffer }> {
  const out = rankingAnswer(db, examCode, formation);
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
