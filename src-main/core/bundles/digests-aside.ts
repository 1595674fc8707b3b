/**
 * A bundle's digests computed on two other threads: the sha256 of every stored entry (the PDFs: nearly all of a
 * bundle's bytes) with its CRC on one; the sha256 of the bytes the seal signs and of the whole file (the published
 * download's) on the other, in one pass each. Hashing 3 GB twice and CRC'ing it once is seconds of CPU that the
 * thread verifying the bundle's structure would otherwise spend one after the other.
 *
 * The threads only hash byte ranges; what the ranges are and whether the digests are right is judged by the
 * verification (verify.ts), which reads the same file itself and checks its structure as before.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import type { ExpectedBytes } from './container';

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const DIGESTER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const { openSync, readSync, closeSync } = require('node:fs');
const { file, starts, lengths, signedEnd, whole, expect } = workerData;
const full = createHash('sha256');
// The ranges whose bytes are known beforehand (the zip's local headers and descriptors), compared as they pass.
const ex = expect ? { at: expect.at, lengths: expect.lengths, bytes: Buffer.from(expect.bytes.buffer, expect.bytes.byteOffset, expect.bytes.byteLength) } : null;
const exCount = ex ? ex.at.length : 0;
let m = 0;
let mFrom = 0;
let begun = false;
let before = 0;
let unexpected = -1;
let seal = null;
const entries = new Array(starts.length).fill(null);
let k = 0;
let cur = null;
const fd = openSync(file, 'r');
try {
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  // The entries' thread stops after the last range; the other reads to the end.
  for (let pos = 0, n; (whole || k < starts.length || (m < exCount && unexpected < 0)) && (n = readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) {
    const block = buf.subarray(0, n);
    // Each expected range's part in this block against its bytes; the first that differs is the answer.
    while (m < exCount && unexpected < 0) {
      const start = ex.at[m];
      const end = start + ex.lengths[m];
      if (start >= pos + n) break;
      // One that begins behind the pass or inside the one before (out of order) is not held to its bytes.
      if (!begun && (start < pos || start < before)) {
        unexpected = m;
        break;
      }
      begun = true;
      const a = Math.max(start, pos);
      const b = Math.min(end, pos + n);
      if (a < b && block.compare(ex.bytes, mFrom + (a - start), mFrom + (b - start), a - pos, b - pos) !== 0) {
        unexpected = m;
        break;
      }
      if (end > pos + n) break;
      mFrom += ex.lengths[m];
      m++;
      begun = false;
      before = end;
    }
    if (whole && seal === null && pos + n >= signedEnd) {
      full.update(block.subarray(0, signedEnd - pos));
      // The seal signs the bytes before it: the same hash, taken at that point.
      seal = full.copy().digest();
      full.update(block.subarray(signedEnd - pos));
    } else if (whole) full.update(block);
    let off = 0;
    for (;;) {
      if (cur === null) {
        // Ranges come in file order; one that starts behind the pass (no Lentera layout) gets no digest.
        while (k < starts.length && starts[k] < pos + off) k++;
        if (k >= starts.length || starts[k] >= pos + n) break;
        off = starts[k] - pos;
        cur = { hash: createHash('sha256'), crc: 0, left: lengths[k] };
      }
      const take = Math.min(cur.left, n - off);
      const slice = block.subarray(off, off + take);
      cur.hash.update(slice);
      cur.crc = crc32(slice, cur.crc);
      cur.left -= take;
      off += take;
      if (cur.left > 0) break;
      entries[k] = { sha256: cur.hash.digest('hex'), crc32: cur.crc };
      cur = null;
      k++;
    }
  }
} finally {
  closeSync(fd);
}
// An empty range at the very end of what was read.
while (k < starts.length && lengths[k] === 0 && entries[k] === null) entries[k++] = { sha256: createHash('sha256').digest('hex'), crc32: 0 };
// A range the file ends before is not what it must be.
if (m < exCount && unexpected < 0) unexpected = m;
parentPort.postMessage(whole ? { sha256: full.digest('hex'), seal } : { entries, unexpected });
`;

/**
 * A plain file of at most one block is hashed on the verifying thread (digestsInline): two threads take longer to
 * start (about 60 ms here) than hashing 4 MB takes, and a venue's bundle without its PDFs is a few hundred kB.
 */
export const HASHED_HERE_UP_TO = 4 * 1024 * 1024;

export interface RangeDigest {
  sha256: string;
  crc32: number;
}

export interface Digests {
  /** the whole file's hex sha256 */
  sha256: string;
  /** the sha256 of the file's bytes before `signedEnd` (null: the file is shorter) */
  seal: Buffer | null;
  /** per range, in the order given (null: the range was not wholly in the file, or out of order) */
  entries: (RangeDigest | null)[];
  /**
   * The first of the expected ranges given (`digestsAside`'s `expect`) whose bytes are not the ones expected, or
   * that the file ends before (or is out of order); -1 when every one holds them, or none was given.
   */
  unexpected: number;
}

export interface DigestsAside {
  digests: Promise<Digests>;
  /** stops the thread when its answer is no longer wanted; settles once it has stopped */
  cancel(): Promise<void>;
}

