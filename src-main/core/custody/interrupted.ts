import { closeSync, existsSync, fstatSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { syncFolder } from '../util/durable-file';
import { custodyPath, isPlainDatabase } from './custody';

/**
 * Finishes, or undoes, an encryption a crash cut short, from what is on disk: once the database is the encrypted
 * one, its waiting custody file takes its name and the plain original's second name is overwritten; while the
 * database is still the plain one, the waiting custody file is dropped and the second name (the same file as the
 * database: never overwritten) only unlinked. Called on every open and by `lentera encrypt`.
 */
export function finishInterruptedEncryption(dir: string): void {
  const file = join(dir, 'lentera.db');
  const pending = `${custodyPath(dir)}.pending`;
  const old = `${file}.plain`;
  if (!existsSync(pending) && !existsSync(old)) return;
  if (existsSync(file) && !isPlainDatabase(file)) {
    if (existsSync(pending)) {
      renameSync(pending, custodyPath(dir));
      syncFolder(dir);
    }
    shred(old);
  } else {
    rmSync(pending, { force: true });
    rmSync(old, { force: true });
  }
}

/** Overwrites a file's bytes with zeros before removing it: on most disks the plain pages are then gone. */
export function shred(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const zeros = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  rmSync(file);
}

