import Database from 'better-sqlite3';
import { chmodSync, closeSync, copyFileSync, existsSync, lstatSync, openSync } from 'node:fs';
import { LenteraError } from '../util/errors';
import { SchemaTooNewError } from './schema-errors';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { writeTransaction } from './transaction';

export type Db = Database.Database;

/** 'LNTR': marks the file as ours, so a random SQLite file is not mistaken for a workstation. */
export const APPLICATION_ID = 0x4c4e5452;

/**
 * How long a connection waits for another one's lock before SQLITE_BUSY. Long enough for a big import in another
 * process (a CLI `roster import` beside `serve`) to finish: the one that waits then simply goes on.
 */
export const BUSY_TIMEOUT_MS = 30_000;

/** Database files hold NIKs, birth dates and PIN hashes: only their owner may read them. */
export const PRIVATE_FILE_MODE = 0o600;

/** Sets a file's mode to 0600 when it exists and differs; never follows a symbolic link. */
export function makePrivate(file: string): void {
  try {
    const st = lstatSync(file);
    if (st.isFile() && (st.mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export interface OpenOptions {
  /** Create the file when it does not exist (only `init` does this). */
  create?: boolean;
  /** Path of a better-sqlite3 binary built for another runtime (Electron). */
  nativeBinding?: string;
  migrations?: readonly Migration[];
  /** Called with the path of the copy taken before an upgrade. */
  onBackup?: (path: string) => void;
  /** The data key of an encrypted database (core/custody): 32 bytes, used raw, never stretched again. */
  key?: Buffer;
}

/**
 * Keys a connection before its first read: SQLCipher 4's format (SQLite3 Multiple Ciphers, the SQLite that
 * better-sqlite3-multiple-ciphers builds), so that an auditor's SQLCipher opens a copy given the key. The key is
 * given raw (x'…'): it is random already, so no PBKDF2 is spent on every connection. Every connection to an
 * encrypted database is keyed here (tests/attacks/temp-files.test.ts finds no other place that keys one).
 */
export function keyConnection(db: Db, key: Buffer): void {
  if (key.length !== 32) throw new Error('a data key is 32 bytes');
  cipherConnection(db);
  db.pragma(`key = "x'${key.toString('hex')}'"`);
}

/**
 * What a connection to an encrypted database needs before its key (keyConnection) or its first key (`lentera
 * encrypt`'s rekey): SQLCipher 4's format, and SQLite's temporary files kept in memory. SQLite3 Multiple Ciphers
 * encrypts the database, its WAL and its journal, but not SQLite's temporary files: VACUUM's rebuilt copy (every
 * purge compacts), a sort or an index build larger than the page cache, statement journals, TEMP tables. On disk
 * (SQLITE_TMPDIR, TMPDIR or /var/tmp; the build's TEMP_STORE=1 puts them there unless told otherwise) they would hold
 * the plain pages, unlinked at once but their blocks left on the disk. In memory, VACUUM needs RAM about the
 * database's size. A plain database is left as it is: its own file is plain already.
 */
export function cipherConnection(db: Db): void {
  // TEMP_STORE=0 would ignore the pragma and always use files; =3 always memory, 1 and 2 obey it. (A pragma: a
  // statement prepared before the key would read the database's first page with no key, and fail.)
  const options = db.pragma('compile_options') as { compile_options: string }[];
  if (options.some((o) => o.compile_options === 'TEMP_STORE=0')) {
    throw new Error('this SQLite was built with TEMP_STORE=0: its temporary files would hold plain pages of an encrypted database');
  }
  db.pragma('temp_store = MEMORY');
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
}

/**
 * Opens (and if needed migrates) a Lentera database. Nothing is written before the version check, so a
 * database from a newer Lentera is left byte-for-byte untouched.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const list = opts.migrations ?? defaultMigrations;
  const latest = list.length ? list[list.length - 1]!.version : 0;
  const exists = existsSync(file);
  if (!exists && !opts.create) {
    throw new LenteraError('NOT_A_WORKSTATION', `No Lentera database at ${file}.`, { file });
  }
  // The database and its -wal and -shm are private. SQLite gives -wal and -shm the mode of the database file, so
  // a new file is created 0600 before SQLite opens it, and an older one is corrected on every open.
  for (const suffix of ['', '-wal', '-shm']) makePrivate(file + suffix);
  if (!exists) closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  let found = 0;
  if (exists) {
    const probe = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, nativeBinding: opts.nativeBinding });
    try {
      if (opts.key) keyConnection(probe, opts.key);
      const appId = probe.pragma('application_id', { simple: true }) as number;
      found = probe.pragma('user_version', { simple: true }) as number;
      if (appId !== APPLICATION_ID && !(appId === 0 && found === 0)) {
        throw new LenteraError('NOT_A_WORKSTATION', `${file} is an SQLite file, but not a Lentera database.`, { file });
      }
    } catch (e) {
      if (e instanceof LenteraError) throw e;
      if (opts.key && (e as { code?: string }).code === 'SQLITE_NOTADB') {
        throw new LenteraError('DATA_KEY_WRONG', `${file} does not open with this key: it is not this workstation's recovery key, or the file is damaged.`, { file });
      }
      throw new LenteraError('NOT_A_WORKSTATION', `${file} is not a readable SQLite database: ${(e as Error).message}`, {
        file,
      });
    } finally {
      probe.close();
    }
    if (found > latest) throw new SchemaTooNewError(file, found, latest);
  }

  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, nativeBinding: opts.nativeBinding });
  try {
    if (opts.key) keyConnection(db, opts.key);
    // First: even switching to (or confirming) WAL needs a lock another process may hold for a moment.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (found < latest) {
      if (found > 0) {
        // A copy before touching the schema: a failed or regretted upgrade can be undone by hand.
        db.pragma('wal_checkpoint(TRUNCATE)');
        const backup = `${file}.v${found}-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
        copyFileSync(file, backup);
        makePrivate(backup);
        opts.onBackup?.(backup);
      }
      migrate(db, list, found);
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Db, list: readonly Migration[], from: number): void {
  const pending = list.filter((m) => m.version > from);
  writeTransaction(db, () => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  });
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
