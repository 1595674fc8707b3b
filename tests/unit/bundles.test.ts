import { execFileSync } from 'node:child_process';
import { randomUUID, webcrypto } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { checkChain, commitImport, discardImport, dropScratch, itemsOf, keepInKeyOrder, mergedView, prepareImport, readRecords, type ImportPlan, type Records } from '../../src-main/core/bundles/merge';
import { readEntryAt, type EntryLayout, type Source } from '../../src-main/core/bundles/container';
import { listedAs } from '../../src-main/core/bundles/listed-entries';
import { prepareImportAhead, readAhead, speculate } from '../../src-main/core/bundles/ahead';
import { addTrustedSigner, trustLookup } from '../../src-main/core/bundles/trust';
import { Publisher } from '../../src-main/core/publish/publisher';
import { canonicalJson } from '../../src-main/core/audit/chain';
import { applySeal, sealPlaceholder } from '../../src-main/core/bundles/seal';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { generateIdentity, unlockIdentity, type UnlockedIdentity } from '../../src-main/core/keys/identities';
import { RSA_SHA256 } from '../../src-main/core/keys/pki';
import { sha256Hex } from '../../src-main/core/util/hash';
import { readZip } from './zip';
import type { Manifest } from '../../src-main/core/bundles/format';

const PASS = 'rahasia-koordinator';

