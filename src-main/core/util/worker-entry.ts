import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker thread's code is, seen from the module `here` that starts it: from TypeScript sources (tests, tsx)
 * a small `.mjs` that loads the source through tsx; from the build, the built entry beside the running chunk.
 */
export function workerEntry(here: string, dev: string, built: string): URL {
  if (here.endsWith('.ts')) return new URL(dev, here);
  const url = new URL(built, here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`${built} is not built: run npm run build`);
  return url;
}
