/**
 * Attacks on the transparency log as the public sees it (issue 12, items 7 and 11).
 *
 * - A stranger's receipt: a log anyone can start (their own Ed25519 key) records the very same results and hands
 *   out receipts that are internally consistent. Nothing may call such a receipt verified: not `lentera receipt
 *   verify` (JSON or a result sheet PDF), not the site's verification page. Only the key a verifier pinned counts,
 *   never the key a receipt carries.
 * - The log rebuilt from the site: after several bundles and an amendment (a changed result is a new leaf and the
 *   old leaf stays in the log), the site's files alone must give every leaf, so that the root of every published
 *   checkpoint can be recomputed, here with an independent RFC 6962 over node:crypto (not the library's code),
 *   and every checkpoint signature checked with node:crypto against the key the site publishes.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { checkpointBytes, type SignedCheckpoint } from '../../src-main/core/ledger/checkpoint';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { receiptToQr, verifyReceipt, type Receipt } from '../../src-main/core/ledger/receipt';
import { Publisher, type SignedAck } from '../../src-main/core/publish/publisher';
import { receiptPageOf, recordReceipts } from '../../src-main/core/bundles/outbox';
import { checkJsonText, checkBytes } from '../../src-main/core/publish/verify-page';

const PASS = 'rahasia-koordinator';
const root = mkdtempSync(join(tmpdir(), 'lentera-log-attacks-'));
const site = join(root, 'situs');
let ws: LenteraApp;
let exam: string;
let hub: Publisher;
let stranger: TransparencyLog;
let strangerDb: Db;
/** the hub's receipts as the first bundle's acknowledgement gave them, before the amendment */
let firstReceipts: Receipt[];
/** the candidate whose result the amendment changed */
let amended: string;
/** the acknowledgements of the first bundle and of the amendment's */
let ack1: SignedAck;
let ack2: SignedAck;

async function call<T>(name: string, input: unknown, who = 't'): Promise<T> {
  const r = await ws.invokeAsync(name, input, { local: who });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
  return { code, out, err };
}

const exportBundle = async () => (await call<{ file: string }>('bundle.export', { exam, passphrase: PASS, account: 'koordinator' })).file;

let clock = Date.parse('2026-12-01T01:00:00.000Z');
const tick = () => new Date((clock += 60_000)).toISOString();

function file(name: string, value: unknown): string {
  const f = join(root, name);
  writeFileSync(f, typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value, null, 2));
  return f;
}

/**
 * A minimal PDF whose Info dictionary carries a result sheet's payload, as the hub-aware sheets write it: a whole
 * file (catalog, pages, cross-reference), since the payload is read through the file's structure.
 */
