// Builds native/malloc, the hub's setting of glibc's malloc (src-main/server/hub-malloc.ts), with the node-gyp npm
// gives its scripts, as better-sqlite3 is built. Run by `npm install` (prepare). The hub runs without it (as it did
// before it), so a failure warns and does not stop the install; elsewhere than Linux there is nothing to set.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform === 'linux') {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'malloc');
  const r = spawnSync('node-gyp', ['rebuild', '--directory', dir, '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`lentera: native/malloc was not built (${r.error?.message ?? `node-gyp exited with ${r.status}`}); the hub runs without it, and its memory may peak higher (docs/hub.md).\n`);
  }
}
