import type { Command } from 'commander';
import { EXIT, type CliIo } from '../io';
import { dataOption } from '../options';
import { CliExit, invoke, openApp } from '../workstation';

export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a workstation: its database, its id and its first coordinator')
    .addOption(dataOption())
    .requiredOption('--admin <name>', 'login name of the first coordinator')
    .option('--display-name <text>', 'full name of the first coordinator')
    .option('--pin <pin>', 'PIN of the first coordinator (asked for when not given)')
    .action(async (o: { data: string; admin: string; displayName?: string; pin?: string }) => {
      let pin = o.pin;
      if (pin === undefined) {
        pin = await io.askSecret(`PIN for ${o.admin} (6–12 digits): `);
        if (process.stdin.isTTY) {
          const again = await io.askSecret('Repeat the PIN: ');
          if (again !== pin) {
            io.err('lentera: the two PINs differ; nothing was created.');
            throw new CliExit(EXIT.FAILED);
          }
        }
      }
      const app = await openApp(io, o.data, true);
      try {
        const out = await invoke<{ workstationId: string }>(io, app, 'workstation.init', {
          adminName: o.admin,
          adminDisplayName: o.displayName,
          pin,
        });
        io.out(`Workstation ${out.workstationId} created in ${o.data}; coordinator "${o.admin}" can log in.`);
      } finally {
        app.close();
      }
    });
}
