import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isBusyError } from '../db/transaction';
import { LenteraError } from '../util/errors';

/**
 * One process owns a workstation at a time: the long-running doors (`lentera serve`, the desktop) take this lock
 * when they open a data directory and keep it until they close. One-shot CLI commands do not take it; they open
 * the database beside the owner and wait their turn for SQLite's write lock (see core/db/transaction.ts).
 *
 * The lock is a small SQLite file held in an EXCLUSIVE transaction that is never committed. SQLite takes it with a
 * POSIX advisory lock, which the operating system drops when the process dies, however it dies: a lock left by a
 * killed process needs no stale detection, the next owner simply gets it. SQLite also tracks its locks per file
 * within a process, so a second owner in the same process is refused too. Who holds the lock (pid, since when,
 * host, door, URL) is written beside it in `owner.json` once the lock is won; a refused process reads it to name
 * the holder.
 *
 * Never open `owner.lock` with anything but SQLite in this process: closing any other descriptor of the file would
 * drop this process's advisory lock on it (a POSIX rule).
 */
export const OWNER_LOCK_FILE = 'owner.lock';
export const OWNER_INFO_FILE = 'owner.json';
export const WORKSTATION_IN_USE = 'WORKSTATION_IN_USE';

export interface OwnerInfo {
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  host: string;
  /** Which door holds it: 'serve', 'desktop'. */
  door: string;
  /** Where the holder can be reached (serve: its URL), once known. */
  url?: string;
}

export interface OwnerLockOptions {
  door: string;
  nativeBinding?: string;
  now?: () => Date;
}

export class OwnerLock {
  private db: Database.Database | undefined;

  private constructor(
    readonly dir: string,
    private current: OwnerInfo,
    db: Database.Database,
  ) {
    this.db = db;
  }

  /** Takes the lock of `dir` (which must exist), or throws WORKSTATION_IN_USE naming the holder. Never waits. */
  static acquire(dir: string, opts: OwnerLockOptions): OwnerLock {
    const file = join(dir, OWNER_LOCK_FILE);
    if (!existsSync(file)) {
      // Created private before SQLite opens it. 'wx': if another process just made it, theirs is as good.
      try {
        closeSync(openSync(file, 'wx', 0o600));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    const db = new Database(file, { timeout: 0, nativeBinding: opts.nativeBinding });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      db.close();
      if (isBusyError(e)) throw inUseError(dir);
      throw e;
    }
    const info: OwnerInfo = { pid: process.pid, since: (opts.now?.() ?? new Date()).toISOString(), host: hostname(), door: opts.door };
    const lock = new OwnerLock(dir, info, db);
    try {
      lock.write();
    } catch (e) {
      lock.release();
      throw e;
    }
    return lock;
  }

  get info(): OwnerInfo {
    return { ...this.current };
  }

  get held(): boolean {
    return this.db !== undefined;
  }

  /** Adds what the holder learned after taking the lock (serve: its URL), so a refused process can point there. */
  announce(extra: { url?: string }): void {
    if (!this.db) return;
    this.current = { ...this.current, ...extra };
    this.write();
  }

  /** Gives the lock up; `owner.json` goes first, while nobody else can be writing it. */
  release(): void {
    if (!this.db) return;
    try {
      const on = readOwner(this.dir);
      if (on && on.pid === this.current.pid && on.since === this.current.since && on.host === this.current.host) {
        rmSync(join(this.dir, OWNER_INFO_FILE), { force: true });
      }
    } finally {
      const db = this.db;
      this.db = undefined;
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    }
  }

  private write(): void {
    const target = join(this.dir, OWNER_INFO_FILE);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.current) + '\n', { mode: 0o600 });
    renameSync(tmp, target);
  }
}

/** Who holds the lock of `dir`, as it wrote it; undefined when nobody wrote it (yet) or it is unreadable. */
export function readOwner(dir: string): OwnerInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dir, OWNER_INFO_FILE), 'utf8')) as Partial<OwnerInfo>;
    if (typeof v.pid !== 'number' || typeof v.since !== 'string' || typeof v.door !== 'string' || typeof v.host !== 'string') return undefined;
    return { pid: v.pid, since: v.since, host: v.host, door: v.door, ...(typeof v.url === 'string' ? { url: v.url } : {}) };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The holder as described by `owner.json`. Right after someone wins the lock the file may still name the previous,
 * dead holder (or be missing) for a moment: wait up to a second for a believable one.
 */
function currentHolder(dir: string): OwnerInfo | undefined {
  const deadline = Date.now() + 1000;
  for (;;) {
    const info = readOwner(dir);
    const believable = info && (info.host !== hostname() || alive(info.pid));
    if (believable || Date.now() >= deadline) return believable ? info : undefined;
    sleepMs(25);
  }
}

const ZONES: Record<number, string> = { 420: 'WIB', 480: 'WITA', 540: 'WIT' };

/** "07:12 WIB" today, "2026-11-29 07:12 WIB" another day; Indonesian zone names where they apply. */
export function formatSince(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = ZONES[offset] ?? (offset === 0 ? 'UTC' : `UTC${offset < 0 ? '-' : '+'}${Math.floor(Math.abs(offset) / 60)}${Math.abs(offset) % 60 ? `:${p(Math.abs(offset) % 60)}` : ''}`);
  const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const today = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  return `${day === today ? '' : `${day} `}${p(d.getHours())}:${p(d.getMinutes())} ${zone}`;
}

/** The message a coordinator can act on: who has the folder, since when, and where to find it. */
export function describeOwner(info: OwnerInfo | undefined): string {
  if (!info) {
    return 'Lentera is already running on this data folder (another process holds it). Close the other Lentera window or server first.';
  }
  const where = info.host !== hostname() ? ` on ${info.host}` : '';
  const use = info.url ? `, or use it at ${info.url}` : info.door === 'desktop' ? ', or use its window' : '';
  return `Lentera is already running on this data folder (${info.door}, pid ${info.pid}${where}, since ${formatSince(info.since)}). Close it first${use}.`;
}

function inUseError(dir: string): LenteraError {
  const info = currentHolder(dir);
  return new LenteraError(WORKSTATION_IN_USE, describeOwner(info), {
    dir,
    pid: info?.pid ?? null,
    since: info?.since ?? null,
    door: info?.door ?? null,
    host: info?.host ?? null,
    ...(info?.url ? { url: info.url } : {}),
  });
}
