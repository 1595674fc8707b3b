import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bindingFileIn,
  decideRuntime,
  defaultServeDataDir,
  electronBinary,
  electronSqliteCacheDir,
  ensureElectronSqlite,
  exitCodeOf,
  fallbackMessage,
  buildFailureReason,
  hasDisplay,
  loadElectronRebuild,
  missingBuild,
  rebuildOptions,
  networkReachable,
  startOptions,
  type Rebuild,
  type RebuildOptions,
} from '../../src-main/electron/launcher';

const target = { electronVersion: '45.5.0', sqliteVersion: '12.11.1', platform: 'linux', arch: 'x64' };
/** A machine with a network, for the tests that play @electron/rebuild's answers. */
const online = async () => true;

describe('decideRuntime', () => {
  it('starts Electron only with a binary and, on Linux, a display', () => {
    expect(decideRuntime({ binaryExists: true, display: true, platform: 'linux' })).toBe('electron');
    expect(decideRuntime({ binaryExists: true, display: false, platform: 'win32' })).toBe('electron');
    expect(decideRuntime({ binaryExists: true, display: false, platform: 'darwin' })).toBe('electron');
  });

  it('gives the reason otherwise', () => {
    expect(decideRuntime({ binaryExists: false, display: true, platform: 'linux' })).toMatch(/no Electron binary/);
    expect(decideRuntime({ binaryExists: true, display: false, platform: 'linux' })).toMatch(/no display.*DISPLAY.*WAYLAND_DISPLAY/);
    const both = decideRuntime({ binaryExists: false, display: false, platform: 'linux' });
    expect(both).toMatch(/no Electron binary/);
    expect(both).toMatch(/no display/);
    expect(decideRuntime({ binaryExists: false, display: true, platform: 'win32' })).not.toBe('electron');
  });

  it('reads the display from DISPLAY or WAYLAND_DISPLAY', () => {
    expect(hasDisplay({})).toBe(false);
    expect(hasDisplay({ DISPLAY: '' })).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
  });

  it('prints the fallback as one line with the reason and the address', () => {
    const line = fallbackMessage('no display', 5170);
    expect(line).not.toMatch(/\n/);
    expect(line).toMatch(/^Electron runtime not available \(no display\): serving Lentera at http:\/\/127\.0\.0\.1:5170 instead/);
    expect(line).toMatch(/tidak tersedia/);
  });
});

