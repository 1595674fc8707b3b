/**
 * `lentera encrypt`: an older, plain workstation's database encrypted in place of the original, which is then
 * overwritten and removed (kept aside, plain, only when asked: a copy aside would defeat the point).
 *
 * The work is done on a copy taken under an exclusive lock: the copy is encrypted (SQLite3 Multiple Ciphers' rekey,
 * its journal in memory: no file may keep plain pages), checked (integrity, and the same audit head as the original),
 * flushed, and only then renamed over the original, its custody file following (finishInterruptedEncryption). A
 * crash at any moment leaves the plain original and no custody file, or the encrypted database and its custody
 * file, which the next open completes.
 */
import { copyFileSync, existsSync, linkSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { appendEvent, chainHead } from '../audit/chain';
import { cipherConnection, keyConnection, makePrivate, openDatabase } from '../db/open';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../util/clock';
import { flushFile, syncFolder } from '../util/durable-file';
import { readIdentity } from './backup';
import { LenteraError } from '../util/errors';
import { databasePath, isWorkstation } from '../workstation/workstation';
import { assertPassphrase, createCustody, custodyPath, isEncrypted } from './custody';
import { finishInterruptedEncryption, shred } from './interrupted';
import { markSealingPending, sealPendingFiles } from './seal-plain';

export interface EncryptOutcome {
  recoveryKey: string;
  /** the plain original, when it was asked to be kept */
  keptPlain: string | null;
  /** why the files made while it was plain are not all sealed yet (the next open with the key finishes them) */
  sealingError: string | null;
}

/**
 * Encrypts the plain workstation in `dir` under a new data key (its custody made with `passphrase`). The caller
 * holds the owner lock: nobody else may have the database open.
 */
export function encryptWorkstation(dir: string, passphrase: string, opts: { clock: Clock; actor: string; keepPlain?: boolean; nativeBinding?: string }): EncryptOutcome {
  if (!isWorkstation(dir)) throw new LenteraError('NOT_A_WORKSTATION', `${dir} is not a Lentera workstation.`, { dir });
  finishInterruptedEncryption(dir);
  if (isEncrypted(dir)) throw new LenteraError('ALREADY_ENCRYPTED', `The workstation in ${dir} is encrypted already; nothing was changed.`, { dir });
  assertPassphrase(passphrase);
  const file = databasePath(dir);
  const work = `${file}.encrypting`;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(work + s, { force: true });

  // The original, whole in one file (its WAL folded in), copied while this connection holds it exclusively: a
  // one-shot command beside it (the owner lock keeps serve and the desktop out) waits, or this refuses.
  const original = openDatabase(file, { nativeBinding: opts.nativeBinding });
  let head: { seq: number; hash: string };
  try {
    original.pragma('wal_checkpoint(TRUNCATE)');
    original.pragma('locking_mode = EXCLUSIVE');
    original.exec('BEGIN EXCLUSIVE');
    head = chainHead(original);
    copyFileSync(file, work);
    original.exec('ROLLBACK');
  } finally {
    original.close();
  }
  makePrivate(work);

  // The custody file waits under another name until the encrypted database has taken the original's place: a crash
  // before that leaves a plain workstation with no custody file (finishInterruptedEncryption).
  const pending = `${custodyPath(dir)}.pending`;
  const custody = createCustody(dir, passphrase, pending);
  const keptPlain = opts.keepPlain ? `${file}.plain-${opts.clock.now().toISOString().replace(/[:.]/g, '-')}.bak` : null;
  const old = `${file}.plain`;
  try {
    const db = new Database(work, { nativeBinding: opts.nativeBinding });
    try {
      // Rekeying rewrites every page: no journal file and no temporary file may keep the plain ones on disk.
      // (SQLite3 Multiple Ciphers keeps no journal OFF; in memory, none reaches the disk.)
      db.pragma('journal_mode = DELETE');
      db.pragma('journal_mode = MEMORY');
      if (db.pragma('journal_mode', { simple: true }) !== 'memory') throw new Error('the copy could not keep its journal in memory for rekeying');
      cipherConnection(db);
      db.pragma(`rekey = "x'${custody.dataKey.toString('hex')}'"`);
    } finally {
      db.close();
    }
    const check = new Database(work, { nativeBinding: opts.nativeBinding });
    try {
      keyConnection(check, custody.dataKey);
      const ok = check.pragma('integrity_check', { simple: true });
      if (ok !== 'ok') throw new Error(`the encrypted copy fails its integrity check: ${String(ok)}`);
      const h = chainHead(check);
      if (h.seq !== head.seq || h.hash !== head.hash) throw new Error("the encrypted copy does not end with the original's audit head");
      check.pragma('journal_mode = WAL');
    } finally {
      check.close();
    }
    flushFile(work);
    // Nothing may have been written since the copy: the original's WAL is still empty and its head the same.
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) throw new LenteraError('WORKSTATION_IN_USE', 'Another Lentera process wrote to the workstation while it was being encrypted: nothing was changed. Close it and run lentera encrypt again.', {});
    const now = readIdentity(file, undefined)!.head;
    if (now.seq !== head.seq || now.hash !== head.hash) throw new LenteraError('WORKSTATION_IN_USE', 'Another Lentera process wrote to the workstation while it was being encrypted: nothing was changed. Close it and run lentera encrypt again.', {});
    if (keptPlain) {
      copyFileSync(file, keptPlain);
      makePrivate(keptPlain);
    }
    for (const s of ['-wal', '-shm']) rmSync(file + s, { force: true });
    // The plain original keeps a second name while the encrypted copy takes its first (one atomic rename: there is
    // always a lentera.db); the custody file then takes its name, and the plain pages are overwritten.
    rmSync(old, { force: true });
    linkSync(file, old);
  } catch (e) {
    rmSync(pending, { force: true });
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(work + s, { force: true });
    if (keptPlain) rmSync(keptPlain, { force: true });
    custody.dataKey.fill(0);
    throw e;
  }
  renameSync(work, file);
  syncFolder(dir);
  finishInterruptedEncryption(dir);
  // Plain copies taken before schema upgrades hold the same personal data: overwritten too, unless kept on request.
  if (!keptPlain) for (const n of readdirSync(dir)) if (/^lentera\.db\.v\d+-.*\.bak$/.test(n)) shred(join(dir, n));
  // The signed PDFs and the bundles made while it was plain are sealed like those made from now on, their plain
  // bytes overwritten. What stops that (a full disk) loses nothing: the words are still shown, and the next open
  // finishes the sealing.
  markSealingPending(dir);
  let sealedFiles: number | null = null;
  let sealingError: string | null = null;
  try {
    sealedFiles = sealPendingFiles(dir, custody.dataKey);
  } catch (e) {
    sealingError = (e as Error).message;
  }

  const db = openDatabase(file, { key: custody.dataKey, nativeBinding: opts.nativeBinding });
  try {
    const at = opts.clock.now().toISOString();
    writeTransaction(db, () => appendEvent(db, { at, actor: opts.actor, command: 'workstation.encrypt', outcome: 'ok', payload: { cipher: 'sqlcipher-4', keptPlain: keptPlain !== null, sealedFiles, sealingPending: sealingError !== null } }));
  } finally {
    db.close();
    custody.dataKey.fill(0);
  }
  return { recoveryKey: custody.recoveryKey, keptPlain, sealingError };
}
