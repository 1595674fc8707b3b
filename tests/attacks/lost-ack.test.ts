import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { OutboxPusher, signerOf } from '../../src-main/api/outbox';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { verifyReceipt } from '../../src-main/core/ledger/receipt';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { ManualClock } from '../unit/helpers';
import { repackSigned } from '../unit/repack-bundle';

/**
 * What was found: the hub gave the token for a bundle's receipts only in its answer to the merge that logged them.
 * An answer lost on the way (a cut connection, a timeout while the hub merged a large bundle) left the bundle merged
 * and the sender without the token; sent again, the bundle was "unchanged", with no token, and the outbox marked it
 * confirmed with no receipts, saying nothing. Its candidates' sheets then carry no receipt. Now the workstation makes
 * the token, keeps it, and signs only its hash into the manifest: a lost answer loses nothing, and the published
 * bundle, sent again by anyone, still opens nothing.
 */

const PASS = 'rahasia-koordinator';
const root = mkdtempSync(join(tmpdir(), 'lentera-lost-ack-'));
const clock = new ManualClock(new Date());
let app: LenteraApp;
let hub: RunningHub;
let exam: string;
let pusher: OutboxPusher;
/** Between the workstation and the hub: passes everything on, but while `losing`, drops the hub's answers to uploads. */
let proxy: Server;
let losing = false;

const call = async <T,>(name: string, input: unknown): Promise<T> => {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};
const outboxRow = (sha: string) => app.workstation!.db.prepare('SELECT state, receipts_next, last_error, receipt_token FROM outbox WHERE bundle_sha256 = ?').get(sha) as { state: string; receipts_next: number | null; last_error: string | null; receipt_token: string };
const receiptsHere = () => app.workstation!.db.prepare('SELECT receipt FROM receipts').pluck().all() as string[];
const exportBundle = async () => (await call<{ sha256: string; file: string }>('bundle.export', { exam, passphrase: PASS, account: 'koordinator' }));

