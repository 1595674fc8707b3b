import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { afterPack, ARCH_NAMES, unpackedBindingPath } from '../../scripts/dist-after-pack.mjs';
import { afterAllArtifactBuild } from '../../scripts/dist-checksums.mjs';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

// electron-builder's own loader and schema check (app-builder-lib, electron-builder's dependency): they read files
// only, no Electron and no download.
const builderRequire = createRequire(createRequire(join(root, 'package.json')).resolve('electron-builder/package.json'));
const { getConfig, validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config.js') as {
  getConfig: (projectDir: string, configPath: string | null, fromOptions: null) => Promise<Config>;
  validateConfiguration: (config: Config, logger: unknown) => Promise<void>;
};
const { DebugLogger, Arch } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown; Arch: Record<number, string> };

interface TargetEntry {
  target: string;
  arch: string[];
}
interface Config {
  appId: string;
  productName: string;
  files: { filter: string[] }[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  afterPack: string;
  extraResources: { from: string; to: string }[];
  win: { target: TargetEntry[]; icon: string };
  nsis: { oneClick: boolean; perMachine: boolean; installerLanguages: string[]; installerIcon: string; uninstallerIcon: string };
  linux: { target: TargetEntry[]; icon: string };
  afterAllArtifactBuild: string;
  electronFuses: Record<string, boolean>;
}

// The fuse settings of issue 20: Electron's security checklist for a packaged app.
const FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

const fuses = builderRequire('@electron/fuses') as {
  SENTINEL?: string;
  FuseV1Options: Record<string, number>;
  flipFuses: (binary: string, config: Record<string, unknown>) => Promise<number>;
  getCurrentFuseWire: (binary: string) => Promise<Record<string, number | string>>;
};
const { PlatformPackager } = builderRequire('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig: (f: Record<string, boolean>) => Promise<Record<string, unknown>> } };
};
/** The fuse wire's marker in an Electron binary (@electron/fuses' constants). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 49;
const DISABLE = 48;

/** Each fuse of the config as the state a binary's wire must hold for it. */
function expectedWire(): Record<number, number> {
  const byFuse: Record<string, string> = {
    runAsNode: 'RunAsNode',
    enableCookieEncryption: 'EnableCookieEncryption',
    enableNodeOptionsEnvironmentVariable: 'EnableNodeOptionsEnvironmentVariable',
    enableNodeCliInspectArguments: 'EnableNodeCliInspectArguments',
    enableEmbeddedAsarIntegrityValidation: 'EnableEmbeddedAsarIntegrityValidation',
    onlyLoadAppFromAsar: 'OnlyLoadAppFromAsar',
    loadBrowserProcessSpecificV8Snapshot: 'LoadBrowserProcessSpecificV8Snapshot',
    grantFileProtocolExtraPrivileges: 'GrantFileProtocolExtraPrivileges',
  };
  return Object.fromEntries(Object.entries(FUSES).map(([k, v]) => [fuses.FuseV1Options[byFuse[k]!]!, v ? ENABLE : DISABLE]));
}

/** Sizes of the images in an .ico, read from its directory (0 in the directory means 256). */
function icoSizes(ico: Buffer): { size: number; png: Buffer }[] {
  expect(ico.readUInt16LE(0)).toBe(0);
  expect(ico.readUInt16LE(2)).toBe(1);
  const count = ico.readUInt16LE(4);
  return Array.from({ length: count }, (_, k) => {
    const e = 6 + 16 * k;
    const size = ico.readUInt8(e) || 256;
    const length = ico.readUInt32LE(e + 8);
    const offset = ico.readUInt32LE(e + 12);
    return { size, png: ico.subarray(offset, offset + length) };
  });
}

function pngSize(data: Buffer): [number, number] {
  const png = PNG.sync.read(data);
  return [png.width, png.height];
}

describe('electron-builder configuration', () => {
  let config: Config;
  beforeAll(async () => {
    config = await getConfig(root, null, null);
  });

  it('is found and passes electron-builder\'s own schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The check has teeth: a misspelt option is refused.
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, perMachin: true } as never }, new DebugLogger(false))).rejects.toThrow(
      /configuration object that does not match the API schema/,
    );
  });

  it('names the app', () => {
    expect(config.appId).toBe('id.go.semarangkota.lentera');
    expect(config.productName).toBe('Lentera');
  });

  it('builds an NSIS installer for 64-bit Windows, per user by default, in Indonesian and English', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false });
    expect(config.nsis.installerLanguages).toEqual(['id_ID', 'en_US']);
  });

  it('builds an AppImage and a deb for Linux', () => {
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
  });

  it('packs the build and package.json, not sources or tests', () => {
    const filter = config.files.flatMap((f) => f.filter);
    expect(filter).toContain('out/**');
    expect(filter).toContain('package.json');
    for (const p of filter.filter((f) => !f.startsWith('!'))) expect(p).not.toMatch(/^(src-main|src-renderer|tests|scripts)\b/);
    // package.json's main is what Electron starts, and it is inside what is packed.
    expect(pkg.main).toMatch(/^out\//);
    expect(existsSync(join(root, pkg.main)) || !existsSync(join(root, 'out'))).toBe(true);
  });

  it('keeps better-sqlite3\'s binary out of the asar and builds it for Electron after packing', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*.node');
    expect(config.npmRebuild).toBe(false);
    expect(existsSync(join(root, config.afterPack))).toBe(true);
  });

  it('ships the resources the app reads at run time where resourcesDir() finds them', () => {
    expect(config.extraResources.map((r) => r.to).sort()).toEqual(['resources/examples', 'resources/fonts', 'resources/rulesets']);
    for (const r of config.extraResources) expect(existsSync(join(root, r.from))).toBe(true);
  });

  it('has icons that exist and are what they claim to be', () => {
    const png = readFileSync(join(root, 'resources', 'icon.png'));
    expect(pngSize(png)).toEqual([512, 512]);
    const images = icoSizes(readFileSync(join(root, config.win.icon)));
    expect(images.map((i) => i.size)).toContain(256);
    for (const { size, png: inner } of images) expect(pngSize(inner)).toEqual([size, size]);
    expect(config.nsis.installerIcon).toBe(config.win.icon);
    for (const n of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(readFileSync(join(root, config.linux.icon, `${n}x${n}.png`)))).toEqual([n, n]);
    }
  });

  it('is built by npm run dist, which is not part of npm test', () => {
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder');
    expect(pkg.scripts['dist:win']).toMatch(/electron-builder --win$/);
    expect(pkg.scripts['dist:linux']).toMatch(/electron-builder --linux$/);
    expect(pkg.scripts.test).not.toMatch(/dist|electron-builder/);
  });
});

