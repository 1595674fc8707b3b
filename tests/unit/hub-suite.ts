import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import PDFDocument from 'pdfkit';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { OutboxPusher, signerOf } from '../../src-main/api/outbox';
import { verifyAck } from '../../src-main/core/bundles/outbox';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { ageOrdersOf } from '../../src-main/core/bundles/age-order';
import { mergedStateKey } from '../../src-main/core/bundles/merge';
import { demoPackage } from '../../src-main/core/demo/generate';
import { readCertificate } from '../../src-main/core/keys/pki';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { verifyReceipt } from '../../src-main/core/ledger/receipt';
import { generateSheets } from '../../src-main/core/sheets/batch';
import { drawQr } from '../../src-main/core/sheets/qr';
import { embeddedPayload } from '../../src-main/core/sheets/result-sheet';
import { run } from '../../src-main/cli/main';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { addCommitteeMember, committeeByToken } from '../../src-main/core/publish/committee';
import type { Db } from '../../src-main/core/db/open';
import { ManualClock } from './helpers';
import { startPgCluster, type PgCluster } from './pg-cluster';

/**
 * The hub's suite, run on each of its stores (issue 18: one interface, two stores, one suite): hub.test.ts on the
 * embedded SQLite file, hub-postgres.test.ts on PostgreSQL (a throwaway cluster, a database per hub).
 */
