/**
 * The sha256, CRC and size of every signed PDF an export carries, taken on another thread while this one collects
 * the records (issue 16: the export's records are seconds of this thread's work, and the PDFs' digests seconds of
 * reading and hashing gigabytes; one after the other, they add up). The manifest, which the zip begins with, needs
 * every digest, so the zip cannot start before both are done: done side by side, they take the longer of the two.
 *
 * The thread only hashes plain files. A sealed file (an encrypted workstation's) or one it cannot read is left to
 * this thread (`null`), which reads it as before and refuses it with the same words; the zip's copy checks every
 * file's CRC again, so a file changed after its digest is refused there as before.
 */
import { Worker } from 'node:worker_threads';
import { SEALED_MAGIC } from '../custody/sealed-file';

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const FILE_DIGESTER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const { openSync, readSync, closeSync } = require('node:fs');
const { files, magic, every } = workerData;
const sealedMagic = Buffer.from(magic, 'latin1');
const buf = Buffer.allocUnsafe(1024 * 1024);
const out = new Array(files.length).fill(null);
for (let i = 0; i < files.length; i++) {
  let fd = -1;
  try {
    fd = openSync(files[i], 'r');
    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    let n = readSync(fd, buf, 0, buf.length, 0);
    if (n >= sealedMagic.length && buf.subarray(0, sealedMagic.length).equals(sealedMagic)) continue;
    while (n > 0) {
      const block = buf.subarray(0, n);
      hash.update(block);
      crc = crc32(block, crc);
      size += n;
      n = readSync(fd, buf, 0, buf.length, size);
    }
    out[i] = { sha256: hash.digest('hex'), crc32: crc, size };
  } catch {
    // left to the exporting thread, which says what is wrong with the file
  } finally {
    if (fd >= 0) closeSync(fd);
    if ((i + 1) % every === 0) parentPort.postMessage({ done: i + 1 });
  }
}
parentPort.postMessage({ digests: out });
`;

export interface FileDigest {
  sha256: string;
  crc32: number;
  size: number;
}

export interface FileDigestsAside {
  /** per file, in the order given; null: left to the caller (sealed, or unreadable by the thread) */
  digests: Promise<(FileDigest | null)[]>;
  /** how many files the thread has hashed so far */
  done(): number;
  /** stops the thread when its answer is no longer wanted; settles once it has stopped */
  cancel(): Promise<void>;
}

/** Starts hashing `files` on another thread, one after the other, each read once in 1 MB blocks. */
export function fileDigestsAside(files: string[], progressEvery = 200): FileDigestsAside {
  let done = 0;
  if (files.length === 0) return { digests: Promise.resolve([]), done: () => 0, cancel: async () => {} };
  const worker = new Worker(FILE_DIGESTER, { eval: true, workerData: { files, magic: SEALED_MAGIC.toString('latin1'), every: progressEvery } });
  const digests = new Promise<(FileDigest | null)[]>((resolve, reject) => {
    worker.on('message', (m: { done?: number; digests?: (FileDigest | null)[] }) => {
      if (m.digests) {
        done = files.length;
        resolve(m.digests);
      } else if (m.done) done = m.done;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing thread stopped (exit code ${code}) before it answered`)));
  });
  // A failure before the answer is read must not leave an unhandled rejection behind.
  digests.catch(() => undefined);
  return {
    digests,
    done: () => done,
    cancel: async () => {
      await worker.terminate();
    },
  };
}
