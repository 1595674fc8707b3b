/**
 * What the last site written to a folder holds, file by file (size, and sha256 unless the file carries that
 * write's own time), kept outside the site so that the next write can link every unchanged file instead of
 * writing it again (site.ts). The state names the folder it describes by its inode and birth time, which a rename
 * keeps: it is saved naming the new site's temporary folder just before that folder takes the real name, so a
 * write that never swapped in, or a site replaced by anything else, leaves a state that describes nothing, and the
 * next write is a full one.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SiteFileState {
  /** size in bytes */
  s: number;
  /** lowercase hex sha256; null when the file holds the write's own time (`generatedAt`), so it never recurs */
  h: string | null;
  /**
   * "size:inode:mtime:ctime" of the file once the write that made it was complete (the old site removed). A
   * file that still stands so was not changed since: no write, rename or time put back leaves a ctime unchanged.
   * Absent when the write did not get that far; then the file's bytes are read to tell.
   */
  t?: string;
}

export interface SiteState {
  format: 'lentera.site-state/1';
  /** the site folder, resolved */
  out: string;
  /** the folder's identity: a rename keeps both */
  ino: number;
  birth: number;
  generatedAt: string;
  files: Record<string, SiteFileState>;
  /**
   * The pages of each exam that are made from its data alone (site.ts): the key of what they were made from
   * (the data and the code) and the files. A write with the same key links them without making them again.
   */
  groups?: Record<string, SiteGroupState>;
}

export interface SiteGroupState {
  /** sha256 of the data and of the code that made the files */
  key: string;
  files: string[];
}

const identity = (dir: string) => {
  const st = statSync(dir);
  return { ino: st.ino, birth: st.birthtimeMs };
};

/** The state kept in `file`, if it describes the site now in `out`; null otherwise (then every file is written). */
export function loadSiteState(file: string, out: string): SiteState | null {
  try {
    if (!existsSync(file) || !existsSync(out)) return null;
    const state = JSON.parse(readFileSync(file, 'utf8')) as SiteState;
    if (state.format !== 'lentera.site-state/1' || state.out !== out || typeof state.files !== 'object' || state.files === null) return null;
    const now = identity(out);
    return now.ino === state.ino && now.birth === state.birth ? state : null;
  } catch {
    // unreadable or torn: a full write, which replaces it
    return null;
  }
}

/** Saves the state of the site built in `dir` (about to become `out`), through a temporary file and a rename. */
export function saveSiteState(file: string, out: string, dir: string, generatedAt: string, files: Record<string, SiteFileState>, groups: Record<string, SiteGroupState> = {}): void {
  const state: SiteState = { format: 'lentera.site-state/1', out, ...identity(dir), generatedAt, files, groups };
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** The `t` of a file as it stands now; null when it cannot be read. */
export function fileStamp(file: string): string | null {
  try {
    // Plain numbers, not bigint (three times slower at 100,000 files): the times keep a tenth of a microsecond.
    const st = statSync(file);
    return `${st.size}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return null;
  }
}

/** Records the `t` of every file of the site `dir`, now that the write is complete. */
export function stampFiles(dir: string, files: Record<string, SiteFileState>): void {
  for (const [rel, st] of Object.entries(files)) {
    const t = fileStamp(join(dir, ...rel.split('/')));
    if (t === null) delete st.t;
    else st.t = t;
  }
}
