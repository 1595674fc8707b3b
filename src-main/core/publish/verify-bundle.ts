/**
 * The verification page's script: verify-page.ts and the browser-safe log modules it imports, bundled into one
 * classic script at build time (scripts/verify-page-build.mjs, run by `npm run build`) as out/main/verify-page.js.
 * Publishing copies the built file; nothing is compiled while a site is written.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LenteraError } from '../util/errors';

const BUILT = 'verify-page.js';

/**
 * Where the built script is: beside this code when it runs from out/main/ (the built CLI and hub); under the
 * checkout's out/main/ when it runs from the TypeScript source (tests, tsx). Null when it has not been built.
 */
export function verifyScriptPath(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, BUILT))) return join(here, BUILT);
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const built = join(dir, 'out', 'main', BUILT);
      return existsSync(built) ? built : null;
    }
  }
  return null;
}

let cached: Promise<string> | undefined;

/** The built script's text; read on first call, then the same text for the life of the process. */
export function verifyScript(): Promise<string> {
  cached ??= (async () => {
    const path = verifyScriptPath();
    if (!path) throw new LenteraError('NOT_BUILT', 'The verification page of the site is not built: run "npm run build" in the Lentera folder first.', {});
    return readFile(path, 'utf8');
  })().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}
