import { z } from 'zod';
import { printedScoringForms } from '../../core/print/scoring-forms';
import { printedRanking } from '../../core/print/ranking-file';
import { defineCommand } from '../registry';

/** Working papers a venue prints (unsigned, and they say so): answered as a file to download, like `sheets.file`. */
export const printCommands = [
  defineCommand({
    name: 'print.ranking',
    summary: "One formation's ranking as an A4 PDF, with the audit chain head and the ruleset hash on every page",
    input: z.object({ exam: z.string().trim().min(1), formation: z.string().trim().min(1).max(40) }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    // On the ranking thread where the app has one, from its kept ranking: a print holds up no other request.
    prepare: (ctx, input) => (ctx.ranker ? ctx.ranker.print(input.exam, input.formation, new Date(ctx.at)) : printedRanking(ctx.db, input.exam, input.formation, new Date(ctx.at), { keep: false })),
    handler: (_ctx, _input, file) => ({ name: file.name, mime: 'application/pdf', dataBase64: file.bytes.toString('base64') }),
  }),
  defineCommand({
    name: 'print.scoringForms',
    summary: 'Blank interview scoring forms of a session as a PDF, one page per candidate (no scores on them)',
    input: z.object({ exam: z.string().trim().min(1), session: z.string().trim().min(1).max(40) }),
    access: ['coordinator', 'chair', 'examiner', 'observer'],
    mutates: false,
    // On the ranking thread too: pdfkit made a session's 100 forms in 280 ms, in which no check-in was answered.
    prepare: (ctx, input) => (ctx.ranker ? ctx.ranker.forms(input.exam, input.session, new Date(ctx.at)) : printedScoringForms(ctx.db, input.exam, input.session, new Date(ctx.at))),
    handler: (_ctx, _input, file) => ({ name: file.name, mime: 'application/pdf', dataBase64: file.bytes.toString('base64') }),
  }),
];
