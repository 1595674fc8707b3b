/**
 * Issue 17, "encrypted at rest": what an encrypted workstation keeps under DATA/bundles/ is sealed
 * (core/custody/sealed-file.ts) — its exported bundles, the export's scratch records and `.part` file, the copies
 * merged from other workstations — and whatever reads them opens them: the copy to a USB stick, the download, the
 * push to the hub, the recovery of an interrupted export. What leaves the workstation is the plain bundle, the
 * one a plain workstation makes. Real files, a real hub, a real crash (kill -9 of the built command line).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { copyBundle } from '../../src-main/core/bundles/export';
import { commitImport, prepareImport } from '../../src-main/core/bundles/merge';
import { sealBundlesFolder } from '../../src-main/core/bundles/recover';
import { addTrustedSigner, trustLookup } from '../../src-main/core/bundles/trust';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { isSealed, isSealedFile, openSealed, readMaybeSealed, writeMaybeSealed } from '../../src-main/core/custody/sealed-file';
import { readCertificate } from '../../src-main/core/keys/pki';
import { observersInBundle } from '../../src-main/core/publish/observers';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { readZip } from './zip';
import { filesUnder } from './helpers';

const REPO = resolve(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'lentera-bundles-sealed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const local = { local: 't' };

interface Ws {
  dir: string;
  app: LenteraApp;
  exam: string;
  /** the workstation's passphrase (encrypted only) and the koordinator's signing key's */
  wsPass?: string;
  signPass: string;
  roster: { nik: string; nama: string }[];
  pem: string;
}

