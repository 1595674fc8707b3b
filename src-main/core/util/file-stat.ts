/**
 * A file's identity and last change as the kernel keeps them (inode and change time), recorded once its bytes were
 * hashed, so that a later reader may take the same bytes without reading them again: anything that writes a file,
 * moves another into its place or puts its modification time back sets its ctime to the clock's now, which no
 * unprivileged process can set back (as git's index records a work tree). The site's records of its own files
 * (publish/site-state.ts) and the hub's record of each bundle it verified and keeps (bundles/merge.ts) are such.
 */
import { lstatSync } from 'node:fs';

/** A file's inode and change time in nanoseconds (decimal strings), as recorded once its bytes were hashed. */
export type FileStat = [string, string];

/** A file's inode and ctime in nanoseconds, as recorded. */
export const statRecord = (ino: bigint, ctimeNs: bigint): FileStat => [String(ino), String(ctimeNs)];

/** What `path` is now, a regular file's inode and ctime; null for anything else or nothing. */
export function statOf(path: string): FileStat | null {
  try {
    const st = lstatSync(path, { bigint: true });
    return st.isFile() ? statRecord(st.ino, st.ctimeNs) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a file's change time can be trusted: on Windows any process that may write a file may also set its
 * ChangeTime (SetFileInformationByHandle), so there every file taken is read and hashed.
 */
export const ctimeTrusted = process.platform !== 'win32';

/** Whether `path` is still the file recorded as `recorded`, of `size` bytes: nothing has written it since. */
export function unchangedSince(path: string, recorded: FileStat | null | undefined, size: number): boolean {
  if (!recorded || !ctimeTrusted) return false;
  try {
    const st = lstatSync(path, { bigint: true });
    return st.isFile() && st.size === BigInt(size) && String(st.ino) === recorded[0] && String(st.ctimeNs) === recorded[1];
  } catch {
    return false;
  }
}

export const isStat = (x: unknown): x is FileStat | null => x === null || (Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'string' && /^\d{1,40}$/.test(v)));


/** A record kept as text (JSON, `statOf`'s answer) read back: null when there is none or it is not one. */
export function parseStat(text: string | null | undefined): FileStat | null {
  if (!text) return null;
  try {
    const x: unknown = JSON.parse(text);
    return isStat(x) ? x : null;
  } catch {
    return null;
  }
}

/** Whether `now` (`statOf`'s answer) is the very record `recorded`: never where ctime cannot be trusted. */
export function sameStat(now: FileStat | null, recorded: FileStat | null | undefined): boolean {
  return ctimeTrusted && now !== null && !!recorded && now[0] === recorded[0] && now[1] === recorded[1];
}

/**
 * Files' inodes and change times, held by number at 16 bytes each: a hundred thousand of them as `FileStat` pairs of
 * strings would take several times that, at the end of a site write, where the hub's memory peaks.
 */
export class StatTable {
  private values = new BigUint64Array(1 << 12);
  private count = 0;

  /** Holds `st` under the next number, which it answers. */
  add(st: FileStat): number {
    const n = this.count;
    this.set(n, BigInt(st[0]), BigInt(st[1]));
    return n;
  }

  /** Holds file `n`'s inode and change time (an inode of 0, which no file has, holds nothing). */
  set(n: number, ino: bigint, ctimeNs: bigint): void {
    if (2 * n + 2 > this.values.length) {
      const bigger = new BigUint64Array(Math.max(2 * n + 2, this.values.length * 2));
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[2 * n] = ino;
    this.values[2 * n + 1] = ctimeNs;
    this.count = Math.max(this.count, n + 1);
  }

  /** File `n`'s inode and change time, as `statOf` gives them; null when none is held. */
  get(n: number): FileStat | null {
    const ino = n < this.count ? this.values[2 * n]! : 0n;
    return ino === 0n ? null : statRecord(ino, this.values[2 * n + 1]!);
  }
}
