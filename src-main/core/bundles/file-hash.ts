/**
 * A file's sha256 computed on another thread. A merge needs the bundle file's own sha256 (the published download)
 * beside the verification, which reads and hashes the whole file on the main thread: a 2.9 GB bundle is seconds of
 * hashing either way, and on a second core the two passes run side by side instead of one after the other.
 *
 * The same thread can also make a copy first (the hub keeps every merged bundle): the copy is then made beside the
 * verification instead of after it, and the sha256 answered is that of exactly the bytes the copy holds.
 */
import { Worker } from 'node:worker_threads';

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const HASHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { constants, copyFileSync, openSync, readSync, closeSync, utimesSync } = require('node:fs');
// The kernel copies (no bytes through this thread: about half the time of reading and writing them here), never
// over a file already there; then the copy is what is hashed, so the answer is the sha256 of the bytes it holds.
if (workerData.copyTo) {
  copyFileSync(workerData.file, workerData.copyTo, constants.COPYFILE_EXCL);
  // Windows and macOS give a copy its source's modification time: a copy made now must look made now to a sweep
  // of copies left behind (bundles/merge.ts sweepStaged).
  const now = new Date();
  utimesSync(workerData.copyTo, now, now);
}
const hash = createHash('sha256');
const fd = openSync(workerData.copyTo || workerData.file, 'r');
try {
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (let pos = 0, n; (n = readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) hash.update(buf.subarray(0, n));
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

export interface FileHash {
  /** the file's hex sha256 (rejects as reading it would: ENOENT, EACCES…) */
  sha256: Promise<string>;
  /**
   * stops the hashing when its answer is no longer wanted; `sha256` then never settles as a success. Settles once
   * the thread has stopped: a copy it was writing is then no longer written to.
   */
  cancel(): Promise<void>;
}

/** `copyTo`: a new file made a copy of `file` and hashed in its place (refused if it exists). */
export function hashFileAside(file: string, copyTo?: string): FileHash {
  const worker = new Worker(HASHER, { eval: true, workerData: { file, copyTo } });
  const sha256 = new Promise<string>((resolve, reject) => {
    worker.once('message', (m: string) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing thread stopped (exit code ${code}) before it answered`)));
  });
  // A refusal before the answer is read must not leave an unhandled rejection behind.
  sha256.catch(() => undefined);
  return {
    sha256,
    cancel: async () => {
      await worker.terminate();
    },
  };
}