async function call<T>(app: LenteraApp, name: string, input: unknown): Promise<T> {
  const r = await app.invokeAsync(name, input, local);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function refusal(app: LenteraApp, name: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await app.invokeAsync(name, input, local);
  if (r.ok) throw new Error(`${name} was expected to be refused`);
  return r.error;
}

async function workstation(name: string, encrypt: boolean): Promise<Ws> {
  const dir = join(root, name);
  const app = new LenteraApp({ dataDir: dir, allowInit: true });
  const demo = await call<{ signingKey: { passphrase: string }; workstation?: { passphrase: string } }>(app, 'workstation.demo', { candidates: 30, encrypt });
  expect(Boolean(app.workstation!.key)).toBe(encrypt);
  const db = app.workstation!.db;
  const pem = (await call<{ pem: string }>(app, 'keys.certificate', { account: 'koordinator' })).pem;
  writeFileSync(join(root, `${name}.ws-pass`), demo.workstation?.passphrase ?? '');
  writeFileSync(join(root, `${name}.sign-pass`), demo.signingKey.passphrase);
  return {
    dir,
    app,
    exam: db.prepare('SELECT code FROM exams').pluck().get() as string,
    ...(demo.workstation ? { wsPass: demo.workstation.passphrase } : {}),
    signPass: demo.signingKey.passphrase,
    roster: db.prepare('SELECT nik, nama FROM candidates').all() as { nik: string; nama: string }[],
    pem,
  };
}

/** The workstation opened again (and unlocked), as the next start of the app does: interrupted exports are set right then. */
function reopen(w: Ws): void {
  w.app.close();
  w.app = new LenteraApp({ dataDir: w.dir });
  if (w.wsPass) expect(w.app.invoke('workstation.unlock', { passphrase: w.wsPass }, local)).toMatchObject({ ok: true });
}

const key = (w: Ws) => w.app.workstation!.key!;
const exportBundle = (w: Ws, out?: string) => call<{ sequence: number; sha256: string; file: string; bytes: number; copy?: { copied?: string; copyError?: string } }>(w.app, 'bundle.export', { exam: w.exam, passphrase: w.signPass, account: 'koordinator', ...(out ? { out } : {}) });
const exports = (w: Ws) => w.app.workstation!.db.prepare('SELECT sequence, sha256, file, bytes FROM bundle_exports ORDER BY sequence').all() as { sequence: number; sha256: string; file: string; bytes: number }[];


/** No full NIK or name of the roster in these bytes, as they lie on the disk. */
function expectNoPersonalData(w: Ws, files: string[]): void {
  for (const f of files) {
    const text = readFileSync(f).toString('latin1');
    for (const r of w.roster) {
      expect(text.includes(r.nik), `${f} holds a NIK`).toBe(false);
      expect(text.includes(r.nama), `${f} holds a name`).toBe(false);
    }
  }
}

/** A signed sheet as the sheets writer keeps it on an encrypted workstation: a PDF sealed with the data key. */
function sheet(w: Ws, name: string, sealed: boolean): Buffer {
  const dir = join(w.dir, 'sheets', w.exam);
  mkdirSync(dir, { recursive: true });
  const pdf = Buffer.from(`%PDF-1.7\n% Lembar hasil ${name}: ${w.roster[0]!.nama}, NIK ${w.roster[0]!.nik}\n%%EOF\n`);
  writeMaybeSealed(join(dir, name), pdf, sealed ? key(w) : undefined);
  return pdf;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
  return { code, out, err };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let A: Ws;
let usb: string;
let pdfs: Map<string, Buffer>;

beforeAll(async () => {
  A = await workstation('a', true);
  // Two sheets: one sealed (as the sheets writer keeps them now), one left plain from before the workstation was encrypted.
  pdfs = new Map([
    ['lembar-sealed.pdf', sheet(A, 'lembar-sealed.pdf', true)],
    ['lembar-plain.pdf', sheet(A, 'lembar-plain.pdf', false)],
  ]);
  usb = join(root, 'usb', 'a-1.lentera');
  const r = await exportBundle(A, usb);
  expect(r.copy).toEqual({ copied: usb });
}, 120_000);

describe('an encrypted workstation exports its bundles sealed', () => {
  it('keeps the bundle sealed: no name or NIK in any file under DATA/bundles, even inflated, while the bundle inside carries names', async () => {
    const [row] = exports(A);
    expect(row!.file.startsWith(join(A.dir, 'bundles', A.exam))).toBe(true);
    expect(isSealedFile(row!.file)).toBe(true);
    const files = filesUnder(join(A.dir, 'bundles'));
    expect(files).toEqual([row!.file]);
    expectNoPersonalData(A, files);
    // Not a zip to anyone without the key: nothing in it inflates to a name.
    for (const f of files) await expect(readZip(f)).rejects.toThrow();
    // The sealed PDF lies sealed where the sheets are; the bundle carries the names (unmasked), so the check above means something.
    const inside = (await readZip(usb)).map(([, b]) => b.toString('latin1')).join('\n');
    expect(A.roster.some((r) => inside.includes(r.nama))).toBe(true);
  });

  it('the --out copy is the plain bundle: verified by verifyBundle and `lentera bundle verify`, its sha256 and size the recorded ones, the PDFs carried as their plaintext', async () => {
    const [row] = exports(A);
    const copy = readFileSync(usb);
    expect(isSealed(copy)).toBe(false);
    expect(openSealed(key(A), readFileSync(row!.file)).equals(copy)).toBe(true);
    expect(row!.bytes).toBe(copy.length);
    const report = await verifyBundle(usb);
    expect(report.sha256).toBe(row!.sha256);
    const entries = new Map(await readZip(usb));
    for (const [name, pdf] of pdfs) expect(entries.get(`pdf/${name}`)?.equals(pdf)).toBe(true);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as { files: { path: string; sha256: string }[] };
    expect(manifest.files.find((f) => f.path === 'pdf/lembar-sealed.pdf')?.sha256).toBe(sha256(pdfs.get('lembar-sealed.pdf')!));
    const v = await cli(['bundle', 'verify', usb]);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain(`bundle ${row!.sha256} verified`);
    // The sealed file itself is no bundle to a verifier: said so, with the way to get the bundle.
    await expect(verifyBundle(row!.file)).rejects.toMatchObject({ code: 'BUNDLE_SEALED' });
    const sealed = await cli(['bundle', 'verify', row!.file]);
    expect(sealed.code).not.toBe(0);
    expect(sealed.err).toMatch(/lentera bundle copy --data DIR --exam CODE --out FILE/);
  });

  it('bundle.file answers the plain zip; bundle.copy writes it out (the latest, or by sequence), audited', async () => {
    const [row] = exports(A);
    const copy = readFileSync(usb);
    const file = await call<{ name: string; dataBase64: string }>(A.app, 'bundle.file', { sha256: row!.sha256 });
    expect(Buffer.from(file.dataBase64, 'base64').equals(copy)).toBe(true);
    const out = join(root, 'usb2', 'deep', 'copy.lentera');
    const r = await call<{ sequence: number; sha256: string; copied: string }>(A.app, 'bundle.copy', { exam: A.exam, out });
    expect(r).toMatchObject({ sequence: 1, sha256: row!.sha256, copied: out });
    expect(readFileSync(out).equals(copy)).toBe(true);
    expect(existsSync(`${out}.part`)).toBe(false);
    expect((await call<{ sequence: number }>(A.app, 'bundle.copy', { exam: A.exam, sequence: 1, out: join(root, 'usb2', 'one.lentera') })).sequence).toBe(1);
    expect(await refusal(A.app, 'bundle.copy', { exam: A.exam, sequence: 9, out: join(root, 'usb2', 'nine.lentera') })).toMatchObject({ code: 'NOT_FOUND' });
    const audited = A.app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'bundle.copy' AND outcome = 'ok'").pluck().all() as string[];
    expect(audited).toHaveLength(2);
    expect(JSON.parse(audited[0]!)).toMatchObject({ exam: A.exam, sequence: 1, sha256: row!.sha256, copied: out });
  });

  it('`lentera bundle copy` writes the plain bundle out, and a failed --out copy names it', async () => {
    const [row] = exports(A);
    A.app.close();
    try {
      const out = join(root, 'usb3', 'cli.lentera');
      const r = await cli(['bundle', 'copy', '--data', A.dir, '--exam', A.exam, '--out', out, '--passphrase-file', join(root, 'a.ws-pass')]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`copied to ${out}`);
      expect(readFileSync(out).equals(readFileSync(usb))).toBe(true);
      expect((await verifyBundle(out)).sha256).toBe(row!.sha256);
      // A copy that fails (the target is a folder): the export is recorded, and the coordinator is told how to copy it.
      sheet(A, 'lembar-next.pdf', false);
      const blocked = join(root, 'usb3', 'blocked');
      mkdirSync(blocked, { recursive: true });
      const e = await cli(['bundle', 'export', '--data', A.dir, '--exam', A.exam, '--out', blocked, '--passphrase-file', join(root, 'a.sign-pass'), '--workstation-passphrase-file', join(root, 'a.ws-pass')]);
      expect(e.code).not.toBe(0);
      expect(e.err).toContain(`lentera bundle copy --data ${A.dir} --exam ${A.exam} --sequence 2 --out FILE`);
    } finally {
      reopen(A);
    }
    const second = exports(A)[1]!;
    const out = join(root, 'usb3', 'second.lentera');
    expect((await call<{ sequence: number }>(A.app, 'bundle.copy', { exam: A.exam, out })).sequence).toBe(2);
    expect((await verifyBundle(out)).sha256).toBe(second.sha256);
  }, 60_000);
});

describe('the outbox of an encrypted workstation', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub({ dir: join(root, 'hub'), port: 0 });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('pushes the plain bundles, which the hub verifies, confirms and keeps byte for byte', async () => {
    addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(A.pem)), { exam: A.exam, at: new Date().toISOString(), by: 'test' });
    await call(A.app, 'hub.configure', { url: hub.url });
    const pushed = await call<{ sequence: number; state: string; message: string }[]>(A.app, 'outbox.push', {});
    expect(pushed.map((p) => [p.sequence, p.state])).toEqual([[1, 'confirmed']]);
    const second = await call<{ sequence: number; state: string }[]>(A.app, 'outbox.push', {});
    expect(second.map((p) => [p.sequence, p.state])).toEqual([[2, 'confirmed']]);
    const kept = hub.publisher.db.prepare('SELECT sha256, file FROM merged_bundles ORDER BY sequence').all() as { sha256: string; file: string }[];
    expect(kept.map((k) => k.sha256)).toEqual(exports(A).map((e) => e.sha256));
    // The hub has no key: what it keeps is the plain bundle, the one copied to the stick.
    expect(readFileSync(kept[0]!.file).equals(readFileSync(usb))).toBe(true);
  }, 60_000);

  it('a bundle kept here that was damaged on disk is not sent, and the outbox says it is this workstation\'s copy', async () => {
    sheet(A, 'hasil-outbox.pdf', true);
    const made = await exportBundle(A);
    const good = readFileSync(made.file);
    const bad = Buffer.from(good);
    bad[bad.length - 100]! ^= 1;
    writeFileSync(made.file, bad);
    try {
      const pushed = await call<{ sequence: number; state: string; message: string }[]>(A.app, 'outbox.push', {});
      expect(pushed).toMatchObject([{ sequence: made.sequence, state: 'pending', message: expect.stringMatching(/^the bundle kept on this workstation cannot be read: .*cannot be opened/) }]);
      expect(hub.publisher.db.prepare('SELECT COUNT(*) FROM merged_bundles WHERE sequence = ?').pluck().get(made.sequence)).toBe(0);
    } finally {
      writeFileSync(made.file, good);
    }
  }, 60_000);
});

