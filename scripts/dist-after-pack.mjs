// electron-builder's afterPack hook (electron-builder.yml): puts a better-sqlite3 built for the packaged Electron,
// platform and arch into the app, so an installed Lentera never compiles anything. The build comes from
// @electron/rebuild through the launcher's cache (.cache/electron-sqlite), the same one `npm start` uses;
// node_modules keeps its Node build for tests, CLI and server. A failure stops the packaging: an installer with a
// Node-ABI better-sqlite3 would only fail later, at the venue.
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** builder-util's `Arch` enum, by value: electron-builder hands the hook a number. */
export const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** Where electron-builder leaves the unpacked better-sqlite3 binary inside a packed app folder. */
export function unpackedBindingPath(appOutDir, platform, productFilename) {
  const resources = platform === 'darwin' ? join(appOutDir, `${productFilename}.app`, 'Contents', 'Resources') : join(appOutDir, 'resources');
  return join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

export async function afterPack(context, launcher) {
  const L = launcher ?? (await import(pathToFileURL(join(root, 'out', 'main', 'launcher.js')).href));
  const arch = ARCH_NAMES[context.arch];
  const electronVersion = context.packager?.info?.framework?.version ?? L.electronVersion(root);
  const sqliteVersion = L.betterSqliteVersion(root);
  if (!arch || !electronVersion || !sqliteVersion) {
    throw new Error(`dist: cannot tell which better-sqlite3 to build (arch ${context.arch}, Electron ${electronVersion}, better-sqlite3 ${sqliteVersion})`);
  }
  const target = { electronVersion, sqliteVersion, platform: context.electronPlatformName, arch };
  const outcome = await L.ensureElectronSqlite({ root, target, rebuild: await L.loadElectronRebuild(root) });
  if (!outcome.ok) throw new Error(`dist: ${outcome.message}`);
  const dest = unpackedBindingPath(context.appOutDir, context.electronPlatformName, context.packager?.appInfo?.productFilename);
  if (!existsSync(dirname(dest))) throw new Error(`dist: ${dirname(dest)} is missing; is better-sqlite3 in asarUnpack?`);
  copyFileSync(outcome.path, dest);
  console.log(`  • better-sqlite3 for Electron ${electronVersion} ${target.platform}-${arch}  file=${dest}`);
}

export default afterPack;
