// What `npm start` (scripts/start.mjs) decides before anything starts: can the Electron runtime run here, where is
// a better-sqlite3 built for it, and where does the headless fallback keep its data. Plain Node; never imports
// 'electron' (in plain Node that import tries to download the runtime). electron-vite builds it to
// out/main/launcher.js, which start.mjs imports, so starting needs no TypeScript loader; `npm run dist` uses the same
// build of better-sqlite3 for the installers (scripts/dist-after-pack.mjs).
import { lookup } from 'node:dns/promises';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_SERVE_PORT = 5170;

export type Env = Record<string, string | undefined>;

export interface RuntimeFacts {
  /** The Electron executable is on disk (node_modules/electron/path.txt names it and dist/ holds it). */
  binaryExists: boolean;
  /** DISPLAY or WAYLAND_DISPLAY is set (only asked on X11/Wayland platforms). */
  display: boolean;
  platform: NodeJS.Platform;
}

/** Platforms whose Electron needs an X11 or Wayland display to open a window. */
const NEEDS_DISPLAY: readonly NodeJS.Platform[] = ['linux', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix'];

/** 'electron' when the desktop can start; otherwise the reason it cannot, short enough for one line. */
export function decideRuntime(facts: RuntimeFacts): 'electron' | string {
  const reasons: string[] = [];
  if (!facts.binaryExists) reasons.push('no Electron binary in node_modules/electron/dist');
  if (NEEDS_DISPLAY.includes(facts.platform) && !facts.display) reasons.push('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
  return reasons.length ? reasons.join('; ') : 'electron';
}

export function hasDisplay(env: Env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function electronPackageDir(root: string): string {
  return join(root, 'node_modules', 'electron');
}

export function electronVersion(root: string): string | undefined {
  const text = readText(join(electronPackageDir(root), 'package.json'));
  return text ? (JSON.parse(text) as { version?: string }).version : undefined;
}

export function betterSqliteVersion(root: string): string | undefined {
  const text = readText(join(root, 'node_modules', 'better-sqlite3', 'package.json'));
  return text ? (JSON.parse(text) as { version?: string }).version : undefined;
}

/**
 * Where the Electron executable would be, read the way the electron package itself reads it (path.txt, and
 * ELECTRON_OVERRIDE_DIST_PATH), but without its side effect: loading that package downloads a missing runtime.
 */
export function electronBinary(root: string, env: Env): { path: string | undefined; exists: boolean } {
  const pkg = electronPackageDir(root);
  const rel = readText(join(pkg, 'path.txt'))?.trim();
  if (!rel) return { path: undefined, exists: false };
  const path = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, rel) : join(pkg, 'dist', rel);
  return { path, exists: existsSync(path) };
}

/** Data of the headless fallback: LENTERA_DATA, else $XDG_DATA_HOME/lentera, else ~/.local/share/lentera. */
export function defaultServeDataDir(env: Env, home: string = homedir()): string {
  if (env.LENTERA_DATA) return env.LENTERA_DATA;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'lentera');
  return join(home, '.local', 'share', 'lentera');
}

/** The files `electron-vite build` leaves; if one is missing, start builds first. */
export function builtEntries(root: string): string[] {
  return [
    join(root, 'out', 'main', 'index.js'),
    join(root, 'out', 'main', 'launcher.js'),
    join(root, 'out', 'preload', 'index.cjs'),
    join(root, 'out', 'renderer', 'index.html'),
  ];
}

export function missingBuild(root: string): string[] {
  return builtEntries(root).filter((f) => !existsSync(f));
}

/** What `npm start -- …` may pass: Lentera's own options, nothing for Electron or Node. */
export interface StartOptions {
  /** the workstation's data folder (LENTERA_DATA for the desktop, --data for the fallback) */
  data?: string;
  /** the fallback's port */
  port?: number;
}

/**
 * The arguments after `npm start --`, read as Lentera's own options (`--port N`, `--data DIR`, each also as
 * `--opt=value`), or the refusal of everything else. Nothing is passed on to Electron: `--inspect` or
 * `--remote-debugging-port` there would open a debugger into the process that holds the keys and the database.
 */
export function startOptions(args: readonly string[]): { ok: true; options: StartOptions } | { ok: false; message: string } {
  const options: StartOptions = {};
  const refused: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(port|data)(?:=(.*))?$/.exec(a);
    if (!m) {
      refused.push(a);
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined || value === '') return { ok: false, message: `npm start: --${m[1]} needs a value` };
    if (m[1] === 'data') options.data = value;
    else {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, message: `npm start: --port ${value} is not a port (1–65535)` };
      options.port = port;
    }
  }
  if (refused.length) {
    return {
      ok: false,
      message: `npm start takes only Lentera's own options, --port N and --data DIR; refused: ${refused.join(' ')} (nothing is passed to Electron or Node, so no debugger can be opened this way)`,
    };
  }
  return { ok: true, options };
}

