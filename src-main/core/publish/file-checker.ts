/**
 * The check that files kept in a site still hold what was recorded of them, run on another thread: each one's
 * `lstat` against the inode, size and change time recorded when it was last served, and the ones that fail that (or
 * have no record: their group's audit turn) opened without following a link, read and hashed. The same check as
 * `unchangedSince` then `allHold` in site.ts, done ahead for a whole exam's formations while this thread makes the
 * exam's data files, which are written whatever the check finds.
 *
 * On these machines an `lstat` costs 5-8 µs: twenty thousand pages' are 0.17 s, a sixth of a one-formation update.
 */
import { Worker } from 'node:worker_threads';
import { statRecord, type FileStat } from '../util/file-stat';

/** What the check found of a file: not known to hold its bytes (changed, replaced, gone, a link). */
export const BAD = 0;
/** What the check found of a file: its inode, size and change time as recorded (nothing wrote it since). */
export const UNCHANGED = 1;
/** What the check found of a file: read and hashed, its bytes as recorded. */
export const READ = 2;

/** Where the stats of `n` files begin in the shared buffer: after its 8 bytes of state and n of answers, aligned. */
const statsAt = (n: number) => (8 + n + 7) & ~7;

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const CHECKER = `
const statsAt = ${statsAt.toString()};
const { workerData } = require('node:worker_threads');
const { lstatSync, openSync, fstatSync, readSync, closeSync, constants } = require('node:fs');
const { createHash } = require('node:crypto');
const { files, sizes, hashes, inodes, ctimes, shared } = workerData;
const state = new Int32Array(shared, 0, 2);
const found = new Uint8Array(shared, 8, files.length);
// The inode and ctime of each file read, as it was read.
const stats = new BigUint64Array(shared, statsAt(files.length), 2 * files.length);
let buf = Buffer.allocUnsafe(1 << 16);
const holds = (file, size, sha256, i) => {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW || 0));
  } catch {
    return false;
  }
  try {
    // Taken before the read: a change after it moves the ctime from this one, a change before it is read.
    const st = fstatSync(fd, { bigint: true });
    stats[2 * i] = st.ino;
    stats[2 * i + 1] = st.ctimeNs;
    if (buf.length < size + 1) buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (let got; n < size + 1 && (got = readSync(fd, buf, n, size + 1 - n, n)) > 0; ) n += got;
    return n === size && createHash('sha256').update(buf.subarray(0, n)).digest('hex') === sha256;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
};
try {
  for (let i = 0; i < files.length; i++) {
    let f = 0;
    if (inodes[i] !== null) {
      const st = lstatSync(files[i], { bigint: true, throwIfNoEntry: false });
      if (st && st.isFile() && st.size === BigInt(sizes[i]) && String(st.ino) === inodes[i] && String(st.ctimeNs) === ctimes[i]) f = 1;
    }
    if (f === 0 && holds(files[i], sizes[i], hashes[i], i)) f = 2;
    found[i] = f;
    // Progress, so that a thread that died is told from a slow one.
    Atomics.store(state, 1, i + 1);
  }
  Atomics.store(state, 0, 1);
} catch {
  Atomics.store(state, 0, 2);
}
Atomics.notify(state, 0);
`;

/** How long the thread may check nothing at all before it is taken for dead (its files are then checked here). */
const STALLED_MS = 120_000;

export interface FileToCheck {
  file: string;
  size: number;
  sha256: string;
  /** as recorded when it was last served; null: read and hashed whatever its stat says */
  stat: FileStat | null;
}

/** A check running on another thread (`checkAside`). */
export class FilesCheck {
  private found: Uint8Array | null | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly state: Int32Array,
    private readonly results: Uint8Array,
    private readonly stats: BigUint64Array,
    /** each file's record as given (`FileToCheck.stat`) */
    private readonly records: readonly (FileStat | null)[],
  ) {}

  /**
   * File `i`'s inode and change time as the check found its bytes, once `wait` answered: its record when its stat
   * matched it (UNCHANGED), its stat as it was read (READ); null for a file that failed.
   */
  statOf(i: number): FileStat | null {
    const f = this.found?.[i];
    if (f === UNCHANGED) return this.records[i] ?? null;
    if (f !== READ || this.stats[2 * i] === 0n) return null;
    return statRecord(this.stats[2 * i]!, this.stats[2 * i + 1]!);
  }

  /**
   * What was found of each file, in the order given: waits for the thread to finish. Null when it failed or stopped
   * (the caller then checks the files itself).
   */
  wait(): Uint8Array | null {
    if (this.found !== undefined) return this.found;
    let seen = -1;
    let since = Date.now();
    while (Atomics.load(this.state, 0) === 0) {
      const done = Atomics.load(this.state, 1);
      if (done !== seen) {
        seen = done;
        since = Date.now();
      } else if (Date.now() - since > STALLED_MS) break;
      try {
        Atomics.wait(this.state, 0, 0, 100);
      } catch {
        // A thread that may not block polls instead.
      }
    }
    this.found = Atomics.load(this.state, 0) === 1 ? this.results : null;
    if (this.found === null) void this.worker.terminate();
    return this.found;
  }
}

/** Starts checking `files` on another thread; `wait` for what it found. */
export function checkAside(files: readonly FileToCheck[]): FilesCheck {
  const shared = new SharedArrayBuffer(statsAt(files.length) + 16 * files.length);
  const state = new Int32Array(shared, 0, 2);
  const worker = new Worker(CHECKER, {
    eval: true,
    workerData: {
      files: files.map((f) => f.file),
      sizes: files.map((f) => f.size),
      hashes: files.map((f) => f.sha256),
      inodes: files.map((f) => f.stat?.[0] ?? null),
      ctimes: files.map((f) => f.stat?.[1] ?? null),
      shared,
    },
  });
  worker.unref();
  // It could not even start: counted as failed, so that `wait` checks the files here instead of waiting on nothing.
  worker.on('error', () => {
    Atomics.compareExchange(state, 0, 0, 2);
    Atomics.notify(state, 0);
  });
  const records = files.map((f) => f.stat);
  return new FilesCheck(worker, state, new Uint8Array(shared, 8, files.length), new BigUint64Array(shared, statsAt(files.length), 2 * files.length), records);
}
