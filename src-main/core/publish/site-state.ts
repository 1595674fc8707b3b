/**
 * What the last site written to a folder holds, file by file (size, and sha256 unless the file carries that
 * write's own time), kept outside the site so that the next write can link every unchanged file instead of
 * writing it again (site.ts). The state names the folder it describes by its inode and birth time, which a rename
 * keeps: it is saved naming the new site's temporary folder just before that folder takes the real name, so a
 * write that never swapped in, or a site replaced by anything else, leaves a state that describes nothing, and the
 * next write is a full one. A site in two folders (site.ts, `twoFolders`) has a state for each: the served one's, and
 * the other's beside it (`.idle`), removed while that folder is being changed.
 *
 * A group's files (an exam's own files, a formation's pages, a chunk of the log: nearly the whole site) are not in the state file itself but
 * each group in a file of its own beside it, named by the group's name and key (equal keys make equal bytes, so a
 * group file, once written, never changes). A write reads the state of the groups it keeps or makes, one at a time,
 * and nothing of the others: its memory follows the largest group, not the site (issue 18, at 2.4 million
 * candidate pages the one file was gigabytes in memory).
 *
 * A file taken from the previous site is read and hashed first, so that one changed in the live site is made again.
 * Once the new site is in place, each group's files and each bundle are also recorded by inode and change time
 * (ctime, in nanoseconds), as git's index records a work tree: anything that writes a file, moves another into its
 * place or puts its modification time back sets its ctime to the clock's now, which no unprivileged process can set
 * back. The next write reads and hashes only the files whose inode, size or ctime are not those recorded.
 */
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isStat, statOf, type FileStat } from '../util/file-stat';
import { sha256Hex } from '../util/hash';

export interface SiteFileState {
  /** size in bytes */
  s: number;
  /** lowercase hex sha256; null when the file holds the write's own time (`generatedAt`), so it never recurs */
  h: string | null;
}

export interface SiteState {
  format: 'lentera.site-state/2';
  /** the site folder, resolved */
  out: string;
  /** the folder's identity: a rename keeps both */
  ino: number;
  birth: number;
  generatedAt: string;
  /** how many writes this state's line of writes has made (each an incremental one from the last): `audited` */
  generation?: number;
  /** the files in no group */
  files: Record<string, SiteFileState>;
  /**
   * Which of the two folders (`a` or `b`) a site served through a symbolic link is (site.ts, `twoFolders`); absent
   * for a site that is a folder of its own. The records of its files' inodes are kept under this name: the same
   * group, in both folders, is two sets of files.
   */
  folder?: SiteFolder;
  /**
   * The pages of each exam that are made from its data alone (site.ts), and each full chunk of the log: the key of
   * what they were made from (the data and the code) and how many files; the files are in the group's own file
   * (`groupFile`). A write with the same key links them without making them again.
   */
  groups?: Record<string, SiteGroupState>;
}

export type SiteFolder = 'a' | 'b';

export interface SiteGroupState {
  /** sha256 of the data and of the code that made the files */
  key: string;
  /** how many files the group holds */
  count: number;
  /** what the site needs of the group's data besides its files (an exam's counts for the home page) */
  meta?: unknown;
}

/** A group's files in placing order, each with its size and sha256 (a group's files always record it). */
export type SiteGroupFiles = { rel: string; s: number; h: string }[];

/**
 * A group's files as they are placed, held compactly until the group's list is saved: each one's path, size and
 * sha256 (32 bytes, not 64 characters of text in an object of its own: at 100,000 files 13 MB less, issue 18).
 */
export class PlacedFiles implements Iterable<{ rel: string; s: number; h: string }> {
  private readonly rels: string[] = [];
  private readonly sizes: number[] = [];
  private hashes = Buffer.allocUnsafe(32 * 1024);

  get length(): number {
    return this.rels.length;
  }