function sheetPdf(name: string, r: Receipt): string {
  const payload = { v: 1, e: r.exam, n: r.nomor, d: r.digest, p: receiptToQr(r) };
  const objects = [
    `<< /Producer (Lentera) /LenteraResult (${JSON.stringify(payload)}) >>`,
    '<< /Type /Catalog /Pages 3 0 R >>',
    '<< /Type /Pages /Kids [] /Count 0 >>',
  ];
  let text = '%PDF-1.7\n';
  const offsets = objects.map((o, i) => {
    const at = Buffer.byteLength(text);
    text += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = Buffer.byteLength(text);
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 2 0 R /Info 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return file(name, text);
}

beforeAll(async () => {
  ws = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = await ws.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = ws.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, ws.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const pem = (await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;

  hub = Publisher.open(join(root, 'hub'));
  addTrustedSigner(hub.db, readCertificate(Buffer.from(pem)), { exam, at: tick(), by: 'test' });

  // Bundle 1: every settled result is logged; the site is written.
  ack1 = await hub.ingest(await exportBundle(), tick(), 'test');
  firstReceipts = hub.receiptsOfBundle(ack1.bundle);
  expect(firstReceipts).toHaveLength(ack1.leaves);
  expect(firstReceipts.length).toBeGreaterThan(3);
  await hub.writeSite(site, tick());

  // Bundle 2: an approved amendment changes one logged candidate's TWK score, so their result gets a new leaf.
  const logged = new Set(firstReceipts.map((r) => r.nomor));
  const cat = (db.prepare("SELECT nomor_peserta, units FROM score_entries WHERE source = 'cat' AND item = 'twk' ORDER BY nomor_peserta").all() as { nomor_peserta: string; units: number }[]).find((c) => logged.has(c.nomor_peserta))!;
  amended = cat.nomor_peserta;
  const req = await call<{ requestId: string }>('amendments.request', { exam, stage: 'SKD', nomorPeserta: amended, item: 'twk', value: cat.units * 5 === 0 ? 5 : (cat.units - 1) * 5, reason: 'Salah ketik saat impor' });
  await call('amendments.decide', { requestId: req.requestId, approve: true }, 'u');
  ack2 = await hub.ingest(await exportBundle(), tick(), 'test');
  expect(hub.receiptsOfBundle(ack2.bundle).map((r) => r.nomor)).toContain(amended);
  await hub.writeSite(site, tick());

  // Bundle 3: a second correction of the same candidate; the site is written again (an incremental update).
  const req2 = await call<{ requestId: string }>('amendments.request', { exam, stage: 'SKD', nomorPeserta: amended, item: 'twk', value: cat.units * 5, reason: 'Kembali ke nilai semula setelah diperiksa' });
  await call('amendments.decide', { requestId: req2.requestId, approve: true }, 'u');
  await hub.ingest(await exportBundle(), tick(), 'test');
  await hub.writeSite(site, tick());

  // A stranger's log: its own key, the very same results, internally consistent receipts.
  mkdirSync(join(root, 'lain'));
  strangerDb = openDatabase(join(root, 'lain', 'hub.sqlite'), { create: true });
  stranger = new TransparencyLog(strangerDb, join(root, 'lain'));
  const entries = (hub.db.prepare('SELECT exam_code AS exam, nomor_peserta AS nomor, digest FROM ledger_leaves ORDER BY idx').all() as { exam: string; nomor: string; digest: string }[]);
  strangerDb.transaction(() => stranger.append(entries, tick()))();
  stranger.checkpoint(tick());
}, 180_000);

afterAll(() => {
  ws?.close();
  hub?.close();
  strangerDb?.close();
  rmSync(root, { recursive: true, force: true });
});

const someone = () => firstReceipts.find((r) => r.nomor !== amended)!.nomor;
const genuine = (nomor = someone()) => hub.log.receipt(exam, nomor)!;
const strangers = (nomor = someone()) => stranger.receipt(exam, nomor)!;

describe('receipts a workstation fetches from the hub (bundles/outbox.ts recordReceipts)', () => {
  const workstation = () => openDatabase(join(mkdtempSync(join(root, 'ws-')), 'lentera.sqlite'), { create: true });
  const due = (ack: SignedAck) => ({ bundle: ack.bundle, exam, next: 0, ack, token: '' });
  const kept = (db: Db, nomor: string) => JSON.parse(db.prepare('SELECT receipt FROM receipts WHERE nomor_peserta = ?').pluck().get(nomor) as string) as Receipt;

  it("keeps the newer receipt when an older bundle's page arrives late", () => {
    const db = workstation();
    const older = hub.receiptsOfBundle(ack1.bundle);
    const newer = hub.receiptsOfBundle(ack2.bundle);
    expect(recordReceipts(db, due(ack2), { receipts: newer, next: null }, tick())).toEqual({ kept: newer.length, refused: 0 });
    expect(recordReceipts(db, due(ack1), { receipts: older, next: null }, tick())).toEqual({ kept: older.length, refused: 0 });
    expect(kept(db, amended)).toEqual(newer.find((r) => r.nomor === amended));
    expect(kept(db, someone())).toEqual(older.find((r) => r.nomor === someone()));
    db.close();
  });

  it("refuses a hub's page that is another bundle's, not a page, or does not move on (a hub repeating a page would keep the workstation fetching forever)", () => {
    const d = { ...due(ack1), next: 40 };
    const page = { ok: true, bundle: ack1.bundle, receipts: [] };
    expect(receiptPageOf({ ...page, next: 41 }, d)).toEqual({ receipts: [], next: 41 });
    expect(receiptPageOf({ ...page, next: null }, d)).toEqual({ receipts: [], next: null });
    for (const bad of [{ ...page, next: 40 }, { ...page, next: 39 }, { ...page, next: '41' }, { ...page, next: 41.5 }, { ...page, bundle: ack2.bundle, next: null }, { ...page, ok: false, next: null }, { ...page, receipts: {}, next: null }, null]) {
      expect(() => receiptPageOf(bad, d)).toThrow(/not one of this bundle's|does not move on/);
    }
  });

  it("keeps none of a page's forged, foreign or other exam's receipts", () => {
    const db = workstation();
    const r = hub.receiptsOfBundle(ack1.bundle).find((x) => x.nomor === someone())!;
    const forged = { ...r, digest: r.digest.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    const otherExam = { ...r, exam: 'LAIN-2026' };
    expect(recordReceipts(db, due(ack1), { receipts: [forged, strangers(), otherExam, null, 'x'], next: null }, tick())).toEqual({ kept: 0, refused: 5 });
    expect(db.prepare('SELECT COUNT(*) FROM receipts').pluck().get()).toBe(0);
    db.close();
  });
});

describe("a stranger's receipt is never verified (item 7)", () => {
  it('is internally consistent: checked against the key it carries, it would pass', () => {
    const r = strangers();
    expect(r.logKey).not.toBe(hub.log.publicKey());
    // The trap: a verifier that takes the receipt's own key has nothing to refuse.
    expect(verifyReceipt(r, { trustedLogKey: r.logKey }).ok).toBe(true);
  });

  it('verifyReceipt without a pinned key verifies nothing, whoever signed', () => {
    for (const r of [strangers(), genuine()]) {
      const v = verifyReceipt(r, {} as never);
      expect(v.ok).toBe(false);
      expect(v.failure).toMatch(/kunci log/i);
    }
  });

  it('verifyReceipt against the pinned key says "signed by another log", also when the receipt claims the pinned key', () => {
    const key = hub.log.publicKey();
    const r = strangers();
    for (const forged of [r, { ...r, logKey: key }, { ...r, logKey: undefined }]) {
      const v = verifyReceipt(forged, { trustedLogKey: key });
      expect(v.ok).toBe(false);
      expect(v.failure).toMatch(/ditandatangani log lain/);
    }
    // Claiming the pinned log's id too: the signature is then checked with the pinned key, and fails.
    const claimed = { ...r, logKey: key, checkpoint: { ...r.checkpoint, log: hub.log.logId() } };
    const v = verifyReceipt(claimed, { trustedLogKey: key });
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => !c.ok)!.name).toBe('checkpoint signature');
    expect(verifyReceipt(genuine(), { trustedLogKey: key }).ok).toBe(true);
  });

  it('`lentera receipt verify` without a pinned key fails (exit 1), naming the key to pin and where it is published', async () => {
    for (const r of [strangers(), genuine()]) {
      const out = await cli(['receipt', 'verify', file('tanda-terima.json', r)]);
      expect(out.code).toBe(1);
      expect(out.out).not.toMatch(/receipt verified/);
      expect(out.err).toMatch(/--log-key/);
      expect(out.err).toMatch(/--log-key-file/);
      expect(out.err).toMatch(/log\/kunci-log\.txt/);
      // It says which log the receipt claims, so a reader can compare with the published id.
      expect(out.err).toContain(r.checkpoint.log);
    }
  });

  it('`lentera receipt verify --log-key` refuses a stranger\'s receipt as signed by another log, and takes a genuine one', async () => {
    const key = hub.log.publicKey();
    const r = strangers();
    for (const forged of [r, { ...r, logKey: key }]) {
      const out = await cli(['receipt', 'verify', file('asing.json', forged), '--log-key', key]);
      expect(out.code).toBe(1);
      expect(out.err).toMatch(/signed by another log/);
      expect(out.out).not.toMatch(/receipt verified/);
    }
    const ok = await cli(['receipt', 'verify', file('asli.json', genuine()), '--log-key', key]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/receipt verified/);
    expect(ok.out).toContain(hub.log.logId());
  });

  it('`--log-key-file` pins the key the site publishes (log/kunci-log.txt, or the site\'s log/log.json)', async () => {
    const keyFile = join(site, 'log', 'kunci-log.txt');
    expect(readFileSync(keyFile, 'utf8')).toBe(`${hub.log.publicKey()}\n`);
    for (const pinned of [keyFile, join(site, 'log', 'log.json')]) {
      expect((await cli(['receipt', 'verify', file('asli.json', genuine()), '--log-key-file', pinned])).code).toBe(0);
      const bad = await cli(['receipt', 'verify', file('asing.json', strangers()), '--log-key-file', pinned]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/signed by another log/);
    }
    // Two different keys pinned at once is a usage error; a file that holds no key is refused, nothing verified.
    expect((await cli(['receipt', 'verify', file('asli.json', genuine()), '--log-key-file', keyFile, '--log-key', stranger.publicKey()])).code).toBe(2);
    const empty = await cli(['receipt', 'verify', file('asli.json', genuine()), '--log-key-file', file('kosong.txt', 'bukan kunci\n')]);
    expect(empty.code).toBe(2);
    expect(empty.out).not.toMatch(/receipt verified/);
  });

  it('a result sheet (PDF) carrying a stranger\'s proof: exit 1 without a key, and exit 1 against the pinned key', async () => {
    const pdf = sheetPdf('lembar-asing.pdf', strangers());
    const none = await cli(['receipt', 'verify', pdf]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/--log-key/);
    expect(none.err).toMatch(/log\/kunci-log\.txt/);
    const pinned = await cli(['receipt', 'verify', pdf, '--log-key', hub.log.publicKey()]);
    expect(pinned.code).toBe(1);
    expect(pinned.out).not.toMatch(/receipt verified/);
    // A sheet carries no key at all: the genuine one verifies against the site's key file, and not without a key.
    const ok = await cli(['receipt', 'verify', sheetPdf('lembar-asli.pdf', genuine()), '--log-key-file', join(site, 'log', 'kunci-log.txt')]);
    expect(ok.code).toBe(0);
    expect((await cli(['receipt', 'verify', sheetPdf('lembar-asli2.pdf', genuine())])).code).toBe(1);
  });

  it("the site's verification page uses the key the site publishes, never the receipt's: \"not verified: signed by another log\"", () => {
    // The page's data, read from the site as the browser reads it.
    const g = globalThis as Record<string, unknown>;
    const load = (rel: string, name: string) => {
      const text = readFileSync(join(site, rel), 'utf8');
      g[name] = JSON.parse(text.slice(text.indexOf('=') + 1).trim().replace(/;$/, ''));
    };
    load('assets/log-data.js', 'LENTERA_LOG');
    // Each exam's digests, as the page's own scripts set them.
    const scripts = [...readFileSync(join(site, 'verifikasi.html'), 'utf8').matchAll(/<script src="([^"]+\/digests\.js)"><\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const m of scripts) new Function('window', readFileSync(join(site, m[1]!), 'utf8'))(g);
    try {
      const key = hub.log.publicKey();
      const r = strangers();
      for (const forged of [r, { ...r, logKey: key }, { ...r, logKey: key, checkpoint: { ...r.checkpoint, log: hub.log.logId() } }]) {
        const o = checkJsonText(JSON.stringify(forged));
        expect(o.kind).toBe('bad');
        expect(o.verdict).toMatch(/^Tanda terima TIDAK terverifikasi: /);
      }
      expect(checkJsonText(JSON.stringify(r)).verdict).toBe('Tanda terima TIDAK terverifikasi: ditandatangani log lain, bukan log situs ini');
      expect(checkJsonText(JSON.stringify({ ...r, logKey: key })).verdict).toBe('Tanda terima TIDAK terverifikasi: ditandatangani log lain, bukan log situs ini');
      const pdf = readFileSync(sheetPdf('lembar-asing-situs.pdf', r));
      expect(checkBytes('lembar.pdf', new Uint8Array(pdf)).verdict).toMatch(/^Tanda terima TIDAK terverifikasi: /);
      expect(checkJsonText(JSON.stringify(genuine())).verdict).toBe('Tanda terima sah');
    } finally {
      delete g.LENTERA_LOG;
      delete g.LENTERA_DIGESTS;
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// An independent RFC 6962 §2.1 over node:crypto, from the RFC's recursion (not the library's tree).
const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Uint8Array.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** Reads a JSON file of the site; the test may read nothing else. */
const siteJson = (rel: string) => JSON.parse(readFileSync(join(site, rel), 'utf8'));

/** Every leaf, in order, from the site's leaf files alone: each line of each file is one leaf's bytes. */
function siteLeaves(): Uint8Array[] {
  const index = siteJson('log/log.json') as { format: string; size: number; perFile: number; files: string[] };
  expect(index.format).toBe('lentera.log/1');
  const leaves: Uint8Array[] = [];
  for (const [i, name] of index.files.entries()) {
    const bytes = readFileSync(join(site, 'log', name));
    expect(bytes.at(-1), name).toBe(0x0a);
    const lines = bytes.subarray(0, bytes.length - 1).toString('latin1').split('\n').map((l) => new Uint8Array(Buffer.from(l, 'latin1')));
    expect(lines.length, name).toBe(i < index.files.length - 1 ? index.perFile : index.size - i * index.perFile);
    leaves.push(...lines);
  }
  expect(leaves.length).toBe(index.size);
  return leaves;
}

describe('the log can be rebuilt from the site alone (item 11)', () => {
  it('gives every leaf, so the root of every published checkpoint recomputes, and every signature verifies with the published key', () => {
    const key = readFileSync(join(site, 'log', 'kunci-log.txt'), 'utf8').trim();
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key }, format: 'jwk' });
    const logId = createHash('sha256').update(Buffer.from(key, 'base64url')).digest('hex');
    const checkpoints = siteJson('log/checkpoint.json') as SignedCheckpoint[];
    const leaves = siteLeaves();
    // Three bundles: three checkpoints, each amendment adding at least the changed result's leaf.
    expect(checkpoints.length).toBe(3);
    expect(checkpoints[0]!.size).toBe(firstReceipts.length);
    expect(checkpoints[1]!.size).toBeGreaterThan(checkpoints[0]!.size);
    expect(checkpoints[2]!.size).toBeGreaterThan(checkpoints[1]!.size);
    expect(leaves.length).toBe(checkpoints.at(-1)!.size);
    for (const cp of checkpoints) {
      expect(cp.log).toBe(logId);
      expect(Buffer.from(mth(leaves.slice(0, cp.size))).toString('hex'), `root of size ${cp.size}`).toBe(cp.root);
      expect(nodeVerify(null, checkpointBytes(cp), pub, Buffer.from(cp.sig, 'base64url')), `signature of size ${cp.size}`).toBe(true);
    }
    // The same checkpoints the verification page and checkpoint.html show.
    const logData = readFileSync(join(site, 'assets', 'log-data.js'), 'utf8');
    for (const cp of checkpoints) expect(logData).toContain(cp.sig);
  });

  it('keeps the superseded leaves: every result the amended candidate ever had is a published line, and old receipts still hold', () => {
    const leaves = siteLeaves();
    const old = firstReceipts.find((r) => r.nomor === amended)!;
    // What the hub knows (the site does not say whose leaves these are): the amended candidate's three leaves,
    // the first result, the corrected one, and the first again after the second correction.
    const mine = hub.db.prepare('SELECT idx, digest FROM ledger_leaves WHERE exam_code = ? AND nomor_peserta = ? ORDER BY idx').all(exam, amended) as { idx: number; digest: string }[];
    expect(mine).toHaveLength(3);
    expect(mine[0]!.idx).toBe(old.index);
    expect(mine[1]!.digest).not.toBe(mine[0]!.digest);
    expect(mine[2]!.digest).toBe(mine[0]!.digest);
    // Each leaf, recomputed from the candidate's salt (on their receipt) and that result's digest, is the line at its index.
    const salt = Buffer.from(old.salt, 'base64url');
    for (const { idx, digest } of mine) {
      const c = createHash('sha256').update(salt).update(`{"d":"${digest}","e":"${exam}","n":"${amended}"}`).digest('hex');
      expect(new TextDecoder().decode(leaves[idx]), `leaf ${idx}`).toBe(`{"c":"${c}","e":"${exam}","v":1}`);
    }
    // The receipt given with the first bundle still verifies, against the first checkpoint the site lists.
    expect(verifyReceipt(old, { trustedLogKey: hub.log.publicKey() }).ok).toBe(true);
    expect(old.checkpoint).toEqual(siteJson('log/checkpoint.json')[0]);
  });

  it('names no candidate and no result: every leaf is a salted commitment', () => {
    const rows = hub.db.prepare('SELECT nomor_peserta AS nomor, digest FROM ledger_leaves').all() as { nomor: string; digest: string }[];
    const names = ws.workstation!.db.prepare('SELECT nama FROM candidates').pluck().all() as string[];
    const text = readdirSync(join(site, 'log'), { recursive: true })
      .map(String)
      // Every file, the tiles and entry bundles of log/tile/ included.
      .filter((f) => statSync(join(site, 'log', f)).isFile())
      .map((f) => readFileSync(join(site, 'log', f), 'utf8'))
      .join('\n');
    for (const r of rows) {
      expect(text).not.toContain(r.nomor);
      expect(text).not.toContain(r.digest);
    }
    for (const n of names) expect(text).not.toContain(n);
    for (const leaf of siteLeaves()) expect(new TextDecoder().decode(leaf)).toMatch(/^\{"c":"[0-9a-f]{64}","e":"[^"]+","v":1\}$/);
  });

  it('the recipe in docs/bundles.md (Python standard library and openssl) recomputes the same roots and checks the signatures', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'bundles.md'), 'utf8');
    const script = /```python\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(script, 'docs/bundles.md has a python recipe').toBeTruthy();
    let python = true;
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      python = false;
    }
    if (!python) return; // the Node recomputation above holds the same claim
    const out = execFileSync('python3', ['-c', script!, site], { encoding: 'utf8' });
    const checkpoints = siteJson('log/checkpoint.json') as SignedCheckpoint[];
    for (const cp of checkpoints) {
      expect(out).toContain(`size ${cp.size}: signature ok`);
      expect(out).toContain(`size ${cp.size}: root ${cp.root} ok`);
    }
    expect(out).not.toMatch(/MISMATCH|BAD/);
    // And it notices a changed leaf: one byte of one line, and the roots from there on no longer match.
    const copy = join(root, 'situs-diubah');
    execFileSync('cp', ['-r', site, copy]);
    const first = join(copy, 'log', 'entri', '000000.jsonl');
    const text = readFileSync(first, 'utf8');
    writeFileSync(first, text.replace(/"c":"(.)/, (_, ch: string) => `"c":"${ch === '0' ? '1' : '0'}`));
    const bad = execFileSync('python3', ['-c', script!, copy], { encoding: 'utf8' });
    for (const cp of checkpoints) expect(bad).toContain(`size ${cp.size}: root`);
    expect(bad.match(/MISMATCH/g)).toHaveLength(checkpoints.length);
  });
});
