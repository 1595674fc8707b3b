import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardenedWebPreferences, windowOptions } from '../../src-main/electron/window';

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