describe('files on disk', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lentera-launch-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the Electron binary the way the electron package does, without downloading', () => {
    const pkg = join(root, 'node_modules', 'electron');
    mkdirSync(pkg, { recursive: true });
    expect(electronBinary(root, {})).toEqual({ path: undefined, exists: false });
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    expect(electronBinary(root, {})).toEqual({ path: join(pkg, 'dist', 'electron'), exists: false });
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron'), '');
    expect(electronBinary(root, {}).exists).toBe(true);
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' })).toEqual({ path: join('/nowhere', 'electron'), exists: false });
  });

  it('knows when the build is incomplete', () => {
    expect(missingBuild(root)).toHaveLength(4);
    // start.mjs imports the built launcher, so it is part of a complete build.
    for (const f of ['out/main/index.js', 'out/main/launcher.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), '');
    }
    expect(missingBuild(root)).toEqual([]);
  });

  describe('better-sqlite3 for Electron', () => {
    function fakePackage() {
      const src = join(root, 'node_modules', 'better-sqlite3');
      mkdirSync(join(src, 'src'), { recursive: true });
      mkdirSync(join(src, 'build', 'Release'), { recursive: true });
      writeFileSync(join(src, 'binding.gyp'), '{}');
      writeFileSync(join(src, 'src', 'better_sqlite3.cpp'), '');
      writeFileSync(join(src, 'build', 'Release', 'better_sqlite3.node'), 'NODE BUILD');
    }

    it('names one cache folder per Electron version, package version, platform and arch', () => {
      const dir = electronSqliteCacheDir('/p', target);
      expect(dir).toBe(join('/p', '.cache', 'electron-sqlite', '45.5.0', 'better-sqlite3-12.11.1-linux-x64'));
      expect(bindingFileIn(dir)).toBe(join(dir, 'build', 'Release', 'better_sqlite3.node'));
      expect(electronSqliteCacheDir('/p', { ...target, electronVersion: '46.0.0' })).not.toBe(dir);
      expect(electronSqliteCacheDir('/p', { ...target, arch: 'arm64' })).not.toBe(dir);
    });

    it('asks @electron/rebuild for better-sqlite3 only, for the target Electron, platform and arch', () => {
      expect(rebuildOptions({ ...target, platform: 'win32' }, '/scratch')).toEqual({
        buildPath: '/scratch',
        electronVersion: '45.5.0',
        platform: 'win32',
        arch: 'x64',
        onlyModules: ['better-sqlite3'],
        force: true,
      });
    });

    it('builds once in a scratch project without the Node build, then reuses it', async () => {
      fakePackage();
      const calls: { opts: RebuildOptions; copied: string[]; manifest: unknown }[] = [];
      const rebuild: Rebuild = async (opts) => {
        const pkg = join(opts.buildPath, 'node_modules', 'better-sqlite3');
        calls.push({ opts, copied: readdirSync(pkg).sort(), manifest: JSON.parse(readFileSync(join(opts.buildPath, 'package.json'), 'utf8')) });
        mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
        writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'ELECTRON BUILD');
      };
      const first = await ensureElectronSqlite({ root, target, rebuild, online });
      const path = bindingFileIn(electronSqliteCacheDir(root, target));
      expect(first).toEqual({ ok: true, built: true, path });
      expect(readFileSync(path, 'utf8')).toBe('ELECTRON BUILD');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.opts).toMatchObject({ electronVersion: '45.5.0', onlyModules: ['better-sqlite3'], platform: 'linux', arch: 'x64' });
      expect(calls[0]!.copied).toEqual(['binding.gyp', 'src']); // not build/
      expect(calls[0]!.manifest).toMatchObject({ dependencies: { 'better-sqlite3': '12.11.1' } });
      // Inside the project, so the copy still resolves prebuild-install and bindings from its node_modules.
      expect(calls[0]!.opts.buildPath.startsWith(join(root, '.cache'))).toBe(true);
      const again = await ensureElectronSqlite({ root, target, rebuild, online });
      expect(again).toMatchObject({ ok: true, built: false });
      expect(calls).toHaveLength(1);
      // The Node build in node_modules is untouched.
      expect(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('NODE BUILD');
      // The scratch project is gone.
      expect(readdirSync(join(root, '.cache', 'electron-sqlite', '45.5.0'))).toEqual(['better-sqlite3-12.11.1-linux-x64']);
    });

    it('offline, does not try to download: the rebuild is never called, the answer says how to get a binding, nothing is left behind', async () => {
      fakePackage();
      // A real name lookup of a name that never resolves (RFC 2606), as a venue laptop's lookup of electronjs.org fails.
      expect(await networkReachable('lentera-offline.invalid')).toBe(false);
      const calls: RebuildOptions[] = [];
      const t0 = Date.now();
      const r = await ensureElectronSqlite({ root, target, rebuild: async (o) => void calls.push(o), online: () => networkReachable('lentera-offline.invalid') });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(calls).toEqual([]);
      expect(r).toMatchObject({ ok: false });
      const message = (r as { message: string }).message;
      expect(message).toMatch(/^Not building better-sqlite3 12\.11\.1 for Electron 45\.5\.0 \(linux-x64\): no network \(electronjs\.org does not resolve\)/);
      expect(message).toMatch(/LENTERA_SQLITE_BINDING/);
      expect(existsSync(join(root, '.cache'))).toBe(false);
      // A binding made earlier (by npm start or npm run dist) is used offline as it is.
      const cached = bindingFileIn(electronSqliteCacheDir(root, target));
      mkdirSync(dirname(cached), { recursive: true });
      writeFileSync(cached, 'ELECTRON BUILD');
      expect(await ensureElectronSqlite({ root, target, rebuild: async (o) => void calls.push(o), online: () => networkReachable('lentera-offline.invalid') })).toEqual({ ok: true, built: false, path: cached });
      expect(calls).toEqual([]);
    });

    it('fails a download that breaks off with one clear line and a log, and leaves nothing half-built', async () => {
      fakePackage();
      const rebuild: Rebuild = async (opts) => {
        // What @electron/rebuild does when node-gyp cannot fetch the headers: prints the worker's error, then throws.
        console.error('Error: This is most likely not a problem with node-gyp or the package itself and\nis related to network connectivity.');
        throw new Error(`node-gyp failed to rebuild '${opts.buildPath}/node_modules/better-sqlite3'`);
      };
      const r = await ensureElectronSqlite({ root, target, rebuild, online });
      expect(r.ok).toBe(false);
      const message = (r as { message: string }).message;
      expect(message).not.toMatch(/\n/);
      expect(message).toMatch(/better-sqlite3 12\.11\.1 for Electron 45\.5\.0 \(linux-x64\)/);
      expect(message).toMatch(/C\+\+ toolchain/);
      expect(message).toMatch(/could not download a prebuilt binary or the Electron headers \(no network\?\)/);
      const log = join(root, '.cache', 'electron-sqlite', '45.5.0', 'build-failure.log');
      expect(message.endsWith(`full log in ${log}`)).toBe(true);
      expect(readFileSync(log, 'utf8')).toMatch(/network connectivity[\s\S]*node-gyp failed to rebuild/);
      expect(readdirSync(join(root, '.cache', 'electron-sqlite', '45.5.0'))).toEqual(['build-failure.log']);
      expect(existsSync(bindingFileIn(electronSqliteCacheDir(root, target)))).toBe(false);
    });

    it('names a compiler failure by node-gyp\'s own error', async () => {
      fakePackage();
      const rebuild: Rebuild = async () => {
        console.error('gyp info it worked if it ends with ok\ngyp ERR! stack Error: not found: make\ngyp ERR! not ok');
        throw new Error('node-gyp failed to rebuild');
      };
      const r = await ensureElectronSqlite({ root, target, rebuild, online });
      expect((r as { message: string }).message).toMatch(/: not found: make; full log in /);
    });

    it('fails when the rebuild produced no binary', async () => {
      fakePackage();
      const r = await ensureElectronSqlite({ root, target, rebuild: async () => undefined, online });
      expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/finished without producing/) });
      expect(existsSync(electronSqliteCacheDir(root, target))).toBe(false);
    });

    it('says so when @electron/rebuild or the package is missing', async () => {
      expect(await ensureElectronSqlite({ root, target, rebuild: undefined })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/@electron\/rebuild is not installed/),
      });
      expect(await ensureElectronSqlite({ root, target, rebuild: async () => undefined })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/npm install/),
      });
      expect(await loadElectronRebuild(root)).toBeUndefined();
    });

    it('loads the real @electron/rebuild from the project', async () => {
      const rebuild = await loadElectronRebuild(join(__dirname, '..', '..'));
      expect(typeof rebuild).toBe('function');
    });
  });
});