describe('Electron fuses of the packaged binary', () => {
  let config: Config;
  beforeAll(async () => {
    config = await getConfig(root, null, null);
  });

  it('are set in the packaging configuration: no RunAsNode, NODE_OPTIONS or --inspect; asar only and checked; cookies encrypted', () => {
    expect(config.electronFuses).toEqual(FUSES);
  });

  it("are flipped by electron-builder's own code into a binary's fuse wire as configured (a synthetic Electron binary)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-fuses-'));
    try {
      // What Electron 45 ships: version 1, eight fuses, each at its default (RunAsNode, NODE_OPTIONS and --inspect on).
      const binary = join(dir, 'lentera');
      const defaults = '10110000';
      writeFileSync(binary, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.alloc(4096, 0x90)]));
      const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
      expect(await fuses.flipFuses(binary, fuseConfig)).toBe(1);
      const wire = await fuses.getCurrentFuseWire(binary);
      const want = expectedWire();
      for (const [index, state] of Object.entries(want)) expect(wire[index], `fuse ${index}`).toBe(state);
      expect(Object.keys(want)).toHaveLength(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Where `npm run dist` could run (it downloads Electron, so not here), the packed binary itself is read.
  const packed = ['dist/linux-unpacked/lentera', 'dist/win-unpacked/Lentera.exe'].map((p) => join(root, p)).find((p) => existsSync(p));
  it.skipIf(!packed)('hold in the binary npm run dist packed', async () => {
    const wire = await fuses.getCurrentFuseWire(packed!);
    for (const [index, state] of Object.entries(expectedWire())) expect(wire[index], `fuse ${index}`).toBe(state);
  });
});

describe('the installers\' checksums', () => {
  it('writes SHA256SUMS of the installers only, which sha256sum -c accepts, and refuses a changed installer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-sums-'));
    try {
      const files = { 'Lentera Setup 0.1.0.exe': 'MZ installer', 'Lentera-0.1.0.AppImage': 'ELF appimage', 'lentera_0.1.0_amd64.deb': '!<arch>', 'Lentera Setup 0.1.0.exe.blockmap': 'x', 'latest.yml': 'y' };
      for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
      const out = await afterAllArtifactBuild({ outDir: dir, artifactPaths: Object.keys(files).map((f) => join(dir, f)) });
      expect(out).toEqual([join(dir, 'SHA256SUMS')]);
      const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
      expect(sums.trim().split('\n').map((l) => l.slice(66)).sort()).toEqual(['Lentera Setup 0.1.0.exe', 'Lentera-0.1.0.AppImage', 'lentera_0.1.0_amd64.deb'].sort());
      // the independent check a venue runs
      expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(/Lentera Setup 0\.1\.0\.exe: OK/);
      writeFileSync(join(dir, 'Lentera Setup 0.1.0.exe'), 'MZ installer, changed');
      let failed = '';
      try {
        execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
      } catch (e) {
        failed = String((e as { stdout?: string }).stdout);
      }
      expect(failed).toMatch(/Lentera Setup 0\.1\.0\.exe: FAILED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the configured afterAllArtifactBuild hook', async () => {
    const config = await getConfig(root, null, null);
    expect(config.afterAllArtifactBuild).toBe('./scripts/dist-checksums.mjs');
  });
});

