import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardenedWebPreferences, windowOptions } from '../../src-main/electron/window';
import { menuTemplate } from '../../src-main/electron/menu';
import { debuggingSwitches } from '../../src-main/electron/switches';
import type { MenuItemConstructorOptions } from 'electron';

/** Every role and label in a menu template, at any depth. */
function menuItems(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [String(i.role ?? i.label ?? i.type), ...(Array.isArray(i.submenu) ? menuItems(i.submenu) : [])]);
}

describe('electron window options', () => {
  it('spells out every hardened webPreference', () => {
    const o = windowOptions('/app/out/preload/index.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
    });
  });

  it('never enables anything that loosens the sandbox', () => {
    const prefs = hardenedWebPreferences('/p.cjs');
    for (const key of ['nodeIntegration', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'allowRunningInsecureContent', 'webviewTag', 'experimentalFeatures', 'enableWebSQL', 'navigateOnDragDrop']) {
      expect(prefs[key as keyof typeof prefs], key).toBe(false);
    }
    expect(prefs.contextIsolation && prefs.sandbox && prefs.webSecurity).toBe(true);
  });

  it('has no developer tools unless asked (the packaged app never asks; development does)', () => {
    expect(windowOptions('/p.cjs').webPreferences!.devTools).toBe(false);
    expect(hardenedWebPreferences('/p.cjs').devTools).toBe(false);
    expect(windowOptions('/p.cjs', { devTools: true }).webPreferences!.devTools).toBe(true);
    const shell = readFileSync(join(__dirname, '..', '..', 'src-main', 'index.ts'), 'utf8');
    expect(shell).toMatch(/const production = app\.isPackaged;/);
    expect(shell).toMatch(/windowOptions\(preloadPath, \{ devTools: !production \}\)/);
    expect(shell).toMatch(/Menu\.setApplicationMenu\(Menu\.buildFromTemplate\(menuTemplate\(\{ production, platform: process\.platform \}\)\)\)/);
  });

  it('sets a menu without "Toggle Developer Tools" (or reload) in production, and keeps them in development', () => {
    for (const platform of ['win32', 'linux', 'darwin'] as const) {
      const prod = menuItems(menuTemplate({ production: true, platform }));
      for (const role of ['toggleDevTools', 'reload', 'forceReload']) expect(prod, `${platform} ${role}`).not.toContain(role);
      // the default menu's View submenu would bring them back: there is none
      expect(prod).not.toContain('viewMenu');
      expect(prod).toEqual(expect.arrayContaining(['editMenu', 'zoomIn', 'resetZoom']));
      expect(menuItems(menuTemplate({ production: false, platform }))).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
    }
  });

  it('the installed app never compiles or downloads at start: its entry does not load the launcher or @electron/rebuild', () => {
    const shell = readFileSync(join(__dirname, '..', '..', 'src-main', 'index.ts'), 'utf8');
    expect(shell).not.toMatch(/launcher|@electron\/rebuild|node-gyp|child_process/);
    // it loads the better-sqlite3 it carries, or the one npm start found for it
    expect(shell).toMatch(/nativeBinding: process\.env\.LENTERA_SQLITE_BINDING \|\| undefined/);
  });

  it('the packaged app refuses the switches that open a debugger', () => {
    expect(debuggingSwitches(['lentera.exe', '--inspect', '--inspect-brk=9229', '--inspect-port=1', '--remote-debugging-port=9222', '--remote-debugging-pipe', '--js-flags=--x', '--remote-allow-origins=*'])).toEqual([
      '--inspect',
      '--inspect-brk=9229',
      '--inspect-port=1',
      '--remote-debugging-port=9222',
      '--remote-debugging-pipe',
      '--js-flags=--x',
      '--remote-allow-origins=*',
    ]);
    expect(debuggingSwitches(['lentera.exe', '--inspector-free', '--lang=id', 'C:\\data'])).toEqual([]);
    const shell = readFileSync(join(__dirname, '..', '..', 'src-main', 'index.ts'), 'utf8');
    expect(shell).toMatch(/const debugging = production \? debuggingSwitches\(process\.argv\) : \[\];/);
  });

  it('opens hidden until ready, at a usable size', () => {
    const o = windowOptions('/p.cjs');
    expect(o.show).toBe(false);
    expect(o.minWidth).toBeGreaterThanOrEqual(800);
  });
});

describe('the shell boundary', () => {
  it('keeps src-main/electron loadable without the runtime: only `import type` from electron', () => {
    const dir = join(__dirname, '..', '..', 'src-main', 'electron');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const imports = text.match(/^import[^;]*from\s+['"]electron(\/[^'"]*)?['"]/gm) ?? [];
      for (const line of imports) expect(line, `${f}: ${line}`).toMatch(/^import type /);
      expect(text, f).not.toMatch(/require\(\s*['"]electron['"]\s*\)/);
    }
  });
});