export function fallbackMessage(reason: string, port: number): string {
  const url = `http://127.0.0.1:${port}`;
  return `Electron runtime not available (${reason}): serving Lentera at ${url} instead / Runtime Electron tidak tersedia: Lentera dilayani di ${url}`;
}

// ---- better-sqlite3 for Electron -------------------------------------------------------------------------------

export interface BindingTarget {
  electronVersion: string;
  sqliteVersion: string;
  platform: string;
  arch: string;
}

/** `.cache/electron-sqlite/<electron version>/better-sqlite3-<version>-<platform>-<arch>`: one build per combination. */
export function electronSqliteCacheDir(root: string, t: BindingTarget): string {
  return join(root, '.cache', 'electron-sqlite', t.electronVersion, `better-sqlite3-${t.sqliteVersion}-${t.platform}-${t.arch}`);
}

export function bindingFileIn(packageDir: string): string {
  return join(packageDir, 'build', 'Release', 'better_sqlite3.node');
}

/** The cached binary for this combination, when an earlier start (or `npm run dist`) made it. */
export function cachedElectronSqlite(root: string, t: BindingTarget): string | undefined {
  const file = bindingFileIn(electronSqliteCacheDir(root, t));
  return existsSync(file) ? file : undefined;
}

/** The part of @electron/rebuild's `rebuild()` used here. */
export interface RebuildOptions {
  buildPath: string;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
  onlyModules: string[];
  force: boolean;
}
export type Rebuild = (opts: RebuildOptions) => Promise<unknown>;

/**
 * @electron/rebuild from the project, or undefined where it is not installed (an `--omit=dev` install). It is
 * imported only here, when a build is really needed: it is ESM-only and pulls in the node-gyp machinery.
 */
export async function loadElectronRebuild(root: string): Promise<Rebuild | undefined> {
  let entry: string;
  try {
    entry = createRequire(join(root, 'package.json')).resolve('@electron/rebuild');
  } catch {
    return undefined;
  }
  const mod = (await import(pathToFileURL(entry).href)) as { rebuild?: Rebuild };
  return mod.rebuild;
}

/** The options for one better-sqlite3 in the scratch project at `buildPath`, nothing else rebuilt. */
export function rebuildOptions(t: BindingTarget, buildPath: string): RebuildOptions {
  return {
    buildPath,
    electronVersion: t.electronVersion,
    platform: t.platform as NodeJS.Platform,
    arch: t.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
  };
}

const NETWORK = /network connectivity|ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|fetch failed|getaddrinfo/i;

/**
 * One line saying why a build failed, from what @electron/rebuild and its node-gyp printed: a failed download is
 * named as such (the usual case offline); otherwise node-gyp's own error, or the last line that looks like one.
 */
export function buildFailureReason(output: string): string {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const fetched = lines.map((l) => /^gyp http GET (\S+)/.exec(l)?.[1]).filter(Boolean).at(-1);
  const stack = lines
    .filter((l) => l.startsWith('gyp ERR! stack '))
    .map((l) => l.slice('gyp ERR! stack '.length).trim())
    .filter((l) => !l.startsWith('at '));
  const message = stack.join(' ').replace(/^Error: /, '');
  let reason: string;
  if (NETWORK.test(output)) {
    reason = `could not download ${fetched ?? 'a prebuilt binary or the Electron headers'} (no network?)`;
  } else {
    reason = message || lines.filter((l) => /err/i.test(l) && !l.startsWith('at ')).at(-1) || lines.at(-1) || 'no output';
  }
  return reason.length > 240 ? `${reason.slice(0, 237)}...` : reason;
}

/** Runs `work` with console.error collected instead of printed: @electron/rebuild dumps node-gyp's log there. */
async function collectingErrors<T>(work: () => Promise<T>): Promise<{ value?: T; error?: unknown; output: string }> {
  const original = console.error;
  const collected: string[] = [];
  console.error = (...parts: unknown[]) => collected.push(parts.map((p) => (p instanceof Error ? (p.stack ?? p.message) : String(p))).join(' '));
  try {
    return { value: await work(), output: collected.join('\n') };
  } catch (error) {
    return { error, output: collected.join('\n') };
  } finally {
    console.error = original;
  }
}

/** Where a build for Electron downloads from: its headers (electronjs.org) or a prebuilt binary (github.com). */
export const DOWNLOAD_HOST = 'electronjs.org';

