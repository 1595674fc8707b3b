/**
 * Attacks on the publication hub's upload door (`POST /api/bundles`): what anyone on the network can send it.
 * Every refusal must come before the body is stored, leave `incoming/` empty, be logged with the client's
 * address, and leave the hub answering. Real HTTP on 127.0.0.1; raw sockets where a client misbehaves.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { OutboxPusher } from '../../src-main/api/outbox';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { currentCertificate, generateIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { ManualClock } from '../unit/helpers';

const PASS = 'rahasia-koordinator';
const MiB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'lentera-hub-attacks-'));
let app: LenteraApp;
let exam: string;
/** the exported bundle's bytes, its signer's fingerprint (hex) and another registered certificate's */
let bundle: Buffer;
let signer: string;
let otherSigner: string;
let hub: RunningHub;
const hubDir = join(root, 'hub');
const incoming = join(hubDir, 'incoming');
const lines: string[] = [];
/** what the hub's free-space check is told; null: the real disk */
let fakeFree: number | null = null;
const open: Socket[] = [];
const extraHubs: RunningHub[] = [];

const hex = (colonFingerprint: string) => colonFingerprint.replace(/:/g, '').toLowerCase();
const call = async <T>(name: string, input: unknown): Promise<T> => {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
};

/** Polls `cond` every 20 ms until it holds; fails naming `what` after `ms`. Never a fixed sleep. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stored = (dir = incoming) => readdirSync(dir);

interface Answer {
  /** interim answers before it (100 Continue) */
  interim: number[];
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A hand-made HTTP/1.1 exchange on its own socket: writes `head` (and `body`, if any), and resolves with the
 * first final answer (1xx skipped). Rejects when no answer comes within `ms`: a hub that waits for a body it
 * should have refused fails here instead of hanging.
 */
function raw(head: string, opts: { body?: Buffer; localAddress?: string; ms?: number } = {}): { socket: Socket; answer: Promise<Answer> } {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(hub.url).port), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  open.push(socket);
  socket.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  const interim: number[] = [];
  const answer = new Promise<Answer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${opts.ms ?? 5000} ms to ${head.split('\r\n')[0]}`)), opts.ms ?? 5000);
    const tryParse = (final: boolean) => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const [status, ...rest] = buf.subarray(0, end).toString('latin1').split('\r\n');
        const code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(status ?? '')?.[1] ?? NaN);
        const headers = Object.fromEntries(rest.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        if (code >= 100 && code < 200) {
          interim.push(code);
          buf = buf.subarray(end + 4);
          continue;
        }
        const length = Number(headers['content-length'] ?? NaN);
        const bodyBytes = buf.subarray(end + 4);
        const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
        const complete = Number.isFinite(length) ? bodyBytes.length >= length : chunked ? bodyBytes.includes('0\r\n\r\n') : final;
        if (complete) {
          clearTimeout(timer);
          resolve({ interim, status: code, headers, body: (chunked ? unchunk(bodyBytes) : bodyBytes.subarray(0, Number.isFinite(length) ? length : undefined)).toString('utf8') });
        }
        return;
      }
      if (final) {
        clearTimeout(timer);
        reject(new Error(`the connection closed without an answer to ${head.split('\r\n')[0]}`));
      }
    };
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      tryParse(false);
    });
    socket.on('close', () => tryParse(true));
  });
  answer.catch(() => undefined);
  socket.write(head);
  if (opts.body) socket.write(opts.body);
  return { socket, answer };
}

/** The body of a chunked answer. */
function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = bytes.indexOf('\r\n', at);
    const size = parseInt(bytes.subarray(at, eol).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function upload(headers: Record<string, string | number>): string {
  return `POST /api/bundles HTTP/1.1\r\nHost: hub\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

const errorOf = (a: Answer) => (JSON.parse(a.body) as { error: { code: string; message: string } }).error;

async function healthy(url = hub.url): Promise<void> {
  const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
  expect(r.status).toBe(200);
}

/** Starts an upload of the genuine bundle and keeps it open half sent, until the hub has begun storing it. */
async function holdUpload(localAddress?: string, dir = incoming): Promise<Socket> {
  const before = stored(dir).length;
  const { socket } = raw(upload({ 'Content-Type': 'application/zip', 'Content-Length': bundle.length, 'X-Lentera-Signer': signer }), { body: bundle.subarray(0, bundle.length >> 1), localAddress });
  await until(() => stored(dir).length > before, 'the hub to start storing the held upload');
  return socket;
}

