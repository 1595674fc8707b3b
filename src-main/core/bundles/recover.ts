import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { isBusyError } from '../db/transaction';
import { sql } from '../db/statements';
import { sealFolderInPlace } from '../custody/seal-folder';
import { LenteraError } from '../util/errors';

/**
 * An export is made in three steps, each of which a crash (kill -9, a power cut) may cut short:
 *
 *   1. the bundle is written as `NAME.lentera.part` (its records first staged in `NAME.lentera.parts/`);
 *   2. its record, outbox entry and audit event are committed in one transaction;
 *   3. the file is renamed to `NAME.lentera`.
 *
 * So a file under a bundle's name is always a recorded bundle. What a crash leaves is set right when the
 * workstation opens (`recoverExports`): a recorded bundle whose file is still `.part` gets its name (step 3 is
 * finished); a `.part` without a record, and any `.parts/` folder, are removed (the export did not happen).
 *
 * An export in progress in another process (a CLI export beside `serve`) must not lose its files to that clean-up:
 * every export holds a shared lock on `DATA/export.lock` from its first byte until its file has its name, and
 * unrecorded files are removed only by whoever gets that lock exclusively. The lock is SQLite's (as the owner lock
 * is): the operating system drops it when its process dies, however it dies.
 */
export const EXPORT_LOCK_FILE = 'export.lock';

function lockDb(dataDir: string, timeout: number, nativeBinding?: string, name = EXPORT_LOCK_FILE): Database.Database {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'wx', 0o600));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return new Database(file, { timeout, nativeBinding });
}

/** Held by an export while it makes its files: a shared lock (many exports at once are fine). */
export function holdExportLock(dataDir: string, nativeBinding?: string): () => void {
  // Waits for a clean-up that holds the lock exclusively: it takes a moment.
  const db = lockDb(dataDir, 10_000, nativeBinding);
  try {
    db.exec('BEGIN');
    db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get();
  } catch (e) {
    db.close();
    throw e;
  }
  return letGo(db, 'COMMIT');
}

/** Ends a lock's transaction and closes its connection, once however often it is called. */
function letGo(db: Database.Database, end: 'COMMIT' | 'ROLLBACK'): () => void {
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    try {
      db.exec(end);
    } finally {
      db.close();
    }
  };
}

/**
 * Held by an export of exam `examId` from before it reads the exam's last bundle until its file has its name: one
 * export of an exam at a time, across processes. Two at once (two clicks, a CLI export beside `serve`) both took
 * the next sequence, wrote the same `.part` and `.parts/`, and the file recorded under the bundle's name held the
 * other's bundle: its acknowledgement never matched, and the chain after it broke (found by review). Refused at once,
 * never waited for: an export can take minutes.
 */
export function holdExamExportLock(dataDir: string, examId: string, nativeBinding?: string): () => void {
  const release = tryExclusive(dataDir, nativeBinding, `export-${examId.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`);
  if (!release) throw new LenteraError('CONFLICT', 'Another export of this exam is in progress; wait for it to finish, then export again.', { exam: examId });
  return release;
}

/** The exclusive lock (`name`: the export lock, or an exam's) when nobody holds it, else null. Never waits. */
function tryExclusive(dataDir: string, nativeBinding?: string, name = EXPORT_LOCK_FILE): (() => void) | null {
  const db = lockDb(dataDir, 0, nativeBinding, name);
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (isBusyError(e)) return null;
    throw e;
  }
  return letGo(db, 'ROLLBACK');
}

/** Gives a recorded bundle its name when its file is still `.part` (step 3); safe at any time, in any process. */
export function finishRecordedFile(file: string): boolean {
  if (existsSync(file) || !existsSync(`${file}.part`)) return false;
  try {
    renameSync(`${file}.part`, file);
    return true;
  } catch (e) {
    // Another process finished it first.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(file)) return false;
    throw e;
  }
}

/**
 * Sets right what interrupted exports left (see above): recorded bundles get their name; when no export is in
 * progress, unrecorded `.part` files and `.parts/` folders under `DATA/bundles/EXAM/` are removed.
 */
export function recoverExports(db: Db, dataDir: string, opts: { nativeBinding?: string } = {}): { renamed: string[]; removed: string[]; skipped: boolean } {
  const recorded = sql(db, 'SELECT file FROM bundle_exports').pluck().all() as string[];
  const renamed = recorded.filter((f) => finishRecordedFile(f));
  const removed: string[] = [];
  const base = join(dataDir, 'bundles');
  if (!existsSync(base)) return { renamed, removed, skipped: false };
  const release = tryExclusive(dataDir, opts.nativeBinding);
  if (!release) return { renamed, removed, skipped: true };
  try {
    const known = new Set(recorded);
    for (const exam of readdirSync(base)) {
      // merged/ is the coordinator's merge: its files come and go inside one transaction.
      const dir = join(base, exam);
      if (exam === 'merged' || !statSync(dir).isDirectory()) continue;
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name.endsWith('.lentera.parts') || (name.endsWith('.lentera.part') && !(known.has(path.slice(0, -'.part'.length)) && finishRecordedFile(path.slice(0, -'.part'.length))))) {
          rmSync(path, { recursive: true, force: true });
          removed.push(path);
        }
      }
    }
  } finally {
    release();
  }
  return { renamed, removed, skipped: false };
}

/**
 * Seals what DATA/bundles/ holds in the clear (the bundles exported and merged while the workstation was plain,
 * whatever an export left there), for `lentera encrypt`: after it an encrypted workstation keeps no bundle plain.
 */
export function sealBundlesFolder(dataDir: string, dataKey: Uint8Array): number {
  return sealFolderInPlace(join(dataDir, 'bundles'), dataKey);
}
