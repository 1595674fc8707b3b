import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { Result } from '../../src-main/api/result';
import { EVENT_CHANNEL, isTrustedSender, registerIpc, type IpcDoor } from '../../src-main/electron/ipc';
import { asyncOnly, FakeContents, FakeIpcMain, ipcCall, uploadThrough } from './doors';

const ADMIN = { name: 'koordinator', pin: '482913' };

let dir: string;
let app: LenteraApp;
let ipc: FakeIpcMain;
let windows: FakeContents[];
let door: IpcDoor;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lentera-ipc-'));
  app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  const init = app.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, { local: 'test' });
  expect(init.ok).toBe(true);
  ipc = new FakeIpcMain();
  windows = [new FakeContents(1), new FakeContents(2)];
  door = registerIpc(ipc, app, () => windows);
});

afterEach(() => {
  door.dispose();
  app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What ipcRenderer.invoke(INVOKE_CHANNEL, command, input) from `contents` would get. */
const call = (contents: FakeContents, command: unknown, input?: unknown, frameUrl: string | null = contents.url): Promise<Result> => ipcCall(ipc, contents, command, input, frameUrl);

describe('isTrustedSender', () => {
  it('accepts only frames on app://lentera', () => {
    expect(isTrustedSender({ url: 'app://lentera/index.html' })).toBe(true);
    expect(isTrustedSender({ url: 'app://lentera/audit?x=1' })).toBe(true);
    for (const url of ['http://evil', 'http://evil.example/index.html', 'file:///work/out/renderer/index.html', 'app://other/index.html', 'app://lentera.evil/', 'https://lentera/', 'about:blank', 'devtools://devtools/', '']) {
      expect(isTrustedSender({ url }), url).toBe(false);
    }
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('the IPC door', () => {
  it('reaches the workstation only through its asynchronous entry (a command that reads a file works)', async () => {
    door.dispose();
    const target = asyncOnly(app);
    door = registerIpc(ipc, target, () => windows);
    await call(windows[0]!, 'accounts.login', ADMIN);
    const id = await uploadThrough((c, i) => call(windows[0]!, c, i), readFileSync(join('resources', 'examples', 'cpns-smg-2026.exam.json')));
    // exams.preview reads its file before its transaction: through a synchronous entry it could not run at all.
    expect(await call(windows[0]!, 'exams.preview', { file: { uploadId: id, name: 'paket.json' } })).toMatchObject({ ok: true, value: { exam: { code: 'CPNS-SMG-2026' } } });
    expect(target.reached).toEqual([]);
  });

  it("the first-run demo through the window gets the coordinator's signing key (it reads and writes a key file)", async () => {
    const fresh = new LenteraApp({ dataDir: join(dir, 'fresh'), allowInit: true });
    const ipc2 = new FakeIpcMain();
    const door2 = registerIpc(ipc2, asyncOnly(fresh), () => windows);
    try {
      // The window's demo is encrypted like any workstation it makes; without `encrypt` it is refused.
      expect(await ipcCall(ipc2, windows[0]!, 'workstation.demo', { candidates: 20 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const r = await ipcCall(ipc2, windows[0]!, 'workstation.demo', { candidates: 20, encrypt: true });
      expect(r).toMatchObject({ ok: true, value: { workstation: { passphrase: expect.stringMatching(/^demo-workstation-/) }, signingKey: { account: 'koordinator', passphrase: expect.stringMatching(/^demo-/), fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) } } });
      const keys = await fresh.invokeAsync('keys.list', {}, { local: 'test' });
      expect(keys).toMatchObject({ ok: true, value: [{ account: 'koordinator' }] });
    } finally {
      door2.dispose();
      fresh.close();
    }
  });

  it('registers exactly one invoke channel', () => {
    expect([...ipc.handlers.keys()]).toEqual(['lentera:invoke']);
  });

  it('refuses a frame that is not app://lentera, before running anything', async () => {
    const headBefore = app.workstation!.db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number };
    for (const frame of ['http://evil', 'file:///etc/passwd', 'app://other/index.html', null]) {
      const r = await call(windows[0]!, 'accounts.login', ADMIN, frame);
      expect(r, String(frame)).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String), details: {} } });
    }
    const headAfter = app.workstation!.db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number };
    expect(headAfter.n).toBe(headBefore.n); // not even a refused login reached the registry
    expect(door.sessionCount).toBe(0);
  });

  it('keeps the login token in main and returns the rest without it', async () => {
    const r = await call(windows[0]!, 'accounts.login', ADMIN);
    expect(r.ok).toBe(true);
    const value = (r as { value: Record<string, unknown> }).value;
    expect(value).not.toHaveProperty('token');
    // Only the device's own token (what this window keeps for its next login) comes back; the session stays in main.
    expect(Object.keys(value).filter((k) => /token/i.test(k))).toEqual(['deviceToken']);
    expect(value).toMatchObject({ account: { name: 'koordinator', role: 'coordinator' }, expiresAt: expect.any(String) });
    expect(door.sessionCount).toBe(1);
  });

  it('passes the stored token on later calls from the same window, and only that window', async () => {
    expect((await call(windows[0]!, 'accounts.me')).ok).toBe(false);
    await call(windows[0]!, 'accounts.login', ADMIN);
    const me = await call(windows[0]!, 'accounts.me');
    expect(me).toMatchObject({ ok: true, value: { name: 'koordinator' } });
    const list = await call(windows[0]!, 'accounts.list');
    expect(list.ok).toBe(true);
    const other = await call(windows[1]!, 'accounts.me');
    expect(other).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('ignores a token smuggled in the input: auth comes only from the door', async () => {
    const direct = app.invoke('accounts.login', ADMIN, {});
    const token = (direct as { value: { token: string } }).value.token;
    const r = await call(windows[1]!, 'accounts.me', { token });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('forgets the token on logout', async () => {
    await call(windows[0]!, 'accounts.login', ADMIN);
    expect(await call(windows[0]!, 'accounts.logout', {})).toMatchObject({ ok: true });
    expect(door.sessionCount).toBe(0);
    expect(await call(windows[0]!, 'accounts.me')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('stores nothing for a failed login and passes the refusal through', async () => {
    const r = await call(windows[0]!, 'accounts.login', { name: ADMIN.name, pin: '000000' });
    expect(r).toMatchObject({ ok: false, error: { code: 'LOGIN_FAILED' } });
    expect(door.sessionCount).toBe(0);
  });

  it('cleans the session when the window is destroyed', async () => {
    await call(windows[0]!, 'accounts.login', ADMIN);
    await call(windows[1]!, 'accounts.login', ADMIN);
    expect(door.sessionCount).toBe(2);
    windows[0]!.destroy();
    expect(door.sessionCount).toBe(1);
  });

  it('refuses a call without a command name', async () => {
    for (const command of [undefined, 42, '', { name: 'accounts.me' }]) {
      expect(await call(windows[0]!, command), String(command)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
  });

  it('answers an unknown command with the registry error', async () => {
    expect(await call(windows[0]!, 'exam.explode', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });

  it('forwards live events to every live app window', async () => {
    const outsider = new FakeContents(3, 'https://evil.example/');
    const gone = new FakeContents(4);
    windows.push(outsider, gone);
    gone.destroy();
    await call(windows[0]!, 'accounts.login', ADMIN);
    for (const w of [windows[0]!, windows[1]!]) {
      const heads = w.sent.filter((m) => m[0] === EVENT_CHANNEL && m[1] === 'audit.head');
      expect(heads).toHaveLength(1);
      expect(heads[0]![2]).toMatchObject({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    expect(outsider.sent).toEqual([]);
    expect(gone.sent).toEqual([]);
    app.events.publish({ type: 'demo.ping', data: { n: 1 } });
    expect(windows[1]!.sent.at(-1)).toEqual(['lentera:event', 'demo.ping', { n: 1 }]);
  });

  it('removes its handler and subscription on dispose', async () => {
    door.dispose();
    expect(ipc.handlers.size).toBe(0);
    app.events.publish({ type: 'demo.ping', data: {} });
    expect(windows[0]!.sent).toEqual([]);
    door = registerIpc(ipc, app, () => windows); // afterEach disposes again
  });
});
