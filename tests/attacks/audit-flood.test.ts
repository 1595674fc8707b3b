import { request, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allCommands } from '../../src-main/api/commands';
import { createHttpServer, listen } from '../../src-main/server/http';
import { countRows, login, makeApp, tempDir } from '../unit/helpers';

/**
 * The attack: a LAN client with no account sends malformed requests, each of which was an audited INVALID_INPUT
 * refusal: one permanent, fsync'd audit event per request, unthrottled (the per-client limit counts calls whose input
 * reads), filling the disk and burying the events that matter (found by review). A signed-in caller's refusals are
 * still audited.
 */
let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

function post(port: number, name: string, body: unknown): Promise<{ status: number; code: string }> {
  return new Promise((done, fail) => {
    const text = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/api/${name}`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      let raw = '';
      res.on('data', (d) => (raw += String(d)));
      res.on('end', () => done({ status: res.statusCode!, code: (JSON.parse(raw) as { error?: { code: string } }).error?.code ?? 'ok' }));
    });
    req.on('error', fail);
    req.end(text);
  });
}

describe('an anonymous audit-log flood', () => {
  it('500 malformed logins from one address are answered, and write no audit event', async () => {
    const app = makeApp();
    const renderer = tempDir();
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
    server = createHttpServer({ app, host: '127.0.0.1', port: 0, rendererDir: renderer, log: () => undefined });
    const { port } = await listen(server, '127.0.0.1', 0);
    const before = countRows(app, 'audit_events');
    const codes = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const a = await post(port, 'accounts.login', { name: 'x', pin: '' });
      codes.set(`${a.status} ${a.code}`, (codes.get(`${a.status} ${a.code}`) ?? 0) + 1);
    }
    const added = countRows(app, 'audit_events') - before;
    expect([...codes]).toEqual([['400 INVALID_INPUT', 500]]);
    expect(added).toBe(0);
  }, 60_000);
});

describe("a signed-in caller's malformed request", () => {
  it('is audited as a refusal, as before', () => {
    const app = makeApp();
    const token = login(app);
    const before = countRows(app, 'audit_events');
    expect(app.invoke('accounts.create', { name: '' }, { token })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(countRows(app, 'audit_events')).toBe(before + 1);
  });
});

describe('every command of the registry, called with no account', () => {
  it('writes no audit event for input it cannot read, or for a caller it does not admit', () => {
    const app = makeApp();
    const before = countRows(app, 'audit_events');
    for (const c of allCommands) {
      const r = app.invoke(c.name, 'not an object', { client: 'lan-client' });
      expect(r.ok, c.name).toBe(false);
    }
    expect(countRows(app, 'audit_events')).toBe(before);
  });
});