/**
 * Whether `host` resolves within `timeoutMs`: a venue laptop is offline by design, and there a build that downloads
 * would only fail after trying (or hang on a captive network). A name lookup asks the resolver, nothing more.
 */
export async function networkReachable(host = DOWNLOAD_HOST, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([lookup(host).then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface EnsureBindingOptions {
  root: string;
  target: BindingTarget;
  /** @electron/rebuild's `rebuild`; undefined when it is not installed. */
  rebuild: Rebuild | undefined;
  /** whether a download could succeed; `networkReachable()` unless given */
  online?: () => Promise<boolean>;
}

export type BindingOutcome = { ok: true; path: string; built: boolean } | { ok: false; message: string };

/**
 * A better-sqlite3 binary for Electron, made once into the cache by @electron/rebuild from a copy of
 * node_modules/better-sqlite3, so the Node build there (tests, CLI, server) is never touched. @electron/rebuild
 * takes a prebuilt binary where one is published for this Electron, platform and arch, and otherwise compiles with
 * node-gyp, which needs the Electron headers and a C++ toolchain. The scratch project sits inside the project, so
 * the copy still resolves better-sqlite3's own dependencies (prebuild-install, bindings) from node_modules. It is
 * renamed into place only when the build succeeded: a failed or interrupted build leaves nothing half-made behind.
 */
export async function ensureElectronSqlite(opts: EnsureBindingOptions): Promise<BindingOutcome> {
  const { root, target } = opts;
  const finalDir = electronSqliteCacheDir(root, target);
  const finalBinding = bindingFileIn(finalDir);
  if (existsSync(finalBinding)) return { ok: true, path: finalBinding, built: false };

  const what = `better-sqlite3 ${target.sqliteVersion} for Electron ${target.electronVersion} (${target.platform}-${target.arch})`;
  if (!opts.rebuild) return { ok: false, message: `Cannot build ${what}: @electron/rebuild is not installed; run npm install (with dev dependencies).` };
  const source = join(root, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(source, 'binding.gyp'))) return { ok: false, message: `Cannot build ${what}: ${source} is missing; run npm install.` };
  // Offline, nothing is tried: building downloads a prebuilt binary or the Electron headers.
  if (!(await (opts.online ?? (() => networkReachable()))())) {
    return {
      ok: false,
      message: `Not building ${what}: no network (${DOWNLOAD_HOST} does not resolve), and the build downloads a prebuilt binary or the Electron headers. Build it once where there is a network (npm start, or npm run dist, which fill ${relative(root, dirname(finalDir))}), or set LENTERA_SQLITE_BINDING to a better_sqlite3.node built for Electron ${target.electronVersion}; an installed Lentera carries its own.`,
    };
  }

  const scratch = `${finalDir}.tmp-${process.pid}`;
  const scratchPackage = join(scratch, 'node_modules', 'better-sqlite3');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(dirname(finalDir), { recursive: true });
  try {
    // The sources only: not the Node build in build/.
    cpSync(source, scratchPackage, {
      recursive: true,
      filter: (src) => {
        const rel = relative(source, src);
        return rel !== 'build' && !rel.startsWith(`build${sep}`) && rel !== 'node_modules' && !rel.startsWith(`node_modules${sep}`);
      },
    });
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'lentera-electron-sqlite', private: true, dependencies: { 'better-sqlite3': target.sqliteVersion } }),
    );
    const rebuild = opts.rebuild;
    const r = await collectingErrors(() => rebuild(rebuildOptions(target, scratch)));
    if ('error' in r) {
      const thrown = r.error instanceof Error ? r.error.message : String(r.error);
      const log = `${dirname(finalDir)}${sep}build-failure.log`;
      writeFileSync(log, `${r.output}\n${thrown}\n`);
      return {
        ok: false,
        message: `Cannot build ${what} (@electron/rebuild found no prebuilt binary it could download, and compiling needs the Electron headers and a C++ toolchain): ${buildFailureReason(`${r.output}\n${thrown}`)}; full log in ${log}`,
      };
    }
    if (!existsSync(bindingFileIn(scratchPackage))) return { ok: false, message: `Cannot build ${what}: @electron/rebuild finished without producing ${bindingFileIn('better-sqlite3')}` };
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(scratchPackage, finalDir);
    return { ok: true, path: finalBinding, built: true };
  } catch (e) {
    return { ok: false, message: `Cannot build ${what}: ${(e as Error).message}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Exit code for a child that ended by a signal, the shell's way: 128 + its number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null, signals: Record<string, number>): number {
  if (code !== null) return code;
  if (signal && signals[signal] !== undefined) return 128 + signals[signal]!;
  return 1;
}
