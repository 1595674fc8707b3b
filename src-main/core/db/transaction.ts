import type { Db } from './open';

/**
 * Runs `fn` in a write transaction that takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE). A deferred
 * transaction that reads first and writes later can fail with SQLITE_BUSY_SNAPSHOT when another process
 * (a CLI import beside `serve`) wrote in between, and the busy timeout cannot save it; an immediate one waits
 * its turn at the start instead. Every write transaction of Lentera goes through here (an eslint rule says so).
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