describe('bundles merged on an encrypted workstation', () => {
  let C: Ws;
  beforeAll(async () => {
    C = await workstation('c', true);
    await call(C.app, 'bundle.trust', { certificate: { pem: A.pem }, exam: A.exam });
  }, 120_000);

  it('refuses a bundle that changed between its verification and its copy: nothing merged, nothing kept', async () => {
    const moving = join(root, 'moving.lentera');
    writeFileSync(moving, readFileSync(usb));
    const db = C.app.workstation!.db;
    const plan = await prepareImport(db, moving, { trusted: trustLookup(db, C.app.workstation!.id), self: C.app.workstation!.id });
    const bent = readFileSync(moving);
    bent[100]! ^= 1;
    writeFileSync(moving, bent);
    expect(() => db.transaction(() => commitImport(db, C.dir, plan, new Date().toISOString(), key(C)))()).toThrow(expect.objectContaining({ code: 'BUNDLE_CHANGED' }));
    expect(db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(0);
    expect(filesUnder(join(C.dir, 'bundles'))).toEqual([]);
  });

  it('keeps the merged copy sealed: the verified bundle, its recorded sha256 the plain file\'s, read back through its opening', async () => {
    const r = await call<{ sha256: string; records: number }>(C.app, 'bundle.import', { file: { path: usb } });
    expect(r.records).toBeGreaterThan(0);
    const row = C.app.workstation!.db.prepare('SELECT file, file_sha256 FROM merged_bundles').get() as { file: string; file_sha256: string };
    expect(row.file.startsWith(join(C.dir, 'bundles', 'merged'))).toBe(true);
    expect(isSealedFile(row.file)).toBe(true);
    expect(row.file_sha256).toBe(sha256(readFileSync(usb)));
    expect(readMaybeSealed(row.file, key(C)).equals(readFileSync(usb))).toBe(true);
    const files = filesUnder(join(C.dir, 'bundles'));
    expect(files).toEqual([row.file]);
    expectNoPersonalData(A, files);
    // What reads merged copies (the observers of the minutes) opens a sealed one with the key.
    await expect(observersInBundle(row.file, A.exam, key(C))).resolves.toEqual([]);
  });

  it('refuses a sealed bundle changed on disk, wherever it is read, and leaves no half copy', async () => {
    const merged = C.app.workstation!.db.prepare('SELECT file FROM merged_bundles').pluck().get() as string;
    const bentMerged = readFileSync(merged);
    bentMerged[bentMerged.length - 200]! ^= 1;
    writeFileSync(merged, bentMerged);
    await expect(observersInBundle(merged, A.exam, key(C))).rejects.toMatchObject({ code: 'SEALED_FILE_DAMAGED' });
    const out = join(root, 'bent', 'merged.lentera');
    mkdirSync(join(root, 'bent'), { recursive: true });
    expect(() => copyBundle(merged, out, key(C))).toThrow(expect.objectContaining({ code: 'SEALED_FILE_DAMAGED' }));
    expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
    // The workstation's own bundle, changed in its middle: the download and the copy are refused.
    const own = exports(A)[0]!;
    const bent = readFileSync(own.file);
    bent[Math.floor(bent.length / 2)]! ^= 1;
    writeFileSync(own.file, bent);
    expect(await refusal(A.app, 'bundle.file', { sha256: own.sha256 })).toMatchObject({ code: 'SEALED_FILE_DAMAGED' });
    const to = join(root, 'bent', 'own.lentera');
    expect(await refusal(A.app, 'bundle.copy', { exam: A.exam, sequence: 1, out: to })).toMatchObject({ code: 'SEALED_FILE_DAMAGED' });
    expect(existsSync(to) || existsSync(`${to}.part`)).toBe(false);
    // Put back for the tests after this one.
    bent[Math.floor(bent.length / 2)]! ^= 1;
    writeFileSync(own.file, bent);
  });
});

/** `node bin/lentera.mjs …` in its own process (the built command line), as a coordinator runs it. */
function child(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(REPO, 'bin', 'lentera.mjs'), ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += String(c)));
    p.stderr.on('data', (c) => (err += String(c)));
    p.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