export function hubSuite(store: 'SQLite' | 'PostgreSQL'): void {
  let cluster: PgCluster | undefined;
  let databases = 0;
  /** The store of a hub this suite starts: its folder's SQLite file, or a new PostgreSQL database. */
  const storeFor = (): { db?: string } => (store === 'PostgreSQL' ? { db: cluster!.createDatabase(`hub_${++databases}`) } : {});
  /** What a store says to a write it cannot take, and how a test makes it so. */
  const READ_ONLY_CODE = store === 'PostgreSQL' ? '25006' : 'SQLITE_READONLY';
  const readOnly = (db: Db, on: boolean) => (store === 'PostgreSQL' ? db.exec(`SET default_transaction_read_only = ${on ? 'on' : 'off'}`) : db.pragma(`query_only = ${on ? 1 : 0}`));

  const PASS = 'rahasia-koordinator';
  const root = mkdtempSync(join(tmpdir(), 'lentera-hub-'));
  let app: LenteraApp;
  let hub: RunningHub;
  let exam: string;
  let pem: string;
  const clock = new ManualClock(new Date());
  let pusher: OutboxPusher;

  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const r = await app.invokeAsync(name, input, { local: 't' });
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as T;
  };
  const outbox = () => app.workstation!.db.prepare('SELECT state, attempts, next_attempt_at, last_error FROM outbox ORDER BY sequence').all() as { state: string; attempts: number; next_attempt_at: string | null; last_error: string | null }[];
  /** the token the workstation made with its first bundle, for that bundle's receipts */
  const ownToken = () => app.workstation!.db.prepare('SELECT receipt_token FROM outbox ORDER BY sequence LIMIT 1').pluck().get() as string;

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
    return { code, out, err };
  }

  beforeAll(async () => {
    app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
    const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
    if (!demo.ok) throw new Error(demo.error.message);
    const db = app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
    exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
    pem = (await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;
    if (store === 'PostgreSQL') cluster = startPgCluster();
    hub = await startHub({ dir: join(root, 'hub'), port: 0, ...storeFor() });
    // Pages of 7 receipts: the 30 candidates' receipts come in several.
    pusher = new OutboxPusher({ db: () => app.workstation!.db, clock, fetchTimeoutMs: 5000, receiptsPerPage: 7 });
    await call('bundle.export', { exam, passphrase: PASS, account: 'koordinator' });
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    app.close();
    cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  describe('workstation → hub', () => {
    it('keeps a bundle pending with back-off while the hub cannot be reached', async () => {
      await call('hub.configure', { url: 'http://127.0.0.1:9' });
      const r = await pusher.pushDue();
      expect(r).toHaveLength(1);
      expect(r[0]!.state).toBe('pending');
      const row = outbox()[0]!;
      expect(row).toMatchObject({ state: 'pending', attempts: 1 });
      expect(row.last_error).toMatch(/not reachable/);
      expect(new Date(row.next_attempt_at!).getTime() - clock.now().getTime()).toBe(2000);
      expect(await pusher.pushDue()).toEqual([]); // not due yet
      clock.advance(2000);
      await pusher.pushDue();
      expect(outbox()[0]!.attempts).toBe(2);
      expect(new Date(outbox()[0]!.next_attempt_at!).getTime() - clock.now().getTime()).toBe(4000);
    });

    it('is refused by the hub while its certificate is not registered; the hub keeps serving', async () => {
      await call('hub.configure', { url: hub.url });
      clock.advance(10_000);
      const r = await pusher.pushDue();
      expect(r[0]).toMatchObject({ state: 'refused' });
      expect(r[0]!.message).toMatch(/not registered/);
      expect(outbox()[0]!.state).toBe('refused');
      expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
      expect(hub.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.ingest' AND outcome = 'refused'").pluck().get()).toBe(1);
      expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(0);
    });

    it('is confirmed by a signed acknowledgement once registered; receipts verify against the pinned key', async () => {
      addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(pem)), { exam, at: new Date().toISOString(), by: 'test' });
      const sha = (await call<{ sha256: string }[]>('bundle.list', { exam }))[0]!.sha256;
      await call('outbox.retry', { sha256: sha });
      const r = await pusher.pushDue();
      expect(r[0]).toMatchObject({ state: 'confirmed' });
      const pinned = app.workstation!.db.prepare("SELECT value FROM settings WHERE key = 'hub.log_key'").pluck().get();
      expect(pinned).toBe(hub.publisher.log.publicKey());
      const ack = JSON.parse(app.workstation!.db.prepare('SELECT ack FROM outbox').pluck().get() as string);
      expect(() => verifyAck(ack, pinned as string, sha)).not.toThrow();
      expect(() => verifyAck({ ...ack, checkpoint: { ...ack.checkpoint, size: ack.checkpoint.size + 1 } }, pinned as string, sha)).toThrow(/not signed/);
      const published = hub.publisher.db.prepare('SELECT COUNT(*) FROM ledger_leaves').pluck().get() as number;
      expect(published).toBeGreaterThan(0);
      expect(ack.checkpoint.size).toBe(published);
      const receipts = app.workstation!.db.prepare('SELECT receipt FROM receipts').pluck().all() as string[];
      expect(receipts).toHaveLength(published);
      expect(ack.leaves).toBe(published);
      for (const t of receipts) expect(verifyReceipt(JSON.parse(t), { trustedLogKey: pinned as string }).ok).toBe(true);
      expect(r[0]!.message).toContain(`${published} receipts`);
      expect(app.workstation!.db.prepare('SELECT receipts_next FROM outbox').pluck().get()).toBeNull();
      expect(app.workstation!.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'outbox.receipts'").pluck().get()).toBe(1);
      const list = await call<{ state: string; confirmedAt: string }[]>('bundle.list', { exam });
      expect(list[0]).toMatchObject({ state: 'confirmed' });
    });

    it('acknowledges without the receipts: no salt in it, a few hundred bytes whatever the bundle', () => {
      const text = app.workstation!.db.prepare('SELECT ack FROM outbox').pluck().get() as string;
      const ack = JSON.parse(text) as { v: number; receiptToken: string | null; leaves: number };
      expect(ack.v).toBe(2);
      // The bundle's own token opens its receipts: the workstation made it, and the hub never sends one.
      expect(ack.receiptToken).toBeNull();
      expect(ownToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(text).not.toMatch(/salt|proof|receipts"/);
      expect(text.length).toBeLessThan(1500);
      // The hub keeps only the token's hash (the manifest's receiptKey): its database does not hand out the receipts.
      const kept = hub.publisher.db.prepare('SELECT * FROM hub_receipt_access').all() as Record<string, unknown>[];
      expect(kept).toHaveLength(1);
      expect(kept[0]!.token_sha256).toBe(createHash('sha256').update(ownToken()).digest('hex'));
      expect(JSON.stringify(kept)).not.toContain(ownToken());
    });

    it("gives a bundle's receipts only with its own token", async () => {
      const ack = { ...(JSON.parse(app.workstation!.db.prepare('SELECT ack FROM outbox').pluck().get() as string) as { bundle: string; leaves: number }), receiptToken: ownToken() };
      const get = (path: string, token?: string) => fetch(`${hub.url}${path}`, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
      const at = `/api/bundles/${ack.bundle}/receipts`;
      const none = await get(at);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await get(at, ack.receiptToken.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('RECEIPTS_FORBIDDEN');
      // The token opens its own bundle's receipts only.
      expect((await get(`/api/bundles/${'0'.repeat(64)}/receipts`, ack.receiptToken)).status).toBe(404);
      expect((await get(`${at}?from=-1`, ack.receiptToken)).status).toBe(400);
      expect((await get(`${at}?limit=5000`, ack.receiptToken)).status).toBe(400);
      const all = await get(at, ack.receiptToken);
      expect(all.status).toBe(200);
      expect(all.headers.get('cache-control')).toBe('no-store');
      const page = (await all.json()) as { receipts: { index: number; salt: string }[]; next: number | null; leaves: number };
      expect(page).toMatchObject({ next: null, leaves: ack.leaves });
      expect(page.receipts).toHaveLength(ack.leaves);
      const tail = (await (await get(`${at}?from=${page.receipts[3]!.index}&limit=2`, ack.receiptToken)).json()) as typeof page;
      expect(tail.receipts).toEqual(page.receipts.slice(3, 5));
      expect(tail.next).toBe(page.receipts[5]!.index);
      // No salt of theirs on the public site.
      const site = join(root, 'hub', 'site');
      const files = (readdirSync(site, { recursive: true, withFileTypes: true }) as Dirent[]).filter((d) => d.isFile()).map((d) => readFileSync(join(d.parentPath, d.name), 'latin1'));
      expect(files.length).toBeGreaterThan(30);
      for (const r of page.receipts) expect(files.some((f) => f.includes(r.salt))).toBe(false);
    });

    it('resumes a fetch of receipts cut off midway where it stopped, a minute later, the bundle staying confirmed', async () => {
      const db = app.workstation!.db;
      const before = db.prepare('SELECT nomor_peserta, receipt FROM receipts ORDER BY nomor_peserta').all();
      db.exec('DELETE FROM receipts; UPDATE outbox SET receipts_next = 0');
      // Between the workstation and the hub, a link that drops after two pages of receipts.
      let pages = 0;
      let cut = true;
      const link = createServer((req, res) => {
        if (req.url?.includes('/receipts') && cut && ++pages > 2) {
          res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"ok":false,"error":{"message":"link down"}}');
          return;
        }
        const up = httpRequest(`${hub.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode!, r.headers);
          r.pipe(res);
        });
        req.pipe(up);
      });
      await new Promise<void>((ok) => link.listen(0, '127.0.0.1', ok));
      try {
        await call('hub.configure', { url: `http://127.0.0.1:${(link.address() as AddressInfo).port}` });
        expect(await pusher.pushDue()).toEqual([]);
        expect(db.prepare('SELECT COUNT(*) FROM receipts').pluck().get()).toBe(14);
        const row = db.prepare('SELECT state, receipts_next, last_error, next_attempt_at FROM outbox').get() as { state: string; receipts_next: number; last_error: string; next_attempt_at: string };
        expect(row).toMatchObject({ state: 'confirmed', last_error: expect.stringMatching(/^receipts not fetched yet: link down/) });
        expect(row.receipts_next).toBeGreaterThan(0);
        expect(new Date(row.next_attempt_at).getTime() - clock.now().getTime()).toBe(60_000);
        // What the bundle list shows: confirmed, its receipts still to come, and why.
        expect((await call<{ state: string; receiptsPending: number; lastError: string }[]>('bundle.list', { exam }))[0]).toMatchObject({ state: 'confirmed', receiptsPending: 1, lastError: expect.stringMatching(/link down/) });
        cut = false;
        await pusher.pushDue();
        expect(db.prepare('SELECT COUNT(*) FROM receipts').pluck().get()).toBe(14); // not before the minute is up
        clock.advance(60_000);
        await pusher.pushDue();
        expect(db.prepare('SELECT nomor_peserta, receipt FROM receipts ORDER BY nomor_peserta').all()).toEqual(before);
        expect(db.prepare('SELECT receipts_next, last_error, next_attempt_at FROM outbox').get()).toEqual({ receipts_next: null, last_error: null, next_attempt_at: null });
        expect((await call<{ receiptsPending: number }[]>('bundle.list', { exam }))[0]!.receiptsPending).toBe(0);
      } finally {
        await call('hub.configure', { url: hub.url });
        await new Promise((ok) => link.close(ok));
      }
    });

    it('publishes the result on the hub site, and the same bundle again changes nothing', async () => {
      const nomor = hub.publisher.db.prepare('SELECT nomor_peserta FROM ledger_leaves ORDER BY idx LIMIT 1').pluck().get() as string;
      const index = await (await fetch(`${hub.url}/`)).text();
      expect(index).toContain(exam);
      const page = await fetch(`${hub.url}/ujian/${exam}/peserta/${nomor}.html`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(nomor);
      const file = join(root, 'ws', 'bundles', exam, readdirSync(join(root, 'ws', 'bundles', exam)).find((f) => f.endsWith('.lentera'))!);
      const named = { 'X-Lentera-Signer': await signerOf(file) };
      const again = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: named, body: readFileSync(file) });
      const body = (await again.json()) as { ack: { unchanged: boolean; leaves: number; receiptToken: string | null } };
      // Whoever holds a published bundle's file gets no token for its receipts by sending it again.
      expect(body.ack).toMatchObject({ unchanged: true, leaves: 0, receiptToken: null });
      const garbage = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: named, body: Buffer.from('PK\x03\x04 not a bundle') });
      expect(garbage.status).toBe(422);
      expect(((await garbage.json()) as { error: { code: string } }).error.code).toMatch(/^BUNDLE_/);
    });

    it('answers 503 and merges nothing while its database cannot be written; the same bundle goes in once it can', async () => {
      const dir = join(root, 'hub-ro');
      const ro = await startHub({ dir, port: 0, ...storeFor() });
      try {
        addTrustedSigner(ro.publisher.db, readCertificate(Buffer.from(pem)), { exam, at: new Date().toISOString(), by: 'test' });
        const file = join(root, 'ws', 'bundles', exam, readdirSync(join(root, 'ws', 'bundles', exam)).find((f) => f.endsWith('.lentera'))!);
        const named = await signerOf(file);
        const send = () => fetch(`${ro.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': named }, body: readFileSync(file) });
        // As a disk remounted read-only (or a database switched to read-only) would: every write of this connection is refused.
        readOnly(ro.publisher.db, true);
        const refused = await send();
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('30');
        expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'HUB_STORE_UNAVAILABLE', message: expect.stringMatching(new RegExp(`${READ_ONLY_CODE}.*nothing was merged`)) });
        readOnly(ro.publisher.db, false);
        expect(ro.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(0);
        expect(ro.publisher.db.prepare('SELECT COUNT(*) FROM ledger_leaves').pluck().get()).toBe(0);
        expect(readdirSync(join(dir, 'incoming'))).toEqual([]);
        // Writable again: the very same bundle is merged, whole.
        const taken = await send();
        expect(taken.status).toBe(200);
        expect(ro.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(1);
      } finally {
        await ro.close();
      }
    });

    it('answers a merged bundle with its acknowledgement even when the site cannot be rewritten, so its receipts are not lost', async () => {
      const dir = join(root, 'hub-site-fails');
      const lines: string[] = [];
      const other = await startHub({ dir, port: 0, log: (l) => void lines.push(l), ...storeFor() });
      try {
        addTrustedSigner(other.publisher.db, readCertificate(Buffer.from(pem)), { exam, at: new Date().toISOString(), by: 'test' });
        other.publisher.writeSite = () => Promise.reject(new Error('disk full'));
        const file = join(root, 'ws', 'bundles', exam, readdirSync(join(root, 'ws', 'bundles', exam)).find((f) => f.endsWith('.lentera'))!);
        const res = await fetch(`${other.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': await signerOf(file) }, body: readFileSync(file) });
        expect(res.status).toBe(200);
        const { ack } = (await res.json()) as { ack: { bundle: string; leaves: number } };
        expect(ack.leaves).toBeGreaterThan(0);
        expect(lines.some((l) => /is merged, but the site could not be rewritten \(disk full\)/.test(l))).toBe(true);
        const page = await fetch(`${other.url}/api/bundles/${ack.bundle}/receipts`, { headers: { Authorization: `Bearer ${ownToken()}` } });
        expect(((await page.json()) as { receipts: unknown[] }).receipts).toHaveLength(ack.leaves);
      } finally {
        await other.close();
      }
    });

    it('publishes what anyone can recompute: `lentera recompute` matches the site, and says so when a result was changed', async () => {
      const data = join(root, 'hub', 'site', 'data', exam);
      const args = ['recompute', '--ruleset', join(data, 'aturan.json'), '--facts', join(data, 'facts.json'), '--results'];
      const same = await cli([...args, join(data, 'hasil.json')]);
      expect(same.code).toBe(0);
      expect(same.out).toMatch(/all \d+ published results match/);
      const results = JSON.parse(readFileSync(join(data, 'hasil.json'), 'utf8')) as { rank: number | null; nomor_peserta: string }[];
      const ranked = results.find((r) => r.rank === 1)!;
      ranked.rank = 2;
      const altered = join(root, 'hasil-diubah.json');
      writeFileSync(altered, JSON.stringify(results));
      const changed = await cli([...args, altered]);
      expect(changed.code).toBe(1);
      expect(changed.err).toContain(ranked.nomor_peserta);
    });

    it("keeps an exam's package as each candidate's place in its order of birth dates, never the dates; a view made before it is not used after", () => {
      const p = hub.publisher;
      const before = mergedStateKey(p.db, exam);
      const pkg = demoPackage(30);
      const r = p.registerPackage(pkg, new Date().toISOString(), 'test');
      expect(r).toMatchObject({ exam, candidates: 30, unchanged: false, replaced: null, leaves: 0 });
      const rows = p.db.prepare('SELECT nomor_peserta, age_order FROM hub_age_orders WHERE exam_code = ? ORDER BY nomor_peserta').all(exam) as { nomor_peserta: string; age_order: string }[];
      expect(rows).toHaveLength(30);
      expect(JSON.stringify(rows)).not.toMatch(/\d{4}-\d{2}/);
      // Places that order as the dates do.
      const born = new Map(pkg.roster.map((c) => [c.nomor_peserta, c.tanggal_lahir]));
      const byPlace = [...rows].sort((a, b) => (a.age_order < b.age_order ? -1 : a.age_order > b.age_order ? 1 : 0)).map((x) => born.get(x.nomor_peserta)!);
      expect(byPlace).toEqual([...byPlace].sort());
      const places = () => ageOrdersOf(p.db, exam)!.places;
      expect(places()).toEqual(new Map(rows.map((x) => [x.nomor_peserta, x.age_order])));
      const orders = ageOrdersOf(p.db, exam)!;
      expect([...orders.places.keys()].every((n) => orders.yearOf(n) === born.get(n)!.slice(0, 4))).toBe(true);
      expect(mergedStateKey(p.db, exam)).not.toBe(before);
      expect(p.db.prepare('SELECT sha256 FROM hub_packages WHERE exam_code = ?').pluck().get(exam)).toBe(r.sha256);
      expect(p.registerPackage(pkg, new Date().toISOString(), 'test')).toMatchObject({ unchanged: true });
      // Another package of the exam (its roster in another order) replaces it, whole.
      const again = p.registerPackage({ ...pkg, roster: [...pkg.roster].reverse() }, new Date().toISOString(), 'test');
      expect(again).toMatchObject({ unchanged: false, replaced: r.sha256 });
      expect(places()).toEqual(new Map(rows.map((x) => [x.nomor_peserta, x.age_order])));
      // The roster in a file apart (`hub package --roster`): kept by name and sha256 in the store, and the view's key moves.
      const keyed = mergedStateKey(p.db, exam);
      const file = { file: 'roster.csv', sha256: 'ab'.repeat(32), rows: 30, candidates: pkg.roster.map((c) => ({ nomorPeserta: c.nomor_peserta, tanggalLahir: c.tanggal_lahir })) };
      const withFile = p.registerPackage({ ...pkg, roster: [] }, new Date().toISOString(), 'test', [file]);
      expect(withFile).toMatchObject({ unchanged: false, candidates: 30, rosters: [{ file: 'roster.csv', sha256: file.sha256, candidates: 30 }] });
      expect(JSON.parse(p.db.prepare('SELECT rosters FROM hub_packages WHERE exam_code = ?').pluck().get(exam) as string)).toEqual([{ file: 'roster.csv', sha256: file.sha256, candidates: 30 }]);
      expect(places()).toEqual(new Map(rows.map((x) => [x.nomor_peserta, x.age_order])));
      expect(mergedStateKey(p.db, exam)).not.toBe(keyed);
      expect(p.registerPackage({ ...pkg, roster: [] }, new Date().toISOString(), 'test', [file])).toMatchObject({ unchanged: true });
    });

    it('`lentera receipt verify` refuses a receipt whose result was changed', async () => {
      const receipt = JSON.parse(app.workstation!.db.prepare('SELECT receipt FROM receipts ORDER BY nomor_peserta LIMIT 1').pluck().get() as string);
      const key = hub.publisher.log.publicKey();
      const genuine = join(root, 'tanda-terima.json');
      writeFileSync(genuine, JSON.stringify(receipt));
      expect((await cli(['receipt', 'verify', genuine, '--log-key', key])).code).toBe(0);
      const altered = join(root, 'tanda-terima-diubah.json');
      writeFileSync(altered, JSON.stringify({ ...receipt, digest: receipt.digest.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) }));
      const r = await cli(['receipt', 'verify', altered, '--log-key', key]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/FAILED/);
    });

    it("prints the inclusion proof on the result sheet: its QR code and `lentera receipt verify` accept it", async () => {
      const db = app.workstation!.db;
      const nomor = db.prepare('SELECT nomor_peserta FROM receipts ORDER BY nomor_peserta LIMIT 1').pluck().get() as string;
      const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
      const signer = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
      const out = join(root, 'sheets');
      await generateSheets(db, { examId: db.prepare('SELECT id FROM exams').pluck().get() as string, outDir: out, only: [nomor], signer });
      const pdf = join(out, `hasil-${nomor}.pdf`);
      const payload = embeddedPayload(readFileSync(pdf)) as { p?: unknown; n: string };
      expect(payload.p).toBeDefined();
      const key = hub.publisher.log.publicKey();
      const ok = await cli(['receipt', 'verify', pdf, '--log-key', key]);
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/inclusion proof/);
      const other = await cli(['receipt', 'verify', pdf, '--log-key', 'A'.repeat(43)]);
      expect(other.code).toBe(1);
      // The printed code holds the same payload, proof included (decoded from the rendered page).
      const png = join(root, 'page');
      execFileSync('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', pdf, png]);
      const image = PNG.sync.read(readFileSync(`${png}-1.png`));
      const half = Math.floor(image.height * 0.45);
      const lower = new Uint8ClampedArray(image.data.subarray(half * image.width * 4));
      const code = jsQR(lower, image.width, image.height - half);
      expect(code).not.toBeNull();
      expect(JSON.parse(code!.data)).toEqual(payload);
    }, 60_000);
  });

  describe("the committee's tokens", () => {
    it("keep the exams each is for, and the hub's doors hold a token to them", async () => {
      const db = hub.publisher.db;
      const scoped = addCommitteeMember(db, { name: `Panitia lain ${store}`, role: 'panitia', exams: ['CPNS-KAB-DEMAK-2026'] }, clock.now().toISOString(), 'cli:t');
      const every = addCommitteeMember(db, { name: `Pengamat ${store}`, role: 'pengamat' }, clock.now().toISOString(), 'cli:t');
      expect(committeeByToken(db, scoped.token)).toMatchObject({ name: `Panitia lain ${store}`, exams: ['CPNS-KAB-DEMAK-2026'] });
      expect(committeeByToken(db, every.token)).toMatchObject({ exams: null });
      const ask = (token: string) => fetch(`${hub.url}/api/komite/sanggah?exam=${exam}`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await ask(scoped.token)).status).toBe(403);
      expect((await ask(every.token)).status).toBe(200);
    });
  });

  describe('the proof QR code at the size of a large log', () => {
    it('still decodes when the proof has 17 hashes (a log of 100,000 results), printed at 150 pt', async () => {
      const hashes = Array.from({ length: 17 }, (_, i) => Buffer.alloc(32, i + 1).toString('base64url'));
      const payload = JSON.stringify({ v: 1, e: 'CPNS-SMG-2026', n: '263374099999', d: 'f'.repeat(64), p: { i: 99_999, s: 'A'.repeat(22), t: 100_000, r: hashes[0], h: hashes, a: '2026-12-01T03:00:00.000Z', g: 'B'.repeat(86) } });
      expect(payload.length).toBeGreaterThan(1100);
      const doc = new PDFDocument({ size: 'A4' });
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<void>((ok) => doc.on('end', () => ok()));
      drawQr(doc, payload, 56, 56, 150);
      doc.end();
      await done;
      const file = join(root, 'bigqr.pdf');
      writeFileSync(file, Buffer.concat(chunks));
      // 200 dpi: an ordinary office scan; the code must read without a better one.
      execFileSync('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', '-W', '600', '-H', '600', file, join(root, 'bigqr')]);
      const image = PNG.sync.read(readFileSync(join(root, 'bigqr-1.png')));
      const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
      expect(code?.data).toBe(payload);
    });
  });
}
