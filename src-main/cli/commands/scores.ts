import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Result } from '../../api/result';
import type { CatProblem } from '../../core/scoring/cat-import';
import type { ScoreView } from '../../core/scoring/scores';
import { EXIT, type CliIo } from '../io';
import { dataOption } from '../options';
import { CliExit, invoke, withApp } from '../workstation';

export function registerScoreCommands(program: Command, io: CliIo): void {
  const scores = program.command('scores').description('scores of an exam');
  scores
    .command('import <file>')
    .description('import CAT results (columns: nomor_peserta and one per component of the stage); all or nothing')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .requiredOption('--stage <code>', 'stage code, e.g. SKD')
    .option('--dry-run', 'check only')
    .action((file: string, o: { data: string; exam: string; stage: string; dryRun?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const r: Result = await app.invokeAsync('scores.import', { exam: o.exam, stage: o.stage, file: { path: resolve(file) }, dryRun: Boolean(o.dryRun) }, { local: io.osUser });
        const problems = (r.ok ? (r.value as { problems: CatProblem[] }).problems : (r.error.details.problems as CatProblem[] | undefined)) ?? [];
        for (const p of problems.slice(0, 50)) io.err(`${file}, line ${p.line}, column ${p.column}: ${p.reason}`);
        if (!r.ok) {
          io.err(`lentera: ${r.error.message}`);
          throw new CliExit(EXIT.FAILED);
        }
        const v = r.value as { rows: number; written: number; unchanged: number; alreadyImported: boolean; problemCount: number };
        if (v.problemCount) throw new CliExit(EXIT.FAILED);
        io.out(`${file}: ${v.rows} rows; ${o.dryRun ? 'would write' : 'wrote'} ${v.written} score(s), ${v.unchanged} unchanged${v.alreadyImported ? ' (this exact file was imported before)' : ''}`);
      }),
    );
  scores
    .command('list')
    .description('every score with its state')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .option('--stage <code>', 'only this stage')
    .option('--json', 'print JSON')
    .action((o: { data: string; exam: string; stage?: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const list = await invoke<ScoreView[]>(io, app, 'scores.list', { exam: o.exam, stage: o.stage });
        if (o.json) return io.out(JSON.stringify(list, null, 2));
        for (const s of list) io.out(`${s.nomorPeserta.padEnd(16)} ${s.stage.padEnd(10)} ${s.item.padEnd(12)} ${String(s.value).padStart(6)}  ${s.state}`);
        io.out(`${list.length} score(s)`);
      }),
    );
}