describe('the serve fallback', () => {
  it('keeps its data in LENTERA_DATA, else the XDG data folder', () => {
    expect(defaultServeDataDir({ LENTERA_DATA: '/srv/ws' }, '/home/a')).toBe('/srv/ws');
    expect(defaultServeDataDir({ XDG_DATA_HOME: '/x' }, '/home/a')).toBe(join('/x', 'lentera'));
    expect(defaultServeDataDir({}, '/home/a')).toBe(join('/home/a', '.local', 'share', 'lentera'));
  });

  it("takes only Lentera's own options after npm start --, and refuses the rest (nothing reaches Electron or Node)", () => {
    expect(startOptions([])).toEqual({ ok: true, options: {} });
    expect(startOptions(['--port', '6000', '--data=/srv/ws'])).toEqual({ ok: true, options: { port: 6000, data: '/srv/ws' } });
    expect(startOptions(['--data', '/a b', '--port=7000'])).toEqual({ ok: true, options: { port: 7000, data: '/a b' } });
    for (const attack of [['--inspect'], ['--inspect-brk=9229'], ['--remote-debugging-port=9222'], ['--port', '1', '--remote-debugging-pipe'], ['--js-flags=--allow-natives-syntax'], ['.'], ['--host', '0.0.0.0']]) {
      const r = startOptions(attack);
      expect(r.ok, attack.join(' ')).toBe(false);
      expect((r as { message: string }).message).toMatch(/^npm start takes only Lentera's own options, --port N and --data DIR; refused: /);
    }
    expect(startOptions(['--inspect', '--port', '1', '--remote-debugging-port=9222'])).toMatchObject({ message: expect.stringMatching(/refused: --inspect --remote-debugging-port=9222 /) });
    expect(startOptions(['--port'])).toEqual({ ok: false, message: 'npm start: --port needs a value' });
    expect(startOptions(['--port', '99999'])).toEqual({ ok: false, message: 'npm start: --port 99999 is not a port (1–65535)' });
  });

  it('exits with the child code, or 128 + the signal', () => {
    const signals = { SIGINT: 2, SIGTERM: 15 };
    expect(exitCodeOf(0, null, signals)).toBe(0);
    expect(exitCodeOf(3, null, signals)).toBe(3);
    expect(exitCodeOf(null, 'SIGINT', signals)).toBe(130);
    expect(exitCodeOf(null, 'SIGTERM', signals)).toBe(143);
  });

  it('sums up a failed build in one line', () => {
    const offline = [
      'gyp info it worked if it ends with ok',
      'gyp http GET https://electronjs.org/headers/v45.5.0/node-v45.5.0-headers.tar.gz',
      'gyp WARN install got an error, rolling back install',
      'gyp ERR! configure error ',
      'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and',
      'gyp ERR! stack is related to network connectivity. In most cases you are behind a proxy or have bad',
      'gyp ERR! stack network settings.',
      'gyp ERR! stack at go (/usr/lib/node_modules/npm/node_modules/node-gyp/lib/install.js:244:21)',
      'gyp ERR! not ok ',
    ].join('\n');
    expect(buildFailureReason(offline)).toBe(
      'could not download https://electronjs.org/headers/v45.5.0/node-v45.5.0-headers.tar.gz (no network?)',
    );
    expect(buildFailureReason('gyp ERR! stack Error: not found: make\ngyp ERR! stack at x (y:1:2)\ngyp ERR! not ok')).toBe('not found: make');
    expect(buildFailureReason('')).toBe('no output');
    expect(buildFailureReason('x'.repeat(1000)).length).toBeLessThanOrEqual(240);
  });
});

describe('npm start (scripts/start.mjs), run for real', () => {
  const project = join(__dirname, '..', '..');
  const startScript = join(project, 'scripts', 'start.mjs');

  it('refuses a debugger switch with exit 2 before starting anything', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [startScript, '--remote-debugging-port=9222', '--inspect'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\[lentera\] npm start takes only Lentera's own options, --port N and --data DIR; refused: --remote-debugging-port=9222 --inspect /);
    expect(r.stdout).not.toMatch(/serving Lentera/);
  });

  it('with --data and --port only, serves the workstation where Electron cannot run (here: no runtime downloaded)', async () => {
    const { spawn } = await import('node:child_process');
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const data = mkdtempSync(join(tmpdir(), 'lentera-start-'));
    const child = spawn(process.execPath, [startScript, '--data', data, `--port=${port}`], { cwd: project, env: { ...process.env, DISPLAY: '' }, detached: true });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      let answer: Response | undefined;
      for (let i = 0; i < 100 && !answer; i++) {
        await new Promise((r) => setTimeout(r, 200));
        answer = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      }
      expect(answer?.status).toBe(200);
      expect(out).toMatch(new RegExp(`serving Lentera at http://127\\.0\\.0\\.1:${port} instead`));
      expect(existsSync(data)).toBe(true);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