describe('an interrupted export on an encrypted workstation (kill -9 of the built command line)', () => {
  const killedExport = async (step: string) => {
    A.app.close();
    return child(['bundle', 'export', '--data', A.dir, '--exam', A.exam, '--passphrase-file', join(root, 'a.sign-pass'), '--workstation-passphrase-file', join(root, 'a.ws-pass')], { LENTERA_TEST_KILL_AT: step });
  };

  it.each(['scratch', 'zip'])('killed at "%s": what it left is sealed, and the next start removes it; no bundle was recorded', async (step) => {
    const before = exports(A).length;
    sheet(A, `lembar-${step}.pdf`, true);
    const killed = await killedExport(step);
    try {
      expect(killed.signal, `${killed.out}\n${killed.err}`).toBe('SIGKILL');
      const left = filesUnder(join(A.dir, 'bundles', A.exam)).filter((f) => /\.lentera\.parts?($|\/)/.test(f));
      expect(left.length).toBeGreaterThan(0);
      // Sealed, or empty: a small zip's sealed bytes may not have reached the file yet when the process died.
      for (const f of left) expect(isSealedFile(f) || statSync(f).size === 0, f).toBe(true);
      expect(left.some((f) => isSealedFile(f))).toBe(true);
      expectNoPersonalData(A, filesUnder(join(A.dir, 'bundles')));
    } finally {
      reopen(A);
    }
    expect(filesUnder(join(A.dir, 'bundles', A.exam)).filter((f) => /\.parts?($|\/)/.test(f))).toEqual([]);
    expect(exports(A)).toHaveLength(before);
  }, 120_000);

  it('killed once recorded but before its file had its name: the next start names it, sealed, and it copies out as the recorded bundle', async () => {
    const before = exports(A).length;
    const killed = await killedExport('committed');
    try {
      expect(killed.signal, `${killed.out}\n${killed.err}`).toBe('SIGKILL');
    } finally {
      reopen(A);
    }
    const rows = exports(A);
    expect(rows).toHaveLength(before + 1);
    const last = rows.at(-1)!;
    expect(existsSync(last.file) && !existsSync(`${last.file}.part`)).toBe(true);
    expect(isSealedFile(last.file)).toBe(true);
    expectNoPersonalData(A, filesUnder(join(A.dir, 'bundles')));
    const out = join(root, 'usb4', 'recovered.lentera');
    await call(A.app, 'bundle.copy', { exam: A.exam, out });
    const report = await verifyBundle(out);
    expect(report.sha256).toBe(last.sha256);
    expect(readFileSync(out).length).toBe(last.bytes);
    expect(new Map(await readZip(out)).get('pdf/lembar-zip.pdf')?.toString('latin1')).toContain('Lembar hasil lembar-zip.pdf');
  }, 120_000);
});

