/**
 * One writer at a time for a site kept in two folders (site.ts, `twoFolders`). Two writes brought the same folder up
 * to date in place at once, and the second's link would turn to a folder the first was still changing. A running hub
 * writes its site one write after another, but `lentera voice` or `lentera publish announce` on the same data folder
 * may write it from another process: each takes this lock, a file made with O_EXCL that names its process, and waits
 * for the other's write to end. A lock whose process is gone (killed mid-write) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { LenteraError } from '../util/errors';

/** How long a write waits for another process's before it gives up (a national site's write takes minutes). */
export const SITE_LOCK_WAIT_MS = 15 * 60_000;

/** A lock this old is taken over even if a process of that number runs (the number reused, say). */
const STALE_MS = 6 * 60 * 60_000;

interface Holder {
  pid: number;
  host: string;
}

function holder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return Number.isSafeInteger(h.pid) && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

/** Whether the process that took the lock in `file` is gone, so the lock may be taken over. */
function abandoned(file: string): boolean {
  let age: number;
  try {
    age = Date.now() - statSync(file).mtimeMs;
  } catch {
    return false; // gone already: the next try takes it
  }
  if (age > STALE_MS) return true;
  const h = holder(file);
  // Being written this very moment (made, not yet named), or another machine's: not ours to judge, but for its age.
  if (h === null) return age > 10_000;
  if (h.host !== hostname()) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Runs `fn` holding the lock `file`, waiting up to `waitMs` for another process's write to end. */
export async function withSiteLock<T>(file: string, fn: () => Promise<T>, waitMs = SITE_LOCK_WAIT_MS): Promise<T> {
  const until = Date.now() + waitMs;
  for (;;) {
    let fd: number | null = null;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fd !== null) {
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() } satisfies Holder));
      } finally {
        closeSync(fd);
      }
      break;
    }
    if (abandoned(file)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= until) {
      const h = holder(file);
      throw new LenteraError('PUBLISH_BUSY', `Another Lentera process${h ? ` (${h.pid} on ${h.host})` : ''} is writing this site (${file}): try again once it has finished.`, { file, ...(h ? { pid: h.pid, host: h.host } : {}) });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
