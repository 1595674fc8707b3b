import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendAnnouncement } from '../../src-main/api/announce-push';
import { hubCode, hubRequest, type HubTarget } from '../../src-main/api/hub-client';
import { HUB_LOG_KEY, HUB_URL } from '../../src-main/api/outbox';
import { openDatabase } from '../../src-main/core/db/open';
import { systemClock } from '../../src-main/core/util/clock';
import { LenteraError } from '../../src-main/core/util/errors';
import { setSetting } from '../../src-main/core/workstation/settings';

/** The transport to the hub's committee endpoints: what each kind of answer (or none) becomes. */

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }
});

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      answer(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

const answer = z.object({ ok: z.literal(true), n: z.number() });
const TOKEN = 'komite-rahasia-0123456789abcdef';

async function refusal(target: HubTarget, opts: { timeoutMs?: number } = {}): Promise<LenteraError> {
  try {
    await hubRequest(target, { method: 'POST', path: '/api/sanggah', body: { a: 1 }, answer, unsent: 'sanggah belum terkirim', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(LenteraError);
    return e as LenteraError;
  }
  throw new Error('the request was not refused');
}

describe('hubRequest', () => {
  it('sends the token as a bearer token and the body as JSON, and gives back the checked answer', async () => {
    const hub = await serve(json(201, { ok: true, n: 7, extra: 'dropped' }));
    const got = await hubRequest({ url: hub.url, token: TOKEN }, { method: 'POST', path: '/api/sanggah', body: { exam: 'X' }, answer, unsent: 'x' });
    expect(got).toEqual({ ok: true, n: 7 });
    expect(hub.seen).toEqual([{ method: 'POST', url: '/api/sanggah', auth: `Bearer ${TOKEN}`, body: '{"exam":"X"}' }]);
  });

  it("turns the hub's refusal into a LenteraError with the hub's code and its own words", async () => {
    const hub = await serve(json(403, { ok: false, error: { code: 'SANGGAH_IDENTITY', message: 'Nomor peserta dan salt tidak cocok.' } }));
    const e = await refusal({ url: hub.url, token: TOKEN });
    expect(e.code).toBe('SANGGAH_IDENTITY');
    expect(e.message).toBe('Nomor peserta dan salt tidak cocok.');
    expect(e.details).toEqual({ status: 403, hub: true, hubCode: 'SANGGAH_IDENTITY' });
  });

  it("never passes on a code that means something on this workstation (the hub's 401 must not end the user's session here)", async () => {
    const hub = await serve(json(401, { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Token komite tidak dikenal.' } }));
    const e = await refusal({ url: hub.url, token: TOKEN });
    expect(e.code).toBe('HUB_UNAUTHENTICATED');
    expect(e.message).toBe('Token komite tidak dikenal.');
    expect(hubCode('FORBIDDEN')).toBe('HUB_FORBIDDEN');
    expect(hubCode('NOT_FOUND')).toBe('HUB_NOT_FOUND');
    expect(hubCode('LAPORAN_RATE')).toBe('LAPORAN_RATE');
    expect(hubCode('KOMITE_ROLE')).toBe('KOMITE_ROLE');
    expect(hubCode('<script>')).toBe('HUB_REFUSED');
    expect(hubCode(42)).toBe('HUB_REFUSED');
  });

  it('says the status when a refusal has no readable body, and refuses an answer it cannot read', async () => {
    const broken = await serve((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<h1>Bad gateway</h1>');
    });
    const e = await refusal({ url: broken.url, token: TOKEN });
    expect(e.code).toBe('HUB_REFUSED');
    expect(e.message).toBe('Hub menolak permintaan ini (HTTP 502); sanggah belum terkirim.');

    const page = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>portal wifi</html>');
    });
    const p = await refusal({ url: page.url, token: TOKEN });
    expect(p.code).toBe('HUB_ANSWER_INVALID');
    expect(p.message).toMatch(/not JSON/);

    const odd = await serve(json(200, { ok: true, n: 'tujuh' }));
    const o = await refusal({ url: odd.url, token: TOKEN });
    expect(o.code).toBe('HUB_ANSWER_INVALID');
    expect(o.message).toMatch(/\(n: /);
  });

  it('refuses an answer larger than any committee list', async () => {
    const big = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // No Content-Length: the size is counted as it arrives.
      const chunk = 'x'.repeat(1024 * 1024);
      res.write(`{"ok":true,"pad":"`);
      for (let i = 0; i < 9; i++) res.write(chunk);
      res.end('"}');
    });
    const e = await refusal({ url: big.url, token: TOKEN });
    expect(e.code).toBe('HUB_ANSWER_INVALID');
    expect(e.message).toMatch(/too large/);
  });

  it('says plainly when the hub cannot be reached, and that nothing was sent', async () => {
    const gone = await serve(json(200, {}));
    const url = gone.url;
    const s = servers.pop()!;
    await new Promise((ok) => s.close(ok));
    const e = await refusal({ url, token: TOKEN });
    expect(e.code).toBe('HUB_UNREACHABLE');
    expect(e.message).toBe('Hub tidak dapat dihubungi: ECONNREFUSED; sanggah belum terkirim.');
    expect(e.details).toMatchObject({ url, reason: 'ECONNREFUSED' });
  });

  it('gives up on a hub that does not answer in time', async () => {
    const silent = await serve(() => undefined);
    const started = Date.now();
    const e = await refusal({ url: silent.url, token: TOKEN }, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.code).toBe('HUB_UNREACHABLE');
    expect(e.message).toBe('Hub tidak dapat dihubungi: tidak menjawab dalam 1 detik; sanggah belum terkirim.');
  });

  it('follows no redirect: the token goes to the address the coordinator set, and nowhere else', async () => {
    const elsewhere = await serve(json(200, { ok: true, n: 1 }));
    const hub = await serve((_req, res) => {
      res.writeHead(307, { Location: `${elsewhere.url}/steal` });
      res.end();
    });
    const e = await refusal({ url: hub.url, token: TOKEN });
    expect(e.code).toBe('HUB_UNREACHABLE');
    expect(hub.seen).toHaveLength(1);
    expect(elsewhere.seen).toEqual([]);
  });
});

describe('sendAnnouncement (announcement.push) through the same mapping of codes', () => {
  /** A workstation holding announcement 1 of EXAM, its hub set to `url` with a pinned log key. */
  function workstation(url: string) {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-announce-push-'));
    const db = openDatabase(join(dir, 'ws.db'), { create: true });
    const at = new Date().toISOString();
    setSetting(db, HUB_URL, url, at, 'test');
    setSetting(db, HUB_LOG_KEY, 'A'.repeat(43), at, 'test');
    db.prepare(
      'INSERT INTO announcements (exam_code, seq, document, sha256, signer, signature, certificate, objection_from, objection_until, at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run('EXAM', '{}', '0'.repeat(64), 'X', 'c2ln', Buffer.from('cert').toString('base64'), '2026-01-01', '2026-01-02', at);
    return { db, done: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
  }

  async function pushRefusal(hub: { url: string }): Promise<LenteraError> {
    const ws = workstation(hub.url);
    try {
      await sendAnnouncement(ws.db, 'EXAM', 1, { clock: systemClock, fetchTimeoutMs: 5000 });
    } catch (e) {
      expect(e).toBeInstanceOf(LenteraError);
      return e as LenteraError;
    } finally {
      ws.done();
    }
    throw new Error('the announcement was not refused');
  }

  it("never passes on the hub's UNAUTHENTICATED (another Lentera server at that address) as this workstation's own", async () => {
    const other = await serve(json(401, { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please log in first.' } }));
    const e = await pushRefusal(other);
    expect(e.code).toBe('HUB_UNAUTHENTICATED');
    expect(e.message).toBe('The hub refused announcement 1 of EXAM: Please log in first.');
    expect(e.details).toEqual({ status: 401, hub: true, hubCode: 'UNAUTHENTICATED' });
    expect(other.seen.map((r) => [r.method, r.url])).toEqual([['POST', '/api/pengumuman']]);
  });

  it("keeps the hub's own announcement codes, and names a refusal without a readable code HUB_REFUSED", async () => {
    const hub = await serve(json(403, { ok: false, error: { code: 'ANNOUNCEMENT_SIGNER_UNKNOWN', message: 'not registered here' } }));
    expect((await pushRefusal(hub)).code).toBe('ANNOUNCEMENT_SIGNER_UNKNOWN');
    const broken = await serve((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<h1>Bad gateway</h1>');
    });
    const e = await pushRefusal(broken);
    expect(e.code).toBe('HUB_REFUSED');
    expect(e.message).toBe('The hub refused announcement 1 of EXAM: HTTP 502');
    expect(e.details).toEqual({ status: 502, hub: true });
    const forbidden = await serve(json(403, { ok: false, error: { code: 'FORBIDDEN', message: 'x' } }));
    expect((await pushRefusal(forbidden)).code).toBe('HUB_FORBIDDEN');
  });
});