/** The whole merged state of an exam, as one digest: equal merges give equal digests. */
function mergedStateDigest(db: Parameters<typeof mergedView>[0], exam: string): string {
  const v = mergedView(db, exam);
  return sha256Hex(canonicalJson({ facts: v.facts, results: v.results, conflicts: v.conflicts, candidates: v.candidates }));
}
const root = mkdtempSync(join(tmpdir(), 'lentera-bundles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Ws {
  app: LenteraApp;
  id: UnlockedIdentity;
  exam: string;
  pem: string;
}

async function workstation(name: string, candidates = 30): Promise<Ws> {
  const app = new LenteraApp({ dataDir: join(root, name), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: `Koordinator ${name}`, nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  const id = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
  const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const pem = (app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as { value: { pem: string } }).value.pem;
  return { app, id, exam, pem };
}

async function call<T>(app: LenteraApp, name: string, input: unknown): Promise<T> {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function refusal(app: LenteraApp, name: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (r.ok) throw new Error(`${name} was expected to be refused`);
  return r.error;
}

const exportBundle = (w: Ws, out?: string) => call<{ sequence: number; sha256: string; file: string; counts: Record<string, number> }>(w.app, 'bundle.export', { exam: w.exam, passphrase: PASS, account: 'koordinator', ...(out ? { out } : {}) });

async function writeZip(file: string, entries: [string, Buffer, Partial<yazl.Options>?][], mtime?: Date, sealWith?: UnlockedIdentity): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data, opts] of entries) zip.addBuffer(data, name, { ...(mtime ? { mtime } : {}), ...(opts ?? {}) });
  zip.end({ comment: sealPlaceholder(3072), forceZip64Format: false });
  await pipeline(zip.outputStream, createWriteStream(file));
  if (sealWith) await applySeal(file, sealWith.privateKey, 3072);
  return file;
}

let n = 0;
const tmp = (ext = '.lentera') => join(root, `t${++n}${ext}`);

/**
 * A bundle rebuilt with changes: files edited or added, the manifest's list recomputed (or not), and the
 * manifest signed again by `signer` (a registered or an unknown key) — or left with its old signature.
 */
async function repack(src: string, opts: { edit?: (files: Map<string, Buffer>, manifest: Record<string, unknown>) => void; signer?: UnlockedIdentity | null; relist?: boolean; extra?: [string, Buffer, Partial<yazl.Options>?][] }): Promise<string> {
  const entries = new Map(await readZip(src));
  const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as Record<string, unknown> & { files: { path: string; size: number; sha256: string }[] };
  const files = new Map([...entries].filter(([k]) => k !== 'manifest.json' && k !== 'manifest.sig'));
  opts.edit?.(files, manifest);
  if (opts.signer) manifest.signer = { certificate: Buffer.from(opts.signer.certDer).toString('base64'), fingerprint: opts.signer.fingerprint, subject: opts.signer.subject };
  if (opts.relist !== false) manifest.files = [...files].map(([path, data]) => ({ path, size: data.length, sha256: sha256Hex(data) }));
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
  const sig = opts.signer ? Buffer.from(await webcrypto.subtle.sign(RSA_SHA256, opts.signer.privateKey, bytes)) : entries.get('manifest.sig')!;
  return writeZip(tmp(), [['manifest.json', bytes], ['manifest.sig', sig], ...[...files].map(([k, v]): [string, Buffer] => [k, v]), ...(opts.extra ?? [])], new Date(manifest.createdAt as string), opts.signer ?? undefined);
}

let A: Ws;
let B: Ws;
let hubWs: Ws; // the coordinator's workstation that merges
let a1: string;
let a2: string;

beforeAll(async () => {
  [A, B, hubWs] = [await workstation('a'), await workstation('b'), await workstation('coord')];
  a1 = (await exportBundle(A)).file;
}, 120_000);

describe('bundle export', () => {
  it('writes a manifest that names exam, workstation, signer, sequence, chain head and every file, signed over its exact bytes', async () => {
    const files = new Map(await readZip(a1));
    const m = JSON.parse(files.get('manifest.json')!.toString());
    expect(m).toMatchObject({ format: 'lentera.bundle/1', exam: { code: A.exam }, workstation: { id: A.app.workstation!.id }, sequence: 1, previous: null });
    const head = A.app.workstation!.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    // The export's own audit event comes after the head the bundle carries.
    expect(m.auditHead.seq).toBe(head.seq - 1);
    expect(Buffer.from(m.signer.certificate, 'base64').equals(Buffer.from(A.id.certDer))).toBe(true);
    for (const f of m.files) {
      expect(files.get(f.path)!.length).toBe(f.size);
      expect(sha256Hex(files.get(f.path)!)).toBe(f.sha256);
    }
    expect([...files.keys()].sort()).toEqual(['manifest.json', 'manifest.sig', ...m.files.map((f: { path: string }) => f.path)].sort());
    // An independent verifier: openssl checks the RSA signature over the manifest bytes with the certificate's key.
    const dir = mkdtempSync(join(root, 'ossl-'));
    writeFileSync(join(dir, 'manifest.json'), files.get('manifest.json')!);
    writeFileSync(join(dir, 'manifest.sig'), files.get('manifest.sig')!);
    writeFileSync(join(dir, 'cert.pem'), A.pem);
    execFileSync('sh', ['-c', 'openssl x509 -in cert.pem -pubkey -noout > pub.pem'], { cwd: dir });
    expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'manifest.sig', 'manifest.json'], { cwd: dir, encoding: 'utf8' })).toContain('Verified OK');
    writeFileSync(join(dir, 'manifest.json'), Buffer.concat([files.get('manifest.json')!, Buffer.from(' ')]));
    expect(() => execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'manifest.sig', 'manifest.json'], { cwd: dir, stdio: 'pipe' })).toThrow();
  });

  it('carries each score entry and attendance event as its row makes it: every column in the table order but the exam, session and import ids, then session and import; a column a migration adds, and a line longer than a block, too', async () => {
    const w = await workstation('columns', 12);
    const db = w.app.workstation!.db;
    // This workstation only: a column added to the table, and one entry with a reason of 1.2 MB in UTF-8.
    db.exec('DROP TRIGGER score_entries_no_update; ALTER TABLE score_entries ADD COLUMN note_extra TEXT');
    const long = db.prepare("SELECT id FROM score_entries WHERE source = 'cat' ORDER BY id LIMIT 1").pluck().get() as string;
    db.prepare('UPDATE score_entries SET note_extra = ?, reason = ? WHERE id = ?').run('tambahan', 'é'.repeat(600_000), long);
    const file = (await exportBundle(w)).file;
    const files = new Map(await readZip(file));
    const sessions = new Map((db.prepare('SELECT id, code FROM sessions').all() as { id: string; code: string }[]).map((r) => [r.id, r.code]));
    const imports = new Map((db.prepare('SELECT id, file_name, sha256 FROM score_imports').all() as { id: string; file_name: string; sha256: string }[]).map((i) => [i.id, { file: i.file_name, sha256: i.sha256 }]));
    const code = (id: string | null) => (id === null ? null : (sessions.get(id) ?? id));
    // What object rest and spread make of each row (as the export did before it read rows as arrays).
    type Row = { id: string; exam_id?: string; session_id: string | null; import_id?: string | null };
    const entries = new Map((db.prepare('SELECT * FROM score_entries').all() as Row[]).map(({ exam_id: _e, session_id, import_id, ...e }) => [e.id, JSON.stringify({ ...e, session: code(session_id), import: import_id ? (imports.get(import_id) ?? null) : null })]));
    const events = new Map((db.prepare('SELECT * FROM attendance_events').all() as Row[]).map(({ session_id, ...a }) => [a.id, JSON.stringify({ ...a, session: code(session_id) })]));
    for (const [path, want] of [['data/score-entries.json', entries], ['data/attendance.json', events]] as const) {
      const text = files.get(path)!.toString('utf8');
      expect(text.startsWith('[\n') && text.endsWith('\n]\n')).toBe(true);
      const lines = text.slice(2, -3).split(',\n');
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect(line).toBe(want.get((JSON.parse(line) as { id: string }).id));
    }
    const longLine = files.get('data/score-entries.json')!.toString('utf8').split('\n').find((l) => l.includes(long))!;
    expect(Buffer.byteLength(longLine)).toBeGreaterThan(1 << 20);
    expect(JSON.parse(longLine.replace(/,$/, ''))).toMatchObject({ id: long, note_extra: 'tambahan' });
    w.app.close();
  });

  it('carries raw data with personal data masked, the ruleset, the facts and the computed results', async () => {
    const files = new Map(await readZip(a1));
    const all = [...files.values()].map((b) => b.toString('latin1')).join('\n');
    const niks = A.app.workstation!.db.prepare('SELECT nik, tanggal_lahir FROM candidates').all() as { nik: string; tanggal_lahir: string }[];
    for (const c of niks) {
      expect(all).not.toContain(c.nik);
      expect(all).not.toContain(c.tanggal_lahir);
    }
    const people = JSON.parse(files.get('data/candidates.json')!.toString());
    expect(people).toHaveLength(30);
    expect(people[0].nik).toMatch(/^\d{6}\*{8}\d{2}$/);
    const entries = JSON.parse(files.get('data/score-entries.json')!.toString());
    // Every settled entry travels; a panel value before its candidate is finalized, or a paper entry before its
    // sheet is settled, stays home (it is blind: the hub publishes bundles).
    const db = A.app.workstation!.db;
    const finalized = new Set((db.prepare('SELECT session_id || \'|\' || nomor_peserta FROM finalizations').pluck().all() as string[]));
    const panelRows = db.prepare("SELECT id, session_id, nomor_peserta FROM score_entries WHERE source = 'panel'").all() as { id: string; session_id: string; nomor_peserta: string }[];
    const openPanel = new Set(panelRows.filter((r) => !finalized.has(`${r.session_id}|${r.nomor_peserta}`)).map((r) => r.id));
    expect(openPanel.size).toBeGreaterThan(0);
    const shipped = new Set(entries.map((e: { id: string }) => e.id));
    for (const id of openPanel) expect(shipped.has(id)).toBe(false);
    const cat = db.prepare("SELECT id FROM score_entries WHERE source IN ('cat', 'amendment')").pluck().all() as string[];
    for (const id of cat) expect(shipped.has(id)).toBe(true);
    expect(entries.length).toBeLessThan(db.prepare('SELECT COUNT(*) FROM score_entries').pluck().get() as number);
    const results = JSON.parse(files.get('results/results.json')!.toString()) as { digest: string; result: { nomor_peserta: string } }[];
    expect(results).toHaveLength(30);
    expect(results[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    const m = JSON.parse(files.get('manifest.json')!.toString());
    expect(sha256Hex(files.get(m.ruleset.path)!)).toBe(m.ruleset.sha256);
  });

  it('is incremental: nothing changed gives no bundle; one change gives a bundle of that change, linked by hash', async () => {
    const before = A.app.workstation!.db.prepare('SELECT COUNT(*) FROM bundle_exports').pluck().get();
    const none = await refusal(A.app, 'bundle.export', { exam: A.exam, passphrase: PASS, account: 'koordinator' });
    expect(none.code).toBe('NOTHING_TO_EXPORT');
    expect(A.app.workstation!.db.prepare('SELECT COUNT(*) FROM bundle_exports').pluck().get()).toBe(before);
    const wrong = await refusal(A.app, 'bundle.export', { exam: A.exam, passphrase: 'salah-sandi', account: 'koordinator' });
    expect(wrong.code).toBe('PASSPHRASE_WRONG');
    const cat = A.app.workstation!.db.prepare("SELECT nomor_peserta, units FROM score_entries WHERE source = 'cat' AND item = 'twk' ORDER BY nomor_peserta LIMIT 1").get() as { nomor_peserta: string; units: number };
    await call(A.app, 'amendments.request', { exam: A.exam, stage: 'SKD', nomorPeserta: cat.nomor_peserta, item: 'twk', value: (cat.units + 1) * 5, reason: 'Salah ketik saat impor' });
    // A failure while the bundle is written (the USB stick the command line names cannot be written) leaves nothing behind.
    const dir = join(A.app.workstation!.dir, 'bundles', A.exam);
    const filesBefore = readdirSync(dir).sort();
    const copy = await refusal(A.app, 'bundle.export', { exam: A.exam, passphrase: PASS, account: 'koordinator', out: '/dev/null/usb/bundle.lentera' });
    expect(copy.code).not.toBe('INVALID_INPUT');
    expect(A.app.workstation!.db.prepare('SELECT COUNT(*) FROM bundle_exports').pluck().get()).toBe(before);
    expect(A.app.workstation!.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(filesBefore);
    const steps: { step: string }[] = [];
    const off = A.app.events.subscribe((e) => void (e.type === 'bundle.progress' && steps.push(e.data as { step: string })));
    const second = await exportBundle(A);
    off();
    a2 = second.file;
    // Progress is reported while the bundle is made: every kind of record, then the zip.
    expect(steps.map((x) => x.step)).toEqual(expect.arrayContaining(['candidate', 'score_entry', 'facts', 'result', 'zip']));
    expect(steps.at(-1)).toMatchObject({ step: 'zip' });
    expect(second.sequence).toBe(2);
    expect(Object.entries(second.counts).filter(([, v]) => v > 0)).toEqual([['amendment', 1]]);
    const m2 = JSON.parse(new Map(await readZip(a2)).get('manifest.json')!.toString());
    const m1 = new Map(await readZip(a1)).get('manifest.json')!;
    expect(m2.previous).toBe(sha256Hex(m1));
    const list = await call<{ sequence: number; state: string }[]>(A.app, 'bundle.list', { exam: A.exam });
    expect(list.map((b) => [b.sequence, b.state])).toEqual([[2, 'pending'], [1, 'pending']]);
  });
});

describe('bundle verification refuses, before anything is read into state', () => {
  const expectRefused = async (file: string, code: string, opts = {}) => {
    await expect(verifyBundle(file, opts)).rejects.toMatchObject({ code });
  };

  it('accepts the genuine bundle and says what it checked', async () => {
    const r = await verifyBundle(a1);
    expect(r.checks.join('\n')).toMatch(/signature: RSA-SHA256/);
    expect(r.checks.join('\n')).toMatch(/hashes: all \d+ files match/);
  });

  it('any changed byte anywhere in the file', async () => {
    const bytes = readFileSync(a1);
    const f = tmp();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const copy = Buffer.from(bytes);
        copy[at]! ^= x;
        writeFileSync(f, copy);
        const code = await verifyBundle(f).then(
          () => 'accepted',
          (e: { code?: string }) => e.code ?? 'thrown',
        );
        return code.startsWith('BUNDLE_');
      }),
      { numRuns: 150 },
    );
    // The first entry's header and the start of the (compressed) manifest, and the end record with its seal.
    for (const at of [...Array.from({ length: 60 }, (_, i) => i * 7), ...Array.from({ length: 40 }, (_, i) => bytes.length - 1 - i * 13)]) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x01;
      writeFileSync(f, copy);
      await expect(verifyBundle(f)).rejects.toMatchObject({ code: expect.stringMatching(/^BUNDLE_/) });
    }
  });

  it("the seal's base64 respelled ('+' as base64url's '-', a stray character): the same signature bytes, still refused", async () => {
    const bytes = readFileSync(a1);
    const text = bytes.toString('latin1');
    const seal = text.lastIndexOf('LENTERA-SEAL/1:');
    const plus = text.indexOf('+', seal);
    const slash = text.indexOf('/', seal + 'LENTERA-SEAL/1:'.length);
    expect(plus > seal || slash > seal).toBe(true);
    const f = tmp();
    // Found by the property above: Node's decoder reads '-' as '+' and '_' as '/', so the signature did not change.
    const respelled = Buffer.from(bytes);
    if (plus > seal) respelled[plus] = '-'.charCodeAt(0);
    else respelled[slash] = '_'.charCodeAt(0);
    writeFileSync(f, respelled);
    await expectRefused(f, 'BUNDLE_SEAL_INVALID');
    // A character the decoder skips, in place of the padding's '=': the same bytes once decoded.
    const padded = text.endsWith('=') ? Buffer.from(bytes) : null;
    if (padded) {
      padded[padded.length - 1] = '*'.charCodeAt(0);
      writeFileSync(f, padded);
      await expectRefused(f, 'BUNDLE_SEAL_INVALID');
    }
  });

  it('a file changed and the manifest relisted but not signed again', async () => {
    const f = await repack(a1, { edit: (files) => files.set('results/results.json', Buffer.from('[]\n')), signer: null });
    await expectRefused(f, 'BUNDLE_SIGNATURE_INVALID');
  });

  it('a file changed but not relisted: the seal catches it, and sealed again, the manifest does', async () => {
    const f = await repack(a1, { edit: (files) => files.set('results/results.json', Buffer.from('[]\n')), relist: false, signer: null });
    await expectRefused(f, 'BUNDLE_SEAL_INVALID');
    const resealed = await repack(a1, { edit: (files) => files.set('results/results.json', Buffer.from('[]\n')), relist: false, signer: A.id });
    await expectRefused(resealed, 'BUNDLE_SIZE_MISMATCH');
  });

  it('a bundle signed by an unregistered key, when the place checks registration', async () => {
    const f = await repack(a1, { edit: (files) => files.set('results/results.json', Buffer.from('[]\n')), signer: B.id });
    await expect(verifyBundle(f)).resolves.toBeDefined();
    await expectRefused(f, 'BUNDLE_SIGNER_UNKNOWN', { trusted: (fp: string) => (fp === A.id.fingerprint ? { exam: null } : undefined) });
  });

  it('a signer registered for another exam', async () => {
    await expectRefused(a1, 'BUNDLE_WRONG_EXAM', { trusted: () => ({ exam: 'CPNS-LAIN-2026' }) });
  });

  it('`lentera bundle verify` prints its checks and exits 0, or 1 with the first failure', async () => {
    let out = '';
    let err = '';
    const io = { out: (t: string) => void (out += `${t}\n`), err: (t: string) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' };
    expect(await run(['bundle', 'verify', a1], io)).toBe(0);
    expect(out).toMatch(/ok {2}signature: RSA-SHA256/);
    expect(out).toMatch(/ok {2}seal/);
    expect(out).toMatch(/ok {2}chain: bundle 1 is the first/);
    const bad = tmp();
    const bytes = readFileSync(a1);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x20;
    writeFileSync(bad, bytes);
    out = '';
    expect(await run(['bundle', 'verify', bad], io)).toBe(1);
    expect(err).toMatch(/^FAILED {2}/m);
    expect(out).not.toMatch(/verified/);
  });

  it('truncated', async () => {
    const f = tmp();
    writeFileSync(f, readFileSync(a1).subarray(0, Math.floor(readFileSync(a1).length / 2)));
    await expectRefused(f, 'BUNDLE_NOT_ZIP');
  });

  it('names with "..", absolute names, duplicates, symlinks, extra and missing entries', async () => {
    // yazl refuses such names itself: write a same-length placeholder, then patch the bytes in both headers.
    const patch = async (from: string, to: string) => {
      const f = await repack(a1, { extra: [[from, Buffer.from('x')]], signer: A.id, relist: false });
      const bytes = readFileSync(f);
      let at = bytes.indexOf(from);
      while (at >= 0) {
        bytes.write(to, at, 'latin1');
        at = bytes.indexOf(from, at + 1);
      }
      writeFileSync(f, bytes);
      return f;
    };
    await expectRefused(await patch('aa/evil.txt', '../evil.txt'), 'BUNDLE_PATH_TRAVERSAL');
    await expectRefused(await patch('aetc/passwd', '/etc/passwd'), 'BUNDLE_PATH_ABSOLUTE');
    await expectRefused(await repack(a1, { extra: [['results/results.json', Buffer.from('[]')]], signer: A.id, relist: false }), 'BUNDLE_DUPLICATE_ENTRY');
    await expectRefused(await repack(a1, { extra: [['pdf/link.pdf', Buffer.from('/etc/passwd'), { mode: 0o120777 }]], signer: A.id, relist: false }), 'BUNDLE_SYMLINK');
    await expectRefused(await repack(a1, { extra: [['notes.txt', Buffer.from('hello')]], signer: A.id, relist: false }), 'BUNDLE_EXTRA_ENTRY');
    await expectRefused(await repack(a1, { edit: (_f, m) => (m.files as unknown[]).push({ path: 'pdf/ghost.pdf', size: 3, sha256: 'a'.repeat(64) }), relist: false, signer: A.id }), 'BUNDLE_MISSING_ENTRY');
  });

  it('a compression bomb, and an unknown format version', async () => {
    const zeros = Buffer.alloc(300 * 1024 * 1024);
    const bomb = await repack(a1, { edit: (files) => files.set('data/zeros.json', zeros), signer: A.id });
    await expectRefused(bomb, 'BUNDLE_BOMB');
    const v2 = await repack(a1, { edit: (_f, m) => (m.format = 'lentera.bundle/2'), signer: A.id });
    await expectRefused(v2, 'BUNDLE_FORMAT_UNKNOWN');
  }, 60_000);
});

