// What `npm start` (scripts/start.mjs) decides before anything starts: can the Electron runtime run here, where is
// a better-sqlite3 built for it, and where does the headless fallback keep its data. Plain Node; never imports
// 'electron' (in plain Node that import tries to download the runtime).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

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
  return [join(root, 'out', 'main', 'index.js'), join(root, 'out', 'preload', 'index.cjs'), join(root, 'out', 'renderer', 'index.html')];
}

export function missingBuild(root: string): string[] {
  return builtEntries(root).filter((f) => !existsSync(f));
}

/** The port the fallback will listen on, honouring a `--port N` / `--port=N` passed through to serve. */
export function servePort(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--port' && args[i + 1]) return Number(args[i + 1]);
    if (a.startsWith('--port=')) return Number(a.slice('--port='.length));
  }
  return DEFAULT_SERVE_PORT;
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

export function bindingFileIn(buildDir: string): string {
  return join(buildDir, 'build', 'Release', 'better_sqlite3.node');
}

/** The cached binary for this combination, when an earlier start built it. */
export function cachedElectronSqlite(root: string, t: BindingTarget): string | undefined {
  const file = bindingFileIn(electronSqliteCacheDir(root, t));
  return existsSync(file) ? file : undefined;
}

export function nodeGypArgs(t: BindingTarget, devdir: string): string[] {
  return [
    'rebuild',
    '--release',
    `--target=${t.electronVersion}`,
    `--arch=${t.arch}`,
    '--runtime=electron',
    '--dist-url=https://electronjs.org/headers',
    `--devdir=${devdir}`,
  ];
}

/**
 * npm ships node-gyp; find its entry script. Looked for beside the npm that runs us (npm_execpath), beside the
 * node binary (a global npm), then in the project.
 */
export function findNodeGyp(root: string, env: Env, execPath: string = process.execPath): string | undefined {
  const npmDirs: string[] = [];
  if (env.npm_execpath) npmDirs.push(join(dirname(env.npm_execpath), '..'));
  const prefix = join(dirname(execPath), '..');
  npmDirs.push(join(prefix, 'lib', 'node_modules', 'npm'), join(dirname(execPath), 'node_modules', 'npm'), root);
  const require = createRequire(join(root, 'package.json'));
  for (const dir of npmDirs) {
    try {
      return require.resolve('node-gyp/bin/node-gyp.js', { paths: [dir] });
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export type RunResult = { status: number | null; error?: Error; output: string };
export type Runner = (command: string, args: readonly string[], cwd: string) => RunResult;

const defaultRunner: Runner = (command, args, cwd) => {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 15 * 60_000, env: process.env });
  return { status: r.status, error: r.error, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};

const NETWORK = /network connectivity|ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|fetch failed|getaddrinfo/i;

/** One line saying why a node-gyp build failed: its own error message, or what it could not download. */
export function buildFailureReason(output: string): string {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const fetched = lines.map((l) => /^gyp http GET (\S+)/.exec(l)?.[1]).filter(Boolean).at(-1);
  const stack = lines
    .filter((l) => l.startsWith('gyp ERR! stack '))
    .map((l) => l.slice('gyp ERR! stack '.length).trim())
    .filter((l) => !l.startsWith('at '));
  const message = stack.join(' ').replace(/^Error: /, '');
  let reason: string;
  if (NETWORK.test(message) || (fetched && !message)) {
    reason = `could not download ${fetched ?? 'the Electron headers'} (no network?)`;
  } else {
    reason = message || lines.filter((l) => /err/i.test(l)).at(-1) || lines.at(-1) || 'no output';
  }
  return reason.length > 240 ? `${reason.slice(0, 237)}...` : reason;
}

export interface EnsureBindingOptions {
  root: string;
  target: BindingTarget;
  nodeGyp: string | undefined;
  run?: Runner;
  nodePath?: string;
}

export type BindingOutcome = { ok: true; path: string; built: boolean } | { ok: false; message: string };

/**
 * A better-sqlite3 binary for Electron, built once into the cache from a copy of node_modules/better-sqlite3, so
 * the Node build there (tests, CLI, server) is never touched. The build happens in a scratch folder renamed into
 * place only when it succeeded: a failed or interrupted build leaves nothing half-made behind.
 */
export function ensureElectronSqlite(opts: EnsureBindingOptions): BindingOutcome {
  const { root, target } = opts;
  const finalDir = electronSqliteCacheDir(root, target);
  const finalBinding = bindingFileIn(finalDir);
  if (existsSync(finalBinding)) return { ok: true, path: finalBinding, built: false };

  const what = `better-sqlite3 ${target.sqliteVersion} for Electron ${target.electronVersion}`;
  if (!opts.nodeGyp) return { ok: false, message: `Cannot build ${what}: node-gyp was not found (it comes with npm).` };
  const source = join(root, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(source, 'binding.gyp'))) return { ok: false, message: `Cannot build ${what}: ${source} is missing; run npm install.` };

  const scratch = `${finalDir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(dirname(finalDir), { recursive: true });
  try {
    // The sources only: not the Node build in build/.
    cpSync(source, scratch, {
      recursive: true,
      filter: (src) => {
        const rel = relative(source, src);
        return rel !== 'build' && !rel.startsWith(`build${sep}`) && rel !== 'node_modules' && !rel.startsWith(`node_modules${sep}`);
      },
    });
    const devdir = join(root, '.cache', 'electron-sqlite', 'node-gyp');
    const run = opts.run ?? defaultRunner;
    const r = run(opts.nodePath ?? process.execPath, [opts.nodeGyp, ...nodeGypArgs(target, devdir)], scratch);
    if (r.error || r.status !== 0 || !existsSync(bindingFileIn(scratch))) {
      const why = r.error ? r.error.message : buildFailureReason(r.output);
      return { ok: false, message: `Cannot build ${what} (node-gyp needs the Electron headers and a C++ toolchain): ${why}` };
    }
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(scratch, finalDir);
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