describe('the after-pack hook', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lentera-afterpack-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const context = (appOutDir: string, platform = 'win32', arch = 1) => ({
    appOutDir,
    electronPlatformName: platform,
    arch,
    packager: { info: { framework: { version: '45.5.0' } }, appInfo: { productFilename: 'Lentera' } },
  });

  it('reads electron-builder\'s arch numbers as builder-util does', () => {
    ARCH_NAMES.forEach((name, value) => expect(Arch[value]).toBe(name));
  });

  it('finds the unpacked binary on each platform', () => {
    expect(unpackedBindingPath('/o', 'win32', 'Lentera')).toBe(join('/o', 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(unpackedBindingPath('/o', 'darwin', 'Lentera')).toMatch(/Lentera\.app[/\\]Contents[/\\]Resources[/\\]app\.asar\.unpacked/);
  });

  it('replaces the packed Node build with the Electron build for the target', async () => {
    const built = join(dir, 'electron.node');
    writeFileSync(built, 'ELECTRON x64 WIN');
    const dest = unpackedBindingPath(dir, 'win32', 'Lentera');
    mkdirSync(join(dest, '..'), { recursive: true });
    writeFileSync(dest, 'NODE BUILD');
    const asked: unknown[] = [];
    const launcher = {
      electronVersion: () => '0.0.0',
      betterSqliteVersion: () => '12.11.1',
      loadElectronRebuild: async () => async () => undefined,
      ensureElectronSqlite: async (o: { target: unknown }) => {
        asked.push(o.target);
        return { ok: true, path: built, built: true };
      },
    };
    await afterPack(context(dir), launcher);
    expect(asked).toEqual([{ electronVersion: '45.5.0', sqliteVersion: '12.11.1', platform: 'win32', arch: 'x64' }]);
    expect(readFileSync(dest, 'utf8')).toBe('ELECTRON x64 WIN');
  });

  it('stops the packaging when better-sqlite3 cannot be built, or was not unpacked', async () => {
    const failing = {
      electronVersion: () => '45.5.0',
      betterSqliteVersion: () => '12.11.1',
      loadElectronRebuild: async () => undefined,
      ensureElectronSqlite: async () => ({ ok: false, message: 'Cannot build better-sqlite3: offline' }),
    };
    await expect(afterPack(context(dir, 'linux'), failing)).rejects.toThrow(/^dist: Cannot build better-sqlite3: offline$/);
    const ok = { ...failing, ensureElectronSqlite: async () => ({ ok: true, path: join(dir, 'x.node'), built: false }) };
    await expect(afterPack(context(dir, 'linux'), ok)).rejects.toThrow(/is missing; is better-sqlite3 in asarUnpack\?/);
    await expect(afterPack(context(dir, 'linux', 9), ok)).rejects.toThrow(/cannot tell which better-sqlite3/);
  });
});