beforeAll(async () => {
  app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const account = (name: string) => db.prepare('SELECT id FROM accounts WHERE name = ?').pluck().get(name) as string;
  const now = new Date().toISOString();
  await generateIdentity(db, app.workstation!.dir, { id: account('koordinator'), displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, now);
  await generateIdentity(db, app.workstation!.dir, { id: account('ketua1'), displayName: 'Bambang Sutrisno', nip: null }, 'Pemerintah Kota Semarang', PASS, now);
  exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  await call('bundle.export', { exam, passphrase: PASS, account: 'koordinator' });
  bundle = readFileSync(db.prepare('SELECT file FROM outbox').pluck().get() as string);
  const mine = currentCertificate(db, account('koordinator'))!;
  const other = currentCertificate(db, account('ketua1'))!;
  signer = hex(mine.fingerprint);
  otherSigner = hex(other.fingerprint);
  hub = await startHub({ dir: hubDir, port: 0, requireSigner: true, log: (l) => lines.push(l), freeBytes: (d) => fakeFree ?? statfsFree(d) });
  addTrustedSigner(hub.publisher.db, mine.certDer, { exam, at: now, by: 'test' });
  addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(other.certDer)), { at: now, by: 'test' });
}, 120_000);

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  fakeFree = null;
  // Whatever the attack was, the hub still answers and holds no partial upload.
  await healthy();
  await until(() => stored().length === 0, 'incoming/ to be emptied');
});