let b1: string;

describe('coordinator merge', () => {
  beforeAll(async () => {
    b1 = (await exportBundle(B)).file;
    await call(hubWs.app, 'bundle.trust', { certificate: { pem: A.pem } });
  });

  const counts = () => hubWs.app.workstation!.db.prepare('SELECT (SELECT COUNT(*) FROM merged_bundles) || \'/\' || (SELECT COUNT(*) FROM merged_items)').pluck().get();

  it('refuses an unregistered signer, a gap, a fork and another exam, changing nothing', async () => {
    const before = counts();
    expect((await refusal(hubWs.app, 'bundle.import', { file: { path: b1 } })).code).toBe('BUNDLE_SIGNER_UNKNOWN');
    const gap = await refusal(hubWs.app, 'bundle.import', { file: { path: a2 } });
    expect(gap.code).toBe('BUNDLE_GAP');
    expect(gap.message).toMatch(/bundle 1 is missing/);
    const other = await repack(a1, { edit: (_f, m) => ((m.exam as { code: string }).code = 'CPNS-LAIN-2026'), signer: A.id });
    expect((await refusal(hubWs.app, 'bundle.import', { file: { path: other } })).code).toBe('BUNDLE_WRONG_EXAM');
    expect(counts()).toBe(before);
    const refusedEvents = hubWs.app.workstation!.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'bundle.import' AND outcome = 'refused'").pluck().get();
    expect(refusedEvents).toBe(3);
  });

  it('merges in order; the same bundle twice changes nothing; a fork of a merged sequence is refused', async () => {
    const r1 = await call<{ unchanged: boolean; records: number }>(hubWs.app, 'bundle.import', { file: { path: a1 } });
    expect(r1.unchanged).toBe(false);
    const after1 = counts();
    const again = await call<{ unchanged: boolean }>(hubWs.app, 'bundle.import', { file: { path: a1 } });
    expect(again.unchanged).toBe(true);
    expect(counts()).toBe(after1);
    await call(hubWs.app, 'bundle.import', { file: { path: a2 } });
    const fork = await repack(a2, { edit: (files) => files.set('data/amendments.json', Buffer.from('[]\n')), signer: A.id });
    expect((await refusal(hubWs.app, 'bundle.import', { file: { path: fork } })).code).toBe('BUNDLE_REPLAYED');
    // The merged ranking is the workstation's own, digest for digest.
    const view = mergedView(hubWs.app.workstation!.db, A.exam);
    const own = new Map((JSON.parse(new Map(await readZip(a1)).get('results/results.json')!.toString()) as { digest: string; result: { nomor_peserta: string } }[]).map((r) => [r.result.nomor_peserta, r.digest]));
    for (const [nomor, digest] of own) expect(view.digests.get(nomor)).toBe(digest);
  });

  it('shows a candidate finalized differently on two workstations, and ranks neither value', async () => {
    await call(hubWs.app, 'bundle.trust', { certificate: { pem: B.pem } });
    const final = JSON.parse(new Map(await readZip(b1)).get('data/finalizations.json')!.toString()) as { nomor_peserta: string; result: Record<string, unknown> }[];
    const victim = final[0]!.nomor_peserta;
    let baseVictim = '';
    const changed = await repack(b1, {
      edit: (files) => {
        const f = JSON.parse(files.get('data/finalizations.json')!.toString()) as { nomor_peserta: string; result: Record<string, unknown> }[];
        f[0]!.result = { ...f[0]!.result, tampered: true };
        files.set('data/finalizations.json', Buffer.from(JSON.stringify(f)));
        const facts = JSON.parse(files.get('data/facts.json')!.toString()) as { nomorPeserta: string; ipk: number | null; stages?: Record<string, string>; skb?: Record<string, string> }[];
        const mine = facts.find((x) => x.nomorPeserta === victim)!;
        const target = (mine.skb ?? mine.stages)!;
        target['SKB-WWC'] = '1/2';
        // Another candidate's own data (the IPK that breaks ties) told differently by B.
        const other = facts.find((x) => x.nomorPeserta !== victim)!;
        other.ipk = (other.ipk ?? 300) + 1;
        baseVictim = other.nomorPeserta;
        files.set('data/facts.json', Buffer.from(JSON.stringify(facts)));
      },
      signer: B.id,
    });
    const out = await call<{ conflicts: { nomor: string; field: string; values: { workstation: string }[] }[] }>(hubWs.app, 'bundle.import', { file: { path: changed } });
    const mineConflicts = out.conflicts.filter((c) => c.nomor === victim);
    expect(mineConflicts.map((c) => c.field).sort()).toEqual(expect.arrayContaining(['SKB-WWC']));
    expect(mineConflicts.some((c) => c.field.startsWith('finalisasi'))).toBe(true);
    expect(new Set(mineConflicts[0]!.values.map((v) => v.workstation))).toEqual(new Set([A.app.workstation!.id, B.app.workstation!.id]));
    const r = mergedView(hubWs.app.workstation!.db, A.exam).results.find((x) => x.nomor_peserta === victim)!;
    expect(r.status).toBe('BL');
    expect(r.reason).toMatch(/bertentangan/);
    const base = out.conflicts.filter((c) => c.nomor === baseVictim);
    expect(base.map((c) => c.field)).toEqual(['data peserta']);
    expect(base[0]!.values.map((v) => v.workstation).sort()).toEqual([A.app.workstation!.id, B.app.workstation!.id].sort());
    expect(mergedView(hubWs.app.workstation!.db, A.exam).results.find((x) => x.nomor_peserta === baseVictim)!.reason).toMatch(/bertentangan antar-workstation \(data peserta\)/);
  });
});

