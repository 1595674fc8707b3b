/**
 * The identity of the code that renders the site: the hub keeps an exam's pages from its last write only when
 * they were made by this very code from the same data (site.ts), so that a new Lentera version, or any change to a
 * page's template, writes every page again instead of keeping pages a newer template would word differently.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** Every file under `dir` whose name ends with one of `ext`, by path relative to `dir`, sorted. */
function files(dir: string, ext: string[], recursive: boolean, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory() && recursive) out.push(...files(join(dir, e.name), ext, recursive, `${rel}/`));
    else if (e.isFile() && ext.some((x) => e.name.endsWith(x))) out.push([rel, join(dir, e.name)]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * sha256 over the code: from the TypeScript source (tests, tsx) every file of src-main/, as pages use helpers of
 * the sheets, ranking and shared code; from the built bundle (out/main/, the CLI and the hub) its JavaScript
 * files, which hold all of it. Read once per process (about 2 MB).
 */
export function siteCodeId(): string {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const source = basename(here) === 'publish' && basename(dirname(here)) === 'core';
  const list = source ? files(dirname(dirname(here)), ['.ts', '.tsx', '.json'], true) : files(here, ['.js', '.mjs', '.cjs'], false);
  const h = createHash('sha256');
  for (const [rel, file] of list) h.update(`${rel}\n`).update(readFileSync(file)).update('\n');
  // The libraries the bundle leaves outside it (zod reads the ruleset a page explains): their locked versions.
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      for (const f of ['package.json', 'package-lock.json']) if (existsSync(join(dir, f))) h.update(`${f}\n`).update(readFileSync(join(dir, f))).update('\n');
      break;
    }
  }
  return (cached = h.digest('hex'));
}
