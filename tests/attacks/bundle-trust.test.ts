/**
 * Who may sign for whom, and what a crash in the middle of an export leaves (issue 12, items 8, 9 and 12e).
 *
 * - An impostor venue: a certificate registered at the hub (or with a coordinator) signs a bundle that claims
 *   another workstation's id. It must be refused (403 at the hub), nothing merged, and the genuine workstation's
 *   chain must go on as if it never came.
 * - kill -9 at each step of an export (a child process, `LENTERA_TEST_KILL_AT`): after reopening, the export either
 *   fully happened (record, outbox entry, audit event, the file under its name and verifiable) or not at all (no
 *   file, no record, no `.part`, no `.parts/`), and the next export continues the chain.
 * - `lentera bundle verify FILE --data DIR` on the workstation's own bundle: its own signers count as registered.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { signerOf } from '../../src-main/api/outbox';
import { run } from '../../src-main/cli/main';
import { dueBundles } from '../../src-main/core/bundles/outbox';
import { holdExportLock } from '../../src-main/core/bundles/recover';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { migrations } from '../../src-main/core/db/migrations';
import { openDatabase } from '../../src-main/core/db/open';
import { generateIdentity, unlockIdentity, type UnlockedIdentity } from '../../src-main/core/keys/identities';
import { Publisher } from '../../src-main/core/publish/publisher';
import { writeSite } from '../../src-main/core/publish/site';
import { audited } from '../../src-main/core/publish/site-state';
import { statOf } from '../../src-main/core/util/file-stat';
import { sha256Hex } from '../../src-main/core/util/hash';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { readZip } from '../unit/zip';
import { repackSigned } from '../unit/repack-bundle';

const PASS = 'rahasia-koordinator';
const REPO = resolve(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'lentera-bundle-trust-'));
const hubs: RunningHub[] = [];

interface Ws {
  name: string;
  dir: string;
  app: LenteraApp;
  id: string;
  exam: string;
  signer: UnlockedIdentity;
  certFile: string;
}

async function workstation(name: string): Promise<Ws> {
  const dir = join(root, name);
  const app = new LenteraApp({ dataDir: dir, allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  const at = new Date().toISOString();
  await generateIdentity(db, dir, { id: coord, displayName: `Koordinator ${name}`, nip: null }, 'Pemerintah Kota Semarang', PASS, at);
  const signer = await unlockIdentity(db, dir, coord, PASS, new Date());
  const certFile = join(root, `${name}.pem`);
  writeFileSync(certFile, (await call<{ pem: string }>(app, 'keys.certificate', { account: 'koordinator' })).pem);
  return { name, dir, app, id: app.workstation!.id, exam: db.prepare('SELECT code FROM exams').pluck().get() as string, signer, certFile };
}

async function call<T>(app: LenteraApp, name: string, input: unknown): Promise<T> {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

async function refusal(app: LenteraApp, name: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (r.ok) throw new Error(`${name} was expected to be refused`);
  return r.error;
}

let changes = 0;
/** Something for the next bundle to carry: an amendment request for another candidate each time. */
async function change(w: Ws): Promise<void> {
  const db = w.app.workstation!.db;
  const cat = db.prepare("SELECT nomor_peserta, units FROM score_entries WHERE source = 'cat' AND item = 'twk' ORDER BY nomor_peserta LIMIT 1 OFFSET ?").get(changes++) as { nomor_peserta: string; units: number };
  await call(w.app, 'amendments.request', { exam: w.exam, stage: 'SKD', nomorPeserta: cat.nomor_peserta, item: 'twk', value: (cat.units + 1) * 5, reason: 'Salah ketik saat impor' });
}

const exportBundle = (w: Ws) => call<{ sequence: number; sha256: string; file: string }>(w.app, 'bundle.export', { exam: w.exam, passphrase: PASS, account: 'koordinator' });

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
  return { code, out, err };
}

