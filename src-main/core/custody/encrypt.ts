/**
 * `lentera encrypt`: an older, plain workstation's database encrypted in place of the original, which is then
 * overwritten and removed (kept aside, plain, only when asked: a copy aside would defeat the point).
 *
 * The work is done on a copy: the copy is encrypted (SQLite3 Multiple Ciphers' rekey, which needs a rollback
 * journal, so the copy leaves WAL for it and returns), checked (integrity, and the same audit head as the
 * original), flushed, and only then renamed over the original. A crash at any moment leaves the plain original
 * (with a stray copy that the next attempt replaces), or the encrypted database and its custody file whole.
 */
import { closeSync, copyFileSync, existsSync, fstatSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { appendEvent, chainHead } from '../audit/chain';
import { keyConnection, makePrivate, openDatabase } from '../db/open';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../util/clock';
import { syncFolder } from '../util/durable-file';
import { LenteraError } from '../util/errors';
import { databasePath, isWorkstation } from '../workstation/workstation';
import { createCustody, isEncrypted, passphraseSchema, removeCustody } from './custody';

/** Overwrites a file's bytes with zeros before removing it: on most disks the plain pages are then gone. */
function shred(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const zeros = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  rmSync(file);
}

export interface EncryptOutcome {
  recoveryKey: string;
  /** the plain original, when it was asked to be kept */
  keptPlain: string | null;
}

/**
 * Encrypts the plain workstation in `dir` under a new data key (its custody made with `passphrase`). The caller
 * holds the owner lock: nobody else may have the database open.
 */
export function encryptWorkstation(dir: string, passphrase: string, opts: { clock: Clock; actor: string; keepPlain?: boolean; nativeBinding?: string }): EncryptOutcome {
  if (!isWorkstation(dir)) throw new LenteraError('NOT_A_WORKSTATION', `${dir} is not a Lentera workstation.`, { dir });
  if (isEncrypted(dir)) throw new LenteraError('ALREADY_ENCRYPTED', `The workstation in ${dir} is encrypted already; nothing was changed.`, { dir });
  const p = passphraseSchema.safeParse(passphrase);
  if (!p.success) throw new LenteraError('PASSPHRASE_TOO_WEAK', p.error.issues[0]!.message, {});
  const file = databasePath(dir);
  const work = `${file}.encrypting`;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(work + s, { force: true });

  // The original, whole in one file (its WAL folded in), and its audit head to compare with.
  const original = openDatabase(file, { nativeBinding: opts.nativeBinding });
  let head: { seq: number; hash: string };
  try {
    original.pragma('wal_checkpoint(TRUNCATE)');
    head = chainHead(original);
    // A copy taken while this connection holds a read transaction: no writer can slip in between.
    original.exec('BEGIN');
    original.prepare('SELECT 1 FROM meta LIMIT 1').get();
    copyFileSync(file, work);
    original.exec('COMMIT');
  } finally {
    original.close();
  }
  makePrivate(work);

  const custody = createCustody(dir, passphrase);
  try {
    const db = new Database(work, { nativeBinding: opts.nativeBinding });
    try {
      db.pragma('journal_mode = DELETE');
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
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
      if (h.seq !== head.seq || h.hash !== head.hash) throw new Error('the encrypted copy does not end with the original\'s audit head');
      check.pragma('journal_mode = WAL');
    } finally {
      check.close();
    }
    const fd = openSync(work, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeCustody(dir);
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(work + s, { force: true });
    custody.dataKey.fill(0);
    throw e;
  }

  const keptPlain = opts.keepPlain ? `${file}.plain-${opts.clock.now().toISOString().replace(/[:.]/g, '-')}.bak` : null;
  if (keptPlain) {
    copyFileSync(file, keptPlain);
    makePrivate(keptPlain);
  }
  for (const s of ['-wal', '-shm']) rmSync(file + s, { force: true });
  // The plain original keeps a second name while the encrypted copy takes its first (one atomic rename: there is
  // always a lentera.db), and its pages are then overwritten through that name.
  const old = `${file}.plain`;
  shred(old);
  linkSync(file, old);
  renameSync(work, file);
  syncFolder(dir);
  shred(old);

  const db = openDatabase(file, { key: custody.dataKey, nativeBinding: opts.nativeBinding });
  try {
    const at = opts.clock.now().toISOString();
    writeTransaction(db, () => appendEvent(db, { at, actor: opts.actor, command: 'workstation.encrypt', outcome: 'ok', payload: { cipher: 'sqlcipher-4', keptPlain: keptPlain !== null } }));
  } finally {
    db.close();
    custody.dataKey.fill(0);
  }
  return { recoveryKey: custody.recoveryKey, keptPlain };
}
