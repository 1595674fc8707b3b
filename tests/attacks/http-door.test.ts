import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { defineCommand } from '../../src-main/api/registry';
import { allCommands } from '../../src-main/api/commands';
import { createHttpServer, listen } from '../../src-main/server/http';
import { custodyPath } from '../../src-main/core/custody/custody';
import type { LiveEvent } from '../../src-main/api/events';
import { ADMIN, countRows, makeApp, tempDir } from '../unit/helpers';
import { z } from 'zod';

/**
 * The HTTP door as an attacker on the venue LAN, or a web page in an examiner's browser, sees it: malformed
 * requests must not stop the server, and cross-site or rebinding requests must not run a command.
 */

let server: Server | undefined;
const logged: string[] = [];
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
  logged.length = 0;
});

async function start(app: LenteraApp, opts: { host?: string; headersTimeoutMs?: number; requestTimeoutMs?: number; remote?: () => string | undefined } = {}) {
  const renderer = tempDir();
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lentera</title>');
  const { remote, ...serverOpts } = opts;
  const host = serverOpts.host ?? '127.0.0.1';
  server = createHttpServer({ app, host, port: 0, rendererDir: renderer, log: (l) => logged.push(l), ...serverOpts });
  // A client on the venue LAN, played from this machine: its socket says the address `remote` gives at each
  // request (when it gives one) instead of 127.0.0.1; a kept-alive socket follows along.
  if (remote) {
    server.on('connection', (socket) => {
      const real = socket.remoteAddress;
      Object.defineProperty(socket, 'remoteAddress', { get: () => remote() ?? real, configurable: true });
    });
  }
  const addr = await listen(server, host, 0);
  return { base: `http://127.0.0.1:${addr.port}`, port: addr.port };
}

/**
 * One raw request on its own socket; resolves with the status line, or '' when the server closed without one.
 * The socket is ended only if no answer came within a moment, so a slow answer is not cut off by our own FIN.
 */
function raw(port: number, text: string | Buffer, opts: { end?: boolean } = {}): Promise<string> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const finish = () => done(got.split('\r\n')[0] ?? '');
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) s.destroy();
    });
    s.on('close', finish);
    s.on('error', () => undefined);
    s.write(text);
    if (opts.end !== false) setTimeout(() => s.end(), 500).unref();
  });
}

async function healthy(base: string): Promise<boolean> {
  const r = await fetch(`${base}/api/health`);
  return r.status === 200 && ((await r.json()) as { ok: boolean }).ok;
}

const json = { 'content-type': 'application/json' };

