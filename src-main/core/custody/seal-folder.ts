import { existsSync, linkSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shred } from './interrupted';
import { isSealedFile, transcribe } from './sealed-file';

/** A plain file's second name while it is being sealed, and the sealed file being written. */
const PLAIN = '.plain';
const SEALING = '.sealing';

function sameFile(a: string, b: string): boolean {
  const x = statSync(a);
  const y = statSync(b);
  return x.dev === y.dev && x.ino === y.ino;
}

/**
 * Seals, in place, every plain file under `root` (what a workstation made while it was plain: its signed PDFs, its
 * bundles), for `lentera encrypt`. Each file is sealed beside itself and put in its place by a rename, its plain
 * bytes then overwritten (interrupted.ts shred); a second name keeps them until then, so a crash at any point loses
 * nothing and the next call finishes what it left. Files matching `scratch` (what an interrupted run wrote aside)
 * are overwritten and removed instead. Answers how many files it sealed. The caller holds the workstation alone.
 */
export function sealFolderInPlace(root: string, key: Uint8Array, opts: { scratch?: RegExp } = {}): number {
  if (!existsSync(root)) return 0;
  // Links are not followed: a link's target may be outside the data folder, and is not this call's to overwrite.
  const files = () => readdirSync(root, { recursive: true, encoding: 'utf8' }).map((rel) => join(root, rel)).filter((f) => lstatSync(f).isFile());
  // What an interrupted call left: a sealed copy not yet in place (dropped: the plain file is still there), a second
  // name of a plain file (dropped) or of its original, sealed since (its plain bytes overwritten).
  for (const f of files()) {
    if (f.endsWith(SEALING)) rmSync(f);
    else if (f.endsWith(PLAIN)) {
      const file = f.slice(0, -PLAIN.length);
      if (!existsSync(file)) renameSync(f, file);
      else if (sameFile(file, f)) rmSync(f);
      else shred(f);
    }
  }
  let sealed = 0;
  for (const file of files()) {
    if (opts.scratch?.test(file)) {
      shred(file);
      continue;
    }
    if (isSealedFile(file)) continue;
    const aside = `${file}${PLAIN}`;
    linkSync(file, aside);
    transcribe(file, `${file}${SEALING}`, { toKey: key });
    renameSync(`${file}${SEALING}`, file);
    shred(aside);
    sealed++;
  }
  return sealed;
}
