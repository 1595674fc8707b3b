import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appendEvent } from '../audit/chain';
import { createAccount, newAccountSchema } from '../accounts/accounts';
import { makePrivate, openDatabase, type Db, type OpenOptions } from '../db/open';
import { systemClock, type Clock } from '../util/clock';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { writeTransaction } from '../db/transaction';
import { assertPassphrase, createCustody, isEncrypted, removeCustody } from '../custody/custody';
import { finishInterruptedEncryption } from '../custody/interrupted';
import { sealPendingFiles } from '../custody/seal-plain';
import { enableTally } from '../audit/tally';
import { recordUnrecordedRows } from '../audit/unrecorded';

export const DB_FILE = 'lentera.db';

export interface Workstation {
  dir: string;
  db: Db;
  id: string;
  createdAt: string;
  /** the data key it was opened with, when encrypted: this process's other connections (workers) need it */
  key?: Buffer;
  close(): void;
}

export function databasePath(dir: string): string {
  return join(dir, DB_FILE);
}

export function isWorkstation(dir: string): boolean {
  return existsSync(databasePath(dir));
}

/** The data directory and every directory under it: only their owner may list or enter them. */
export const PRIVATE_DIR_MODE = 0o700;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * Makes a workstation's data directory private: the directory and every directory under it 0700, every file 0600
 * (the database, keys/, bundles/, uploads/...). It corrects folders made by older versions, or by hand, on every
 * open. It never follows a symbolic link, so nothing outside the data directory is changed; a file that vanishes
 * meanwhile is no error.
 */
export function secureDataDir(dir: string): void {
  const walk = (path: string, top = false): void => {
    let st;
    try {
      // The data directory itself may be reached through a link its user chose; nothing under it is followed.
      st = top ? statSync(path) : lstatSync(path);
    } catch (e) {
      if (errno(e) === 'ENOENT') return;
      throw e;
    }
    if (st.isSymbolicLink()) return;
    if (st.isFile()) {
      makePrivate(path);
      return;
    }
    if (!st.isDirectory()) return;
    if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (e) {
      if (errno(e) === 'ENOENT') return;
      throw e;
    }
    for (const name of names) walk(join(path, name));
  };
  walk(dir, true);
}

function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/** Opens an existing workstation. Never creates anything: only `initWorkstation` does. */
export function openWorkstation(dir: string, opts: Pick<OpenOptions, 'nativeBinding' | 'onBackup' | 'key'> = {}): Workstation {
  if (!isWorkstation(dir)) {
    throw new LenteraError(
      'NOT_A_WORKSTATION',
      `${dir} is not a Lentera workstation (no ${DB_FILE}). Run "lentera init --data ${dir} --admin NAME" first.`,
      { dir },
    );
  }
  finishInterruptedEncryption(dir);
  if (isEncrypted(dir) && !opts.key) {
    throw new LenteraError('WORKSTATION_LOCKED', `The workstation in ${dir} is encrypted: unlock it with its passphrase (--passphrase-file FILE, or type it when asked) or its recovery key.`, { dir });
  }
  // A plain database is never keyed, which would encrypt it in passing.
  if (!isEncrypted(dir) && opts.key) throw new LenteraError('NOT_ENCRYPTED', `The workstation in ${dir} is not encrypted: it needs no key.`, { dir });
  secureDataDir(dir);
  const db = openDatabase(databasePath(dir), opts);
  if (opts.key) {
    try {
      // What `lentera encrypt` could not seal (a full disk, a crash): tried again at every open with the key.
      sealPendingFiles(dir, opts.key);
    } catch {
      // left for the next open: the workstation works meanwhile, its marker kept
    }
  }
  const id = readMeta(db, 'workstation_id');
  if (!id) {
    db.close();
    throw new LenteraError('NOT_A_WORKSTATION', `${dir} holds a Lentera database that was never initialised.`, { dir });
  }
  // Its events carry the tally of its records; rows added while it was closed are recorded before any command runs.
  enableTally(db);
  recordUnrecordedRows(db, new Date().toISOString());
  return { dir, db, id, createdAt: readMeta(db, 'created_at') ?? '', ...(opts.key ? { key: opts.key } : {}), close: () => db.close() };
}

export interface InitInput {
  adminName: string;
  adminDisplayName?: string;
  pin: string;
  actor: string;
  /**
   * The workstation passphrase: with it the database is encrypted (core/custody) and the recovery key's words are
   * returned, to be shown once. Without it (older workstations, tests of other things) the database is plain.
   */
  passphrase?: string;
}

/** A workstation just made, with the words of its recovery key when it is encrypted (shown once, never kept). */
export interface NewWorkstation extends Workstation {
  recoveryKey: string | null;
}

/**
 * Creates a workstation: its database, its id and its first coordinator, recorded as the first audit event.
 * Refuses an initialised directory and leaves no half-made database behind.
 */
export function initWorkstation(
  dir: string,
  input: InitInput,
  opts: { clock?: Clock; nativeBinding?: string } = {},
): NewWorkstation {
  const clock = opts.clock ?? systemClock;
  if (isWorkstation(dir)) {
    throw new LenteraError('ALREADY_INITIALISED', `${dir} is already a Lentera workstation; nothing was changed.`, { dir });
  }
  const admin = newAccountSchema.safeParse({
    name: input.adminName,
    displayName: input.adminDisplayName ?? input.adminName,
    role: 'coordinator',
    pin: input.pin,
  });
  if (!admin.success) {
    throw new LenteraError('INVALID_INPUT', admin.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '), {
      issues: admin.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  if (input.passphrase !== undefined) {
    assertPassphrase(input.passphrase);
  }
  // Parents as the user's umask makes them (they are not ours); the data directory itself private.
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (e) {
    if (errno(e) !== 'EEXIST') throw e;
  }
  secureDataDir(dir);
  const file = databasePath(dir);
  let db: Db | undefined;
  let custody: { dataKey: Buffer; recoveryKey: string } | undefined;
  try {
    if (input.passphrase !== undefined) custody = createCustody(dir, input.passphrase);
    db = openDatabase(file, { create: true, nativeBinding: opts.nativeBinding, key: custody?.dataKey });
    const id = newId();
    const at = clock.now().toISOString();
    const d = db;
    enableTally(d);
    writeTransaction(d, () => {
      d.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run('workstation_id', id, 'created_at', at);
      const account = createAccount(d, clock, id, admin.data);
      appendEvent(d, {
        at,
        actor: input.actor,
        command: 'workstation.init',
        outcome: 'ok',
        payload: { workstationId: id, admin: { id: account.id, name: account.name, role: account.role } },
      });
    });
    return { dir, db: d, id, createdAt: at, ...(custody ? { key: custody.dataKey } : {}), close: () => d.close(), recoveryKey: custody?.recoveryKey ?? null };
  } catch (e) {
    db?.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    if (custody) removeCustody(dir);
    throw e;
  }
}
