import type { Command } from 'commander';
import type { PurgeCleanup, PurgeOutcome } from '../../core/exams/purge';
import { EXIT, type CliIo } from '../io';
import { dataOption } from '../options';
import { CliExit, invoke, withApp } from '../workstation';

/**
 * `lentera purge`: removes the personal data of one exam from this workstation once its objection period is over and
 * the retention period has passed (core/exams/purge.ts; docs/security.md, "Retention and purge"). No flag overrides
 * a refusal: the retention period is the audited setting retention.days.
 */
export function registerPurgeCommand(program: Command, io: CliIo): void {
  program
    .command('purge')
    .description("remove an exam's personal data (NIK, names, birth dates, signed PDFs) after its objection and retention periods; bundles, audit log and receipts stay verifiable")
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .action((o: { data: string; exam: string }) =>
      withApp(io, o.data, async (app) => {
        const r = await invoke<PurgeOutcome & { cleanup: Partial<PurgeCleanup> }>(io, app, 'exams.purge', { exam: o.exam });
        const c = r.cleanup;
        if (r.status === 'already-purged') {
          io.out(`Nothing to purge: the personal data of ${r.exam} was removed on ${r.purgedAt}.${c.filesRemoved ? ` ${c.filesRemoved} file(s) an earlier purge left behind were deleted.` : ''}`);
        } else {
          io.out(`The personal data of ${r.exam} is removed from this workstation:`);
          io.out(`  ${r.counts.candidates} candidate(s): NIK masked, name replaced, birth date kept only as its year and order (the ranking is unchanged)`);
          io.out(`  ${r.counts.packageRoster} roster row(s) of the stored exam package, the same way; ${r.counts.conflicts} conflict reason(s) replaced`);
          io.out(`  ${c.filesRemoved ?? 0} signed PDF(s) deleted from the exam's sheets folder`);
          io.out('  kept as they were: the audit log, the exported bundles, the receipts, the scores and results');
        }
        if (c.vacuumed && c.walTruncated) io.out('The database was compacted and its write-ahead log emptied: no old value is left in its free space.');
        if (r.auditEventsWithPersonalData) {
          io.out(`Note: ${r.auditEventsWithPersonalData} audit event(s) of roster corrections record names and birth dates before and after; the audit chain is append-only and hashed, so they stay.`);
        }
        for (const w of r.warnings) io.out(`Note: ${w}`);
        const problems = [c.filesError, c.vacuumError, c.vacuumed && !c.walTruncated ? 'The write-ahead log could not be emptied (another program is reading the workstation): run "lentera purge" again when it is closed.' : null].filter((p): p is string => !!p);
        for (const p of problems) io.err(`lentera: ${p}`);
        if (problems.length) throw new CliExit(EXIT.FAILED);
      }),
    );
}