/** `node bin/lentera.mjs …` in its own process, as a coordinator runs it. */
function child(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [join(REPO, 'bin', 'lentera.mjs'), ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', fail);
    p.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

let n = 0;
const tmp = () => join(root, `forged-${++n}.lentera`);

/** `src` rebuilt with `edit`, signed and sealed again by `signer` (what a registered venue can make). */
const repack = (src: string, signer: UnlockedIdentity, edit: (files: Map<string, Buffer>, manifest: Record<string, unknown>) => void) => repackSigned(src, tmp(), signer, edit);

const FALSE_NAME = 'NAMA PALSU DARI VENUE LAIN';

/** B's bundle dressed up as A's: A's workstation id and name, a candidate renamed, at `sequence` after `previous`. */
function forgeAs(from: string, by: UnlockedIdentity, victim: Ws, sequence: number, previous: string | null): Promise<string> {
  return repack(from, by, (files, m) => {
    m.workstation = { id: victim.id, name: (m.workstation as { name: string }).name };
    m.sequence = sequence;
    m.previous = previous;
    const people = JSON.parse(files.get('data/candidates.json')!.toString()) as { nama: string }[];
    people[0]!.nama = FALSE_NAME;
    files.set('data/candidates.json', Buffer.from(JSON.stringify(people)));
  });
}

const manifestSha = async (file: string) => sha256Hex(new Map(await readZip(file)).get('manifest.json')!);

async function post(hub: RunningHub, file: string): Promise<{ status: number; code?: string; message?: string; ack?: { sequence: number; workstation: string } }> {
  const r = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': await signerOf(file) }, body: new Uint8Array(readFileSync(file)) });
  const body = (await r.json()) as { error?: { code: string; message: string }; ack?: { sequence: number; workstation: string } };
  return { status: r.status, code: body.error?.code, message: body.error?.message, ack: body.ack };
}

const merged = (hub: RunningHub) => hub.publisher.db.prepare('SELECT workstation_id AS ws, sequence, signer FROM merged_bundles ORDER BY imported_at, sequence').all() as { ws: string; sequence: number; signer: string }[];

let A: Ws;
let B: Ws;
/** another certificate of B's venue (its chair), registered too, that never sent anything */
let C: UnlockedIdentity;
let cFile: string;
let a1: string;
let a2: string;
let b1: string;

beforeAll(async () => {
  [A, B] = [await workstation('a'), await workstation('b')];
  const db = B.app.workstation!.db;
  const chair = db.prepare("SELECT id FROM accounts WHERE name = 'ketua1'").pluck().get() as string;
  await generateIdentity(db, B.dir, { id: chair, displayName: 'Ketua B', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  C = await unlockIdentity(db, B.dir, chair, PASS, new Date());
  cFile = join(root, 'c.pem');
  writeFileSync(cFile, (await call<{ pem: string }>(B.app, 'keys.certificate', { account: 'ketua1' })).pem);
  a1 = (await exportBundle(A)).file;
  await change(A);
  a2 = (await exportBundle(A)).file;
  b1 = (await exportBundle(B)).file;
}, 180_000);

afterAll(async () => {
  for (const h of hubs) await h.close();
  A?.app.close();
  B?.app.close();
  rmSync(root, { recursive: true, force: true });
});

async function hub(name: string): Promise<RunningHub> {
  const h = await startHub({ dir: join(root, name), port: 0, requireSigner: true });
  hubs.push(h);
  return h;
}

describe('an impostor venue at the hub (item 8)', () => {
  it('the audit scenario: both certificates registered, each bound by its first bundle; B signs a bundle claiming A: 403, nothing merged, A goes on', async () => {
    const h = await hub('hub-tofu');
    expect((await cli(['hub', 'trust', '--data', join(root, 'hub-tofu'), A.certFile])).code).toBe(0);
    expect((await cli(['hub', 'trust', '--data', join(root, 'hub-tofu'), B.certFile])).code).toBe(0);
    expect((await cli(['hub', 'trust', '--data', join(root, 'hub-tofu'), cFile])).code).toBe(0);
    expect((await post(h, b1)).status).toBe(200);
    expect((await post(h, a1)).status).toBe(200);
    // B's key signs "bundle 2 of workstation A", linking to A's bundle 1 as a genuine one would.
    const forged = await forgeAs(b1, B.signer, A, 2, await manifestSha(a1));
    const before = merged(h);
    const r = await post(h, forged);
    expect(r.status).toBe(403);
    expect(r.code).toBe('BUNDLE_WORKSTATION_MISMATCH');
    expect(merged(h)).toEqual(before);
    // The same as "bundle 1 of A" (a replay of a merged sequence) is refused for who signed it, not as a replay.
    const forged1 = await forgeAs(b1, B.signer, A, 1, null);
    expect(await post(h, forged1)).toMatchObject({ status: 403, code: 'BUNDLE_WORKSTATION_MISMATCH' });
    // A certificate registered but never bound (C) cannot claim A either: A's bundles are signed by A's certificate.
    const byC = await forgeAs(b1, C, A, 2, await manifestSha(a1));
    expect(await post(h, byC)).toMatchObject({ status: 403, code: 'BUNDLE_WORKSTATION_MISMATCH' });
    expect(merged(h)).toEqual(before);
    // The genuine chain goes on: A's bundle 2 merges.
    const genuine = await post(h, a2);
    expect(genuine.status).toBe(200);
    expect(genuine.ack).toMatchObject({ sequence: 2, workstation: A.id });
    expect(merged(h).filter((m) => m.ws === A.id).map((m) => [m.sequence, m.signer])).toEqual([
      [1, A.signer.fingerprint],
      [2, A.signer.fingerprint],
    ]);
    // The public site never showed the false name; every refusal is audited.
    const site = readdirSync(join(root, 'hub-tofu', 'site'), { recursive: true }).map(String).filter((f) => /\.(html|json)$/.test(f));
    for (const f of site) expect(readFileSync(join(root, 'hub-tofu', 'site', f), 'utf8')).not.toContain(FALSE_NAME);
    expect(h.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.ingest' AND outcome = 'refused' AND payload LIKE '%BUNDLE_WORKSTATION_MISMATCH%'").pluck().get()).toBe(3);
  });

  it('bound at registration (`hub trust --workstation`): the impostor is refused even when it comes first, and the binding cannot be moved', async () => {
    const h = await hub('hub-bound');
    const data = join(root, 'hub-bound');
    const t = await cli(['hub', 'trust', '--data', data, '--workstation', A.id, A.certFile]);
    expect(t.code).toBe(0);
    expect(t.out).toContain(A.id);
    expect((await cli(['hub', 'trust', '--data', data, '--workstation', B.id, B.certFile])).code).toBe(0);
    const forged = await forgeAs(b1, B.signer, A, 1, null);
    expect(await post(h, forged)).toMatchObject({ status: 403, code: 'BUNDLE_WORKSTATION_MISMATCH' });
    expect(merged(h)).toEqual([]);
    expect((await post(h, a1)).status).toBe(200);
    expect((await post(h, a2)).status).toBe(200);
    expect(merged(h).map((m) => [m.ws, m.sequence])).toEqual([
      [A.id, 1],
      [A.id, 2],
    ]);
    // Registering B's certificate again "for A" is refused: a bound certificate stays with its workstation.
    const moved = await cli(['hub', 'trust', '--data', data, '--workstation', A.id, B.certFile]);
    expect(moved.code).toBe(1);
    expect(moved.err).toMatch(/already registered for workstation/);
    expect(await post(h, forged)).toMatchObject({ status: 403, code: 'BUNDLE_WORKSTATION_MISMATCH' });
  });

  it("an unbound certificate's first bundle for a workstation nobody else signs for binds it; the next claim for another is refused", async () => {
    const p = Publisher.open(join(root, 'hub-first'));
    try {
      expect((await cli(['hub', 'trust', '--data', join(root, 'hub-first'), B.certFile])).code).toBe(0);
      await p.ingest(b1, new Date().toISOString(), 'test');
      const bound = p.db.prepare('SELECT workstation_id FROM trusted_signers WHERE fingerprint = ?').pluck().get(B.signer.fingerprint);
      expect(bound).toBe(B.id);
      await expect(p.ingest(await forgeAs(b1, B.signer, A, 1, null), new Date().toISOString(), 'test')).rejects.toMatchObject({ code: 'BUNDLE_WORKSTATION_MISMATCH' });
      expect(p.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(1);
    } finally {
      p.close();
    }
  });

  it('keeps the exact bytes it verified, and no copy of a refused or replayed bundle (the copy is made first, and is what is verified)', async () => {
    const dir = join(root, 'hub-staged');
    const merged = join(dir, 'bundles', 'merged');
    const p = Publisher.open(dir);
    try {
      expect((await cli(['hub', 'trust', '--data', dir, B.certFile])).code).toBe(0);
      // Refused after the copy began: a bundle whose last byte was changed (its seal broken).
      const bent = join(root, 'bent.lentera');
      const bytes = readFileSync(b1);
      bytes[bytes.length - 1]! ^= 1;
      writeFileSync(bent, bytes);
      await expect(p.ingest(bent, new Date().toISOString(), 'test')).rejects.toMatchObject({ code: 'BUNDLE_SEAL_INVALID' });
      expect(existsSync(merged) ? readdirSync(merged) : []).toEqual([]);
      // A bundle exported days ago: its copy must still look made now (a sweep takes old copies for left behind).
      const old = join(root, 'old.lentera');
      copyFileSync(b1, old);
      utimesSync(old, new Date(Date.now() - 3 * 86_400_000), new Date(Date.now() - 3 * 86_400_000));
      const ack = await p.ingest(old, new Date().toISOString(), 'test');
      const row = p.db.prepare('SELECT file, file_sha256 FROM merged_bundles WHERE sha256 = ?').get(ack.bundle) as { file: string; file_sha256: string };
      expect(readdirSync(merged)).toEqual([`${ack.bundle}.lentera`]);
      expect(Date.now() - statSync(row.file).mtimeMs).toBeLessThan(60_000);
      expect(readFileSync(row.file).equals(readFileSync(b1))).toBe(true);
      expect(row.file_sha256).toBe(createHash('sha256').update(readFileSync(b1)).digest('hex'));
      // Refused once verified and copied: B, now bound to its own workstation, claiming A.
      await expect(p.ingest(await forgeAs(b1, B.signer, A, 1, null), new Date().toISOString(), 'test')).rejects.toMatchObject({ code: 'BUNDLE_WORKSTATION_MISMATCH' });
      expect(readdirSync(merged)).toEqual([`${ack.bundle}.lentera`]);
      // A replay is answered as unchanged and leaves nothing behind either.
      expect((await p.ingest(b1, new Date().toISOString(), 'test')).unchanged).toBe(true);
      expect(readdirSync(merged)).toEqual([`${ack.bundle}.lentera`]);
    } finally {
      p.close();
    }
  });

  it('moves a received upload in to be kept instead of copying it; a refused one is removed, not kept', async () => {
    const dir = join(root, 'hub-owned');
    const p = Publisher.open(dir);
    try {
      expect((await cli(['hub', 'trust', '--data', dir, B.certFile])).code).toBe(0);
      const incoming = join(dir, 'incoming');
      mkdirSync(incoming, { recursive: true });
      const bent = join(incoming, 'bent.lentera');
      const bytes = readFileSync(b1);
      bytes[bytes.length - 1]! ^= 1;
      writeFileSync(bent, bytes);
      await expect(p.ingest(bent, new Date().toISOString(), 'test', { owned: true })).rejects.toMatchObject({ code: 'BUNDLE_SEAL_INVALID' });
      expect(readdirSync(incoming)).toEqual([]);
      expect(readdirSync(join(dir, 'bundles', 'merged'))).toEqual([]);
      // What is no bundle file at all is refused as verification refuses it, and nothing is staged: not taken for
      // this place's fault (a 500 the sender would retry for ever).
      await expect(p.ingest(join(incoming, 'missing.lentera'), new Date().toISOString(), 'test', { owned: true })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
      mkdirSync(join(incoming, 'a-folder.lentera'));
      await expect(p.ingest(join(incoming, 'a-folder.lentera'), new Date().toISOString(), 'test', { owned: true })).rejects.toMatchObject({ code: 'BUNDLE_NOT_ZIP' });
      rmSync(join(incoming, 'a-folder.lentera'), { recursive: true });
      expect(readdirSync(join(dir, 'bundles', 'merged'))).toEqual([]);
      const up = join(incoming, 'up.lentera');
      copyFileSync(b1, up);
      // Received days ago (a hub that was down): a rename keeps that time, but the staged file must look made now
      // to a sweep of copies left behind.
      utimesSync(up, new Date(Date.now() - 3 * 86_400_000), new Date(Date.now() - 3 * 86_400_000));
      const inode = statSync(up).ino;
      const ack = await p.ingest(up, new Date().toISOString(), 'test', { owned: true });
      const row = p.db.prepare('SELECT file FROM merged_bundles WHERE sha256 = ?').get(ack.bundle) as { file: string };
      expect(readdirSync(incoming)).toEqual([]);
      // The same file, renamed: no bytes were copied.
      expect(statSync(row.file).ino).toBe(inode);
      expect(Date.now() - statSync(row.file).mtimeMs).toBeLessThan(60_000);
      expect(readFileSync(row.file).equals(readFileSync(b1))).toBe(true);
    } finally {
      p.close();
    }
  });

  it('copies an upload it cannot rename (another filesystem) instead of failing it', async (ctx) => {
    // /dev/shm is a memory filesystem on Linux: a rename from there into the hub's folder fails with EXDEV.
    const other = '/dev/shm';
    if (!existsSync(other) || statSync(other).dev === statSync(root).dev) ctx.skip();
    const dir = join(root, 'hub-exdev');
    const p = Publisher.open(dir);
    const up = mkdtempSync(join(other, 'lentera-up-'));
    try {
      expect((await cli(['hub', 'trust', '--data', dir, B.certFile])).code).toBe(0);
      copyFileSync(b1, join(up, 'up.lentera'));
      const ack = await p.ingest(join(up, 'up.lentera'), new Date().toISOString(), 'test', { owned: true });
      const row = p.db.prepare('SELECT file FROM merged_bundles WHERE sha256 = ?').get(ack.bundle) as { file: string };
      expect(readFileSync(row.file).equals(readFileSync(b1))).toBe(true);
    } finally {
      p.close();
      rmSync(up, { recursive: true, force: true });
    }
  });

  it('sweeps a staged copy a crash left behind (untouched for an hour) as the hub opens, and not one being written', () => {
    const dir = join(root, 'hub-swept');
    const merged = join(dir, 'bundles', 'merged');
    mkdirSync(merged, { recursive: true });
    const left = join(merged, '.incoming-0b7a4f7e-1c1e-4c4e-9a1e-2f6a5d2c9b10.part');
    const fresh = join(merged, '.incoming-5d0c1f2e-8b3a-4e7d-a6c5-0e9f1b2a3c4d.part');
    const other = join(merged, 'catatan.txt');
    // The records a read-ahead kept in key order beside a staged copy (merge.ts keepInKeyOrder), left and fresh.
    const leftRecords = `${left}.2.records`;
    const freshRecords = `${fresh}.0.records`;
    // The runs such a copy is merged from (key-ordered-copy.ts), left by a crash while they were written, and fresh.
    const leftRun = `${left}.3.records.run12`;
    const freshRun = `${fresh}.1.records.run0`;
    const notOurs = `${left}.x.records`;
    const notOursRun = `${left}.3.records.runx`;
    for (const f of [left, fresh, other, leftRecords, freshRecords, leftRun, freshRun, notOurs, notOursRun]) writeFileSync(f, 'x');
    const hourAgo = new Date(Date.now() - 61 * 60 * 1000);
    for (const f of [left, other, leftRecords, leftRun, notOurs, notOursRun]) utimesSync(f, hourAgo, hourAgo);
    Publisher.open(dir).close();
    expect(readdirSync(merged).sort()).toEqual([fresh, other, freshRecords, freshRun, notOurs, notOursRun].map((f) => f.slice(merged.length + 1)).sort());
  });
});

describe('a kept bundle changed after the hub verified it (the site copies it on the record of its verified bytes)', () => {
  const at = () => new Date().toISOString();
  /** Flips one byte of `file` in place and puts its modification time back: only its ctime tells. */
  const bend = (file: string) => {
    const before = statSync(file);
    const fd = openSync(file, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 100);
    b[0]! ^= 1;
    writeSync(fd, b, 0, 1, 100);
    closeSync(fd);
    utimesSync(file, before.atime, before.mtime);
  };

  /** A hub in `root/name` that trusts B's certificate, given to `use`, then closed. */
  const withHub = async (name: string, use: (p: Publisher, dir: string) => Promise<void>) => {
    const dir = join(root, name);
    const p = Publisher.open(dir);
    try {
      expect((await cli(['hub', 'trust', '--data', dir, B.certFile])).code).toBe(0);
      await use(p, dir);
    } finally {
      p.close();
    }
  };

  it('copies the file it verified without hashing it again, and hashes (and refuses) one written since, even with its mtime put back', async () => {
    await withHub('hub-vouched', async (p) => {
      const ack = await p.ingest(b1, at(), 'test');
      const row = p.db.prepare('SELECT file, file_sha256, file_stat FROM merged_bundles WHERE sha256 = ?').get(ack.bundle) as { file: string; file_sha256: string; file_stat: string | null };
      // Recorded under its kept name, as the file now is.
      expect(JSON.parse(row.file_stat!)).toEqual(statOf(row.file));
      const first = await writeSite(join(root, 'situs-vouched-1'), p.siteInput(at()), { audit: false });
      expect(first.vouched).toBe(1);
      const copied = readdirSync(join(root, 'situs-vouched-1', 'bundel'));
      expect(copied).toHaveLength(1);
      expect(readFileSync(join(root, 'situs-vouched-1', 'bundel', copied[0]!)).equals(readFileSync(b1))).toBe(true);
      // The same bytes in another file put in its place (a restore from a backup): hashed, and taken.
      writeFileSync(`${row.file}.restored`, readFileSync(row.file));
      renameSync(`${row.file}.restored`, row.file);
      const restored = await writeSite(join(root, 'situs-vouched-2'), p.siteInput(at()), { audit: false });
      expect(restored.vouched).toBe(0);
      expect(readFileSync(join(root, 'situs-vouched-2', 'bundel', copied[0]!)).equals(readFileSync(b1))).toBe(true);
      // One byte changed behind the hub: hashed, and refused; no site is left half-written.
      bend(row.file);
      await expect(writeSite(join(root, 'situs-vouched-3'), p.siteInput(at()), { audit: false })).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/has sha256/) });
      expect(existsSync(join(root, 'situs-vouched-3'))).toBe(false);
    });
  });

  it('records an upload moved in, and in an audited write hashes even the file it verified', async () => {
    await withHub('hub-vouched-owned', async (p, dir) => {
      mkdirSync(join(dir, 'incoming'), { recursive: true });
      copyFileSync(b1, join(dir, 'incoming', 'up.lentera'));
      const ack = await p.ingest(join(dir, 'incoming', 'up.lentera'), at(), 'test', { owned: true });
      const row = p.db.prepare('SELECT file, file_stat FROM merged_bundles WHERE sha256 = ?').get(ack.bundle) as { file: string; file_stat: string | null };
      expect(JSON.parse(row.file_stat!)).toEqual(statOf(row.file));
      const written = await writeSite(join(root, 'situs-vouched-audit'), p.siteInput(at()), { audit: true });
      const rel = `bundel/${readdirSync(join(root, 'situs-vouched-audit', 'bundel'))[0]}`;
      // A site's first write is generation 0: one bundle name in AUDIT_EVERY is audited then.
      expect(written.vouched).toBe(audited(0, rel) ? 0 : 1);
      // The hub's record is of this file: a bundle copied from it with no record is hashed.
      const input = p.siteInput(at());
      const unrecorded = await writeSite(join(root, 'situs-vouched-none'), { ...input, bundles: input.bundles.map((b) => ({ ...b, verified: null })) }, { audit: false });
      expect(unrecorded.vouched).toBe(0);
      // A record of another file (its inode and ctime) vouches for nothing.
      const other = join(root, 'other-file');
      writeFileSync(other, 'x');
      const misnamed = await writeSite(join(root, 'situs-vouched-other'), { ...input, bundles: input.bundles.map((b) => ({ ...b, verified: statOf(other) })) }, { audit: false });
      expect(misnamed.vouched).toBe(0);
    });
  });
});

describe("the coordinator's merge applies the same binding (`bundle trust` / `bundle import`)", () => {
  it('refuses B signing for A, merges nothing of it, and still merges A in order', async () => {
    const K = await workstation('coord');
    try {
      const bound = await cli(['bundle', 'trust', '--data', K.dir, '--workstation', A.id, A.certFile]);
      expect(bound.code).toBe(0);
      expect((await cli(['bundle', 'trust', '--data', K.dir, B.certFile])).code).toBe(0);
      expect((await call<{ workstation: string | null; fingerprint: string }[]>(K.app, 'bundle.trusted', {})).find((t) => t.fingerprint === A.signer.fingerprint)?.workstation).toBe(A.id);
      expect((await call<{ unchanged: boolean }>(K.app, 'bundle.import', { file: { path: b1 } })).unchanged).toBe(false);
      // Verified where it lay and copied after: no record vouches for the copy's bytes (the hub's site hashes it).
      expect(K.app.workstation!.db.prepare('SELECT file_stat FROM merged_bundles').pluck().get()).toBeNull();
      const count = () => K.app.workstation!.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get();
      const forged = await forgeAs(b1, B.signer, A, 1, null);
      expect((await refusal(K.app, 'bundle.import', { file: { path: forged } })).code).toBe('BUNDLE_WORKSTATION_MISMATCH');
      const viaCli = await cli(['bundle', 'import', '--data', K.dir, forged]);
      expect(viaCli.code).toBe(1);
      expect(viaCli.err).toMatch(/registered for workstation|signs for workstation/);
      expect(count()).toBe(1);
      await call(K.app, 'bundle.import', { file: { path: a1 } });
      await call(K.app, 'bundle.import', { file: { path: a2 } });
      expect(count()).toBe(3);
      // A bundle claiming the coordinator's own workstation, signed by a registered venue, is refused too.
      const asK = await forgeAs(b1, B.signer, K, 1, null);
      expect((await refusal(K.app, 'bundle.import', { file: { path: asK } })).code).toBe('BUNDLE_WORKSTATION_MISMATCH');
    } finally {
      K.app.close();
    }
  });
});

describe('the schema upgrade binds the certificates already in use', () => {
  it('a certificate that signed merged bundles of one workstation is bound to it; one that signed for two is left unbound', () => {
    const file = join(root, 'old-hub.sqlite');
    const old = openDatabase(file, { create: true, migrations: migrations.filter((m) => m.version <= 7) });
    const signer = old.prepare("INSERT INTO trusted_signers (fingerprint, cert_der, subject, added_at, added_by) VALUES (?, x'00', 'CN=x', 't', 't')");
    for (const fp of ['AA', 'BB', 'CC']) signer.run(fp);
    const bundle = old.prepare("INSERT INTO merged_bundles (sha256, exam_code, workstation_id, sequence, signer, audit_seq, audit_hash, ruleset_sha256, manifest, file, file_sha256, imported_at) VALUES (?, 'E', ?, ?, ?, 0, 'h', 'r', '{}', 'f', 'f', 't')");
    bundle.run('1', 'ws-a', 1, 'AA');
    bundle.run('2', 'ws-a', 2, 'AA');
    bundle.run('3', 'ws-a', 3, 'BB');
    bundle.run('4', 'ws-b', 1, 'BB');
    old.close();
    const db = openDatabase(file);
    try {
      expect(db.prepare('SELECT fingerprint, workstation_id FROM trusted_signers ORDER BY fingerprint').all()).toEqual([
        { fingerprint: 'AA', workstation_id: 'ws-a' },
        { fingerprint: 'BB', workstation_id: null },
        { fingerprint: 'CC', workstation_id: null },
      ]);
    } finally {
      db.close();
    }
  });
});

describe("`bundle verify --data` on the workstation's own bundles (item 12e)", () => {
  it("counts the workstation's own signers as registered for its own bundles, and checks the chain against its exports", async () => {
    for (const f of [a1, a2]) {
      const r = await cli(['bundle', 'verify', f, '--data', A.dir]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/ok {2}signer: /);
      expect(r.out).toMatch(/ok {2}chain: /);
    }
    // Another certificate signing "A's bundle" is not one of A's signers, on A itself.
    const forged = await forgeAs(b1, B.signer, A, 1, null);
    const r = await cli(['bundle', 'verify', forged, '--data', A.dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FAILED {2}signer/);
    // A's own key does not make B's workstation trust A's bundle.
    expect((await cli(['bundle', 'verify', a1, '--data', B.dir])).code).toBe(1);
    // A damaged file fails the same way with --data as without: FAILED and the reason, exit 1.
    const cut = join(root, 'cut.lentera');
    writeFileSync(cut, readFileSync(a1).subarray(0, 1000));
    for (const args of [['bundle', 'verify', cut], ['bundle', 'verify', cut, '--data', A.dir]]) {
      const d = await cli(args);
      expect(d.code).toBe(1);
      expect(d.err).toMatch(/^FAILED {2}\S/m);
    }
  });
});

describe('kill -9 at each step of an export (item 9)', () => {
  const STEPS: [string, 'none' | 'done'][] = [
    ['scratch', 'none'],
    ['zip', 'none'],
    ['part', 'none'],
    ['commit', 'none'],
    ['committed', 'done'],
    ['renamed', 'done'],
  ];
  let K: Ws;
  let passFile: string;

  beforeAll(async () => {
    K = await workstation('crash');
    passFile = join(root, 'pass.txt');
    writeFileSync(passFile, `${PASS}\n`);
    await exportBundle(K);
    K.app.close();
  }, 120_000);

  /** What the workstation holds about its exports, after opening it again (start-up recovery runs then). */
  function reopen() {
    const app = new LenteraApp({ dataDir: K.dir });
    const db = app.workstation!.db;
    const rows = db.prepare('SELECT sequence, sha256, previous, file FROM bundle_exports ORDER BY sequence').all() as { sequence: number; sha256: string; previous: string | null; file: string }[];
    const outbox = db.prepare('SELECT bundle_sha256 FROM outbox').pluck().all() as string[];
    const audited = db.prepare("SELECT payload FROM audit_events WHERE command = 'bundle.export' AND outcome = 'ok'").pluck().all().map((p) => (JSON.parse(p as string) as { sha256: string }).sha256);
    const folder = join(K.dir, 'bundles', K.exam);
    const files = readdirSync(folder).sort();
    return { app, rows, outbox, audited, files, folder };
  }

  async function checkChain(rows: { sequence: number; sha256: string; previous: string | null; file: string }[]) {
    let previous: string | null = null;
    for (const [i, r] of rows.entries()) {
      expect(r.sequence).toBe(i + 1);
      expect(r.previous).toBe(previous);
      const v = await verifyBundle(r.file);
      expect(v.sha256).toBe(r.sha256);
      expect(v.manifest.previous).toBe(previous);
      previous = r.sha256;
    }
  }

  for (const [step, expected] of STEPS) {
    it(`at "${step}": the export ${expected === 'done' ? 'fully happened' : 'did not happen at all'}, and the next one continues the chain`, async () => {
      let s = reopen();
      await change({ ...K, app: s.app });
      const before = s.rows.length;
      s.app.close();
      const killed = await child(['bundle', 'export', '--data', K.dir, '--exam', K.exam, '--passphrase-file', passFile], { LENTERA_TEST_KILL_AT: step });
      expect(killed.signal, `${killed.out}\n${killed.err}`).toBe('SIGKILL');
      s = reopen();
      try {
        // Nothing half made is left: no .part file, no .parts folder.
        expect(s.files.filter((f) => f.endsWith('.part') || f.endsWith('.parts'))).toEqual([]);
        const named = s.files.filter((f) => f.endsWith('.lentera'));
        expect(named).toHaveLength(s.rows.length);
        expect(s.rows).toHaveLength(expected === 'done' ? before + 1 : before);
        for (const r of s.rows) {
          expect(existsSync(r.file)).toBe(true);
          expect(s.outbox).toContain(r.sha256);
          expect(s.audited).toContain(r.sha256);
        }
        await checkChain(s.rows);
        // The next export is the next bundle of the same chain.
        await change({ ...K, app: s.app });
        const next = await call<{ sequence: number; file: string }>(s.app, 'bundle.export', { exam: K.exam, passphrase: PASS, account: 'koordinator' });
        expect(next.sequence).toBe(s.rows.length + 1);
        const after = s.app.workstation!.db.prepare('SELECT sequence, sha256, previous, file FROM bundle_exports ORDER BY sequence').all() as { sequence: number; sha256: string; previous: string | null; file: string }[];
        await checkChain(after);
      } finally {
        s.app.close();
      }
    }, 120_000);
  }

  it('`--out` copies the recorded bundle only after the commit: a kill before it leaves no copy, a whole export a verifiable one', async () => {
    const usb = join(root, 'usb', 'bundel.lentera');
    let s = reopen();
    await change({ ...K, app: s.app });
    s.app.close();
    const args = ['bundle', 'export', '--data', K.dir, '--exam', K.exam, '--passphrase-file', passFile, '--out', usb];
    for (const step of ['part', 'commit', 'committed']) {
      const killed = await child(args, { LENTERA_TEST_KILL_AT: step });
      expect(killed.signal).toBe('SIGKILL');
      expect(existsSync(usb)).toBe(false);
      expect(existsSync(`${usb}.part`)).toBe(false);
      if (step === 'committed') {
        // That export happened; the next one needs something new.
        s = reopen();
        await change({ ...K, app: s.app });
        s.app.close();
      }
    }
    const ok = await child(args);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`copied to ${usb}`);
    s = reopen();
    try {
      const last = s.rows.at(-1)!;
      // The record names the bundle at home; the stick holds the same bytes.
      expect(last.file.startsWith(join(K.dir, 'bundles', K.exam))).toBe(true);
      expect(readFileSync(usb).equals(readFileSync(last.file))).toBe(true);
      expect((await verifyBundle(usb)).sha256).toBe(last.sha256);
      await checkChain(s.rows);
    } finally {
      s.app.close();
    }
  }, 120_000);

  it('start-up leaves the files of an export in progress elsewhere alone, and finishes a recorded one at any time', async () => {
    const folder = join(K.dir, 'bundles', K.exam);
    const stray = join(folder, `${K.exam}-elsewhere-9999.lentera.part`);
    const strayParts = join(folder, `${K.exam}-elsewhere-9999.lentera.parts`);
    writeFileSync(stray, 'half a bundle');
    mkdirSync(strayParts);
    // Another process is exporting: it holds the export lock (shared).
    const release = holdExportLock(K.dir);
    try {
      const s = reopen();
      s.app.close();
      expect(existsSync(stray)).toBe(true);
      expect(existsSync(strayParts)).toBe(true);
    } finally {
      release();
    }
    let s = reopen();
    s.app.close();
    expect(existsSync(stray)).toBe(false);
    expect(existsSync(strayParts)).toBe(false);
    // A recorded bundle still named .part (its export killed after the commit, beside a running workstation):
    // the outbox gives it its name before sending it, lock or no lock.
    s = reopen();
    try {
      // The oldest pending bundle: the one the outbox sends next.
      const oldest = s.rows[0]!;
      renameSync(oldest.file, `${oldest.file}.part`);
      const db = s.app.workstation!.db;
      const hold = holdExportLock(K.dir);
      try {
        expect(dueBundles(db, new Date()).map((r) => r.file)).toContain(oldest.file);
      } finally {
        hold();
      }
      expect(existsSync(oldest.file)).toBe(true);
      expect(existsSync(`${oldest.file}.part`)).toBe(false);
    } finally {
      s.app.close();
    }
  });

  it('the whole chain, crashes and all, publishes in order at a hub', async () => {
    const s = reopen();
    const rows = s.rows;
    s.app.close();
    const p = Publisher.open(join(root, 'hub-crash'));
    try {
      expect((await cli(['hub', 'trust', '--data', join(root, 'hub-crash'), '--workstation', K.id, K.certFile])).code).toBe(0);
      for (const r of rows) expect((await p.ingest(r.file, new Date().toISOString(), 'test')).sequence).toBe(r.sequence);
    } finally {
      p.close();
    }
  }, 60_000);
});