describe('malformed requests never stop the server', () => {
  it('answers a bad percent-encoding in the command name with 400 (it used to throw URIError and end Node)', async () => {
    const { base } = await start(makeApp());
    const r = await fetch(`${base}/api/%E0%A4%A`, { method: 'POST', headers: json, body: '{}' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(logged.some((l) => l.includes('BAD_REQUEST'))).toBe(true);
    expect(await healthy(base)).toBe(true);
  });

  it('answers oversized headers 431, an unknown method 400, garbage 400, and keeps serving', async () => {
    const { base, port } = await start(makeApp());
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/);
    expect(await raw(port, 'BREW /api/system.status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]))).toMatch(/^(HTTP\/1\.1 400 .*|)$/);
    expect(await raw(port, 'PUT /api/system.status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n')).toMatch(/^HTTP\/1\.1 405/);
    expect(await raw(port, 'DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 405/);
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(await healthy(base)).toBe(true);
  });

  it('a body cut off half-way runs nothing; a trickling body is cut off by the request timeout', async () => {
    const app = makeApp();
    const { base, port } = await start(app, { requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 });
    const before = countRows(app, 'audit_events');
    const body = JSON.stringify({ key: 'venue.label', value: 'x'.repeat(1000) });
    // Aborted: headers promise more than is sent, then the socket closes.
    await raw(port, `POST /api/settings.set HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`);
    // Slow: the rest never comes; the server gives up on its own.
    const slow = await raw(port, `POST /api/system.status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`, { end: false });
    expect(slow).toMatch(/^(HTTP\/1\.1 408 .*|)$/);
    expect(countRows(app, 'audit_events')).toBe(before);
    expect(await healthy(base)).toBe(true);
  });

  it('fuzz: no request line or header, however odd, ends the server or gets a 5xx', async () => {
    const { base, port } = await start(makeApp());
    const token = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
    const methods = fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'TRACE', 'CONNECT', 'G\0T', 'ПОСТ', '');
    const paths = fc.oneof(token.map((t) => `/api/${t}`), token.map((t) => `/${t}`), fc.constantFrom('*', '/api/%', '/api/%zz', '/%E0%A4%A', '//[', '/api/../../etc/passwd', 'http://evil/'));
    const tricky = fc.constantFrom<[string, string]>(
      ['Upgrade', 'websocket'],
      ['Connection', 'upgrade'],
      ['Transfer-Encoding', 'chunked'],
      ['Content-Length', '-1'],
      ['Content-Length', '99999999999999'],
      ['Content-Length', '1, 2'],
      ['Expect', '100-continue'],
      ['Content-Type', 'application/json'],
      ['Origin', 'null'],
      ['Host', 'evil.example'],
    );
    const headers = fc.array(fc.oneof(fc.tuple(fc.stringMatching(/^[\x21-\x7e]{0,20}$/), fc.string({ maxLength: 60 })), tricky), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(methods, paths, headers, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', ''), async (m, p, hs, v) => {
        const text = `${m} ${p} ${v}\r\nHost: 127.0.0.1\r\n${hs.map(([k, val]) => `${k}: ${val}`).join('\r\n')}\r\n\r\n`;
        // Every request gets an answer, and never a 5xx: no exception escaped the handler.
        const status = await raw(port, text);
        expect(status).toMatch(/^HTTP\/1\.[01] [1-4]\d\d /);
      }),
      { numRuns: Number(process.env.LENTERA_FUZZ_RUNS) || 150 },
    );
    expect(await healthy(base)).toBe(true);
  }, 60_000);

  it('a command that throws answers a plain message with a reference, and the exception text only reaches the log', async () => {
    const leaky = defineCommand({
      name: 'test.explode',
      summary: 'throws an error whose text must not reach the client',
      input: z.object({}),
      access: 'public',
      mutates: false,
      handler: () => {
        throw new Error('secret path /home/koordinator/lentera.db and NIK 3374011505900001');
      },
    });
    const app = makeApp({ commands: [...allCommands, leaky] });
    const { base } = await start(app);
    const r = await fetch(`${base}/api/test.explode`, { method: 'POST', headers: json, body: '{}' });
    expect(r.status).toBe(500);
    const body = (await r.json()) as { error: { code: string; message: string; details: { ref: string } } };
    expect(body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/secret path|3374011505900001|lentera\.db/);
    expect(body.error.details.ref).toMatch(/^[0-9a-f]{12}$/);
    expect(body.error.message).toContain(body.error.details.ref);
  });
});

describe('cross-site requests are not executed', () => {
  it('refuses text/plain and form-encoded commands with 415 and counts no wrong PIN', async () => {
    const app = makeApp();
    const { base } = await start(app);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const r = await fetch(`${base}/api/accounts.login`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: JSON.stringify({ name: ADMIN.name, pin: '999888' }) });
      expect(r.status).toBe(415);
    }
    expect(app.workstation!.db.prepare('SELECT failed_attempts FROM accounts WHERE name = ?').pluck().get(ADMIN.name)).toBe(0);
  });

  it('refuses a request whose Origin is another site (403) or that a browser marks cross-site, and accepts its own origin', async () => {
    const app = makeApp();
    const { base, port } = await start(app);
    const login = JSON.stringify({ name: ADMIN.name, pin: ADMIN.pin });
    const evil = await fetch(`${base}/api/accounts.login`, { method: 'POST', headers: { ...json, origin: 'http://evil.example' }, body: login });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ error: { code: 'CROSS_ORIGIN' } });
    expect((await fetch(`${base}/api/accounts.login`, { method: 'POST', headers: { ...json, origin: 'null' }, body: login })).status).toBe(403);
    expect((await fetch(`${base}/api/accounts.login`, { method: 'POST', headers: { ...json, 'sec-fetch-site': 'cross-site' }, body: login })).status).toBe(403);
    expect((await fetch(`${base}/api/events`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const own = await fetch(`${base}/api/accounts.login`, { method: 'POST', headers: { ...json, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }, body: login });
    expect(own.status).toBe(200);
  });

  it('answers 421 to a Host that is not one of its own names (DNS rebinding), for the API and the pages', async () => {
    const app = makeApp();
    const { port } = await start(app);
    const rebound = await raw(port, `POST /api/accounts.login HTTP/1.1\r\nHost: attacker.example:${port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
    expect(rebound).toMatch(/^HTTP\/1\.1 421/);
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: 192.0.2.66:${port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 421/);
    expect(await raw(port, `GET /api/events HTTP/1.1\r\nHost: evil.localhost.example\r\n\r\n`)).toMatch(/^HTTP\/1\.1 421/);
    for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect(await raw(port, `GET /api/health HTTP/1.1\r\nHost: ${own}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200/);
    }
  });

  it('a fresh workstation is set up from loopback only, never through a server bound beyond it, nor by a forged request', async () => {
    const fresh = () => new LenteraApp({ dataDir: join(tempDir(), 'fresh'), allowInit: true });
    const init = JSON.stringify({ adminName: 'penyusup', pin: '482913' });
    // The finding: text/plain with a forged Host created a coordinator.
    const a = fresh();
    const { port } = await start(a);
    expect(await raw(port, `POST /api/workstation.init HTTP/1.1\r\nHost: evil.example\r\nContent-Type: text/plain\r\nContent-Length: ${init.length}\r\n\r\n${init}`)).toMatch(/^HTTP\/1\.1 421/);
    expect(await raw(port, `POST /api/workstation.init HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\nContent-Length: ${init.length}\r\n\r\n${init}`)).toMatch(/^HTTP\/1\.1 415/);
    expect(a.workstation).toBeUndefined();
    server!.close();
    // Bound to every interface (a LAN server): refused even from this machine.
    const b = fresh();
    const lan = await start(b, { host: '0.0.0.0' });
    const status = (await (await fetch(`${lan.base}/api/system.status`, { method: 'POST', headers: json, body: '{}' })).json()) as { value: { canInit: boolean } };
    expect(status.value.canInit).toBe(false); // not offered the first-run form either
    const r = await fetch(`${lan.base}/api/workstation.init`, { method: 'POST', headers: json, body: init });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { code: 'SETUP_LOCAL_ONLY' } });
    expect((await fetch(`${lan.base}/api/workstation.demo`, { method: 'POST', headers: json, body: '{}' })).status).toBe(403);
    expect(b.workstation).toBeUndefined();
    b.close();
    a.close();
  });

  it('puts nosniff, no-referrer, frame-ancestors none and no-store on every API answer', async () => {
    const { base } = await start(makeApp());
    for (const r of [await fetch(`${base}/api/health`), await fetch(`${base}/api/system.status`, { method: 'POST', headers: json, body: '{}' }), await fetch(`${base}/api/nope`, { method: 'POST', headers: json, body: '{}' })]) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });
});

