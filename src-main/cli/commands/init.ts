import type { Command } from 'commander';
import { EXIT, type CliIo } from '../io';
import { dataOption, passphraseFileOption } from '../options';
import { CliExit, invoke, openApp } from '../workstation';
import { newPassphrase, printRecoveryKey } from './custody';

export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a workstation: its database, its id and its first coordinator')
    .addOption(dataOption())
    .requiredOption('--admin <name>', 'login name of the first coordinator')
    .option('--display-name <text>', 'full name of the first coordinator')
    .option('--pin <pin>', 'PIN of the first coordinator (asked for when not given)')
    .addOption(passphraseFileOption("the workstation passphrase that encrypts its data, the file's first line (asked for on a terminal); prints the recovery key once"))
    .option('--plain', 'make a workstation whose data is NOT encrypted: for tests and training with invented people only')
    .action(async (o: { data: string; admin: string; displayName?: string; pin?: string; passphraseFile?: string; plain?: boolean }) => {
      if (o.plain && o.passphraseFile !== undefined) {
        io.err('lentera: --plain and --passphrase-file contradict each other; nothing was created.');
        throw new CliExit(EXIT.USAGE);
      }
      // A script gives the passphrase in a file; a terminal is asked. Never a plain workstation by omission.
      if (!o.plain && o.passphraseFile === undefined && !process.stdin.isTTY) {
        io.err('lentera: a workstation is created encrypted: give --passphrase-file FILE (the passphrase on its first line), or run init on a terminal to type it. --plain makes one without encryption, for tests and training only. Nothing was created.');
        throw new CliExit(EXIT.USAGE);
      }
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
      const passphrase = o.plain ? undefined : await newPassphrase(io, o.passphraseFile, 'Workstation passphrase');
      const app = await openApp(io, o.data, true);
      try {
        const out = await invoke<{ workstationId: string; recoveryKey?: string }>(io, app, 'workstation.init', {
          adminName: o.admin,
          adminDisplayName: o.displayName,
          pin,
          ...(passphrase !== undefined ? { passphrase } : {}),
        });
        io.out(`Workstation ${out.workstationId} created in ${o.data}; coordinator "${o.admin}" can log in.`);
        if (out.recoveryKey) {
          io.out('Its data is encrypted: every start asks for the workstation passphrase (--passphrase-file on the command line).');
          printRecoveryKey(io, out.recoveryKey);
        } else {
          io.out('Its data is NOT encrypted (--plain): run "lentera encrypt" before it holds real candidates.');
        }
      } finally {
        app.close();
      }
    });
}