describe('merge properties', () => {
  it('is idempotent and independent of the order bundles arrive in (per workstation in sequence)', async () => {
    // Bundles of three workstations (two each for A): interleavings that keep each workstation's order.
    const [c1] = [(await exportBundle(await workstation('c', 30))).file];
    const streams = [[a1, a2], [c1]];
    const trustAll = async (w: Ws) => {
      for (const file of [a1, c1]) {
        const m = JSON.parse(new Map(await readZip(file)).get('manifest.json')!.toString());
        await call(w.app, 'bundle.trust', { certificate: { pem: `-----BEGIN CERTIFICATE-----\n${m.signer.certificate}\n-----END CERTIFICATE-----\n` } });
      }
    };
    let reference: string | undefined;
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 6, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), async (picks, dup) => {
        const w = await workstation(`p${k++}`, 30);
        await trustAll(w);
        const pos = [0, 0];
        const order: string[] = [];
        for (const p of picks) {
          const s = pos[p]! < streams[p]!.length ? p : 1 - p;
          if (pos[s]! >= streams[s]!.length) continue;
          order.push(streams[s]![pos[s]!++]!);
          if (dup[order.length % 4]) order.push(order[order.length - 1]!);
        }
        for (const s of [0, 1]) while (pos[s]! < streams[s]!.length) order.push(streams[s]![pos[s]!++]!);
        for (const f of order) await call(w.app, 'bundle.import', { file: { path: f } });
        const digest = mergedStateDigest(w.app.workstation!.db, A.exam);
        w.app.close();
        reference ??= digest;
        return digest === reference;
      }),
      { numRuns: 6 },
    );
  }, 180_000);
});


