import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Folders a bench writes into, kept until the bench process ends. On a filesystem without a journal (this machine's
 * ext4), creating a file skips every inode freed in the last 60 s (6 min while its inode table block is unwritten),
 * one lookup each: a site written, or copied by `cp -r`, right after a previous run's tens of thousands of files
 * were removed took seconds more, and a floor beside it moved 0.6–6 s for the same bytes (docs/performance.md, "Why
 * the floor moved: this disk"). So no run's files are removed before every figure of the bench is taken.
 */

/** `dir` removed as the bench process ends, not before a later section creates its files. */
export function removeAtExit(dir: string): void {
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

let made = 0;

/** A new folder under `dir`/runs for one run or step, with the files of `dir` named in `links` hard-linked into it. */
export function runFolder(dir: string, name: string, links: readonly string[] = []): string {
  const folder = join(dir, 'runs', `${++made}-${name}`);
  mkdirSync(folder, { recursive: true });
  for (const file of links) linkSync(join(dir, file), join(folder, file));
  return folder;
}
