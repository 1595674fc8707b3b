/**
 * A bundle's data files and ruleset read through its zip directory, each with the sha256 of its bytes: what the hub
 * parses. Read ahead of verification (bundles/ahead.ts), the hashes are what tells, afterwards, whether those bytes
 * are the verified ones (the signed manifest lists each file's sha256); read after it, they are checked at once.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { sha256Hex } from '../util/hash';
import { readDirectory, readEntryAt, type EntryLayout } from './container';
import { DATA_PATHS, LIMITS, type Manifest } from './format';
import { BundleRefused } from './refusal';

/** The paths a merge reads: the data files and the ruleset the manifest names. */
export function mergedPaths(m: Manifest): Set<string> {
  return new Set<string>([...DATA_PATHS, m.ruleset.path]);
}

/**
 * The files of `file` that `m` lists among `mergedPaths`, with their sha256; null when any is not as the manifest
 * and the verification's limits say, or when they come to more than `maxBytes` (read and inflated).
 */
export function readListed(file: string, m: Manifest, maxBytes = Infinity): { files: Map<string, Buffer>; sha256: Map<string, string> } | null {
  const files = new Map<string, Buffer>();
  const sha256 = eachListed(file, m, maxBytes, (path, data) => void files.set(path, data));
  return sha256 && { files, sha256 };
}

/**
 * `readListed` a file at a time: each is handed to `take` once read and hashed, and not held here, so that no more
 * than one is in memory unless `take` keeps it; the data files come in the order of `DATA_FILES`, the ruleset last.
 * Null, with nothing read, when any is not as the manifest and the verification's limits say or they come to more
 * than `maxBytes`.
 */
export function eachListed(file: string, m: Manifest, maxBytes: number, take: (path: string, data: Buffer, sha256: string) => void, paths: ReadonlySet<string> = mergedPaths(m)): Map<string, string> | null {
  const fd = openSync(file, 'r');
  try {
    const wanted = listedEntries(fd, m, maxBytes, paths);
    if (!wanted) return null;
    const sha256 = new Map<string, string>();
    for (const { path, entry } of wanted) {
      const data = readEntryAt(fd, entry, entry.uncompressedSize);
      const sha = sha256Hex(data);
      sha256.set(path, sha);
      take(path, data, sha);
    }
    return sha256;
  } finally {
    closeSync(fd);
  }
}

/**
 * The entries of `fd` that `m` lists among `paths`, in the order `eachListed` reads them; null when any is not as
 * the manifest and the verification's limits say, or they come to more than `maxBytes` (read and inflated).
 */
export function listedEntries(fd: number, m: Manifest, maxBytes: number, paths: ReadonlySet<string> = mergedPaths(m)): { path: string; entry: EntryLayout }[] | null {
  const dir = readDirectory(fd, fstatSync(fd).size);
  if (dir.failure) return null;
  const byName = new Map(dir.entries.map((e) => [e.name, e]));
  const place = [...DATA_PATHS];
  const at = (p: string) => {
    const i = place.indexOf(p);
    return i < 0 ? place.length : i;
  };
  const wanted = m.files.filter((f) => paths.has(f.path)).sort((a, b) => at(a.path) - at(b.path));
  let total = 0;
  for (const f of wanted) {
    const e = byName.get(f.path);
    // The limits verification applies before it inflates anything, and no more than the manifest signed for.
    if (!e || e.uncompressedSize !== f.size || f.size > LIMITS.entryBytes || e.compressedSize > LIMITS.entryBytes) return null;
    if (f.size > LIMITS.ratioFloor && f.size > e.compressedSize * LIMITS.ratio) return null;
    total += f.size + e.compressedSize;
  }
  if (total > maxBytes) return null;
  return wanted.map((f) => ({ path: f.path, entry: byName.get(f.path)! }));
}

/** Whether `sha256` (of files read) holds exactly the files `m` lists among `mergedPaths`, with its hashes. */
export function listedAs(sha256: ReadonlyMap<string, string>, m: Manifest): boolean {
  const paths = mergedPaths(m);
  const wanted = m.files.filter((f) => paths.has(f.path));
  return wanted.length === sha256.size && wanted.every((f) => sha256.get(f.path) === f.sha256);
}

/**
 * The data files and ruleset of a verified bundle read again (the verification kept no copy of them, as what was
 * read ahead was to be used): refused if they are no longer the bytes its manifest lists.
 */
export function readVerified(file: string, m: Manifest): Map<string, Buffer> {
  let read: ReturnType<typeof readListed>;
  try {
    read = readListed(file, m);
  } catch {
    read = null;
  }
  if (!read || !listedAs(read.sha256, m)) throw new BundleRefused('BUNDLE_DAMAGED', 'The bundle changed after it was verified: its data files are no longer those its manifest lists.');
  return read.files;
}

/**
 * Data files of a verified bundle read again, as the commit stores its records (merge.ts `DeferredRecords`), each
 * handed to `take` in turn and not held here: refused if one is no longer the bytes its manifest lists. The zip's
 * directory is read once (a bundle with its sheets has 60,000 entries).
 */
export function eachVerifiedFile(file: string, m: Manifest, paths: readonly string[], take: (path: string, data: Buffer) => void): void {
  if (paths.length === 0) return;
  const damaged = (path: string) => new BundleRefused('BUNDLE_DAMAGED', `The bundle changed after it was verified: ${path} is no longer the file its manifest lists.`, { entry: path });
  const listed = new Map(m.files.map((f) => [f.path, f.sha256]));
  let read: Map<string, string> | null;
  // What `take` throws (the store's error) is its own; anything else reading the file means it is not as verified.
  let taken: unknown = null;
  try {
    read = eachListed(
      file,
      m,
      Infinity,
      (path, data, sha) => {
        if (sha !== listed.get(path)) throw damaged(path);
        try {
          take(path, data);
        } catch (e) {
          taken = e;
          throw e;
        }
      },
      new Set(paths),
    );
  } catch (e) {
    throw e === taken || (e instanceof BundleRefused && e.code === 'BUNDLE_DAMAGED') ? e : damaged(paths[0]!);
  }
  // Null: a listed file missing, or not as the manifest and the limits say, or the directory faulty.
  if (read === null || read.size !== paths.length) throw damaged(paths[0]!);
}
