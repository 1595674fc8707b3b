import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, type CliIo } from '../io';
import { dataOption } from '../options';
import { CliExit, invoke, withApp } from '../workstation';
import { printRosterProblems } from '../roster-problems';
import type { Result } from '../../api/result';
import type { CommandOutput } from '../../api/contract';
import { rejectedReportCsv, rejectedReportName } from '../../shared/rejected-report';
import { ORDER_NAMES, type DateOrderFinding } from '../../core/roster/date-order';

/** Which order the file's dates were read in, and what said so: a person checks this against their file. */
function datesLine(d: DateOrderFinding): string {
  const by = d.by === 'value' ? `line ${d.line} has ${d.value}` : `the NIK on line ${d.line} agrees with ${d.value} read so`;
  return `dates read as ${ORDER_NAMES[d.order]}${d.twoDigitYears ? ', two-digit years by the applicants\' ages' : ''}: ${by}`;
}

interface Problem {
  path: string;
  message: string;
}

function printProblems(io: CliIo, file: string, problems: Problem[]): void {
  for (const p of problems.slice(0, 50)) io.err(`${file}: ${p.path}: ${p.message}`);
  if (problems.length > 50) io.err(`... and ${problems.length - 50} more`);
}

export function registerExamCommands(program: Command, io: CliIo): void {
  const exam = program.command('exam').description('exam packages from the selection committee');
  exam
    .command('import <file>')
    .description('import an exam package (JSON); the same package again changes nothing')
    .addOption(dataOption())
    .option('--dry-run', 'check and show what would change, import nothing')
    .action((file: string, o: { data: string; dryRun?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const result: Result = await app.invokeAsync(o.dryRun ? 'exams.preview' : 'exams.import', { file: { path: resolve(file) } }, { local: io.osUser });
        if (!result.ok) {
          const problems = result.error.details.problems as Problem[] | undefined;
          if (problems) printProblems(io, file, problems);
          io.err(`lentera: ${result.error.message}`);
          throw new CliExit(EXIT.FAILED);
        }
        const v = result.value as { status: string; exam: { code: string; name: string }; counts: Record<string, number>; changes: unknown[]; problems: Problem[] };
        if (v.problems.length) {
          printProblems(io, file, v.problems);
          throw new CliExit(EXIT.FAILED);
        }
        const counts = Object.entries(v.counts).map(([k, n]) => `${n} ${k}`).join(', ');
        io.out(`${v.exam.code} (${v.exam.name}): ${o.dryRun ? 'would be ' : ''}${v.status === 'new' ? 'imported' : v.status === 'unchanged' ? 'unchanged' : `updated (${v.changes.length} change(s))`}; ${counts}`);
      }),
    );
  exam
    .command('list')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((o: { data: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const list = await invoke<{ code: string; name: string; year: number; candidates: number; sessions: number }[]>(io, app, 'exams.list', {});
        if (o.json) return io.out(JSON.stringify(list, null, 2));
        if (!list.length) return io.out('No exams yet: import a package with "lentera exam import --data DIR FILE".');
        for (const e of list) io.out(`${e.code.padEnd(24)} ${String(e.year)}  ${String(e.candidates).padStart(7)} candidates  ${String(e.sessions).padStart(4)} sessions  ${e.name}`);
      }),
    );

  const roster = program.command('roster').description('candidates of an exam');
  roster
    .command('import <file>')
    .description('import candidates from CSV or XLSX; all or nothing unless --skip-invalid')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .option('--skip-invalid', 'import the valid rows; write the rejected ones to a report next to the input')
    .action((file: string, o: { data: string; exam: string; skipInvalid?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const result: Result = await app.invokeAsync(
          'roster.import',
          { exam: o.exam, file: { path: resolve(file) }, skipInvalid: Boolean(o.skipInvalid) },
          { local: io.osUser },
        );
        if (!result.ok) {
          // Row problems are listed; a refusal of the whole file (NIKs rounded, dates in two orders) is its sentence.
          if (!printRosterProblems(io, file, result.error, 'nothing was imported (use --skip-invalid to import the valid rows)')) io.err(`lentera: ${result.error.message}`);
          throw new CliExit(EXIT.FAILED);
        }
        const v = result.value as CommandOutput<'roster.import'>;
        io.out(`${file}: ${v.rows} rows: ${v.inserts} new, ${v.updates.length} updated, ${v.unchanged} unchanged, ${v.rejectedCount} rejected`);
        if (v.dates.by !== 'none') io.out(datesLine(v.dates));
        if (v.rejectedCount) {
          const report = rejectedReportName(resolve(file));
          writeFileSync(report, rejectedReportCsv(v.rejected, v.reportDelimiter));
          io.out(`rejected rows, with reasons: ${report}`);
        }
      }),
    );
  roster
    .command('list')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .option('--formation <code>', 'only this formation')
    .option('--json', 'print JSON')
    .action((o: { data: string; exam: string; formation?: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        // The CLI prints NIKs masked too: what lands in a terminal or a file travels further than the screen.
        const r = await invoke<{ total: number; rows: { nomorPeserta: string; nik: string; nama: string; kodeFormasi: string; kategori: string }[] }>(io, app, 'roster.list', {
          exam: o.exam,
          formation: o.formation,
          limit: 200_000,
        });
        const rows = r.rows.map((c) => ({ ...c, nik: `${c.nik.slice(0, 6)}********${c.nik.slice(14)}` }));
        if (o.json) return io.out(JSON.stringify(rows, null, 2));
        for (const c of rows) io.out(`${c.nomorPeserta.padEnd(16)} ${c.nik}  ${c.kodeFormasi.padEnd(10)} ${c.kategori.padEnd(12)} ${c.nama}`);
        io.out(`${r.total} candidate(s)`);
      }),
    );
}
