import { z } from 'zod';
import { requireExam } from '../../core/exams/exams';
import { rankExplained, type RankedCandidate } from '../../core/ranking/engine';
import type { Reason } from '../../core/ranking/reasons';
import { resultsCsv, resultsSpreadsheetCsv, resultsXlsx } from '../../core/ranking/export';
import { gatherFacts } from '../../core/ranking/inputs';
import { loadRuleset } from '../../core/ranking/rulesets';
import { interviewStageCodes } from '../../core/scoring/items';
import { defineCommand, type CommandContext } from '../registry';
import { databaseState } from '../../core/db/statements';

/**
 * The whole exam ranked, explained and named, as of the database's current state. `compute` answers one formation
 * at a time from it, so switching formations, or coming back to the results, does not rank 100,000 candidates again.
 */
function rankWholeExam(ctx: CommandContext, exam: ReturnType<typeof requireExam>) {
  const loaded = loadRuleset(exam.ruleset);
  // The names come in the same read of the candidates as the facts.
  const facts = gatherFacts(ctx.db, exam.id, loaded.ruleset, { names: true });
  const names = facts.names;
  // Names are for the workstation's own screens; the engine and its exports work on numbers only.
  const explained = rankExplained(loaded.ruleset, facts.formations, facts.candidates);
  // Named in place (each result is this ranking's own): a copy of 100,000 results is only garbage. `nama` comes last.
  for (const { result: r } of explained) (r as RankedCandidate & { nama: string }).nama = names.get(r.nomor_peserta) ?? '';
  return { loaded, facts, explained: explained as { result: RankedCandidate & { nama: string }; reasons: Reason[]; provisionalReasons: Reason[] }[] };
}

type WholeExam = ReturnType<typeof rankWholeExam>;

/**
 * The last ranking of each connection, with the database state it was made from (core/db/statements.ts
 * databaseState): any write at all makes the next answer a fresh ranking; nothing is patched.
 */
const rankings = new WeakMap<object, Map<string, { state: string; whole: WholeExam }>>();

function rankedExam(ctx: CommandContext, exam: ReturnType<typeof requireExam>): WholeExam {
  let byExam = rankings.get(ctx.db);
  if (!byExam) rankings.set(ctx.db, (byExam = new Map()));
  const state = databaseState(ctx.db);
  const cached = byExam.get(exam.id);
  if (cached && cached.state === state) return cached.whole;
  const whole = rankWholeExam(ctx, exam);
  // One exam kept: a workstation shows one exam's results at a time.
  byExam.clear();
  byExam.set(exam.id, { state, whole });
  return whole;
}

function compute(ctx: CommandContext, examCode: string, formation?: string) {
  const exam = requireExam(ctx.db, examCode);
  const { loaded, facts, explained: all } = rankedExam(ctx, exam);
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
    formations: facts.formations.filter((f) => !formation || f.code === formation),
    /** the stages scored by an interview panel: their 0–100 score is "Nilai wawancara (skala 0–100)" on screen */
    interviewStages: interviewStageCodes(ctx.db, exam.id),
    results,
    reasons,
  };
}

export const rankingCommands = [
  defineCommand({
    name: 'ranking.compute',
    summary: 'Rank an exam from its raw scores and its ruleset (exact; rounding only for display)',
    input: z.object({ exam: z.string().trim().min(1), formation: z.string().optional() }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    handler: (ctx, input) => compute(ctx, input.exam, input.formation),
  }),
  defineCommand({
    name: 'ranking.export',
    summary: 'The ranking as a file (base64), with the ruleset and its sha256: csv (exact, for programs: commas, decimal points, fractions), csv-excel (for a spreadsheet in Indonesian: semicolons, decimal commas) or xlsx',
    input: z.object({ exam: z.string().trim().min(1), formation: z.string().optional(), format: z.enum(['csv', 'csv-excel', 'xlsx']) }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    prepare: async (ctx, input) => {
      const out = compute(ctx, input.exam, input.formation);
      const base = `hasil-${out.exam.code}${input.formation ? `-${input.formation}` : ''}`;
      const name = input.format === 'csv-excel' ? `${base}-excel.csv` : `${base}.${input.format}`;
      const bytes =
        input.format === 'csv'
          ? Buffer.from(resultsCsv(out.results, out.ruleset))
          : input.format === 'csv-excel'
            ? Buffer.from(resultsSpreadsheetCsv(out.results, out.ruleset))
            : await resultsXlsx(out.results, out.ruleset, `${out.exam.name} — ${out.exam.agency}`);
      return { name, bytes };
    },
    handler: (_ctx, input, file) => ({
      name: file.name,
      mime: input.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      dataBase64: file.bytes.toString('base64'),
    }),
  }),
];
