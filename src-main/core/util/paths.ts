import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A JSON path a person can follow in their editor: stages[1].components[0].max */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/** `p` with its links resolved as far as it exists (the rest, not yet made, appended as it is). */
export function resolvedPath(p: string): string {
  for (let d = resolve(p), rest = ''; ; ) {
    if (existsSync(d)) return join(realpathSync(d), rest);
    if (dirname(d) === d) return resolve(p);
    rest = join(basename(d), rest);
    d = dirname(d);
  }
}

/** Whether `p` is `folder` or inside it, links resolved (a link out of the folder leads out; one into it, in). */
export function isInsideFolder(folder: string, p: string): boolean {
  const rel = relative(resolvedPath(folder), resolvedPath(p));
  return rel.split(sep)[0] !== '..' && !isAbsolute(rel);
}
