/**
 * What the last site written to a folder holds, file by file (size, and sha256 unless the file carries that
 * write's own time), kept outside the site so that the next write can link every unchanged file instead of
 * writing it again (site.ts). The state names the folder it describes by its inode and birth time, which a rename
 * keeps: it is saved naming the new site's temporary folder just before that folder takes the real name, so a
 * write that never swapped in, or a site replaced by anything else, leaves a state that describes nothing, and the
 * next write is a full one.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

export interface SiteFileState {
  /** size in bytes */
  s: number;
  /** lowercase hex sha256; null when the file holds the write's own time (`generatedAt`), so it never recurs */
  h: string | null;
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
  /** what the site needs of the group's data besides its files (an exam's counts for the home page) */
  meta?: unknown;
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

