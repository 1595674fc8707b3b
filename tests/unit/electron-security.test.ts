import { describe, expect, it } from 'vitest';
import { hardenSession, hardenWebContents, type NavigationEvent } from '../../src-main/electron/security';

type Listener = (event: NavigationEvent, url?: string) => void;

/** Captures what hardening registers, the way Electron's WebContents would receive it. */
function fakeContents() {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }) {
      openHandler = h;
    },
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
  };
  /** Fires an event the Electron way; returns whether it was prevented. */
  const fire = (name: string, url: string, style: 'arg' | 'event' = 'arg'): boolean => {
    let prevented = false;
    const event: NavigationEvent = { preventDefault: () => (prevented = true), ...(style === 'event' ? { url } : {}) };
    const ls = listeners.get(name);
    if (!ls?.length) throw new Error(`no listener for ${name}`);
    for (const l of ls) {
      if (style === 'arg') l(event, url);
      else l(event);
    }
    return prevented;
  };
  return { contents, fire, openHandler: () => openHandler };
}

describe('hardenWebContents', () => {
  it('denies every window.open', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    for (const url of ['https://evil.example/', 'app://lentera/index.html', 'file:///etc/passwd']) {
      expect(f.openHandler()!({ url })).toEqual({ action: 'deny' });
    }
  });

  it('prevents navigation and redirects away from app://lentera, allows it within', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    for (const name of ['will-navigate', 'will-redirect']) {
      expect(f.fire(name, 'https://evil.example/')).toBe(true);
      expect(f.fire(name, 'file:///etc/passwd')).toBe(true);
      expect(f.fire(name, 'app://other/index.html')).toBe(true);
      expect(f.fire(name, 'http://127.0.0.1:5170/')).toBe(true);
      expect(f.fire(name, 'javascript:alert(1)')).toBe(true);
      expect(f.fire(name, 'app://lentera/index.html')).toBe(false);
      expect(f.fire(name, 'app://lentera/audit')).toBe(false);
    }
  });

  it('reads the url from the event object too (newer Electron), and guards sub-frames', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    expect(f.fire('will-navigate', 'https://evil.example/', 'event')).toBe(true);
    expect(f.fire('will-navigate', 'app://lentera/', 'event')).toBe(false);
    expect(f.fire('will-frame-navigate', 'https://evil.example/', 'event')).toBe(true);
    expect(f.fire('will-frame-navigate', 'app://lentera/index.html', 'event')).toBe(false);
  });

  it('prevents a navigation whose url it cannot read', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    expect(f.fire('will-frame-navigate', '', 'arg')).toBe(true);
  });

  it('refuses to attach a <webview>', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    expect(f.fire('will-attach-webview', 'app://lentera/index.html')).toBe(true);
  });
});

describe('hardenSession', () => {
  it('denies permission requests and checks, and device permissions', () => {
    let request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, permission: string) => boolean) | undefined;
    let device: ((details: unknown) => boolean) | undefined;
    hardenSession({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      setDevicePermissionHandler: (h) => (device = h),
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'fullscreen']) {
      const answers: boolean[] = [];
      request!({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(check!({}, permission), permission).toBe(false);
    }
    expect(device!({ deviceType: 'usb' })).toBe(false);
  });

  it('works with a session that has no device handler', () => {
    const calls: string[] = [];
    hardenSession({
      setPermissionRequestHandler: () => calls.push('request'),
      setPermissionCheckHandler: () => calls.push('check'),
    });
    expect(calls).toEqual(['request', 'check']);
  });
});
