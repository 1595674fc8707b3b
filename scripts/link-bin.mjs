// Makes `npx lentera ...` work in this checkout right after `npm install`, by linking node_modules/.bin/lentera.
// Why not a package.json "bin": npm 11 then treats `npx lentera` as "self-execution of a local bin", installs the
// project into its npx cache and fails there (ENOENT on the cache's package.json). With no "bin" field, npx finds
// this link in node_modules/.bin and runs it directly.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const target = join(root, 'bin', 'lentera.mjs');
mkdirSync(binDir, { recursive: true });
const link = join(binDir, 'lentera');
rmSync(link, { force: true });
symlinkSync(relative(binDir, target), link);
chmodSync(target, 0o755);
