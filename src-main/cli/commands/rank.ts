import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { RankedCandidate } from '../../core/ranking/engine';
import { isLenteraError } from '../../core/util/errors';
import { EXIT, type CliIo } from '../io';
import { outJson } from '../json-stream';
import { CliExit, invoke, withApp } from '../workstation';
import { optionalDataOption } from '../options';

function table(io: CliIo, results: RankedCandidate[], decimalComma = true): void {
  const num = (s: string | null) => (s === null ? '-' : decimalComma ? s.replace('.', ',') : s);
  io.out(`${'formasi'.padEnd(8)} ${'rank'.padStart(4)}  ${'nomor_peserta'.padEnd(14)} ${'SKD'.padStart(5)} ${'SKB'.padStart(8)} ${'akhir'.padStart(8)}  ${'status'.padEnd(7)} alasan`);
  for (const r of results) {
    // A provisional status (missing results could still change it) says so, and what it waits for.
    const status = r.provisional ? `${r.status} SEMENTARA` : r.status;
    const waits = r.provisional ? ` (sementara: ${r.provisional_reason ?? ''})` : '';
    io.out(`${r.kode_formasi.padEnd(8)} ${String(r.rank ?? '-').padStart(4)}  ${r.nomor_peserta.padEnd(14)} ${num(r.skd_total).padStart(5)} ${num(r.skb).padStart(8)} ${num(r.final).padStart(8)}  ${status.padEnd(7)} ${r.reason}${waits}${r.decided_by ? ` [${r.decided_by}]` : ''}`);
  }
}

export function registerRankCommand(program: Command, io: CliIo): void {
  program
    .command('rank')
    .description('rank an exam on a workstation (--data --exam), or a flat results file with a ruleset (--ruleset --input) so anyone can recompute published results')
    .addOption(optionalDataOption('the workstation data directory'))
    .option('--exam <code>', 'exam code (with --data)')
    .option('--formation <code>', 'only this formation')
    .option('--ruleset <file>', 'a ruleset JSON file (with --input)')
    .option('--input <file>', 'a flat results file, CSV or XLSX (with --ruleset)')
    .option('--json', 'print JSON')
    .action(async (o: { data?: string; exam?: string; formation?: string; ruleset?: string; input?: string; json?: boolean }) => {
      if (o.ruleset || o.input) {
        if (!o.ruleset || !o.input) {
          io.err('lentera rank: --ruleset and --input go together');
          throw new CliExit(EXIT.USAGE);
        }
        // Loaded here: the rest of the CLI needs neither the ranking engine nor the spreadsheet readers.
        const [{ rank }, { readFlatResultsFile }, { loadRulesetFile }] = await Promise.all([
          import('../../core/ranking/engine'),
          import('../../core/ranking/flat'),
          import('../../core/ranking/rulesets'),
        ]);
        try {
          const loaded = loadRulesetFile(resolve(o.ruleset));
          const facts = await readFlatResultsFile(resolve(o.input), loaded.ruleset);
          const all = rank(loaded.ruleset, facts.formations, facts.candidates);
          const results = o.formation ? all.filter((r) => r.kode_formasi === o.formation) : all;
          if (o.json) await outJson(io, { ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: loaded.sha256 }, results });
          else {
            io.out(`ruleset ${loaded.ruleset.id} ${loaded.ruleset.version} sha256 ${loaded.sha256}`);
            table(io, results);
          }
        } catch (e) {
          if (!isLenteraError(e)) throw e;
          const problems = e.details.problems as { path?: string; line?: number; column?: string; reason?: string; message?: string }[] | undefined;
          for (const p of problems ?? []) io.err(p.path !== undefined ? `${o.ruleset}: ${p.path}: ${p.message}` : `${o.input}, line ${p.line}, column ${p.column}: ${p.reason}`);
          io.err(`lentera: ${e.message}`);
          throw new CliExit(EXIT.FAILED);
        }
        return;
      }
      if (!o.data || !o.exam) {
        io.err('lentera rank: give --data DIR --exam CODE, or --ruleset FILE --input FILE');
        throw new CliExit(EXIT.USAGE);
      }
      await withApp(io, o.data, async (app) => {
        const out = await invoke<{ ruleset: { id: string; version: string; sha256: string }; results: RankedCandidate[] }>(io, app, 'ranking.compute', { exam: o.exam, formation: o.formation });
        // As bytes, their buffers filled again once written: at 100,000 candidates 3.5 s and 265–271 MB peak, where
        // the text way took 4.9–5.0 s and 291–294 MB (the budget is 300 MB: tests/bench/ranking.bench.ts).
        if (o.json) return outJson(io, out);
        io.out(`ruleset ${out.ruleset.id} ${out.ruleset.version} sha256 ${out.ruleset.sha256}`);
        table(io, out.results);
      });
    });
}
