import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. An installed Lentera (production) has no developer tools and no reload in it: DevTools
 * would reach the page that holds a logged-in session, and a reload drops what an examiner was typing. Development
 * keeps both. Typing, copying and zooming stay everywhere; the window opens with the menu bar hidden (Alt shows it).
 */
export function menuTemplate(opts: { production: boolean; platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    ...(opts.production ? [] : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(opts.platform === 'darwin' ? ([{ role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
