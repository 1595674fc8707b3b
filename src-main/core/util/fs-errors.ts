import { basename } from 'node:path';
import { LenteraError } from './errors';

/** What a coordinator can do about each kind of file-system failure, in a sentence. */
const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full; free some space (or use another disk) and try again',
  EDQUOT: 'the disk quota is used up; free some space and try again',
  EROFS: 'the disk is read-only (a locked USB stick?); use a writable one',
  EACCES: 'permission denied; check who owns the folder',
  EPERM: 'the operation is not permitted on that file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder where a file was expected',
  ENOENT: 'the file or folder does not exist',
  EEXIST: 'something is already there',
  EMFILE: 'too many files are open; try again in a moment',
  EIO: 'the disk reported an input/output error (a failing disk or a pulled USB stick?)',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * A Node file-system error as a refusal a person can act on: which file and why, instead of a stack trace.
 * Anything else is returned unchanged.
 */
export function fileSystemRefusal(e: unknown, opts: { showPath: boolean } = { showPath: true }): unknown {
  const err = e as (NodeJS.ErrnoException & { dest?: string }) | undefined;
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || !(err.code in REASONS)) return e;
  // A remote caller learns the file's name, not where this machine keeps it.
  const show = (p: string) => (opts.showPath ? p : basename(p));
  const where = err.path ? ` ${show(err.path)}${err.dest ? ` → ${show(err.dest)}` : ''}` : '';
  return new LenteraError('FILE_SYSTEM', `Could not ${err.syscall ?? 'use'}${where}: ${REASONS[err.code]}.`, { errno: err.code });
}

/** A file-system error as a worker thread can post it (an Error does not cross a thread whole). */
export interface PostedSystemError {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

/** The posted error made an Error again, with the fields `fileSystemRefusal` reads: as the call on this thread would have thrown it. */
export function postedSystemError(e: PostedSystemError): Error {
  return Object.assign(new Error(e.message), e);
}
