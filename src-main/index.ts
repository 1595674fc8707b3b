// The Electron shell, and only that: lifecycle, one window, the app:// protocol, the IPC door, security handlers.
// Everything it wires lives in src-main/electron/ (testable without the runtime); the workstation (LenteraApp and
// its SQLite database) runs in a worker thread behind WorkstationHost, so a long import never freezes the windows.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerIpc, type IpcDoor } from './electron/ipc';
import { WorkstationHost } from './host/workstation-host';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, registerAppProtocol } from './electron/protocol';
import { hardenSession, hardenWebContents } from './electron/security';
import { windowOptions } from './electron/window';
import { menuTemplate } from './electron/menu';
import { debuggingSwitches } from './electron/switches';

// electron-vite names the CommonJS preload index.cjs in a "type": "module" package (index.js otherwise).
const preloadCjs = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const preloadPath = existsSync(preloadCjs) ? preloadCjs : fileURLToPath(new URL('../preload/index.js', import.meta.url));
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));

// An installed app is production: no developer tools, no debugger switches (the fuses also refuse --inspect).
const production = app.isPackaged;
const debugging = production ? debuggingSwitches(process.argv) : [];

// Before `ready`: every renderer sandboxed, and app:// a standard, secure origin.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

let lentera: WorkstationHost | undefined;
let door: IpcDoor | undefined;
let mainWindow: BrowserWindow | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preloadPath, { devTools: !production }));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  win.webContents.on('render-process-gone', (_e, details) => {
    console.error(`[lentera] renderer stopped: ${details.reason} (exit code ${details.exitCode})`);
  });
  void win.loadURL(APP_INDEX_URL);
  mainWindow = win;
  return win;
}

function fatal(title: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`[lentera] ${title}: ${message}`);
  dialog.showErrorBox(`Lentera — ${title}`, message);
  app.exit(1);
}

async function start(): Promise<void> {
  await app.whenReady();
  if (debugging.length) {
    fatal('refused / ditolak', new Error(`Lentera does not start with ${debugging.join(' ')}: it would open a debugger into the workstation.`));
    return;
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ production, platform: process.platform })));
  hardenSession(session.defaultSession);
  registerAppProtocol(protocol, rendererDir);

  const dataDir = process.env.LENTERA_DATA || join(app.getPath('userData'), 'workstation');
  try {
    // The desktop owns its workstation while open: beside a running `lentera serve` it says so and stops. The
    // worker takes the owner lock and runs the outbox pusher; the windows reach it only through the IPC door.
    lentera = await WorkstationHost.start(
      { dataDir, allowInit: true, owner: { door: 'desktop' }, nativeBinding: process.env.LENTERA_SQLITE_BINDING || undefined, outbox: true },
      { onStopped: (reason) => fatal('the workstation stopped / data berhenti', new Error(`The workstation worker stopped: ${reason}.`)) },
    );
  } catch (e) {
    fatal('cannot open the workstation / tidak dapat membuka data', e);
    return;
  }
  door = registerIpc(ipcMain, lentera, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  // One workstation, one window: a second start just brings the first one forward.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    door?.dispose();
    door = undefined;
    const host = lentera;
    if (!host) return;
    lentera = undefined;
    // Quitting waits for the worker: calls in flight finish, the database is closed and the owner lock released.
    event.preventDefault();
    host
      .close()
      .catch((e: unknown) => console.error('[lentera] the workstation did not close cleanly:', e))
      .finally(() => app.quit());
  });
  start().catch((e: unknown) => fatal('failed to start / gagal memulai', e));
}