/** A hub of its own in `root`, with workstations A and B registered. */
const at = () => new Date().toISOString();
const hubAt = (name: string) => {
  const hub = Publisher.open(join(root, name));
  for (const w of [A, B]) addTrustedSigner(hub.db, w.id.certDer, { at: at(), by: 'test' });
  return hub;
};
const commit = (hub: Publisher, plan: ImportPlan) => hub.db.transaction(() => commitImport(hub.db, hub.dir, plan, at()))();
/** merged bundles / merged items */
const state = (hub: Publisher) => hub.db.prepare("SELECT (SELECT COUNT(*) FROM merged_bundles) || '/' || (SELECT COUNT(*) FROM merged_items)").pluck().get();

describe("a bundle's records read and merged while it is verified (bundles/ahead.ts)", () => {

  it('ranks the view while verifying, and it is the view of the items as stored: first bundle, another workstation, a later bundle', async () => {
    const hub = hubAt('ahead-1');
    for (const file of [a1, b1, a2]) {
      const plan = await prepareImportAhead(hub.db, file, { trusted: trustLookup(hub.db) });
      expect(plan.speculated).toBeDefined();
      const out = commit(hub, plan);
      expect(out.view).toBeDefined();
      expect(out.view).toEqual(mergedView(hub.db, A.exam));
    }
    hub.close();
  });

  it('does not use a view ranked before another bundle was merged: the hub ranks again', async () => {
    const hub = hubAt('ahead-2');
    commit(hub, await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db) }));
    const fromB = await prepareImportAhead(hub.db, b1, { trusted: trustLookup(hub.db) });
    const fromA = await prepareImportAhead(hub.db, a2, { trusted: trustLookup(hub.db) });
    expect(commit(hub, fromB).view).toEqual(mergedView(hub.db, A.exam));
    // Ranked while only a1 was merged: b1 is missing from it.
    expect(commit(hub, fromA).view).toBeUndefined();
    // Two ingests at once at the hub: whichever commits second ranks again, and the hub's view is the stored one.
    const other = hubAt('ahead-3');
    await other.ingest(a1, at(), 'test');
    await Promise.all([other.ingest(b1, at(), 'test'), other.ingest(a2, at(), 'test')]);
    expect(other.view(A.exam)).toEqual(mergedView(other.db, A.exam));
    expect(other.view(A.exam).workstations.map((w) => w.bundles).sort()).toEqual([1, 2]);
    hub.close();
    other.close();
  });

  it("ranks nothing ahead for a bundle that does not take the next place in its workstation's chain: sent again (\"unchanged\"), out of order or linked to another bundle (refused)", async () => {
    const hub = hubAt('ahead-next');
    const manifestOf = async (file: string) => JSON.parse(new Map(await readZip(file)).get('manifest.json')!.toString('utf8')) as Manifest;
    // Out of order: a2 before a1.
    expect(await speculate(hub.db, a2, await manifestOf(a2), { cancelled: false })).toBeNull();
    expect((await speculate(hub.db, a1, await manifestOf(a1), { cancelled: false }))?.view).toBeTruthy();
    commit(hub, await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db) }));
    // Sent again: its import says "unchanged", and nothing of it was ranked.
    expect(await speculate(hub.db, a1, await manifestOf(a1), { cancelled: false })).toBeNull();
    const again = await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db) });
    expect(again.unchanged).toBe(true);
    expect(again.speculated).toBeUndefined();
    // Linked to a bundle that is not the last merged: refused, and nothing ranked.
    const m2 = await manifestOf(a2);
    const unlinked = { ...m2, previous: 'f'.repeat(64) };
    expect(() => checkChain(hub.db, unlinked, 'e'.repeat(64))).toThrow(expect.objectContaining({ code: 'BUNDLE_CHAIN_BROKEN' }));
    expect(await speculate(hub.db, a2, unlinked, { cancelled: false })).toBeNull();
    // The next one is ranked ahead.
    expect(checkChain(hub.db, m2, 'e'.repeat(64))).toEqual({ unchanged: false });
    expect((await speculate(hub.db, a2, m2, { cancelled: false }))?.view).toBeTruthy();
    hub.close();
  });

  it('does not use what was read ahead when the file changed before it was verified (swapped in between)', async () => {
    const hub = hubAt('ahead-4');
    const file = tmp();
    // Read ahead: a bundle whose facts say something else (it would never verify).
    writeFileSync(file, readFileSync(await repack(a1, { edit: (files) => files.set('data/facts.json', Buffer.from(files.get('data/facts.json')!.toString().replace(/"ipk":\d+/, '"ipk":399'))) })));
    const manifest = JSON.parse(new Map(await readZip(file)).get('manifest.json')!.toString('utf8')) as Manifest;
    const ahead = speculate(hub.db, file, manifest, { cancelled: false });
    expect((await ahead)?.view).toBeTruthy();
    // Then the genuine bundle in its place, verified.
    writeFileSync(file, readFileSync(a1));
    const plan = await prepareImport(hub.db, file, { trusted: trustLookup(hub.db), ahead: () => ahead });
    expect(plan.speculated).toBeUndefined();
    const plain = await prepareImport(hub.db, a1, { trusted: trustLookup(hub.db) });
    expect(plan.items).toEqual(plain.items);
    expect(commit(hub, plan).view).toBeUndefined();
    hub.close();
  });

  it('keeps no second copy of the records while they are read ahead: what was read ahead not being the verified bytes, the verified file is read again, and refused if it changed since', async () => {
    const hub = hubAt('ahead-5');
    const file = tmp();
    writeFileSync(file, readFileSync(a1));
    const other = await repack(a1, { edit: (files) => files.set('data/facts.json', Buffer.from(files.get('data/facts.json')!.toString().replace(/"ipk":\d+/, '"ipk":399'))) });
    const otherManifest = JSON.parse(new Map(await readZip(other)).get('manifest.json')!.toString('utf8')) as Manifest;
    const wrong = await speculate(hub.db, other, otherManifest, { cancelled: false });
    expect(wrong?.view).toBeTruthy();
    // Awaited only once the verification is done: the file is then changed, before the import reads it again.
    const after = (change: () => void) => () => ({ then: (done: (s: typeof wrong) => void) => (change(), done(wrong)) }) as unknown as Promise<typeof wrong>;
    const refused = await prepareImport(hub.db, file, { trusted: trustLookup(hub.db), ahead: after(() => writeFileSync(file, readFileSync(other))) }).then(
      () => 'accepted',
      (e: { code?: string }) => e.code,
    );
    expect(refused).toBe('BUNDLE_DAMAGED');
    // Unchanged after it, the verified file's own records are used, as without any read-ahead.
    writeFileSync(file, readFileSync(a1));
    const plan = await prepareImport(hub.db, file, { trusted: trustLookup(hub.db), ahead: after(() => {}) });
    expect(plan.speculated).toBeUndefined();
    expect(plan.items).toEqual((await prepareImport(hub.db, a1, { trusted: trustLookup(hub.db) })).items);
    expect(state(hub)).toBe('0/0');
    hub.close();
  });

  it("reads nothing ahead that the verification's limits would refuse: a data file that inflates 200 times and more", async () => {
    const hub = hubAt('ahead-7');
    const file = await repack(a1, { edit: (files) => files.set('data/facts.json', Buffer.alloc(4 << 20, 0x20)), signer: A.id });
    const manifest = JSON.parse(new Map(await readZip(file)).get('manifest.json')!.toString('utf8')) as Manifest;
    expect(await speculate(hub.db, file, manifest, { cancelled: false })).toBeNull();
    // The genuine bundle is read ahead.
    const genuine = JSON.parse(new Map(await readZip(a1)).get('manifest.json')!.toString('utf8')) as Manifest;
    expect(await speculate(hub.db, a1, genuine, { cancelled: false })).not.toBeNull();
    hub.close();
  });

  it('reads nothing ahead for a signer not registered here, or a manifest whose signature does not verify', async () => {
    const hub = Publisher.open(join(root, 'ahead-6'));
    addTrustedSigner(hub.db, A.id.certDer, { at: at(), by: 'test' });
    const asked: string[] = [];
    const ahead = async (f: string) => {
      asked.push(f);
      return null;
    };
    const codeOf = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string }) => e.code ?? String(e));
    // B is not registered at this hub; the second is A's bundle with its manifest changed after signing.
    const forged = await repack(a1, { edit: (_f, m) => ((m.exam as { name: string }).name = 'Ujian lain') });
    expect(await codeOf(prepareImport(hub.db, b1, { trusted: trustLookup(hub.db), ahead }))).toBe('BUNDLE_SIGNER_UNKNOWN');
    expect(await codeOf(prepareImport(hub.db, forged, { trusted: trustLookup(hub.db), ahead }))).toBe('BUNDLE_SIGNATURE_INVALID');
    expect(asked).toEqual([]);
    // A's own bundle is read ahead, once.
    expect(await codeOf(prepareImport(hub.db, a1, { trusted: trustLookup(hub.db), ahead }))).toBe('accepted');
    expect(asked).toEqual([a1]);
    hub.close();
  });

  it('refuses a bad bundle for the same reason with or without the read-ahead, and changes nothing', async () => {
    const hub = hubAt('ahead-5');
    const bad = [
      // Data changed, the bundle left as sealed: the seal refuses it, although the data is not JSON either.
      await repack(a1, { edit: (files) => files.set('data/facts.json', Buffer.from('[\nnot json\n]\n')), relist: false }),
      // Signed by its own workstation's key over data that is not JSON: refused for the data, after verification.
      await repack(a1, { edit: (files) => files.set('data/facts.json', Buffer.from('[\nnot json\n]\n')), signer: A.id }),
      // A record with no key.
      await repack(a1, { edit: (files) => files.set('data/candidates.json', Buffer.from('[\n{"nama":"x"}\n]\n')), signer: A.id }),
      // Not a zip at all, and a zip cut short.
      await (async () => {
        const f = tmp();
        writeFileSync(f, 'bukan zip');
        return f;
      })(),
      await (async () => {
        const f = tmp();
        const bytes = readFileSync(a1);
        writeFileSync(f, bytes.subarray(0, bytes.length >> 1));
        return f;
      })(),
    ];
    const before = state(hub);
    const codes: string[][] = [];
    for (const file of bad) {
      const codeOf = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string }) => e.code ?? String(e));
      codes.push([await codeOf(prepareImportAhead(hub.db, file, { trusted: trustLookup(hub.db) })), await codeOf(prepareImport(hub.db, file, { trusted: trustLookup(hub.db) }))]);
    }
    expect(codes.map(([a, b]) => a === b)).toEqual(bad.map(() => true));
    expect(codes.slice(0, 3)).toEqual([
      ['BUNDLE_SEAL_INVALID', 'BUNDLE_SEAL_INVALID'],
      ['BUNDLE_DATA_INVALID', 'BUNDLE_DATA_INVALID'],
      ['BUNDLE_DATA_INVALID', 'BUNDLE_DATA_INVALID'],
    ]);
    expect(state(hub)).toBe(before);
    hub.close();
  });
});

