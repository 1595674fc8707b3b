import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Creates a file only its owner may read (a key), unless it exists. Written aside then hard-linked into place: two
 * processes starting together end up sharing one file, never a torn one, and whichever links first wins.
 */
export function createSecretFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600); // the umask may have narrowed nothing, but must not have widened anything either
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
}