  push(rel: string, s: number, h: string): void {
    if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`${rel}: a sha256 in lowercase hex was expected, not ${h}`);
    const at = this.rels.length * 32;
    if (at + 32 > this.hashes.length) {
      const more = Buffer.allocUnsafe(this.hashes.length * 2);
      this.hashes.copy(more, 0, 0, at);
      this.hashes = more;
    }
    this.hashes.write(h, at, 'hex');
    this.rels.push(rel);
    this.sizes.push(s);
  }

  /** The files' paths, in the order they were placed (the order of the group's file and of its stats). */
  get paths(): readonly string[] {
    return this.rels;
  }

  /** The sha256 recorded for the first file placed as `rel`. */
  hashOf(rel: string): string | undefined {
    const i = this.rels.indexOf(rel);
    return i < 0 ? undefined : this.hashes.toString('hex', i * 32, i * 32 + 32);
  }

  *[Symbol.iterator](): Iterator<{ rel: string; s: number; h: string }> {
    for (let i = 0; i < this.rels.length; i++) yield { rel: this.rels[i]!, s: this.sizes[i]!, h: this.hashes.toString('hex', i * 32, i * 32 + 32) };
  }
}

interface GroupFile {
  format: 'lentera.site-group/1';
  name: string;
  key: string;
  files: [string, number, string][];
}

const identity = (dir: string) => {
  const st = statSync(dir);
  return { ino: st.ino, birth: st.birthtimeMs };
};

/** The folder beside the state file that holds its groups' files. */
export const groupsDir = (file: string): string => `${file}.groups`;

/** The file of group `name` made from `key`. */
export const groupFile = (file: string, name: string, key: string): string => join(groupsDir(file), `${sha256Hex(Buffer.from(`${name}\n${key}`)).slice(0, 32)}.json`);

/**
 * One write in AUDIT_EVERY reads and hashes a given group's (or bundle's) files whatever their records say. Each file
 * is recorded as the write last knew its bytes (`recordSiteStats`): as it wrote, read or checked it. A site of one
 * folder is the exception: a file linked from the site before is recorded once the new site is in place and the old
 * one removed (removing it changes the linked file's ctime), so a change made through the live site in between is
 * recorded as it then is. The record cannot tell; this bounds how long such a change can stay to AUDIT_EVERY writes,
 * for 1/AUDIT_EVERY of hashing everything, and is kept in two folders too, should a record vouch for what it should not.
 */
export const AUDIT_EVERY = 8;

/** Whether the write of `generation` (site-state's count) reads and hashes all of `name`'s files (a group or a copied file). */
export function audited(generation: number, name: string): boolean {
  return (generation + sha256Hex(Buffer.from(name)).charCodeAt(0)) % AUDIT_EVERY === 0;
}

/** `folder`: whose files the records are (a site of its own: none). */
const groupStatFile = (file: string, name: string, key: string, folder?: SiteFolder): string => groupFile(file, name, key).replace(/\.json$/, folder ? `.${folder}.stat.json` : '.stat.json');

/** The file that records the copied files' (the bundles') inodes and ctimes. */
const copyStatFile = (file: string, folder?: SiteFolder): string => `${file}.copies${folder ? `.${folder}` : ''}.stat.json`;

/** The file that records the change time of each folder of a site's folder `folder` (`recordFolderStats`). */
const folderStatFile = (file: string, folder: SiteFolder): string => `${file}.folders.${folder}.stat.json`;

/** The inodes and ctimes recorded for group `name`'s files (in its order), or null when none are (all are then read). */
export function loadGroupStats(file: string, name: string, key: string, count: number, folder?: SiteFolder): (FileStat | null)[] | null {
  try {
    const g = JSON.parse(readFileSync(groupStatFile(file, name, key, folder), 'utf8')) as { name: string; key: string; stats: unknown[] };
    return g.name === name && g.key === key && Array.isArray(g.stats) && g.stats.length === count && g.stats.every(isStat) ? (g.stats as (FileStat | null)[]) : null;
  } catch {
    return null;
  }
}

/** The inodes and ctimes recorded for the copied files, by path in the site. */
export function loadCopyStats(file: string, folder?: SiteFolder): Map<string, FileStat> {
  try {
    const stats = JSON.parse(readFileSync(copyStatFile(file, folder), 'utf8')) as Record<string, unknown>;
    return new Map(Object.entries(stats).filter((e): e is [string, FileStat] => isStat(e[1]) && e[1] !== null));
  } catch {
    return new Map();
  }
}

/**
 * Replaces `path` with `text`, written aside and renamed over: a reader finds the old file or the new one whole.
 * Not flushed (util/durable-file.ts flushes): a state lost to a power cut costs one full write, not data.
 */
const writeAtomically = (path: string, text: string) => writeListAtomically(path, text, [], '');

/** About this many characters are written at a time by `writeListAtomically`. */
const LIST_PIECE = 1 << 20;