const PASS = 'kuda lumping semarang 2026';

/** An encrypted workstation on disk, closed: an app opened on it without the passphrase is locked. */
function encryptedWorkstation(): { dataDir: string; recoveryKey: string } {
  const dataDir = join(tempDir(), 'ws');
  const made = new LenteraApp({ dataDir, allowInit: true });
  const r = made.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin, passphrase: PASS }, { local: 't' });
  made.close();
  if (!r.ok) throw new Error(r.error.message);
  return { dataDir, recoveryKey: (r.value as { recoveryKey: string }).recoveryKey };
}

function failedAttempts(dataDir: string): number {
  return (JSON.parse(readFileSync(custodyPath(dataDir), 'utf8')) as { attempts: { failed: number } }).attempts.failed;
}

async function post(base: string, name: string, body: unknown) {
  const r = await fetch(`${base}/api/${name}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { ok: boolean; value?: any; error?: { code: string; message: string; details: Record<string, unknown> } } };
}

describe('an encrypted workstation is unlocked over HTTP from this machine only', () => {
  it('while locked answers status and unlock only; a wrong passphrase is counted, the right one opens it', async () => {
    const { dataDir } = encryptedWorkstation();
    const app = new LenteraApp({ dataDir });
    onTestFinished(() => app.close());
    const events: LiveEvent[] = [];
    app.events.subscribe((e) => events.push(e));
    const { base } = await start(app);

    expect((await post(base, 'system.status', {})).body.value).toEqual({ initialised: true, locked: true, canUnlock: true, version: expect.any(String) });
    expect(await healthy(base)).toBe(true);
    // Every other command of the table, and the setup commands, whoever asks: refused before anything is read.
    for (const name of [...allCommands.map((c) => c.name).filter((n) => n !== 'system.status'), 'workstation.init', 'workstation.demo']) {
      const r = await post(base, name, {});
      expect({ name, status: r.status, code: r.body.error?.code }).toEqual({ name, status: 423, code: 'WORKSTATION_LOCKED' });
    }

    const wrong = await post(base, 'workstation.unlock', { passphrase: 'bukan frasa sandinya' });
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG', details: { attemptsLeft: 4 } } });
    expect(failedAttempts(dataDir)).toBe(1);
    expect(app.locked).toBe(true);

    const right = await post(base, 'workstation.unlock', { passphrase: PASS });
    expect(right).toMatchObject({ status: 200, body: { ok: true, value: { workstationId: expect.any(String) } } });
    expect(app.locked).toBe(false);
    expect(failedAttempts(dataDir)).toBe(0);
    expect(events.filter((e) => e.type === 'workstation.unlocked')).toEqual([{ type: 'workstation.unlocked', data: { workstationId: right.body.value.workstationId } }]);
    expect((await post(base, 'accounts.login', { name: ADMIN.name, pin: ADMIN.pin })).status).toBe(200);
    expect(await post(base, 'workstation.unlock', { passphrase: 'apa saja, sudah terbuka' })).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_UNLOCKED' } } });
  });

  it('refuses a client on the LAN (not offered the form either, nothing counted); the same LAN server unlocks from this machine', async () => {
    const { dataDir, recoveryKey } = encryptedWorkstation();
    const app = new LenteraApp({ dataDir });
    onTestFinished(() => app.close());
    let remote: string | undefined = '192.0.2.77';
    const { base } = await start(app, { host: '0.0.0.0', remote: () => remote });

    expect((await post(base, 'system.status', {})).body.value).toMatchObject({ locked: true, canUnlock: false });
    for (const input of [{ passphrase: PASS }, { passphrase: 'tebakan dari jaringan' }, { recoveryKey }, { recoveryKey, newPassphrase: 'frasa sandi penyusup baru' }]) {
      const r = await post(base, 'workstation.unlock', input);
      expect(r).toMatchObject({ status: 403, body: { ok: false, error: { code: 'UNLOCK_LOCAL_ONLY', message: expect.stringMatching(/on its own machine/) } } });
    }
    // An IPv4-mapped LAN address is no loopback either.
    remote = '::ffff:192.0.2.77';
    expect((await post(base, 'workstation.unlock', { passphrase: PASS })).status).toBe(403);
    expect(app.locked).toBe(true);
    expect(failedAttempts(dataDir)).toBe(0);
    expect(logged.some((l) => l.includes('UNLOCK_LOCAL_ONLY') && l.includes('192.0.2.77'))).toBe(true);

    // The coordinator's own browser, on the machine that serves the LAN.
    remote = undefined;
    expect((await post(base, 'system.status', {})).body.value).toMatchObject({ locked: true, canUnlock: true });
    expect((await post(base, 'workstation.unlock', { passphrase: PASS })).status).toBe(200);
    expect(app.locked).toBe(false);
  });

  it('limits passphrase attempts per client as logins are, and the recovery key still opens it', async () => {
    const { dataDir, recoveryKey } = encryptedWorkstation();
    const app = new LenteraApp({ dataDir });
    onTestFinished(() => app.close());
    const { base } = await start(app);
    const codes: string[] = [];
    // Five wrong (the fifth locks the passphrase), five more refused by that lock: ten failures from this client.
    for (let i = 0; i < 10; i++) codes.push((await post(base, 'workstation.unlock', { passphrase: `salah nomor ${i} ya` })).body.error!.code);
    expect(codes).toEqual([...Array(4).fill('PASSPHRASE_WRONG'), ...Array(6).fill('ACCOUNT_LOCKED')]);
    const limited = await fetch(`${base}/api/workstation.unlock`, { method: 'POST', headers: json, body: JSON.stringify({ passphrase: PASS }) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: { retryAfter: expect.any(Number) } } });
    // The recovery key is never locked out: it opens, and sets a new passphrase.
    expect((await post(base, 'workstation.unlock', { recoveryKey, newPassphrase: 'gedung lawang sewu baru' })).status).toBe(200);
    expect(app.locked).toBe(false);
    expect(failedAttempts(dataDir)).toBe(0);
  });
});

describe('the real `lentera serve` process', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('stays up after the request that used to end it, and after a burst of garbage', async () => {
    const dir = join(tempDir(), 'ws');
    mkdirSync(dir, { recursive: true });
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    app.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, { local: 't' });
    app.close();
    child = spawn(process.execPath, ['bin/lentera.mjs', 'serve', '--data', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((ok, ko) => {
      let out = '';
      child!.stdout!.on('data', (d) => {
        out += String(d);
        const m = /serving (http:\/\/[\d.]+:\d+)/.exec(out);
        if (m) ok(m[1]!);
      });
      child!.on('exit', (code) => ko(new Error(`serve exited ${code}`)));
    });
    const port = Number(new URL(url).port);
    expect((await fetch(`${url}/api/%E0%A4%A`, { method: 'POST', headers: json, body: '{}' })).status).toBe(400);
    await Promise.all(['\0\0\0\r\n\r\n', 'GET /%%% HTTP/1.1\r\n\r\n', `GET / HTTP/1.1\r\nHost: x\r\n${'H: v\r\n'.repeat(2000)}\r\n`].map((t) => raw(port, t)));
    expect(child.exitCode).toBeNull();
    expect(await healthy(url)).toBe(true);
  }, 30_000);

  it('on an encrypted workstation, with no --passphrase-file and no terminal, starts locked and says where to unlock it', async () => {
    const { dataDir } = encryptedWorkstation();
    child = spawn(process.execPath, ['bin/lentera.mjs', 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((ok, ko) => {
      let out = '';
      child!.stdout!.on('data', (d) => {
        out += String(d);
        const m = /encrypted and locked: unlock it in the browser on this machine, (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) ok(m[1]!);
      });
      child!.on('exit', (code) => ko(new Error(`serve exited ${code}: ${out}`)));
    });
    expect((await post(url, 'system.status', {})).body.value).toMatchObject({ locked: true, canUnlock: true });
    expect((await post(url, 'accounts.login', { name: ADMIN.name, pin: ADMIN.pin })).body.error?.code).toBe('WORKSTATION_LOCKED');
    expect((await post(url, 'workstation.unlock', { passphrase: PASS })).status).toBe(200);
    expect((await post(url, 'accounts.login', { name: ADMIN.name, pin: ADMIN.pin })).status).toBe(200);
  }, 30_000);
});
