import type { Command } from 'commander';
import { EXIT, type CliIo } from '../io';
import { dataOption, passphraseFileOption, secret } from '../options';
import { CliExit } from '../workstation';

/** Prints the recovery key's words once, with what to do with them. */
export function printRecoveryKey(io: CliIo, words: string): void {
  const list = words.split(' ');
  io.out('');
  io.out('RECOVERY KEY — write these 24 words down now, on paper, and keep them in the committee\'s safe.');
  io.out('They open this workstation and its backups if the passphrase is forgotten. They are shown only this once.');
  for (let i = 0; i < list.length; i += 6) io.out(`  ${list.slice(i, i + 6).map((w, k) => `${String(i + k + 1).padStart(2)}. ${w.padEnd(10)}`).join(' ').trimEnd()}`);
  io.out('');
}

/** A new passphrase: from its file, or typed twice on a terminal. */
export async function newPassphrase(io: CliIo, file: string | undefined, what: string): Promise<string> {
  const p = await secret(io, file, `${what} (at least 12 characters): `);
  if (file === undefined && process.stdin.isTTY) {
    const again = await io.askSecret('Repeat it: ');
    if (again !== p) {
      io.err('lentera: the two passphrases differ; nothing was changed.');
      throw new CliExit(EXIT.FAILED);
    }
  }
  return p;
}

export function registerCustodyCommands(program: Command, io: CliIo): void {
  program
    .command('encrypt')
    .description('encrypt an older, plain workstation (nobody may have it open); prints its recovery key once')
    .addOption(dataOption())
    .addOption(passphraseFileOption("the workstation passphrase to set, the file's first line (asked for twice on a terminal)"))
    .option('--keep-plain', 'keep the plain original aside (it holds every NIK in the clear: remove it yourself once the encrypted one is checked)')
    .action(async (o: { data: string; passphraseFile?: string; keepPlain?: boolean }) => {
      const [{ encryptWorkstation }, { OwnerLock }, { systemClock }] = await Promise.all([import('../../core/custody/encrypt'), import('../../core/workstation/owner-lock'), import('../../core/util/clock')]);
      const passphrase = await newPassphrase(io, o.passphraseFile, 'New workstation passphrase');
      // Nobody else may have the database open while it is replaced: the owner lock, as `serve` takes it.
      const lock = OwnerLock.acquire(o.data, { door: 'encrypt' });
      try {
        const out = encryptWorkstation(o.data, passphrase, { clock: systemClock, actor: `cli:${io.osUser}`, keepPlain: o.keepPlain === true });
        io.out(`The workstation in ${o.data} is encrypted (SQLCipher 4).${out.keptPlain ? ` The plain original is kept at ${out.keptPlain}: remove it once you have checked the encrypted one.` : ' The plain original was overwritten and removed.'}`);
        printRecoveryKey(io, out.recoveryKey);
        if (out.sealingError) io.err(`lentera: the signed PDFs and bundles made before are not all encrypted yet (${out.sealingError}). Free the space or fix that, then open the workstation once (e.g. lentera status --data ${o.data} --passphrase-file FILE): the rest are encrypted then.`);
      } finally {
        lock.release();
      }
    });

  program
    .command('passphrase')
    .description("change an encrypted workstation's passphrase (with the current one, or with the recovery key when it is forgotten)")
    .addOption(dataOption())
    .option('--recovery-key-file <file>', "the recovery key's 24 words, instead of the current passphrase")
    .option('--new-passphrase-file <file>', "the new passphrase, the file's first line (asked for twice on a terminal when not given)")
    .action(async (o: { data: string; passphraseFile?: string; workstationPassphraseFile?: string; recoveryKeyFile?: string; newPassphraseFile?: string }) => {
      const [{ assertPassphrase, custodyForKey, unlockCustody }, { systemClock }, { openDatabase }, { appendEvent }, { writeTransaction }, { databasePath }] = await Promise.all([
        import('../../core/custody/custody'),
        import('../../core/util/clock'),
        import('../../core/db/open'),
        import('../../core/audit/chain'),
        import('../../core/db/transaction'),
        import('../../core/workstation/workstation'),
      ]);
      const current = o.recoveryKeyFile !== undefined ? { recoveryKey: await secret(io, o.recoveryKeyFile, '') } : { passphrase: await secret(io, o.passphraseFile ?? o.workstationPassphraseFile, 'Current workstation passphrase: ') };
      const next = await newPassphrase(io, o.newPassphraseFile, 'New workstation passphrase');
      assertPassphrase(next);
      const key = unlockCustody(o.data, current, systemClock);
      // The key opens the database before it is wrapped again (a recovery key is checked there when the custody
      // file is lost or damaged); the change is recorded in the workstation's own chain, never the secret.
      const db = openDatabase(databasePath(o.data), { key });
      try {
        custodyForKey(o.data, key, next);
        const at = systemClock.now().toISOString();
        writeTransaction(db, () => appendEvent(db, { at, actor: `cli:${io.osUser}`, command: 'workstation.passphrase', outcome: 'ok', payload: { with: 'recoveryKey' in current ? 'recovery key' : 'passphrase' } }));
      } finally {
        db.close();
        key.fill(0);
      }
      io.out(`The passphrase of the workstation in ${o.data} is changed. The recovery key stays the same.`);
    });
}
