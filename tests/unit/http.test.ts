import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { LATEST_SCHEMA } from '../../src-main/core/db/migrations';
import { createHttpServer, listen } from '../../src-main/server/http';
import { ADMIN, addUser, makeApp, tempDir } from './helpers';
import type { Server } from 'node:http';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function start(app: LenteraApp, rendererDir = tempDir()) {
  server = createHttpServer({ app, host: '127.0.0.1', port: 0, rendererDir });
  const addr = await listen(server, '127.0.0.1', 0);
  return `http://127.0.0.1:${addr.port}`;
}

async function post(base: string, name: string, body: unknown, token?: string) {
  const res = await fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-lentera-session': token } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; value?: any; error?: any } };
}

describe('HTTP door', () => {
  it('reports health with version and schema version', async () => {
    const base = await start(makeApp());
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: '0.1.0', schemaVersion: LATEST_SCHEMA });
  });

  it('logs in, runs commands with the session header, and maps refusals to statuses', async () => {
    const app = makeApp();
    const base = await start(app);
    const login = await post(base, 'accounts.login', { name: ADMIN.name, pin: ADMIN.pin });
    expect(login.status).toBe(200);
    const token = login.body.value.token as string;
    expect((await post(base, 'accounts.list', {}, token)).body.value).toHaveLength(1);
    expect((await post(base, 'accounts.list', {})).status).toBe(401);
    expect((await post(base, 'no.such', {}, token))).toMatchObject({ status: 404, body: { ok: false, error: { code: 'UNKNOWN_COMMAND' } } });
    expect((await post(base, 'accounts.login', { name: ADMIN.name, pin: '999888' })).status).toBe(401);
    expect((await post(base, 'accounts.create', { name: 'x' }, token))).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });

  it('answers 403 for a wrong role and audits the refusal', async () => {
    const app = makeApp();
    addUser(app, 'petugas1', 'clerk');
    const base = await start(app);
    const token = (await post(base, 'accounts.login', { name: 'petugas1', pin: '739104' })).body.value.token;
    const r = await post(base, 'settings.set', { key: 'a', value: 'b' }, token);
    expect(r).toMatchObject({ status: 403, body: { ok: false, error: { code: 'FORBIDDEN' } } });
    const last = app.workstation!.db.prepare('SELECT actor, command, outcome FROM audit_events ORDER BY seq DESC LIMIT 1').get();
    expect(last).toEqual({ actor: 'user:petugas1', command: 'settings.set', outcome: 'refused' });
  });

  it('answers malformed JSON with 400 naming the position', async () => {
    const base = await start(makeApp());
    const r = await post(base, 'accounts.login', '{"name": "koordinator",\n "pin": }');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON', details: { position: 32, line: 2, column: 9, expected: 'ValueExpected' } } });
    expect(r.body.error.message).toMatch(/line 2, column 9/);
  });

  it('refuses GET on a command and oversized bodies', async () => {
    const base = await start(makeApp());
    expect((await fetch(`${base}/api/system.status`)).status).toBe(405);
    const big = await fetch(`${base}/api/system.status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(17 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
  });

  it('serves the renderer with a strict CSP, falls back to index.html, and refuses traversal', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Lentera</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const base = await start(makeApp(), dir);
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
    expect(await index.text()).toContain('<title>Lentera</title>');
    expect(await (await fetch(`${base}/assets/app.js`)).text()).toBe('console.log(1)');
    expect(await (await fetch(`${base}/hasil/formasi`)).text()).toContain('<title>Lentera</title>');
    expect(await (await fetch(`${base}/..%2f..%2fetc%2fpasswd`)).text()).toContain('<title>Lentera</title>');
  });

  it('streams live events: the chain head after a command', async () => {
    const app = makeApp();
    const base = await start(app);
    const res = await fetch(`${base}/api/events`);
    const reader = res.body!.getReader();
    await reader.read(); // the opening comment
    app.invoke('settings.set', { key: 'venue.label', value: 'Gedung Juang' }, { local: 't' });
    let text = '';
    while (!text.includes('event: audit.head')) text += new TextDecoder().decode((await reader.read()).value);
    const head = app.invoke('system.status', {}, {});
    expect(text).toContain(`"hash":"${(head.ok && (head.value as any).chainHead.hash) || ''}"`);
    await reader.cancel();
  });

  it('in setup mode answers status and init only', async () => {
    const app = new LenteraApp({ dataDir: join(tempDir(), 'fresh'), allowInit: true });
    const base = await start(app);
    expect((await post(base, 'system.status', {})).body.value).toMatchObject({ initialised: false, canInit: true });
    expect(await post(base, 'accounts.list', {})).toMatchObject({ status: 503, body: { error: { code: 'NOT_INITIALISED' } } });
    expect((await post(base, 'workstation.init', { adminName: 'koordinator', pin: '48291' })).status).toBe(400);
    // A workstation made through this door is encrypted: without a passphrase it is refused, nothing made.
    expect(await post(base, 'workstation.init', { adminName: 'koordinator', pin: ADMIN.pin })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(app.workstation).toBeUndefined();
    expect((await post(base, 'workstation.init', { adminName: 'koordinator', pin: ADMIN.pin, passphrase: 'gedung lawang sewu' })).status).toBe(200);
    expect((await post(base, 'accounts.login', { name: 'koordinator', pin: ADMIN.pin })).status).toBe(200);
    app.close();
  });
});