afterAll(async () => {
  for (const h of extraHubs) await h.close();
  await hub?.close();
  app?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the hub refuses an upload before storing its body', () => {
  it('answers 411 to an upload without a Content-Length (chunked), storing nothing', async () => {
    const { answer } = raw(upload({ 'Transfer-Encoding': 'chunked', 'X-Lentera-Signer': signer }), { body: Buffer.from('5\r\nPK\x03\x04x\r\n0\r\n\r\n', 'latin1') });
    const a = await answer;
    expect(a.status).toBe(411);
    expect(errorOf(a).message).toMatch(/Content-Length/);
    expect(stored()).toEqual([]);
    expect(lines.some((l) => l.includes('411') && l.includes('127.0.0.1'))).toBe(true);
  });

  it('answers 413 from the declared length alone when it is over the default cap of 1 GiB: not a byte is read or stored', async () => {
    const { answer } = raw(upload({ 'Content-Length': 1024 * MiB + 1, 'X-Lentera-Signer': signer }));
    const a = await answer;
    expect(a.status).toBe(413);
    expect(errorOf(a).code).toBe('BUNDLE_TOO_LARGE');
    expect(errorOf(a).message).toMatch(/1073741824/);
    expect(stored()).toEqual([]);
    expect(lines.some((l) => l.includes('413') && l.includes('127.0.0.1'))).toBe(true);
  });

  it('takes its cap from startHub options: a hub capped below the genuine bundle refuses it with 413', async () => {
    const dir = join(root, 'hub-small');
    const small = await startHub({ dir, port: 0, maxBundleBytes: 1000 });
    extraHubs.push(small);
    const r = await fetch(`${small.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': signer }, body: new Uint8Array(bundle) });
    expect(r.status).toBe(413);
    expect(stored(join(dir, 'incoming'))).toEqual([]);
    await healthy(small.url);
  });

  it('answers 403 when the signer header is missing or malformed, or names a certificate not registered here', async () => {
    const auditedBefore = hub.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.ingest' AND outcome = 'refused'").pluck().get() as number;
    const unknown = 'ab'.repeat(32);
    for (const signerHeader of [undefined, 'not-a-fingerprint', unknown]) {
      const { answer } = raw(upload({ 'Content-Length': bundle.length, ...(signerHeader ? { 'X-Lentera-Signer': signerHeader } : {}) }));
      const a = await answer;
      expect(a.status, String(signerHeader)).toBe(403);
      expect(stored()).toEqual([]);
    }
    const { answer } = raw(upload({ 'Content-Length': bundle.length, 'X-Lentera-Signer': unknown }));
    expect(errorOf(await answer)).toMatchObject({ code: 'BUNDLE_SIGNER_UNKNOWN', message: expect.stringMatching(/not registered/) });
    expect(lines.filter((l) => l.includes('403') && l.includes('127.0.0.1')).length).toBeGreaterThanOrEqual(4);
    // A refused registered-looking signer is audited, as a refused bundle always was.
    expect(hub.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.ingest' AND outcome = 'refused'").pluck().get()).toBeGreaterThan(auditedBefore);
  });

  it('audits made-up signers at most once per address a minute: a flood of them does not grow the database', async () => {
    const refused = () => hub.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.ingest' AND outcome = 'refused'").pluck().get() as number;
    const before = refused();
    const logged = lines.length;
    // Each a fresh fingerprint, as an attacker would send them; from two addresses no earlier test used.
    for (const localAddress of ['127.0.0.3', '127.0.0.4']) {
      for (let i = 0; i < 40; i++) {
        const a = await raw(upload({ 'Content-Length': 1, 'X-Lentera-Signer': createHash('sha256').update(`${localAddress} ${i}`).digest('hex') }), { localAddress }).answer;
        expect(a.status).toBe(403);
        expect(errorOf(a).code).toBe('BUNDLE_SIGNER_UNKNOWN');
      }
    }
    expect(refused() - before).toBe(2);
    // The rest are still told in the hub's log, each with its address.
    expect(lines.slice(logged).filter((l) => /not audited again: unknown signer [0-9A-Fa-f:]+ from 127\.0\.0\.[34]/.test(l))).toHaveLength(78);
  });

  it("answers 403 after verifying when the bundle's signer is not the certificate its header named; nothing is merged", async () => {
    const r = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': otherSigner }, body: new Uint8Array(bundle) });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BUNDLE_SIGNER_MISMATCH');
    expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(0);
  });

  it('answers "Expect: 100-continue" with its refusal, or with 100 Continue only once the upload is admitted', async () => {
    const refused = raw(upload({ 'Content-Length': bundle.length, Expect: '100-continue', 'X-Lentera-Signer': 'cd'.repeat(32) }));
    const r = await refused.answer;
    expect(r).toMatchObject({ interim: [], status: 403 });
    // Admitted (a registered certificate, though not this bundle's signer): 100, then the body, then the verdict.
    const admitted = raw(upload({ 'Content-Length': bundle.length, Expect: '100-continue', 'X-Lentera-Signer': otherSigner }), { ms: 30_000 });
    admitted.socket.once('data', () => admitted.socket.write(bundle));
    const a = await admitted.answer;
    expect(a).toMatchObject({ interim: [100], status: 403 });
    expect(errorOf(a).code).toBe('BUNDLE_SIGNER_MISMATCH');
  });

  it('answers 507 Insufficient Storage when the disk of incoming/ cannot hold twice the bundle and a margin', async () => {
    fakeFree = 2 * bundle.length + 10 * MiB;
    const { answer } = raw(upload({ 'Content-Length': bundle.length, 'X-Lentera-Signer': signer }));
    const a = await answer;
    expect(a.status).toBe(507);
    expect(errorOf(a).message).toMatch(/free/);
    expect(stored()).toEqual([]);
    expect(lines.some((l) => l.includes('507') && l.includes('127.0.0.1'))).toBe(true);
  });
});

describe('the hub limits uploads in progress', () => {
  it('answers 429 with Retry-After to a second upload from the same client while its first is still arriving, without reading it', async () => {
    const first = await holdUpload();
    const { answer } = raw(upload({ 'Content-Length': bundle.length, 'X-Lentera-Signer': signer }));
    const a = await answer;
    expect(a.status).toBe(429);
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    expect(stored()).toHaveLength(1);
    expect(lines.some((l) => l.includes('429') && l.includes('127.0.0.1'))).toBe(true);
    first.destroy();
    await until(() => stored().length === 0, 'the held upload to be removed');
  });

  it('answers 429 beyond two uploads at once in total, from different clients; a freed slot is taken again', async () => {
    const a = await holdUpload('127.0.0.1');
    const b = await holdUpload('127.0.0.2');
    const third = raw(upload({ 'Content-Length': bundle.length, 'X-Lentera-Signer': signer }), { localAddress: '127.0.0.3' });
    expect((await third.answer).status).toBe(429);
    expect(lines.some((l) => l.includes('429') && l.includes('127.0.0.3'))).toBe(true);
    a.destroy();
    b.destroy();
    await until(() => stored().length === 0, 'both held uploads to be removed');
    // The slots are free again: the same client uploads the whole bundle and gets the hub's verdict, not 429.
    const again = raw(upload({ 'Content-Length': bundle.length, 'X-Lentera-Signer': signer }), { body: bundle, localAddress: '127.0.0.3', ms: 30_000 });
    expect((await again.answer).status).not.toBe(429);
  });
});

describe('the hub cleans up after a client that goes away', () => {
  it('removes the partial file when the client disconnects mid-upload, and logs it with the address', async () => {
    const socket = await holdUpload();
    socket.destroy();
    await until(() => stored().length === 0, 'the partial upload to be removed');
    await until(() => lines.some((l) => /abort/i.test(l) && l.includes('127.0.0.1')), 'the aborted upload to be logged');
  });

  it('cuts off an upload that stops sending, and removes its partial file', async () => {
    const dir = join(root, 'hub-idle');
    const idle = await startHub({ dir, port: 0, idleTimeoutMs: 300, requireSigner: false, log: (l) => lines.push(l) });
    extraHubs.push(idle);
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(idle.url).port) });
    open.push(socket);
    socket.on('error', () => undefined);
    let closed = false;
    socket.on('close', () => (closed = true));
    // This hub is told not to require a signer header: the upload is admitted and its body starts to arrive.
    socket.write(upload({ 'Content-Length': bundle.length }));
    socket.write(bundle.subarray(0, 4096));
    await until(() => stored(join(dir, 'incoming')).length === 1, 'the hub to start storing the upload');
    await until(() => closed, 'the hub to cut off the silent upload');
    await until(() => stored(join(dir, 'incoming')).length === 0, 'the partial upload to be removed');
    await until(() => lines.some((l) => l.includes('nothing arrived') && l.includes('127.0.0.1')), 'the cut-off to be logged');
    await healthy(idle.url);
  });
});

describe('the hub survives malformed requests', () => {
  it('answers a URL it cannot parse, an unknown method and garbage, and keeps serving /api/health after each', async () => {
    for (const head of ['GET //[ HTTP/1.1\r\nHost: hub\r\n\r\n', 'GET /%E0%A4%A HTTP/1.1\r\nHost: hub\r\n\r\n', 'BREW /pot HTTP/1.1\r\nHost: hub\r\n\r\n', '\x00\x01\x02 garbage \xff\r\n\r\n', `GET / HTTP/1.1\r\nHost: hub\r\nX-Long: ${'a'.repeat(100_000)}\r\n\r\n`]) {
      const { answer } = raw(head);
      const a = await answer;
      expect(a.status, JSON.stringify(head.slice(0, 20))).toBeGreaterThanOrEqual(400);
      await healthy();
    }
  });
});

describe('a genuine workstation', () => {
  it('pushes through its outbox, naming its signer, and is confirmed; the same bundle without the header is refused', async () => {
    const clock = new ManualClock(new Date());
    await call('hub.configure', { url: hub.url });
    const pusher = new OutboxPusher({ db: () => app.workstation!.db, clock, fetchTimeoutMs: 30_000 });
    const r = await pusher.pushDue();
    expect(r[0]).toMatchObject({ state: 'confirmed' });
    expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(1);
    // Nothing left in incoming/, and the kept file is the bundle (that it was moved, not copied: bundle-trust.test.ts).
    expect(stored()).toEqual([]);
    const kept = hub.publisher.db.prepare('SELECT file, file_sha256 FROM merged_bundles').get() as { file: string; file_sha256: string };
    expect(readFileSync(kept.file).equals(bundle)).toBe(true);
    expect(kept.file_sha256).toBe(createHash('sha256').update(bundle).digest('hex'));
    const named = signer.toUpperCase().match(/../g)!.join(':');
    expect(lines.some((l) => l.includes('merged') && l.includes(named))).toBe(true);
    const bare = await fetch(`${hub.url}/api/bundles`, { method: 'POST', body: new Uint8Array(bundle) });
    expect(bare.status).toBe(403);
  });
});
