import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  missingBuild,
  nodeGypArgs,
  servePort,
  type Runner,
} from '../../src-main/electron/launcher';

const target = { electronVersion: '45.5.0', sqliteVersion: '12.11.1', platform: 'linux', arch: 'x64' };

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
    expect(missingBuild(root)).toHaveLength(3);
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
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

    it('asks node-gyp for the Electron runtime and headers', () => {
      expect(nodeGypArgs(target, '/d')).toEqual([
        'rebuild',
        '--release',
        '--target=45.5.0',
        '--arch=x64',
        '--runtime=electron',
        '--dist-url=https://electronjs.org/headers',
        '--devdir=/d',
      ]);
    });

    it('builds once in a copy without the Node build, then reuses it', () => {
      fakePackage();
      const calls: { args: readonly string[]; cwd: string; copied: string[] }[] = [];
      const run: Runner = (_cmd, args, cwd) => {
        calls.push({ args, cwd, copied: readdirSync(cwd).sort() });
        mkdirSync(join(cwd, 'build', 'Release'), { recursive: true });
        writeFileSync(join(cwd, 'build', 'Release', 'better_sqlite3.node'), 'ELECTRON BUILD');
        return { status: 0, output: '' };
      };
      const first = ensureElectronSqlite({ root, target, nodeGyp: '/npm/node-gyp.js', run });
      expect(first).toEqual({ ok: true, built: true, path: bindingFileIn(electronSqliteCacheDir(root, target)) });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0]).toBe('/npm/node-gyp.js');
      expect(calls[0]!.copied).toEqual(['binding.gyp', 'src']); // not build/
      const again = ensureElectronSqlite({ root, target, nodeGyp: '/npm/node-gyp.js', run });
      expect(again).toMatchObject({ ok: true, built: false });
      expect(calls).toHaveLength(1);
      // The Node build in node_modules is untouched.
      expect(existsSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    });

    it('fails with one clear line and leaves nothing half-built', () => {
      fakePackage();
      const run: Runner = () => ({
        status: 1,
        output: 'gyp info it worked if it ends with ok\ngyp ERR! stack Error: not found: make\ngyp ERR! not ok\n',
      });
      const r = ensureElectronSqlite({ root, target, nodeGyp: '/npm/node-gyp.js', run });
      expect(r.ok).toBe(false);
      const message = (r as { message: string }).message;
      expect(message).not.toMatch(/\n/);
      expect(message).toMatch(/better-sqlite3 12\.11\.1 for Electron 45\.5\.0/);
      expect(message).toMatch(/: not found: make$/);
      expect(readdirSync(join(root, '.cache', 'electron-sqlite', '45.5.0'))).toEqual([]);
    });

    it('says so when node-gyp or the package is missing', () => {
      expect(ensureElectronSqlite({ root, target, nodeGyp: undefined })).toMatchObject({ ok: false, message: expect.stringMatching(/node-gyp was not found/) });
      expect(ensureElectronSqlite({ root, target, nodeGyp: '/x.js' })).toMatchObject({ ok: false, message: expect.stringMatching(/npm install/) });
    });
  });
});

describe('the serve fallback', () => {
  it('keeps its data in LENTERA_DATA, else the XDG data folder', () => {
    expect(defaultServeDataDir({ LENTERA_DATA: '/srv/ws' }, '/home/a')).toBe('/srv/ws');
    expect(defaultServeDataDir({ XDG_DATA_HOME: '/x' }, '/home/a')).toBe(join('/x', 'lentera'));
    expect(defaultServeDataDir({}, '/home/a')).toBe(join('/home/a', '.local', 'share', 'lentera'));
  });

  it('uses port 5170 unless one is passed through', () => {
    expect(servePort([])).toBe(5170);
    expect(servePort(['--port', '6000'])).toBe(6000);
    expect(servePort(['--host', '0.0.0.0', '--port=7000'])).toBe(7000);
  });

  it('exits with the child code, or 128 + the signal', () => {
    const signals = { SIGINT: 2, SIGTERM: 15 };
    expect(exitCodeOf(0, null, signals)).toBe(0);
    expect(exitCodeOf(3, null, signals)).toBe(3);
    expect(exitCodeOf(null, 'SIGINT', signals)).toBe(130);
    expect(exitCodeOf(null, 'SIGTERM', signals)).toBe(143);
  });

  it('sums up a failed node-gyp build in one line', () => {
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