function digester(workerData: { file: string; starts: number[]; lengths: number[]; signedEnd: number; whole: boolean; expect?: ExpectedBytes }): Worker {
  return new Worker(DIGESTER, { eval: true, workerData });
}

/** The thread's one message; a thread that fails or ends without it rejects. */
function answer<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing thread stopped (exit code ${code}) before it answered`)));
  });
}

export interface FileHash {
  /** the file's hex sha256 (rejects as reading it would: ENOENT, EACCES…) */
  sha256: Promise<string>;
  /** stops the hashing when its answer is no longer wanted; `sha256` then never settles as a success. Settles once the thread has stopped. */
  cancel(): Promise<void>;
}

/** A whole file's sha256 on another thread (the site checks the merged bundles of gigabytes it keeps while it writes the pages). */
export function hashFileAside(file: string): FileHash {
  // The seal's place is never reached: only the whole file's digest is taken.
  const worker = digester({ file, starts: [], lengths: [], signedEnd: Number.POSITIVE_INFINITY, whole: true });
  const sha256 = answer<{ sha256: string }>(worker).then((m) => m.sha256);
  // A refusal before the answer is read must not leave an unhandled rejection behind.
  sha256.catch(() => undefined);
  return {
    sha256,
    cancel: async () => {
      await worker.terminate();
    },
  };
}

/**
 * Starts hashing `file`: its byte ranges (`starts`/`lengths`, in file order), the seal's bytes and the whole; and,
 * on the entries' pass, compares the ranges of `expect` with the bytes they must hold (`Digests.unexpected`).
 */
export function digestsAside(file: string, ranges: { start: number; length: number }[], signedEnd: number, expect?: ExpectedBytes): DigestsAside {
  // Two threads, one pass each over the file (from the page cache for the second): the whole file and the seal's
  // part of it on one, the entries on the other. On two cores the two take the time of one.
  const workers: Worker[] = [];
  try {
    workers.push(digester({ file, starts: [], lengths: [], signedEnd, whole: true }));
    workers.push(digester({ file, starts: ranges.map((r) => r.start), lengths: ranges.map((r) => r.length), signedEnd, whole: false, ...(expect ? { expect } : {}) }));
  } catch (e) {
    // The second could not start: the first is not left hashing with no one to stop it.
    for (const w of workers) void w.terminate();
    throw e;
  }
  const digests = Promise.all(workers.map((w) => answer<Partial<Digests>>(w))).then(([whole, parts]) => ({ sha256: whole!.sha256!, seal: whole!.seal ? Buffer.from(whole!.seal) : null, entries: parts!.entries!, unexpected: parts!.unexpected ?? -1 }));
  // A refusal before the answer is read must not leave an unhandled rejection behind.
  digests.catch(() => undefined);
  return {
    digests,
    cancel: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The same digests taken on this thread from a reader at any offset (a sealed upload, opened segment by segment:
 * the threads above read a plain file by its name). One pass, in 4 MB blocks; a bundle uploaded is at most 200 MB.
 */
export function digestsInline(read: (buffer: Buffer, position: number) => number, ranges: { start: number; length: number }[], signedEnd: number, blockBytes = 4 * 1024 * 1024): DigestsAside {
  const run = (): Digests => {
    const full = createHash('sha256');
    let seal: Buffer | null = null;
    const entries: (RangeDigest | null)[] = new Array<RangeDigest | null>(ranges.length).fill(null);
    let k = 0;
    let cur: { hash: ReturnType<typeof createHash>; crc: number; left: number } | null = null;
    const buf = Buffer.allocUnsafe(blockBytes);
    for (let pos = 0, n; (n = read(buf, pos)) > 0; pos += n) {
      const block = buf.subarray(0, n);
      if (seal === null && pos + n >= signedEnd) {
        full.update(block.subarray(0, signedEnd - pos));
        seal = full.copy().digest();
        full.update(block.subarray(signedEnd - pos));
      } else full.update(block);
      let off = 0;
      for (;;) {
        if (cur === null) {
          while (k < ranges.length && ranges[k]!.start < pos + off) k++;
          if (k >= ranges.length || ranges[k]!.start >= pos + n) break;
          off = ranges[k]!.start - pos;
          cur = { hash: createHash('sha256'), crc: 0, left: ranges[k]!.length };
        }
        const slice = block.subarray(off, off + Math.min(cur.left, n - off));
        cur.hash.update(slice);
        cur.crc = crc32(slice, cur.crc);
        cur.left -= slice.length;
        off += slice.length;
        if (cur.left > 0) break;
        entries[k++] = { sha256: cur.hash.digest('hex'), crc32: cur.crc };
        cur = null;
      }
    }
    while (k < ranges.length && ranges[k]!.length === 0 && entries[k] === null) entries[k++] = { sha256: createHash('sha256').digest('hex'), crc32: 0 };
    return { sha256: full.digest('hex'), seal, entries, unexpected: -1 };
  };
  // Taken now, before the structure is checked: a segment that does not open is thrown here as what it is
  // (SEALED_FILE_DAMAGED), not as a hashing thread's failure.
  const digests = Promise.resolve(run());
  return { digests, cancel: async () => {} };
}
