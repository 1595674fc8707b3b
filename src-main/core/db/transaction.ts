import { statSync } from 'node:fs';
import type { Db } from './open';

/** How many times a write transaction that could not get the write lock within the busy timeout begins again. */
export const BUSY_ATTEMPTS = 3;

/** SQLITE_BUSY and its variants (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY...): another connection has the lock. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** A connection's one transaction function, and the body it runs now (nested calls stack theirs). */
interface Runner {
  tx: ReturnType<Db['transaction']>;
  body: (() => unknown) | undefined;
}
const runners = new WeakMap<Db, Runner>();

/**
 * One transaction function per connection, running whichever body is set: `db.transaction(fn)` builds four
 * wrapper functions on every call, a cost every audited command paid.
 */
function inTransaction<T>(db: Db, fn: () => T): T {
  let r = runners.get(db);
  if (!r) {
    const runner: Runner = { tx: db.transaction(() => runner.body!()), body: undefined };
    runners.set(db, (r = runner));
  }
  const outer = r.body;
  r.body = fn;
  try {
    return r.tx.immediate() as T;
  } finally {
    r.body = outer;
  }
}

/**
 * Runs `fn` in a write transaction that takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE). A deferred
 * transaction that reads first and writes later can fail with SQLITE_BUSY_SNAPSHOT when another process
 * (a CLI import beside `serve`) wrote in between, and the busy timeout cannot save it; an immediate one waits
 * its turn at the start instead. Every write transaction of Lentera goes through here (an eslint rule says so).
 *
 * Waiting is the busy timeout's job (core/db/open.ts). Should the lock still not come within it (a very long import
 * in another process), BEGIN is tried again, up to BUSY_ATTEMPTS times in all: nothing of `fn` has run then, so
 * beginning again is safe, and a command is not lost (or left unaudited) because another process was busy.
 * A nested call is a savepoint inside the outer transaction, which already holds the lock.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return inTransaction(db, fn);
  for (let attempt = 1; ; attempt++) {
    let entered = false;
    try {
      return inTransaction(db, () => {
        entered = true;
        const out = fn();
        assertFileInPlace(db);
        return out;
      });
    } catch (e) {
      if (entered || !isBusyError(e) || attempt >= BUSY_ATTEMPTS) throw e;
      console.warn(`[lentera] the database stayed busy (another process is writing); beginning again (${attempt + 1}/${BUSY_ATTEMPTS})`);
    }
  }
}

/**
 * Runs `fn`, which only reads, as one read transaction: every statement of it sees the database as of one commit,
 * whatever other connections commit meanwhile (a ranking on its own thread reads a dozen tables one after another).
 * Inside a transaction already, `fn` simply runs in it.
 */
export function readTransaction<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  db.exec('BEGIN DEFERRED');
  try {
    return fn();
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
  }
}

/** The file each watched connection opened, as it was then (`watchDatabaseFile`). */
const watched = new WeakMap<Db, { file: string; dev: bigint; ino: bigint }>();

/**
 * Has every write transaction of `db` make sure, before it commits, that `file` is still the file the connection
 * has open. In WAL mode SQLite goes on writing into a database file deleted, moved away or replaced under it, without
 * an error (its check for a moved file is the rollback journal's): the hub acknowledged a bundle merged into a file
 * no restart would find, and the venue's outbox never sent it again. A write that finds the file gone fails as
 * SQLite fails one on a moved file (SQLITE_READONLY_DBMOVED), so nothing of it is kept and the hub answers 503.
 */
export function watchDatabaseFile(db: Db, file: string): void {
  const s = statSync(file, { bigint: true });
  watched.set(db, { file, dev: s.dev, ino: s.ino });
}

function assertFileInPlace(db: Db): void {
  const w = watched.get(db);
  if (!w) return;
  const s = statSync(w.file, { bigint: true, throwIfNoEntry: false });
  if (s && s.ino === w.ino && s.dev === w.dev) return;
  throw Object.assign(new Error(`${w.file} is no longer the database this process opened (deleted, moved or replaced while it ran): nothing of this write was kept. Put the file back, or restart on the folder that holds it.`), { code: 'SQLITE_READONLY_DBMOVED' });
}
