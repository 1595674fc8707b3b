import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The renderer gets nothing of Node: it is isolated, sandboxed, and talks to the main process only through the two
 * functions the preload exposes. Every setting is spelled out, even where it is Electron's default, so a change of
 * default can never loosen it.
 */
export function hardenedWebPreferences(preloadPath: string, opts: { devTools: boolean } = { devTools: false }): WebPreferences {
  return {
    preload: preloadPath,
    // Off in an installed app (src-main/index.ts passes !app.isPackaged): no shortcut or menu can open them then.
    devTools: opts.devTools,
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
    enableWebSQL: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

export function windowOptions(preloadPath: string, opts: { devTools: boolean } = { devTools: false }): BrowserWindowConstructorOptions {
  return {
    title: 'Lentera',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false, // shown on 'ready-to-show', so there is no white flash
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: hardenedWebPreferences(preloadPath, opts),
  };
}
