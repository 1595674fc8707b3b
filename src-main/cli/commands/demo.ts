import type { Command } from 'commander';
import type { DemoAccount } from '../../core/demo/seed';
import type { CliIo } from '../io';
import { dataOption } from '../options';
import { invoke, openApp } from '../workstation';
import { printRecoveryKey } from './custody';

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('create a workstation with a ready demo venue (Pemerintah Kota Semarang CPNS) and print its PINs once')
    .addOption(dataOption())
    .option('--candidates <n>', 'how many synthetic candidates', '300')
    .option('--plain', 'its data not encrypted at rest: for benches and training only, never for a real venue')
    .action(async (o: { data: string; candidates: string; plain?: boolean }) => {
      const app = await openApp(io, o.data, true);
      try {
        const out = await invoke<{ workstationId: string; exam: string; accounts: DemoAccount[]; signingKey: { passphrase: string; fingerprint: string }; workstation?: { passphrase: string; recoveryKey: string } }>(io, app, 'workstation.demo', { candidates: Number(o.candidates), encrypt: o.plain !== true });
        io.out(`Demo workstation ${out.workstationId} created in ${o.data} with exam ${out.exam}.`);
        io.out('Accounts (the PINs are shown this once; write them down):');
        for (const a of out.accounts) io.out(`  ${a.name.padEnd(12)} ${a.role.padEnd(12)} PIN ${a.pin}   ${a.displayName}`);
        io.out('These PINs work as they are: no demo account is asked to change its PIN at first login (accounts added or reset later are).');
        io.out(`Signing key of koordinator (uncertified, local): passphrase ${out.signingKey.passphrase}`);
        io.out(`  fingerprint ${out.signingKey.fingerprint}`);
        if (out.workstation) {
          io.out(`Workstation passphrase (its data is encrypted; asked at every start): ${out.workstation.passphrase}`);
          printRecoveryKey(io, out.workstation.recoveryKey);
        }
        if (!out.workstation) io.out('Its data is NOT encrypted at rest (--plain): for benches and training only.');
        const wsPass = out.workstation ? ' --workstation-passphrase-file FILE' : '';
        io.out(`Signed sheets and minutes: npx lentera sheets --data ${o.data} --exam ${out.exam} --out ./lembar${wsPass}`);
        io.out(`Start it with: npx lentera serve --data ${o.data}${out.workstation ? ' (it asks for the workstation passphrase, or takes --passphrase-file FILE)' : ''}`);
      } finally {
        app.close();
      }
    });
}
