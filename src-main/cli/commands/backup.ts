import { basename } from 'node:path';
import type { Command } from 'commander';
import type { RestoreOutcome } from '../../core/custody/backup';
import type { CliIo } from '../io';
import { dataOption, secret } from '../options';
import { invoke, openApp } from '../workstation';
import { newPassphrase } from './custody';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * What the restore's audit event says: the backup and its head, and what it replaced: that workstation's head, how
 * the two chains stood (`relation`, `common`: the last event both held alike), whether it was forced, and the name of
 * the replaced database kept aside. "replaced: true" alone did not say which events a restore took away.
 */
function restorePayload(from: string, out: RestoreOutcome, current: { head: { seq: number; hash: string } } | null, forced: boolean): Record<string, unknown> {
  return {
    from: basename(from),
    backupSeq: out.restored.head.seq,
    backupHead: out.restored.head,
    replaced: out.replacedAside !== null,
    forced,
    replacedHead: current?.head ?? null,
    relation: out.relation?.kind ?? null,
    common: out.relation?.common ?? null,
    keptAside: out.replacedAside === null ? null : basename(out.replacedAside),
  };
}

export function registerBackupCommands(program: Command, io: CliIo): void {
  program
    .command('backup')
    .description('write a backup of the workstation now (online: the venue may go on working), encrypted like the workstation')
    .addOption(dataOption())
    .requiredOption('--out <file>', 'the backup file to write (on another disk or a USB stick); an existing file is replaced only once the new one is whole')
    .action(async (o: { data: string; out: string }) => {
      const { resolve } = await import('node:path');
      const app = await openApp(io, o.data);
      try {
        const { assertOutsideData, backupTo } = await import('../../core/custody/backup');
        const ws = app.workstation!;
        assertOutsideData(resolve(o.out), ws.dir);
        const info = backupTo(ws.db, ws.dir, resolve(o.out), { ...(ws.key ? { key: ws.key } : {}), at: new Date().toISOString() });
        io.out(`Backup written: ${info.file} (${mb(info.bytes)}, audit event ${info.head.seq}${info.encrypted ? ', encrypted like the workstation' : ', NOT encrypted: the workstation is not'}).`);
      } finally {
        app.close();
      }
    });

  program
    .command('backups')
    .description('where and how often the open workstation (serve, the desktop) writes its backups; without options, how they stand')
    .addOption(dataOption())
    .option('--folder <dir>', 'the backup folder: on another disk or a USB stick (made if its parent exists)')
    .option('--no-folder', 'stop writing backups')
    .option('--every <minutes>', 'minutes between backups (default 5; one is also written after every finalization)')
    .option('--keep <n>', 'how many of the newest backups are kept (default 24)')
    .action(async (o: { data: string; folder?: string | false; every?: string; keep?: string }) => {
      const { resolve } = await import('node:path');
      const app = await openApp(io, o.data);
      try {
        const input: { folder?: string | null; intervalMinutes?: number; keep?: number } = {};
        if (o.folder === false) input.folder = null;
        else if (typeof o.folder === 'string') input.folder = resolve(o.folder);
        if (o.every !== undefined) input.intervalMinutes = Number(o.every);
        if (o.keep !== undefined) input.keep = Number(o.keep);
        if (Object.keys(input).length) {
          const out = await invoke<{ folder: string | null; intervalMinutes: number; keep: number }>(io, app, 'backup.configure', input);
          io.out(out.folder ? `Backups every ${out.intervalMinutes} min and after every finalization into ${out.folder}; the newest ${out.keep} are kept.` : 'No backups are written: no folder is set.');
        } else {
          const s = await invoke<{ folder: string | null; intervalMinutes: number }>(io, app, 'backup.status', {});
          const { listBackups } = await import('../../core/custody/backup');
          const list = s.folder ? listBackups(s.folder, app.workstation!.id) : [];
          io.out(s.folder ? `Backup folder ${s.folder}, every ${s.intervalMinutes} min; ${list.length} backup(s) there${list[0] ? `, the newest ${list[0].file} (audit event ${list[0].seq})` : ''}.` : 'No backup folder is set: choose one with --folder.');
        }
      } finally {
        app.close();
      }
    });

  program
    .command('restore')
    .description('restore a backup into a workstation folder (checked whole first; whatever it replaces is kept aside)')
    .addOption(dataOption())
    .requiredOption('--from <file>', 'the backup file')
    .option('--recovery-key-file <file>', "the recovery key's 24 words (for a backup whose passphrase is lost, or with no custody file beside it)")
    .option('--new-passphrase-file <file>', 'the passphrase to set when restoring with the recovery key into a new folder (asked for on a terminal)')
    .option('--force', 'replace a workstation that is further on than the backup (it is kept aside)')
    .action(async (o: { data: string; from: string; passphraseFile?: string; workstationPassphraseFile?: string; recoveryKeyFile?: string; newPassphraseFile?: string; force?: boolean }) => {
      const [{ resolve }, fs, custody, backup, { openDatabase }, { appendEvent }, { writeTransaction }, { OwnerLock }, { systemClock }, { LenteraError }] = await Promise.all([
        import('node:path'),
        import('node:fs'),
        import('../../core/custody/custody'),
        import('../../core/custody/backup'),
        import('../../core/db/open'),
        import('../../core/audit/chain'),
        import('../../core/db/transaction'),
        import('../../core/workstation/owner-lock'),
        import('../../core/util/clock'),
        import('../../core/util/errors'),
      ]);
      const { replaceFileDurably } = await import('../../core/util/durable-file');
      const from = resolve(o.from);
      const dir = resolve(o.data);
      if (!fs.existsSync(from)) throw new LenteraError('FILE_NOT_FOUND', `${from} does not exist.`, { file: from });
      const encrypted = !custody.isPlainDatabase(from);
      const dbFile = resolve(dir, 'lentera.db');
      const hereCustody = custody.custodyPath(dir);
      const besideCustody = `${from}${backup.CUSTODY_SUFFIX}`;
      let key: Buffer | undefined;
      let custodyToCopy: string | null = null;
      let setPassphrase: string | null = null;
      if (encrypted) {
        if (o.recoveryKeyFile !== undefined) {
          key = custody.unlockCustody(dir, { recoveryKey: await secret(io, o.recoveryKeyFile, '') }, systemClock, fs.existsSync(hereCustody) ? hereCustody : besideCustody);
        } else {
          const file = fs.existsSync(hereCustody) ? hereCustody : fs.existsSync(besideCustody) ? besideCustody : null;
          if (!file) throw new LenteraError('RECOVERY_KEY_NEEDED', `No custody file came with ${from} and there is none in ${dir}: restore with --recovery-key-file.`, {});
          key = custody.unlockCustody(dir, { passphrase: await secret(io, o.passphraseFile ?? o.workstationPassphraseFile, 'Workstation passphrase: ') }, systemClock, file);
        }
        if (!fs.existsSync(hereCustody)) {
          if (fs.existsSync(besideCustody)) custodyToCopy = besideCustody;
          else setPassphrase = await newPassphrase(io, o.newPassphraseFile, 'New workstation passphrase');
        }
      } else if (fs.existsSync(hereCustody)) {
        throw new LenteraError('BACKUP_PLAIN', `${from} is a plain (unencrypted) backup, but the workstation in ${dir} is encrypted: restore it into an empty folder, then run "lentera encrypt" there. Nothing was changed.`, {});
      }
      // The backup is checked before anything here is touched or locked (and again once copied in).
      backup.checkBackup(from, key);
      if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const lock = OwnerLock.acquire(dir, { door: 'restore' });
      try {
        let current: { id: string; head: { seq: number; hash: string } } | null = null;
        if (fs.existsSync(dbFile)) {
          try {
            current = backup.readIdentity(dbFile, key);
          } catch {
            // Damaged, or another workstation's: replaced only on request, and kept aside then.
            if (!o.force) throw new LenteraError('BACKUP_OTHER_WORKSTATION', `The database in ${dir} does not open with the backup's key: it is another workstation's, or damaged. Restore into an empty folder, or give --force to replace it (it is kept aside). Nothing was changed.`, {});
          }
        }
        // The custody file first, whole (the key it wraps is the backup's): a crash then leaves it beside the old
        // database of the same workstation, or in a folder still without one.
        if (custodyToCopy) replaceFileDurably(hereCustody, fs.readFileSync(custodyToCopy));
        if (setPassphrase !== null && key) custody.custodyForKey(dir, key, setPassphrase);
        let out: Awaited<ReturnType<typeof backup.restoreBackup>>;
        try {
          out = backup.restoreBackup(dir, from, { ...(key ? { key } : {}), force: o.force === true, at: systemClock.now().toISOString(), current });
        } catch (e) {
          if (custodyToCopy || setPassphrase !== null) fs.rmSync(hereCustody, { force: true });
          throw e;
        }
        const info = out.restored;
        const db = openDatabase(dbFile, key ? { key } : {});
        try {
          const at = systemClock.now().toISOString();
          writeTransaction(db, () => appendEvent(db, { at, actor: `cli:${io.osUser}`, command: 'workstation.restore', outcome: 'ok', payload: restorePayload(from, out, current, o.force === true) }));
        } finally {
          db.close();
        }
        io.out(`Restored ${from} into ${dir}: workstation ${info.workstationId}, audit event ${info.head.seq}, chain verified.${out.replacedAside ? ` The database it replaced is kept at ${out.replacedAside}.` : ''}`);
      } finally {
        lock.release();
        key?.fill(0);
      }
    });
}