beforeAll(async () => {
  app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  await call('workstation.demo', { candidates: 30 });
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const pem = (await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;
  hub = await startHub({ dir: join(root, 'hub'), port: 0 });
  addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(pem)), { exam, at: new Date().toISOString(), by: 'test' });
  const target = new URL(hub.url);
  proxy = createServer((req, res) => {
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      if (losing && req.method === 'POST') {
        // The hub answered; the answer never reaches the workstation.
        answer.resume();
        answer.on('end', () => res.socket?.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  await call('hub.configure', { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
  pusher = new OutboxPusher({ db: () => app.workstation!.db, clock, fetchTimeoutMs: 10_000, receiptsPerPage: 7 });
}, 180_000);

afterAll(async () => {
  await new Promise((done) => proxy.close(done));
  await hub.close();
  app.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a bundle whose hub's answer was lost on the way", () => {
  let first: { sha256: string; file: string };

  it('is merged at the hub while the workstation hears nothing and keeps it pending', async () => {
    first = await exportBundle();
    losing = true;
    const r = await pusher.pushDue();
    expect(r[0]).toMatchObject({ state: 'pending' });
    expect(outboxRow(first.sha256).state).toBe('pending');
    expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles WHERE sha256 = ?').pluck().get(first.sha256)).toBe(1);
    expect(hub.publisher.db.prepare('SELECT leaves FROM hub_receipt_access WHERE bundle_sha256 = ?').pluck().get(first.sha256)).toBeGreaterThan(0);
    expect(receiptsHere()).toEqual([]);
  }, 120_000);

  it('sent again, is "unchanged", and its receipts are fetched all the same with the token the workstation kept', async () => {
    losing = false;
    clock.advance(60_000);
    const r = await pusher.pushDue();
    const leaves = hub.publisher.db.prepare('SELECT leaves FROM hub_receipt_access WHERE bundle_sha256 = ?').pluck().get(first.sha256) as number;
    expect(r[0]).toMatchObject({ state: 'confirmed' });
    expect(r[0]!.message).toContain(`${leaves} receipts`);
    const ack = JSON.parse(app.workstation!.db.prepare('SELECT ack FROM outbox WHERE bundle_sha256 = ?').pluck().get(first.sha256) as string) as { unchanged: boolean };
    expect(ack.unchanged).toBe(true);
    const kept = receiptsHere();
    expect(kept).toHaveLength(leaves);
    const pinned = app.workstation!.db.prepare("SELECT value FROM settings WHERE key = 'hub.log_key'").pluck().get() as string;
    for (const t of kept) expect(verifyReceipt(JSON.parse(t), { trustedLogKey: pinned }).ok).toBe(true);
    expect(outboxRow(first.sha256)).toMatchObject({ state: 'confirmed', receipts_next: null, last_error: null });
  }, 120_000);

  it('opens nothing for whoever else sends the published bundle again, nor with the hash its manifest carries', async () => {
    const bytes = readFileSync(first.file);
    const sent = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': await signerOf(first.file) }, body: bytes });
    const { ack } = (await sent.json()) as { ack: { unchanged: boolean; receiptToken: string | null } };
    expect(ack).toMatchObject({ unchanged: true, receiptToken: null });
    const receiptKey = (hub.publisher.db.prepare('SELECT manifest FROM merged_bundles WHERE sha256 = ?').pluck().get(first.sha256) as string).match(/"receiptKey":\s*"([0-9a-f]{64})"/)![1]!;
    const at = `${hub.url}/api/bundles/${first.sha256}/receipts`;
    expect((await fetch(at)).status).toBe(401);
    for (const guess of [receiptKey, outboxRow(first.sha256).receipt_token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      const r = await fetch(at, { headers: { Authorization: `Bearer ${guess}` } });
      expect(r.status).toBe(403);
    }
    // The token itself is nowhere in what the hub keeps or publishes.
    const token = outboxRow(first.sha256).receipt_token;
    expect(JSON.stringify(hub.publisher.db.prepare('SELECT * FROM hub_receipt_access').all())).not.toContain(token);
    expect(readFileSync(join(root, 'hub', 'bundles', 'merged', `${first.sha256}.lentera`)).includes(Buffer.from(token))).toBe(false);
  });

  it('that logged no result is confirmed without an error once its answer comes: there was nothing to fetch', async () => {
    // A change no published result shows: a candidate's name written otherwise.
    app.workstation!.db.prepare("UPDATE candidates SET nama = nama || ' (koreksi)' WHERE nomor_peserta = (SELECT MIN(nomor_peserta) FROM candidates)").run();
    const second = await exportBundle();
    losing = true;
    clock.advance(60_000);
    expect((await pusher.pushDue())[0]).toMatchObject({ state: 'pending' });
    expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles WHERE sha256 = ?').pluck().get(second.sha256)).toBe(1);
    expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM hub_receipt_access WHERE bundle_sha256 = ?').pluck().get(second.sha256)).toBe(0);
    losing = false;
    clock.advance(60_000);
    const r = await pusher.pushDue();
    expect(r[0]).toMatchObject({ state: 'confirmed', message: expect.stringContaining('no result logged') });
    expect(outboxRow(second.sha256)).toMatchObject({ state: 'confirmed', receipts_next: null, last_error: null });
    clock.advance(120_000);
    expect(await pusher.pushDue()).toEqual([]);
    expect(outboxRow(second.sha256).last_error).toBeNull();
  }, 120_000);
});

describe('a bundle carried to the hub by hand', () => {
  it("has its receipts fetched by the workstation's outbox when it sends it later", async () => {
    // Results changed: every candidate's category set otherwise (another passing grade), as a corrected roster would.
    app.workstation!.db.prepare("UPDATE candidates SET kategori = 'disabilitas' WHERE kategori = 'umum'").run();
    const before = receiptsHere().length;
    const third = await exportBundle();
    const leavesBefore = hub.publisher.log.size;
    await hub.publisher.ingest(third.file, new Date().toISOString(), 'operator');
    const leaves = hub.publisher.log.size - leavesBefore;
    clock.advance(60_000);
    const r = await pusher.pushDue();
    expect(r[0]).toMatchObject({ state: 'confirmed' });
    expect(leaves).toBeGreaterThan(0);
    expect(r[0]!.message).toContain(`${leaves} receipts`);
    expect(outboxRow(third.sha256)).toMatchObject({ receipts_next: null, last_error: null });
    // The newer receipts replace the older ones of the same candidates.
    expect(receiptsHere().length).toBe(before);
    expect(readdirSync(join(root, 'hub', 'bundles', 'merged')).length).toBe(3);
  }, 120_000);
});

describe('a bundle made before the workstation kept its own token (no receiptKey in its manifest)', () => {
  it("gets a token from the hub in its acknowledgement, as before, and that token opens its receipts", async () => {
    app.workstation!.db.prepare("UPDATE candidates SET kategori = 'umum' WHERE kategori = 'disabilitas'").run();
    const made = await exportBundle();
    // The same bundle as an older Lentera made it: the manifest without receiptKey, signed and sealed again.
    const db = app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    const id = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
    const older = await repackSigned(made.file, join(root, 'older.lentera'), id, (_files, manifest) => {
      expect(manifest.receiptKey).toMatch(/^[0-9a-f]{64}$/);
      delete manifest.receiptKey;
    });

    const sent = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': await signerOf(older) }, body: readFileSync(older) });
    expect(sent.status).toBe(200);
    const { ack } = (await sent.json()) as { ack: { bundle: string; leaves: number; receiptToken: string | null } };
    expect(ack.leaves).toBeGreaterThan(0);
    expect(ack.receiptToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await fetch(`${hub.url}/api/bundles/${ack.bundle}/receipts`, { headers: { Authorization: `Bearer ${ack.receiptToken}` } });
    expect(((await page.json()) as { receipts: unknown[] }).receipts).toHaveLength(ack.leaves);
    // The workstation's own token for the bundle it made is not this bundle's.
    const own = outboxRow(made.sha256).receipt_token;
    expect((await fetch(`${hub.url}/api/bundles/${ack.bundle}/receipts`, { headers: { Authorization: `Bearer ${own}` } })).status).toBe(403);
  }, 120_000);
});
