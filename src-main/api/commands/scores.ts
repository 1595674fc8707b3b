import { z } from 'zod';
import { requireExam } from '../../core/exams/exams';
import { applyCatImport, planCatImport } from '../../core/scoring/cat-import';
import { listScores, type ScoreState } from '../../core/scoring/scores';
import { blindScores } from '../../core/scoring/blind';
import { scoreHistory, scoresAnswer, type ScoresPage } from '../../core/scoring/scores-page';
import { LenteraError } from '../../core/util/errors';
import { fileRef, localFile, loadTable } from '../files';
import { defineCommand, type CommandContext } from '../registry';

const examCode = z.string().trim().min(1).max(40);
const SCORE_STATES = ['draft', 'submitted', 'confirmed', 'finalized', 'amended'] as const satisfies readonly ScoreState[];

/** Who reads, for blindness: the command line sees everything, a person their own values and the settled ones. */
function viewerOf(ctx: CommandContext) {
  return { local: ctx.principal.kind === 'local', actor: ctx.actor, name: ctx.principal.kind === 'user' ? ctx.principal.account.name : '' };
}


export const scoreCommands = [
  defineCommand({
    name: 'scores.import',
    summary: 'Import CAT results for a stage (CSV or XLSX): all or nothing; the file hash is recorded',
    input: z.object({ exam: examCode, stage: z.string().min(1), file: fileRef, dryRun: z.boolean().default(false) }),
    localInput: localFile,
    access: ['coordinator'],
    mutates: true,
    prepare: (ctx, input) => loadTable(ctx, input.file),
    handler: (ctx, input, loaded) => {
      const exam = requireExam(ctx.db, input.exam);
      const plan = planCatImport(ctx.db, exam.id, input.stage, loaded.table, loaded.file.sha256);
      const summary = {
        file: loaded.file,
        stage: input.stage,
        rows: plan.rows,
        written: plan.entries.length,
        unchanged: plan.unchanged,
        alreadyImported: plan.alreadyImported,
        problems: plan.problems.slice(0, 1000),
        problemCount: plan.problems.length,
      };
      if (input.dryRun) return summary;
      applyCatImport(ctx.db, exam.id, plan, loaded.file, ctx.at, ctx.actor, ctx.workstationId);
      if (plan.entries.length) ctx.emit('scores.changed', { exam: input.exam, stage: input.stage });
      return summary;
    },
    auditPayload: (input, out) => ({ exam: input.exam, stage: input.stage, file: out.file, rows: out.rows, written: out.written, unchanged: out.unchanged, dryRun: input.dryRun }),
  }),
  defineCommand({
    name: 'scores.list',
    summary: 'Every score with its state and history',
    input: z.object({ exam: examCode, stage: z.string().optional() }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      // Blind values (a panelist's before finalization, a clerk's entry before the second agrees) only for their
      // author here too: a chair is also a panelist, a coordinator may type a paper sheet.
      const all = listScores(ctx.db, requireExam(ctx.db, input.exam).id, input.stage);
      return blindScores(all, viewerOf(ctx));
    },
  }),
  defineCommand({
    name: 'scores.page',
    summary: 'One page of the scores, searched and filtered, with how many there are (no history: scores.history)',
    input: z.object({
      exam: examCode,
      stage: z.string().min(1).optional(),
      state: z.enum(SCORE_STATES).optional(),
      search: z.string().trim().max(100).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(2_000).default(200),
    }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    // On the ranking thread where the app has one, which keeps the exam's scores derived (two seconds at 100,000
    // candidates the first time): no other request waits for it. Without one (a one-shot command line) here.
    prepare: async (ctx, input): Promise<ScoresPage> => {
      const { exam, offset, limit, stage, state, search } = input;
      const query = { offset, limit, ...(stage ? { stage } : {}), ...(state ? { state } : {}), ...(search ? { search } : {}) };
      return ctx.ranker ? ctx.ranker.scores(exam, query, viewerOf(ctx)) : scoresAnswer(ctx.db, exam, query, viewerOf(ctx));
    },
    handler: (_ctx, input, page) => ({ offset: input.offset, ...page }),
  }),
  defineCommand({
    name: 'scores.history',
    summary: "One score with every entry it was derived from (blind values only for their author, as scores.list)",
    input: z.object({
      exam: examCode,
      stage: z.string().min(1),
      nomorPeserta: z.string().trim().min(1).max(40),
      item: z.string().min(1),
      panelist: z.string().min(1).nullable().default(null),
    }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const view = scoreHistory(ctx.db, exam.id, input, viewerOf(ctx));
      if (!view) {
        throw new LenteraError('NOT_FOUND', `No score of ${input.item} in ${input.stage} for ${input.nomorPeserta}${input.panelist ? ` by ${input.panelist}` : ''} that you may see.`, {
          stage: input.stage,
          nomorPeserta: input.nomorPeserta,
          item: input.item,
        });
      }
      return view;
    },
  }),
];
