import type { Command } from 'commander';
import type { CliIo } from '../io';
import { dataOption } from '../options';
import { invoke, withApp } from '../workstation';

export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description('workstation id, versions and audit chain head')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((o: { data: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const s = await invoke<{ workstationId: string; version: string; schemaVersion: number; chainHead: { seq: number; hash: string } }>(
          io,
          app,
          'system.status',
          {},
        );
        if (o.json) return io.out(JSON.stringify(s, null, 2));
        io.out(`workstation  ${s.workstationId}\nversion      ${s.version} (schema ${s.schemaVersion})\nchain head   ${s.chainHead.seq} ${s.chainHead.hash}`);
      }),
    );
}
