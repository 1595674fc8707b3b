import { z } from 'zod';
import { requireExam } from '../../core/exams/exams';
import { rankExplained, type RankedCandidate } from '../../core/ranking/engine';
import type { Reason } from '../../core/ranking/reasons';
import { resultsCsv, resultsSpreadsheetCsv, resultsXlsx } from '../../core/ranking/export';
import { gatherFacts } from '../../core/ranking/inputs';
import { loadRuleset } from '../../core/ranking/rulesets';
import { interviewStageCodes } from '../../core/scoring/items';
import { defineCommand, type CommandContext } from '../registry';

function compute(ctx: CommandContext, examCode: string, formation?: string) {
  const exam = requireExam(ctx.db, examCode);
  const loaded = loadRuleset(exam.ruleset);
  // The names come in the same read of the candidates as the facts.
  const facts = gatherFacts(ctx.db, exam.id, loaded.ruleset, { names: true });
  const names = facts.names;
  // Names are for the workstation's own screens; the engine and its exports work on numbers only.
  const explained = rankExplained(loaded.ruleset, facts.formations, facts.candidates).filter(
    ({ result: r }) => !formation || r.kode_formasi === formation || r.optimalisasi_ke === formation,
  );
  // Named in place (each result is this call's own): a copy of 100,000 results is only garbage. `nama` still comes last.
  const results = explained.map(({ result: r }) => {
    (r as RankedCandidate & { nama: string }).nama = names.get(r.nomor_peserta) ?? '';
    return r as RankedCandidate & { nama: string };
  });
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
