import type { Command } from 'commander';
import type { Account } from '../../core/accounts/accounts';
import type { CliIo } from '../io';
import { dataOption } from '../options';
import { invoke, withApp } from '../workstation';

function findId(io: CliIo, accounts: Account[], name: string): string {
  const a = accounts.find((x) => x.name === name.toLowerCase());
  return a?.id ?? name; // let the registry refuse an unknown id with its own message
}

export function registerAccountCommands(program: Command, io: CliIo): void {
  const accounts = program.command('accounts').description('people who use this workstation');
  accounts
    .command('list')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((o: { data: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const list = await invoke<Account[]>(io, app, 'accounts.list', {});
        if (o.json) return io.out(JSON.stringify(list, null, 2));
        for (const a of list) io.out(`${a.name.padEnd(20)} ${a.role.padEnd(12)} ${a.active ? 'active' : 'inactive'}  ${a.displayName}`);
      }),
    );
  accounts
    .command('add')
    .description('add a person; they choose their own PIN at first login')
    .addOption(dataOption())
    .requiredOption('--name <name>', 'login name')
    .requiredOption('--role <role>', 'coordinator, chair, examiner, clerk or observer')
    .option('--display-name <text>', 'full name')
    .option('--nip <nip>', '18-digit NIP')
    .option('--pin <pin>', 'first PIN (asked for when not given)')
    .action(async (o: { data: string; name: string; role: string; displayName?: string; nip?: string; pin?: string }) => {
      const pin = o.pin ?? (await io.askSecret(`First PIN for ${o.name}: `));
      await withApp(io, o.data, async (app) => {
        const a = await invoke<Account>(io, app, 'accounts.create', {
          name: o.name,
          role: o.role,
          displayName: o.displayName ?? o.name,
          nip: o.nip,
          pin,
        });
        io.out(`added ${a.name} (${a.role})`);
      });
    });
  for (const [verb, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    accounts
      .command(`${verb} <name>`)
      .addOption(dataOption())
      .action((name: string, o: { data: string }) =>
        withApp(io, o.data, async (app) => {
          const id = findId(io, await invoke<Account[]>(io, app, 'accounts.list', {}), name);
          const a = await invoke<Account>(io, app, 'accounts.setActive', { id, active });
          io.out(`${a.name} is now ${a.active ? 'active' : 'inactive'}`);
        }),
      );
  }
  accounts
    .command('reset-pin <name>')
    .description("reset a person's PIN and lift a lock")
    .addOption(dataOption())
    .option('--pin <pin>', 'the new PIN (asked for when not given)')
    .action(async (name: string, o: { data: string; pin?: string }) => {
      const pin = o.pin ?? (await io.askSecret(`New PIN for ${name}: `));
      await withApp(io, o.data, async (app) => {
        const id = findId(io, await invoke<Account[]>(io, app, 'accounts.list', {}), name);
        const a = await invoke<Account>(io, app, 'accounts.resetPin', { id, pin });
        io.out(`PIN of ${a.name} reset; they choose a new one at next login`);
      });
    });
}
