/**
 * A file's sha256 computed on another thread: the site checks the large files it keeps (merged bundles of
 * gigabytes) while it writes the pages.
 */
import { Worker } from 'node:worker_threads';

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const HASHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const hash = createHash('sha256');
const fd = openSync(workerData.file, 'r');
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
   * the thread has stopped.
   */
  cancel(): Promise<void>;
}

export function hashFileAside(file: string): FileHash {
  const worker = new Worker(HASHER, { eval: true, workerData: { file } });
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
