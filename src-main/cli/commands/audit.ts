import type { Command } from 'commander';
import type { AuditEvent, VerifyResult } from '../../core/audit/chain';
import type { unrecordedEvents } from '../../core/audit/unrecorded';
import { EXIT, type CliIo } from '../io';
import { dataOption } from '../options';
import { CliExit, invoke, withApp } from '../workstation';

export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the whole chain; exit 0 and print the head when intact, 1 naming the first bad event')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((o: { data: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const r = await invoke<VerifyResult & { unrecorded?: ReturnType<typeof unrecordedEvents> }>(io, app, 'audit.verify', {});
        if (o.json) io.out(JSON.stringify(r, null, 2));
        if (r.ok) {
          if (!o.json) io.out(`audit chain intact: ${r.count} events, head ${r.head.seq} ${r.head.hash}`);
          // The chain holds, and it recorded that rows were added to the records outside Lentera: not a clean bill.
          if (!r.unrecorded?.length) return;
          if (!o.json) {
            for (const u of r.unrecorded) {
              const what = u.tables.map((t) => `${t.rows} row(s) of ${t.table} (${t.ids.slice(0, 5).join(', ')}${t.ids.length > 5 ? ', …' : ''})`).join('; ');
              io.err(`RECORDS CHANGED OUTSIDE LENTERA: event ${u.seq} (${u.at}) found ${what} that no command had recorded`);
            }
          }
          throw new CliExit(EXIT.FAILED);
        }
        if (!o.json) io.err(`audit chain BROKEN at event ${r.firstBadSeq}: ${r.reason}`);
        throw new CliExit(EXIT.FAILED);
      }),
    );
  audit
    .command('log')
    .description('print audit events, newest first')
    .addOption(dataOption())
    .option('--limit <n>', 'how many events', '50')
    .option('--json', 'print JSON')
    .action((o: { data: string; limit: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const events = await invoke<AuditEvent[]>(io, app, 'audit.list', { limit: Number(o.limit) });
        if (o.json) return io.out(JSON.stringify(events, null, 2));
        for (const e of events) {
          io.out(`${String(e.seq).padStart(6)}  ${e.at}  ${e.outcome.padEnd(7)}  ${e.actor.padEnd(24)}  ${e.command}  ${e.hash.slice(0, 16)}`);
        }
      }),
    );
}
