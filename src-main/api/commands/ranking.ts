import { z } from 'zod';
import { rankingAnswer, rankingFile, type RankingAnswer } from '../../core/ranking/answer';
import { defineCommand } from '../registry';

export const rankingCommands = [
  defineCommand({
    name: 'ranking.compute',
    summary: 'Rank an exam from its raw scores and its ruleset (exact; rounding only for display)',
    input: z.object({ exam: z.string().trim().min(1), formation: z.string().optional() }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    // On the ranking thread where the app has one: ranking 100,000 candidates holds up no other request. Without one
    // (a one-shot command line) here, keeping nothing for a next request there will not be.
    prepare: async (ctx, input): Promise<RankingAnswer> => (ctx.ranker ? ctx.ranker.answer(input.exam, input.formation) : rankingAnswer(ctx.db, input.exam, input.formation, { keep: false })),
    handler: (_ctx, _input, answer) => answer,
  }),
  defineCommand({
    name: 'ranking.export',
    summary: 'The ranking as a file (base64), with the ruleset and its sha256: csv (exact, for programs: commas, decimal points, fractions), csv-excel (for a spreadsheet in Indonesian: semicolons, decimal commas) or xlsx',
    input: z.object({ exam: z.string().trim().min(1), formation: z.string().optional(), format: z.enum(['csv', 'csv-excel', 'xlsx']) }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    prepare: (ctx, input) => (ctx.ranker ? ctx.ranker.file(input.exam, input.formation, input.format) : rankingFile(ctx.db, input.exam, input.formation, input.format, { keep: false })),
    handler: (_ctx, input, file) => ({
      name: file.name,
      mime: input.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
      dataBase64: file.bytes.toString('base64'),
    }),
  }),
];
