import { z } from 'zod';
import { finishPurge, purgeExam, type PurgeCleanup, type PurgeOutcome } from '../../core/exams/purge';
import { defineCommand } from '../registry';

/**
 * `exams.purge`: the personal data of one exam removed once the law allows it (core/exams/purge.ts says what, and
 * the refusals). The rows change inside the command's audited transaction; the PDFs are deleted and the database
 * compacted once it has committed (put back as they were if it did not), and the answer says how that went.
 */
export const purgeCommands = [
  defineCommand({
    name: 'exams.purge',
    summary: "Remove the personal data of an exam's candidates (NIK, names, birth dates, signed PDFs) after its objection period and retention period",
    input: z.object({ exam: z.string().trim().min(1).max(40) }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input): PurgeOutcome & { cleanup: Partial<PurgeCleanup> } => {
      const cleanup: Partial<PurgeCleanup> = {};
      // Registered first, so whatever happens below (a refusal, a failed commit) the files go back and secure_delete off.
      ctx.afterCommand(() => Object.assign(cleanup, finishPurge(ctx.db, ctx.dataDir, input.exam)));
      const out = purgeExam(ctx.db, ctx.dataDir, input.exam, ctx.at);
      if (out.status === 'purged') ctx.emit('exams.changed', { exam: out.exam });
      return { ...out, cleanup };
    },
    // Counts and dates only: never a value that was removed.
    auditPayload: (_input, out) => ({
      exam: out.exam,
      status: out.status,
      purgedAt: out.purgedAt,
      counts: out.counts,
      ...(out.check ? { objectionUntil: out.check.objectionUntil, retentionDays: out.check.retentionDays, retentionFrom: out.check.retentionFrom } : {}),
      auditEventsWithPersonalData: out.auditEventsWithPersonalData,
    }),
  }),
];
