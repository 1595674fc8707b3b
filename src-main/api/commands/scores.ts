import { z } from 'zod';
import { requireExam } from '../../core/exams/exams';
import { applyCatImport, planCatImport } from '../../core/scoring/cat-import';
import { listScores } from '../../core/scoring/scores';
import { blindScores } from '../../core/scoring/blind';
import { fileRef, localFile, loadTable } from '../files';
import { defineCommand } from '../registry';

const examCode = z.string().trim().min(1).max(40);


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
      const name = ctx.principal.kind === 'user' ? ctx.principal.account.name : '';
      return blindScores(all, { local: ctx.principal.kind === 'local', actor: ctx.actor, name });
    },
  }),
];