describe("a bundle's records no merged view reads, stored from the verified bundle at the commit (merge.ts DeferredRecords)", () => {
  const recordCopies = (hub: Publisher) => readdirSync(join(hub.dir, 'bundles', 'merged')).filter((f) => f.endsWith('.records'));
  const rows = (hub: Publisher) => hub.db.prepare('SELECT kind, key, digest, body FROM merged_items ORDER BY kind, key').all();

  it('holds only the kinds a view reads until the commit, and stores every record as holding them all did', async () => {
    const hub = hubAt('deferred-1');
    // Read without a view ranked ahead: the kinds a view reads are held, the others deferred.
    const held = await prepareImport(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir });
    expect(new Set(held.items.map((i) => i.kind))).toEqual(new Set(['formation', 'candidate', 'session', 'facts', 'finalization']));
    expect(new Set(held.deferred.map((d) => d.kind))).toEqual(new Set(['score_entry', 'attendance', 'result', 'amendment', 'panel_submission']));
    discardImport(held);
    // Read ahead of a bundle not staged in the hub's folder: nowhere to keep them, so the view's kinds are held.
    const unstaged = await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db) });
    expect(unstaged.speculated?.view).toBeDefined();
    expect(new Set(unstaged.items.map((i) => i.kind))).toEqual(new Set(['formation', 'candidate', 'session', 'facts', 'finalization']));
    expect(unstaged.deferred.every((d) => d.scratch === undefined && d.held !== null)).toBe(true);
    discardImport(unstaged);
    // Read ahead, the view ranked: those too are then kept in key order beside the staged copy, and let go.
    const plan = await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir });
    expect(plan.speculated?.view).toBeDefined();
    expect(plan.items).toEqual([]);
    const deferred = new Map(plan.deferred.map((d) => [d.kind, d.count]));
    expect(deferred.get('score_entry')).toBeGreaterThan(0);
    expect(deferred.get('result')).toBe(30);
    expect(deferred.get('candidate')).toBe(held.items.filter((i) => i.kind === 'candidate').length);
    expect(deferred.get('facts')).toBe(held.items.filter((i) => i.kind === 'facts').length);
    // Each kept in key order beside the staged copy while the bundle was verified: the commit reads those.
    expect(plan.deferred.every((d) => d.scratch !== undefined && existsSync(d.scratch.file) && d.scratch.file.startsWith(`${plan.staged!}.`))).toBe(true);
    // and their keys and digests are let go until then: the copy carries them.
    expect(plan.deferred.map((d) => d.held)).toEqual(plan.deferred.map(() => null));
    const out = commit(hub, plan);
    expect(recordCopies(hub)).toEqual([]);
    // Every record, as one list of them all stores them: per kind and key the later record.
    const all = itemsOf(new Map(await readZip(a1)), { defer: false });
    expect(all.deferred).toEqual([]);
    const expected = new Map(all.items.map((i) => [`${i.kind}\u0000${i.key}`, { kind: i.kind, key: i.key, digest: i.digest, body: i.body }]));
    expect(out.records).toBe(all.items.length);
    expect(rows(hub)).toEqual([...expected.values()].sort((x, y) => (x.kind === y.kind ? (x.key < y.key ? -1 : 1) : x.kind < y.kind ? -1 : 1)));
    hub.close();
  });

  it('reads ahead the files only the commit reads a piece at a time, never whole, into the copies the whole files make', async () => {
    // Issue 18: the score entries inflated whole (120 MB at 100,000 candidates) were the hub's peak while it ingested.
    const hub = hubAt('deferred-pieces');
    // Staged as the hub stages an upload: its copies are kept beside it.
    const staged = join(hub.dir, 'bundles', 'incoming', `.incoming-${randomUUID()}.part`);
    mkdirSync(dirname(staged), { recursive: true });
    copyFileSync(a1, staged);
    const manifest = (await verifyBundle(a1)).manifest;
    const records: Records = { items: [], deferred: [] };
    const whole: string[] = [];
    const readWhole = (fd: Source, e: EntryLayout, limit: number) => {
      whole.push(e.name);
      return readEntryAt(fd, e, limit);
    };
    const sha256 = await readAhead(staged, manifest, records, { cancelled: false }, () => {}, readWhole);
    // Only the view's kinds and the ruleset were read whole: every file's hash is the manifest's all the same.
    expect(whole.sort()).toEqual(['data/candidates.json', 'data/facts.json', 'data/finalizations.json', 'data/formations.json', 'data/sessions.json', manifest.ruleset.path].sort());
    expect(listedAs(sha256!, manifest)).toBe(true);
    expect(records.deferred.map((d) => d.kind).sort()).toEqual(['amendment', 'attendance', 'panel_submission', 'result', 'score_entry']);
    // Each copy is, byte for byte, the one made from the whole file (keepInKeyOrder).
    const files = new Map(await readZip(a1));
    for (const d of records.deferred) {
      const into: Records = { items: [], deferred: [] };
      const data = files.get(d.path)!;
      const spans = readRecords(d.path, data, {}, into)!;
      const reference = `${d.scratch!.file}.reference`;
      keepInKeyOrder(data, into.deferred[0]!, spans, reference);
      expect([d.path, d.count, readFileSync(d.scratch!.file).equals(readFileSync(reference))]).toEqual([d.path, into.deferred[0]!.count, true]);
      rmSync(reference);
    }
    dropScratch(records.deferred);
    // Cancelled while a file is read a piece at a time (the attendance, after the sessions read whole): nothing, and
    // no copy left behind.
    let afterSessions = false;
    let asked = 0;
    const cancel = {
      get cancelled() {
        // asked once before the attendance is read, then as its first piece is taken, then once it stopped
        return afterSessions && ++asked > 1;
      },
    };
    const cancelled = await readAhead(staged, manifest, { items: [], deferred: [] }, cancel, () => {}, (fd, e, limit) => {
      if (e.name === 'data/sessions.json') afterSessions = true;
      return readEntryAt(fd, e, limit);
    });
    expect(asked).toBe(3);
    expect(cancelled).toBeNull();
    expect(readdirSync(dirname(staged)).filter((f) => f !== basename(staged))).toEqual([]);
    hub.close();
  });

  it("refuses the commit, storing nothing, when a copy kept in key order is not as written; the bundle then merges whole", async () => {
    const hub = hubAt('deferred-3');
    // A deferred file's copy, or that of a kind the view read (the candidates): cut short, or longer, or a record's
    // digest and key spoiled in as many bytes.
    for (const [kind, cut] of [['score_entry', 'short'], ['score_entry', 'longer'], ['candidate', 'short'], ['candidate', 'head']] as const) {
      const plan = await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir });
      const kept = plan.deferred.find((d) => d.kind === kind)!;
      const text = readFileSync(kept.scratch!.file, 'utf8');
      writeFileSync(kept.scratch!.file, cut === 'short' ? text.slice(0, -10) : cut === 'longer' ? `${text}{}\n` : text.replace(/^[0-9a-f]{64}"/, (h) => `${h.slice(0, 63)}x"`));
      let error: { code?: string; message?: string } = {};
      try {
        commit(hub, plan);
      } catch (e) {
        error = e as typeof error;
      }
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toMatch(new RegExp(`${kind === 'candidate' ? 'candidates' : 'score-entries'}\\.json kept while the bundle was verified is not as written: nothing was merged`));
      expect(state(hub)).toBe('0/0');
      discardImport(plan);
      expect(recordCopies(hub)).toEqual([]);
    }
    commit(hub, await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir }));
    expect(state(hub)).not.toBe('0/0');
    expect(recordCopies(hub)).toEqual([]);
    hub.close();
  });

  it('leaves no copy in key order behind when the bundle is refused or was merged before', async () => {
    const hub = hubAt('deferred-4');
    commit(hub, await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir }));
    const again = await prepareImportAhead(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir });
    expect(again.unchanged).toBe(true);
    // Already merged: what was read ahead of it is gone by the time the answer comes.
    expect(recordCopies(hub)).toEqual([]);
    discardImport(again);
    // A bundle signed and sealed by its workstation whose score entries are not those its manifest lists: its records
    // are read ahead (its signer is registered), then it is refused.
    const bad = await repack(a1, { edit: (files) => files.set('data/score-entries.json', Buffer.from(files.get('data/score-entries.json')!.toString().replace(/"units":(\d)/, (_, d: string) => `"units":${(Number(d) + 1) % 10}`))), relist: false, signer: A.id });
    await expect(prepareImportAhead(hub.db, bad, { trusted: trustLookup(hub.db), stageIn: hub.dir })).rejects.toThrow(/does not match its sha256/);
    // What was read ahead is removed before the refusal is answered, not some time after.
    expect(recordCopies(hub)).toEqual([]);
    // However slow the read-ahead: it is told to stop, and waited for, before the refusal is answered.
    let settled = false;
    let stopped = false;
    const slow = prepareImport(hub.db, bad, {
      trusted: trustLookup(hub.db),
      stageIn: hub.dir,
      ahead: async (f, m) => {
        await new Promise((r) => setTimeout(r, 300));
        const made = await speculate(hub.db, f, m, { cancelled: false });
        settled = true;
        return made;
      },
      stopAhead: () => void (stopped = true),
    });
    await expect(slow).rejects.toThrow(/does not match its sha256/);
    expect([settled, stopped, recordCopies(hub)]).toEqual([true, true, []]);
    hub.close();
  });

  it('refuses the commit, storing nothing, when a deferred file is no longer the verified bytes', async () => {
    const hub = hubAt('deferred-2');
    const plan = await prepareImport(hub.db, a1, { trusted: trustLookup(hub.db), stageIn: hub.dir });
    expect(plan.deferred.length).toBeGreaterThan(0);
    // The kept copy changed between its verification and the commit: one score entry says something else, in as
    // many bytes (sizes agree; only the hash tells).
    const changed = await repack(a1, { edit: (files) => files.set('data/score-entries.json', Buffer.from(files.get('data/score-entries.json')!.toString().replace(/"units":(\d)/, (_, d: string) => `"units":${(Number(d) + 1) % 10}`))) });
    writeFileSync(plan.staged!, readFileSync(changed));
    let code: string | undefined;
    try {
      commit(hub, plan);
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).toBe('BUNDLE_DAMAGED');
    expect(state(hub)).toBe('0/0');
    expect(readdirSync(join(hub.dir, 'bundles', 'merged')).filter((f) => f.endsWith('.lentera'))).toEqual([]);
    hub.close();
  });
});