describe('a plain workstation', () => {
  let P: Ws;
  let exported: { file: string; sha256: string; bytes: number };
  beforeAll(async () => {
    P = await workstation('p', false);
  }, 120_000);
  afterAll(() => P.app.close());

  it('keeps its bundle as the plain zip, the --out copy the same bytes', async () => {
    const out = join(root, 'usb-plain', 'p-1.lentera');
    exported = await exportBundle(P, out);
    expect(isSealedFile(exported.file)).toBe(false);
    expect(readFileSync(exported.file).equals(readFileSync(out))).toBe(true);
    expect(statSync(exported.file).size).toBe(exported.bytes);
    expect((await verifyBundle(exported.file)).sha256).toBe(exported.sha256);
    const file = await call<{ dataBase64: string }>(P.app, 'bundle.file', { sha256: exported.sha256 });
    expect(Buffer.from(file.dataBase64, 'base64').equals(readFileSync(exported.file))).toBe(true);
  });

  it('refuses to carry a sealed PDF (a folder copied from an encrypted workstation) into its bundle, as ciphertext or at all', async () => {
    const dir = join(P.dir, 'sheets', P.exam);
    mkdirSync(dir, { recursive: true });
    writeMaybeSealed(join(dir, 'hasil-asing.pdf'), Buffer.from('%PDF-1.7 from elsewhere'), randomBytes(32));
    try {
      const r = await refusal(P.app, 'bundle.export', { exam: P.exam, passphrase: P.signPass, account: 'koordinator' });
      expect(r.code).toBe('FILE_ENCRYPTED');
      expect(r.message).toMatch(/hasil-asing\.pdf is encrypted/);
      expect(exports(P)).toHaveLength(1);
    } finally {
      rmSync(join(dir, 'hasil-asing.pdf'));
    }
  });

  it('sealBundlesFolder (for `lentera encrypt`) seals what it made while plain, in place, and finishes what a crash left', async () => {
    const dataKey = randomBytes(32);
    const plain = readFileSync(exported.file);
    const stray = join(P.dir, 'bundles', P.exam, 'left.lentera.parts', 'candidate');
    mkdirSync(join(stray, '..'), { recursive: true });
    writeFileSync(stray, `[\n${JSON.stringify(P.roster[0])}\n]\n`);
    // A crash in an earlier call: a second name of the plain file, and a sealed copy not yet put in place.
    linkSync(exported.file, `${exported.file}.plain`);
    writeFileSync(`${exported.file}.sealing`, 'half');
    expect(sealBundlesFolder(P.dir, dataKey)).toBe(2);
    const files = filesUnder(join(P.dir, 'bundles'));
    expect(files.sort()).toEqual([exported.file, stray].sort());
    for (const f of files) expect(isSealedFile(f)).toBe(true);
    expectNoPersonalData(P, files);
    expect(readMaybeSealed(exported.file, dataKey).equals(plain)).toBe(true);
    expect(sealBundlesFolder(P.dir, dataKey)).toBe(0);
    // The sealed bundle copies out as the bundle.
    const out = join(root, 'usb-plain', 'p-1-again.lentera');
    copyBundle(exported.file, out, dataKey);
    expect(readFileSync(out).equals(plain)).toBe(true);
  });
});
