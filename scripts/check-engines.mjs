#!/usr/bin/env node
// Which packages would npm warn about (EBADENGINE) on a given Node version? npm checks each installed package's
// engines.node with semver, prereleases included (npm-install-checks); this does the same over package-lock.json
// (what `npm ci` installs, for any Node version, without installing) or over node_modules (what is installed).
//
//   node scripts/check-engines.mjs [--node 22.12.0] [--installed] [--omit-dev] [--json]
//
// Exit 0 when every package accepts that Node, 1 when some do not (they are listed), 2 on a usage error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages from package-lock.json (lockfileVersion 2 or 3), without the project itself and without links. */
export function packagesFromLock(lockFile) {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  if (!lock.packages) throw new Error(`${lockFile}: no "packages" section (lockfileVersion ${lock.lockfileVersion}); npm 7 or later writes one`);
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && !p.link)
    .map(([path, p]) => ({ name: nameFromPath(path, p), version: p.version, path, engines: p.engines, dev: Boolean(p.dev) }));
}

function nameFromPath(path, p) {
  if (p.name) return p.name;
  const i = path.lastIndexOf('node_modules/');
  return path.slice(i + 'node_modules/'.length);
}

/** Packages installed under <root>/node_modules, nested ones included. */
export function packagesInstalled(projectRoot) {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(dir, entry.name), { withFileTypes: true })) visit(join(dir, entry.name, scoped.name));
      } else visit(join(dir, entry.name));
    }
  };
  const visit = (pkgDir) => {
    const file = join(pkgDir, 'package.json');
    if (!existsSync(file)) return;
    const p = JSON.parse(readFileSync(file, 'utf8'));
    const path = pkgDir.slice(projectRoot.length + 1).split('\\').join('/');
    found.push({ name: p.name ?? nameFromPath(path, {}), version: p.version, path, engines: p.engines, dev: undefined });
    walk(join(pkgDir, 'node_modules'));
  };
  walk(join(projectRoot, 'node_modules'));
  return found;
}

/** Those whose engines.node the Node version does not satisfy, the way npm decides it. */
export function unsatisfiedEngines(packages, nodeVersion) {
  if (!semver.valid(nodeVersion)) throw new Error(`not a Node version: ${nodeVersion}`);
  return packages
    .filter((p) => p.engines && typeof p.engines === 'object' && !Array.isArray(p.engines) && typeof p.engines.node === 'string')
    .filter((p) => !semver.satisfies(nodeVersion, p.engines.node, { includePrerelease: true }))
    .map((p) => ({ name: p.name, version: p.version, path: p.path, node: p.engines.node }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

function usage(message) {
  console.error(`check-engines: ${message}\nusage: node scripts/check-engines.mjs [--node VERSION] [--installed] [--omit-dev] [--json]`);
  process.exit(2);
}

function main(argv) {
  let nodeVersion = process.versions.node;
  let installed = false;
  let omitDev = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--node') nodeVersion = argv[++i] ?? usage('--node needs a version');
    else if (a.startsWith('--node=')) nodeVersion = a.slice('--node='.length);
    else if (a === '--installed') installed = true;
    else if (a === '--omit-dev') omitDev = true;
    else if (a === '--json') json = true;
    else usage(`unknown argument ${a}`);
  }
  nodeVersion = nodeVersion.replace(/^v/, '');
  if (!semver.valid(nodeVersion)) usage(`not a Node version: ${nodeVersion}`);
  if (installed && omitDev) usage('--omit-dev reads the lockfile; it cannot be combined with --installed');
  let packages = installed ? packagesInstalled(root) : packagesFromLock(join(root, 'package-lock.json'));
  if (omitDev) packages = packages.filter((p) => !p.dev);
  const bad = unsatisfiedEngines(packages, nodeVersion);
  if (json) console.log(JSON.stringify({ node: nodeVersion, checked: packages.length, unsatisfied: bad }, null, 2));
  else if (bad.length === 0) console.log(`Node ${nodeVersion}: all ${packages.length} packages accept it`);
  else {
    console.log(`Node ${nodeVersion}: ${bad.length} of ${packages.length} packages want another Node (npm warns EBADENGINE):`);
    for (const p of bad) console.log(`  ${p.name}@${p.version}  wants node ${p.node}  (${p.path})`);
  }
  process.exitCode = bad.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