/**
 * Replaces `path`, as `writeAtomically` does, with the text `head`, then `items` separated by commas, then `tail`,
 * written a piece at a time: a group's list of 100,000 files, made as one string (and the list of arrays it was made
 * from), was 30 MB at once at the end of a site write, when the most is live (issue 18).
 */
function writeListAtomically(path: string, head: string, items: Iterable<string>, tail: string): void {
  const fd = openSync(`${path}.tmp`, 'w');
  try {
    let piece = head;
    let first = true;
    for (const item of items) {
      piece += first ? item : `,${item}`;
      first = false;
      if (piece.length >= LIST_PIECE) {
        writeSync(fd, piece);
        piece = '';
      }
    }
    writeSync(fd, piece + tail);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
}

/**
 * Records, once the site described by the state in `file` is in place at `out`, the inode and ctime of each group's
 * files, a group at a time, and of the copied files `copies`. Each file is recorded as the write last knew its bytes
 * (`made`: as written, read, checked against its record, or linked from a folder that stays): looked up now, a
 * change made to it meanwhile would be vouched for. The others (linked from a site of one folder, removed since:
 * linking and unlinking change a file's ctime) are looked up now. A write that stops before this leaves the old
 * records, which then match nothing moved since.
 */
export function recordSiteStats(
  file: string,
  out: string,
  groups: Record<string, SiteGroupState>,
  paths: ReadonlyMap<string, readonly string[]>,
  copies: string[],
  folder?: SiteFolder,
  /** a file's stat as the write made it (file-writer.ts), where it has one: else it is looked up now */
  made?: (rel: string) => FileStat | undefined,
): void {
  const at = (rel: string) => join(out, ...rel.split('/'));
  for (const [name, g] of Object.entries(groups)) {
    // Each group's paths as the writer placed them (in its file's order), not its file read back: 100,000 files'
    // paths and hashes were 30 MB parsed at once at the very end of the hub's site write, its peak.
    const rels = paths.get(name);
    if (!rels || rels.length !== g.count) continue;
    writeListAtomically(groupStatFile(file, name, g.key, folder), `{"name":${JSON.stringify(name)},"key":${JSON.stringify(g.key)},"stats":[`, (function* () {
      for (const rel of rels) yield JSON.stringify(made?.(rel) ?? statOf(at(rel)));
    })(), ']}');
  }
  writeAtomically(copyStatFile(file, folder), JSON.stringify(Object.fromEntries(copies.map((rel) => [rel, made?.(rel) ?? statOf(at(rel))]).filter((e) => e[1] !== null))));
}

/**
 * The state kept in `file`, if it describes the site now in `out` (held in folder `dir`: one of two folders, the
 * link `out` served or not); null otherwise (then every file is written).
 */
export function loadSiteState(file: string, out: string, dir = out): SiteState | null {
  try {
    if (!existsSync(file) || !existsSync(dir)) return null;
    const state = JSON.parse(readFileSync(file, 'utf8')) as SiteState;
    if (state.format !== 'lentera.site-state/2' || state.out !== out || typeof state.files !== 'object' || state.files === null) return null;
    const now = identity(dir);
    return now.ino === state.ino && now.birth === state.birth ? state : null;
  } catch {
    // unreadable or torn: a full write, which replaces it
    return null;
  }
}

/**
 * The files of group `name` as the state in `file` recorded them for `key`: null when there is no such group
 * file, or it is not one (torn, changed by hand, another group's): then the group is made again.
 */
export function loadGroupFiles(file: string, name: string, key: string, count: number): SiteGroupFiles | null {
  try {
    const g = JSON.parse(readFileSync(groupFile(file, name, key), 'utf8')) as GroupFile;
    if (g.format !== 'lentera.site-group/1' || g.name !== name || g.key !== key || !Array.isArray(g.files) || g.files.length !== count) return null;
    const files: SiteGroupFiles = [];
    for (const f of g.files) {
      if (!Array.isArray(f) || typeof f[0] !== 'string' || !Number.isSafeInteger(f[1]) || f[1] < 0 || typeof f[2] !== 'string' || !/^[0-9a-f]{64}$/.test(f[2])) return null;
      files.push({ rel: f[0], s: f[1], h: f[2] });
    }
    return files;
  } catch {
    return null;
  }
}

/**
 * Saves the files of group `name` made from `key`, before the state that names it (`saveSiteState`): a write that
 * stops in between leaves a group file no state names, removed by the next save.
 */
export function saveGroupFiles(file: string, name: string, key: string, files: Iterable<SiteGroupFiles[number]>): void {
  mkdirSync(groupsDir(file), { recursive: true });
  // The bytes of JSON.stringify of a GroupFile, written a piece at a time.
  const head: Omit<GroupFile, 'files'> = { format: 'lentera.site-group/1', name, key };
  writeListAtomically(groupFile(file, name, key), `${JSON.stringify(head).slice(0, -1)},"files":[`, (function* () {
    for (const f of files) yield JSON.stringify([f.rel, f.s, f.h]);
  })(), ']}');
}

/**
 * Saves the state of the site built in `dir` (about to become `out`), through a temporary file and a rename; then
 * removes the group files it no longer names.
 */
export function saveSiteState(file: string, out: string, dir: string, generatedAt: string, files: Record<string, SiteFileState>, groups: Record<string, SiteGroupState> = {}, generation = 0): void {
  const state = siteState(out, dir, generatedAt, files, groups, generation);
  writeSiteState(file, state);
  collectGroups(file, [state]);
}

/** The state of the site built in `dir`, to be served as `out`. */
export function siteState(out: string, dir: string, generatedAt: string, files: Record<string, SiteFileState>, groups: Record<string, SiteGroupState>, generation: number, folder?: SiteFolder): SiteState {
  return { format: 'lentera.site-state/2', out, ...identity(dir), generatedAt, generation, files, groups, ...(folder ? { folder } : {}) };
}

/** Writes `state` as `path`, through a temporary file and a rename. */
export function writeSiteState(path: string, state: SiteState): void {
  writeAtomically(path, JSON.stringify(state));
}

/**
 * Removes from the groups' folder of `file` every group file and record that none of `states` names (the served
 * site's and, with two folders, the other folder's: each folder's records under its own name).
 */
export function collectGroups(file: string, states: SiteState[]): void {
  const named = new Set(states.flatMap((st) => Object.entries(st.groups ?? {}).flatMap(([name, g]) => [groupFile(file, name, g.key), groupStatFile(file, name, g.key, st.folder)])));
  let listed: string[] = [];
  try {
    listed = readdirSync(groupsDir(file));
  } catch {
    return;
  }
  for (const f of listed) {
    const path = join(groupsDir(file), f);
    if (!named.has(path)) rmSync(path, { force: true });
  }
}

/**
 * Records the change time of each of folder `folder`'s folders (`dirs`, relative to `root`, '' for itself) once it
 * is served: a name added to or removed from a folder sets that folder's ctime, so the next write into it looks for
 * files it did not place only in the folders whose time moved (site.ts `sweep`).
 */
export function recordFolderStats(file: string, folder: SiteFolder, root: string, dirs: Iterable<string>): void {
  const stats: Record<string, string> = {};
  for (const rel of dirs) {
    try {
      const st = lstatSync(rel === '' ? root : join(root, ...rel.split('/')), { bigint: true });
      if (st.isDirectory()) stats[rel] = String(st.ctimeNs);
    } catch {
      // gone: not recorded, so looked into should it come back
    }
  }
  writeAtomically(folderStatFile(file, folder), JSON.stringify(stats));
}

/** The change times `recordFolderStats` recorded for `folder`'s folders; empty when there are none. */
export function loadFolderStats(file: string, folder: SiteFolder): Map<string, string> {
  try {
    const stats = JSON.parse(readFileSync(folderStatFile(file, folder), 'utf8')) as Record<string, unknown>;
    return new Map(Object.entries(stats).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return new Map();
  }
}

/** Forgets what was recorded of `folder`'s folders (before it is changed: should the change stop, it is looked at whole). */
export function forgetFolderStats(file: string, folder: SiteFolder): void {
  rmSync(folderStatFile(file, folder), { force: true });
}

/** Every file the state in `file` records, its groups' included (tests and benches: what a write placed). */
export function siteStateFiles(file: string): Record<string, SiteFileState> {
  const state = JSON.parse(readFileSync(file, 'utf8')) as SiteState;
  const all: Record<string, SiteFileState> = { ...state.files };
  for (const [name, g] of Object.entries(state.groups ?? {})) {
    const files = loadGroupFiles(file, name, g.key, g.count);
    if (!files) throw new Error(`The state ${file} names group ${name}, whose file is missing or damaged.`);
    for (const f of files) all[f.rel] = { s: f.s, h: f.h };
  }
  return all;
}
