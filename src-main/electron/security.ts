import { isAppUrl } from './protocol';

/** What a navigation listener receives: Electron's event (with `url` on recent versions) and, on some, the url. */
export interface NavigationEvent {
  preventDefault(): void;
  url?: string;
}

/**
 * The part of Electron's WebContents that hardening touches. Electron's own WebContents satisfies it; tests pass a
 * fake that records the handlers.
 */
export interface HardenableContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent, url?: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent, url?: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
}

function urlOf(event: NavigationEvent, url: unknown): string | undefined {
  return typeof url === 'string' ? url : event.url;
}

/**
 * For every WebContents (wired from app 'web-contents-created'): no new windows, no navigation or redirect away
 * from app://lentera, no <webview>.
 */
export function hardenWebContents(contents: HardenableContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const keepHome = (event: NavigationEvent, url?: unknown) => {
    if (!isAppUrl(urlOf(event, url))) event.preventDefault();
  };
  contents.on('will-navigate', keepHome);
  contents.on('will-redirect', keepHome);
  contents.on('will-frame-navigate', (event) => keepHome(event));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The part of Electron's Session that hardening touches. */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
}

/** The workstation needs no camera, microphone, notifications, geolocation, USB, HID, serial... none is granted. */
export function hardenSession(session: HardenableSession): void {
  // Everything is refused but writing to the clipboard (the "copy hash" buttons); reading it stays refused.
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  session.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
  session.setDevicePermissionHandler?.(() => false);
}
