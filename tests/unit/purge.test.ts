import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { verifyChain } from '../../src-main/core/audit/chain';
import { prepareExport } from '../../src-main/core/bundles/export';
import { recordAck, recordReceipts } from '../../src-main/core/bundles/outbox';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { planPackageImport } from '../../src-main/core/exams/exams';
import { examPackageSchema } from '../../src-main/core/exams/package-schema';
import { compactDatabase, orderKeepingDates, PURGED_NAME } from '../../src-main/core/exams/purge';
import { generateIdentity, unlockIdentity, type UnlockedIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { verifyReceipt } from '../../src-main/core/ledger/receipt';
import { Publisher } from '../../src-main/core/publish/publisher';
import { finalizeCandidate, loadPanel, recordNote } from '../../src-main/core/scoring/panel';
import { generateSheets } from '../../src-main/core/sheets/batch';
import { initWorkstation, openWorkstation } from '../../src-main/core/workstation/workstation';
import { seedDemo } from '../../src-main/core/demo/seed';
import { unlockCustody } from '../../src-main/core/custody/custody';
import { systemClock } from '../../src-main/core/util/clock';
import { addUser, filesUnder, ManualClock, tempDir } from './helpers';
import { readZip } from './zip';

/**
 * Retention and purge (issue 17 point 4): a demo venue taken to signed PDFs, an exported and signed bundle, a hub
 * that logged it and receipts back, and the exam's announcement with its objection period; then purged.
 */

const PASS = 'rahasia-koordinator';
const DAY = 86_400_000;
const local = { local: 'test' };
const root = mkdtempSync(join(tmpdir(), 'lentera-purge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Person {
  nomor_peserta: string;
  nik: string;
  nama: string;
  tanggal_lahir: string;
}

let app: LenteraApp;
let hub: Publisher;
let clock: ManualClock;
let exam: string;
let examId: string;
let dataDir: string;
let usbCopy: string;
let people: Person[];
let originalPackage: string;
let objectionUntil: string;
let signer: UnlockedIdentity;
let rankingBefore: unknown;

const wibDay = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);

async function call<T>(name: string, input: unknown, auth: Parameters<LenteraApp['invokeAsync']>[2] = local): Promise<T> {
  const r = await app.invokeAsync(name, input, auth);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}


/** Every row of every table but the audit log, as one digest: "nothing changed" is this digest unchanged. */
function rowsDigest(): string {
  const db = app.workstation!.db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_events' ORDER BY name").pluck().all() as string[];
  const h = createHash('sha256');
  for (const t of tables) {
    const rows = (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    h.update(`${t}\n${rows.join('\n')}\n`);
  }
  return h.digest('hex');
}

/** The exam's files (PDFs, bundles) by path and size: the database's own files aside. */
const examFiles = () => filesUnder(dataDir).filter((f) => !relative(dataDir, f).startsWith('lentera.db')).map((f) => `${relative(dataDir, f)}:${statSync(f).size}`).sort();

const auditCount = () => app.workstation!.db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;
const lastEvent = () => app.workstation!.db.prepare('SELECT command, outcome, payload FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { command: string; outcome: string; payload: string };

/** The ranking without the candidates' names (the one thing a purge changes in it). */
async function ranking(): Promise<unknown> {
  const out = await call<Record<string, unknown>>('ranking.compute', { exam });
  return JSON.parse(JSON.stringify(out, (k, v: unknown) => (k === 'nama' ? undefined : v)));
}

beforeAll(async () => {
  clock = new ManualClock(new Date());
  dataDir = join(root, 'ws');
  // A plain (unencrypted) database, so that grepping its bytes below finds what is there.
  const made = initWorkstation(dataDir, { adminName: 'koordinator', adminDisplayName: 'Sri Wahyuni', pin: '482913', actor: 'test' }, { clock });
  seedDemo(made, clock.now().toISOString(), 'test', '482913', 30);
  made.close();
  app = new LenteraApp({ dataDir, clock });
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, dataDir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, clock.now().toISOString());
  signer = await unlockIdentity(db, dataDir, coord, PASS, clock.now());
  ({ code: exam, id: examId } = db.prepare('SELECT code, id FROM exams').get() as { code: string; id: string });

  // The venue's day ends: the interview the demo left waiting is finalized, every session closed.
  const waiting = db
    .prepare('SELECT DISTINCT s.code, p.nomor_peserta FROM panel_submissions p JOIN sessions s ON s.id = p.session_id WHERE NOT EXISTS (SELECT 1 FROM finalizations f WHERE f.session_id = p.session_id AND f.nomor_peserta = p.nomor_peserta)')
    .all() as { code: string; nomor_peserta: string }[];
  const at = clock.now().toISOString();
  writeTransaction(db, () => {
    for (const w of waiting) {
      const panel = loadPanel(db, examId, w.code);
      const chair = panel.members.find((m) => m.role === 'chair')!.accountId!;
      recordNote(db, panel, w.nomor_peserta, chair, undefined, 'Nilai panel dibahas dan disepakati.', at);
      finalizeCandidate(db, panel, w.nomor_peserta, chair, at, app.workstation!.id);
    }
  });
  for (const s of db.prepare('SELECT code FROM sessions WHERE closed_at IS NULL').pluck().all() as string[]) await call('sessions.close', { exam, session: s });

  // Signed result sheets in DATA/sheets/EXAM, a bundle (with them) copied to a USB stick, the hub's receipts back.
  await generateSheets(db, { examId, outDir: join(dataDir, 'sheets', exam), signer });
  mkdirSync(join(root, 'usb'));
  const exported = await call<{ file: string; sha256: string }>('bundle.export', { exam, passphrase: PASS, account: 'koordinator', out: join(root, 'usb', 'bundle.lentera') });
  usbCopy = join(root, 'usb', 'bundle.lentera');
  hub = Publisher.open(join(root, 'hub'));
  const pem = await call<{ pem: string }>('keys.certificate', { account: 'koordinator' });
  addTrustedSigner(hub.db, readCertificate(Buffer.from(pem.pem)), { exam, at, by: 'test' });
  const ack = await hub.ingest(usbCopy, at, 'test');
  expect(ack.bundle).toBe(exported.sha256);
  writeTransaction(db, () => {
    recordAck(db, ack, at);
    recordReceipts(db, { bundle: ack.bundle, exam, next: 0, ack, token: '' }, { receipts: hub.receiptsOfBundle(ack.bundle), next: null }, at);
  });

  // The announcement, with its objection period from today for a week (WIB).
  const published = await call<{ objectionUntil: string }>('announcement.publish', { exam, objectionFrom: wibDay(Date.now()), objectionUntil: wibDay(Date.now() + 7 * DAY), passphrase: PASS, account: 'koordinator' });
  objectionUntil = published.objectionUntil;

  people = db.prepare('SELECT nomor_peserta, nik, nama, tanggal_lahir FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta').all(examId) as Person[];
  originalPackage = db.prepare('SELECT package_json FROM exam_packages').pluck().get() as string;
  rankingBefore = await ranking();
  expect(people).toHaveLength(30);
  // The control: before the purge the file holds them in the clear.
  db.pragma('wal_checkpoint(TRUNCATE)');
  const file = readFileSync(join(dataDir, 'lentera.db')).toString('latin1');
  expect(file.startsWith('SQLite format 3\0')).toBe(true);
  expect(people.every((p) => file.includes(p.nik) && file.includes(p.nama) && file.includes(p.tanggal_lahir))).toBe(true);
  expect(filesUnder(join(dataDir, 'sheets', exam)).length).toBeGreaterThan(10);
}, 180_000);

afterAll(() => {
  hub?.close();
  app?.close();
});

describe('purge refusals: nothing changes, the refusal is audited', () => {
  it('refuses while the objection period is open (no flag overrides it), then while the retention period runs', async () => {
    const rows = rowsDigest();
    const files = examFiles();
    const events = auditCount();
    const open = await app.invokeAsync('exams.purge', { exam }, local);
    expect(open).toMatchObject({ ok: false, error: { code: 'PURGE_OBJECTION_OPEN' } });
    expect(!open.ok && open.error.message).toMatch(/objection period \(masa sanggah\) of CPNS-SMG-2026 is not over: it ends \d{4}-\d{2}-\d{2} 23:59 WIB/);
    // No flag is a way round it: the command has none (an unknown field is dropped) and the rule no switch.
    expect(await app.invokeAsync('exams.purge', { exam, force: true }, local)).toMatchObject({ ok: false });
    expect(rowsDigest()).toBe(rows);
    expect(examFiles()).toEqual(files);
    expect(auditCount()).toBe(events + 2);
    expect(lastEvent()).toMatchObject({ command: 'exams.purge', outcome: 'refused' });

    // The period is over; the retention period (730 days by default) is not.
    clock.advance(Date.parse(objectionUntil) - clock.now().getTime() + DAY);
    const early = await app.invokeAsync('exams.purge', { exam }, local);
    expect(early).toMatchObject({ ok: false, error: { code: 'PURGE_RETENTION', details: { retentionDays: 730 } } });
    expect(!early.ok && early.error.message).toMatch(/may be removed from \d{4}-\d{2}-\d{2}/);
    // The setting sets it, within its bounds (a retention shorter than the 90 days of a PTUN suit is refused).
    await call('settings.set', { key: 'retention.days', value: '30' });
    expect(await app.invokeAsync('exams.purge', { exam }, local)).toMatchObject({ ok: false, error: { code: 'RETENTION_SETTING_INVALID' } });
    await call('settings.set', { key: 'retention.days', value: '400' });
    clock.advance(200 * DAY);
    expect(await app.invokeAsync('exams.purge', { exam }, local)).toMatchObject({ ok: false, error: { code: 'PURGE_RETENTION', details: { retentionDays: 400 } } });
    expect(examFiles()).toEqual(files);
    expect(app.workstation!.db.prepare('SELECT COUNT(*) FROM candidates WHERE nama = ?').pluck().get(PURGED_NAME)).toBe(0);
  });

  it('only a coordinator may purge (FORBIDDEN for every other role); an unknown exam is named', async () => {
    const rows = rowsDigest();
    for (const [name, role] of [['ketua9', 'chair'], ['penguji9', 'examiner'], ['petugas9', 'clerk'], ['pengawas9', 'observer']] as const) {
      addUser(app, name, role);
      const token = (await call<{ token: string }>('accounts.login', { name, pin: '739104' }, {})).token;
      const before = rowsDigest();
      expect(await app.invokeAsync('exams.purge', { exam }, { token, client: 't' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(rowsDigest()).toBe(before);
      expect(lastEvent()).toMatchObject({ command: 'exams.purge', outcome: 'refused' });
    }
    expect(rows).not.toBe(rowsDigest()); // (the accounts and their logins are rows too)
    const unknown = await app.invokeAsync('exams.purge', { exam: 'CPNS-TIDAK-ADA' }, local);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(!unknown.ok && unknown.error.message).toMatch(/No exam with code "CPNS-TIDAK-ADA"/);
    const cli = await lentera(['purge', '--data', dataDir, '--exam', 'CPNS-TIDAK-ADA']);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/nothing to purge/);
  });
});

describe('purge after the retention period', () => {
  let answer: { status: string; counts: Record<string, number>; cleanup: { committed: boolean; filesRemoved: number; vacuumed: boolean; walTruncated: boolean } };

  beforeAll(async () => {
    // 401 days after the objection period, with the retention period set to 400 days (as the refusals above left it).
    await call('settings.set', { key: 'retention.days', value: '400' });
    clock.advance(Date.parse(objectionUntil) + 401 * DAY - clock.now().getTime());
    answer = await call('exams.purge', { exam });
  }, 120_000);

  it('removes NIK, names, birth dates and the signed PDFs, audits counts only, and leaves the ranking as it was', async () => {
    expect(answer).toMatchObject({ status: 'purged', counts: { candidates: 30, packageRoster: 30 }, cleanup: { committed: true, vacuumed: true, walTruncated: true } });
    expect(answer.counts.files).toBeGreaterThan(10);
    expect(answer.cleanup.filesRemoved).toBe(answer.counts.files);
    expect(existsSync(join(dataDir, 'sheets', exam))).toBe(false);
    expect(readdirSync(join(dataDir, 'sheets'))).toEqual([]);
    const db = app.workstation!.db;
    const after = db.prepare('SELECT nomor_peserta, nik, nama, tanggal_lahir FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta').all(examId) as Person[];
    after.forEach((c, i) => {
      const was = people[i]!;
      expect(c.nik).toBe(`${was.nik.slice(0, 6)}********${was.nik.slice(14)}`);
      expect(c.nama).toBe(PURGED_NAME);
      expect(c.tanggal_lahir.slice(0, 4)).toBe(was.tanggal_lahir.slice(0, 4));
    });
    // The birth dates keep their order (ties included): the tie-break "the older" decides the same way.
    for (const [i, a] of people.entries()) for (const [j, b] of people.entries()) expect(Math.sign(after[i]!.tanggal_lahir.localeCompare(after[j]!.tanggal_lahir))).toBe(Math.sign(a.tanggal_lahir.localeCompare(b.tanggal_lahir)));
    expect(await ranking()).toEqual(rankingBefore);
    const event = lastEvent();
    expect(event).toMatchObject({ command: 'exams.purge', outcome: 'ok' });
    expect(JSON.parse(event.payload)).toMatchObject({ exam, status: 'purged', counts: { candidates: 30 }, retentionDays: 400 });
    for (const p of people) for (const v of [p.nik, p.nama, p.tanggal_lahir]) expect(event.payload).not.toContain(v);
  });

  it('leaves the audit chain, the exported bundle and every receipt verifiable', async () => {
    const db = app.workstation!.db;
    expect(verifyChain(db)).toMatchObject({ ok: true });
    // The copy that went to the hub on a USB stick, and the workstation's own: signature and every hash hold.
    const report = await verifyBundle(usbCopy);
    expect(report.sha256).toBe(db.prepare('SELECT sha256 FROM bundle_exports WHERE exam_id = ?').pluck().get(examId));
    const kept = db.prepare('SELECT file FROM bundle_exports WHERE exam_id = ?').pluck().get(examId) as string;
    expect((await verifyBundle(kept)).sha256).toBe(report.sha256);
    // A candidate's receipt against the hub's log key: the leaf, its salt and its inclusion proof.
    const receipts = db.prepare('SELECT nomor_peserta, receipt FROM receipts WHERE exam_code = ?').all(exam) as { nomor_peserta: string; receipt: string }[];
    expect(receipts.length).toBeGreaterThan(10);
    for (const r of receipts) expect(verifyReceipt(JSON.parse(r.receipt), { trustedLogKey: hub.log.publicKey() })).toMatchObject({ ok: true });
  });

  it('no full NIK, name or birth date of the exam is left in any byte of any file under the data directory', async () => {
    const db = app.workstation!.db;
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('lentera.db-wal'))).toBe(true);
    expect(statSync(join(dataDir, 'lentera.db-wal')).size).toBe(0); // the checkpoint emptied it
    // A purged birth date may by chance be another candidate's real one (the first distinct date of a year is often
    // 1 January): those few cannot be told apart by grep and are left out; a name that is also a staff member's too.
    const kept = new Set(db.prepare('SELECT tanggal_lahir FROM candidates').pluck().all() as string[]);
    const staff = new Set([...(db.prepare('SELECT display_name FROM accounts').pluck().all() as string[]), ...(db.prepare('SELECT name FROM session_panel').pluck().all() as string[])]);
    const dates = people.map((p) => p.tanggal_lahir).filter((d) => !kept.has(d));
    const names = people.map((p) => p.nama).filter((n) => !staff.has(n));
    expect(dates.length).toBeGreaterThan(20);
    expect(names.length).toBeGreaterThan(25);
    const isBundle = (f: string) => relative(dataDir, f).split(sep)[0] === 'bundles';
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      const where = relative(dataDir, f);
      for (const p of people) expect(bytes.includes(p.nik), `${where} holds a NIK`).toBe(false);
      for (const d of dates) expect(bytes.includes(d), `${where} holds a birth date`).toBe(false);
      // The signed bundle is the published record, kept as it was signed: see the next test for what it holds.
      if (!isBundle(f)) for (const n of names) expect(bytes.includes(n), `${where} holds a name`).toBe(false);
    }
  });

  it("the roster's search index holds no trigram of a purged name (it is what a rebuild from the purged rows gives), and still finds by number", async () => {
    const db = app.workstation!.db;
    db.prepare("INSERT INTO candidates_search (candidates_search, rank) VALUES ('integrity-check', 1)").run();
    // Without the purge's rebuild the old names' trigrams would still sit in the index's pages (FTS5 only marks them
    // deleted). The index is exactly the one a rebuild from the purged rows makes in a database of their own.
    const blocks = (d: Database.Database) => d.prepare('SELECT id, hex(block) FROM candidates_search_data ORDER BY id').raw().all();
    const own = new Database(':memory:');
    try {
      own.exec('CREATE TABLE candidates (id INTEGER PRIMARY KEY, nomor_peserta TEXT NOT NULL, nama TEXT NOT NULL)');
      const insert = own.prepare('INSERT INTO candidates (id, nomor_peserta, nama) VALUES (?, ?, ?)');
      for (const r of db.prepare('SELECT rowid, nomor_peserta, nama FROM candidates').raw().all() as [number, string, string][]) insert.run(...r);
      for (const ddl of db.prepare("SELECT sql FROM sqlite_master WHERE name IN ('candidates_search_text', 'candidates_search') ORDER BY type = 'table'").pluck().all() as string[]) own.exec(ddl);
      own.prepare("INSERT INTO candidates_search (candidates_search) VALUES ('rebuild')").run();
      expect(blocks(db)).toEqual(blocks(own));
    } finally {
      own.close();
    }
    db.exec("CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, candidates_search, 'row')");
    try {
      const terms = db.prepare('SELECT term FROM temp.search_terms').pluck().all() as string[];
      const allowed = new Set<string>();
      for (const text of db.prepare('SELECT nomor_peserta FROM candidates UNION ALL SELECT nama FROM candidates').pluck().all() as string[]) {
        const chars = [...text.replace(/[A-Z]/g, (c) => c.toLowerCase())];
        for (let i = 0; i + 3 <= chars.length; i++) allowed.add(chars.slice(i, i + 3).join(''));
      }
      expect(terms.filter((t) => !allowed.has(t))).toEqual([]);
    } finally {
      db.exec('DROP TABLE temp.search_terms');
    }
    const list = async (search: string) => call<{ total: number; rows: { nomorPeserta: string }[] }>('roster.list', { exam, search });
    expect((await list(people[3]!.nomor_peserta)).rows.map((r) => r.nomorPeserta)).toEqual([people[3]!.nomor_peserta]);
    expect((await list(people[3]!.nama)).total).toBe(0);
    expect((await list('dihapus')).total).toBe(people.length);
  });

  it('the bundle kept here holds what the hub publishes: names, but no full NIK and only the birth year', async () => {
    const kept = app.workstation!.db.prepare('SELECT file FROM bundle_exports WHERE exam_id = ?').pluck().get(examId) as string;
    const entries = await readZip(kept);
    const text = entries.map(([, b]) => b.toString('latin1')).join('\n');
    for (const p of people) {
      expect(text.includes(p.nik)).toBe(false);
      expect(text).toContain(`${p.nik.slice(0, 6)}********${p.nik.slice(14)}`);
    }
    const candidates = entries.find(([name]) => name.startsWith('data/candidate'))![1].toString('utf8');
    for (const p of people) expect(candidates).toContain(JSON.stringify(p.nama));
    expect(candidates).toContain('"tahun_lahir"');
    expect(candidates).not.toContain('"tanggal_lahir"');
  });

  it('nothing brings the data back: the package again, a new bundle and new sheets are refused', async () => {
    const db = app.workstation!.db;
    const plan = planPackageImport(db, examPackageSchema.parse(JSON.parse(originalPackage)));
    expect(plan.problems.map((p) => p.message).join('\n')).toMatch(/was purged on .*cannot be imported again/);
    const exportAttempt = prepareExport(db, { examCode: exam, dataDir, signer, workstationId: app.workstation!.id, workstationName: 'x', at: clock.now().toISOString() });
    await expect(exportAttempt).rejects.toMatchObject({ code: 'EXAM_PURGED' });
    await expect(generateSheets(db, { examId, outDir: join(root, 'elsewhere'), signer })).rejects.toMatchObject({ code: 'EXAM_PURGED' });
  });

  it('a second purge changes nothing and says so (the command line too)', async () => {
    const rows = rowsDigest();
    const again = await call<{ status: string; counts: Record<string, number> }>('exams.purge', { exam });
    expect(again).toMatchObject({ status: 'already-purged', counts: { candidates: 0, files: 0 } });
    expect(rowsDigest()).toBe(rows);
    expect(JSON.parse(lastEvent().payload)).toMatchObject({ status: 'already-purged' });
    const cli = await lentera(['purge', '--data', dataDir, '--exam', exam]);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toMatch(/Nothing to purge: the personal data of CPNS-SMG-2026 was removed on /);
    expect(rowsDigest()).toBe(rows);
    expect(verifyChain(app.workstation!.db)).toMatchObject({ ok: true });
  });
});

describe('purge: the other refusals', () => {
  it('refuses an exam whose announcement is not kept here, and one whose results are not final', async () => {
    const other = new LenteraApp({ dataDir: join(tempDir(), 'ws'), allowInit: true });
    try {
      const demo = await other.invokeAsync('workstation.demo', { candidates: 12 }, local);
      if (!demo.ok) throw new Error(demo.error.message);
      const code = other.workstation!.db.prepare('SELECT code FROM exams').pluck().get() as string;
      expect(await other.invokeAsync('exams.purge', { exam: code }, local)).toMatchObject({ ok: false, error: { code: 'PURGE_OBJECTION_UNKNOWN' } });
      // An announcement whose objection period ended long ago: still the demo's sessions are open.
      other.workstation!.db
        .prepare("INSERT INTO announcements (exam_code, seq, document, sha256, signer, signature, certificate, objection_from, objection_until, at) VALUES (?, 1, '{}', ?, 'x', 'x', 'x', '2020-01-01T00:00:00.000Z', '2020-01-07T16:59:59.999Z', '2020-01-01T00:00:00.000Z')")
        .run(code, '0'.repeat(64));
      const r = await other.invokeAsync('exams.purge', { exam: code }, local);
      expect(r).toMatchObject({ ok: false, error: { code: 'PURGE_NOT_FINAL' } });
      expect(!r.ok && r.error.message).toMatch(/sessions? .* still open/);
      expect(other.workstation!.db.prepare('SELECT COUNT(*) FROM candidates WHERE nama = ?').pluck().get(PURGED_NAME)).toBe(0);
    } finally {
      other.close();
    }
  }, 60_000);
});

describe('purge: its parts', () => {
  it('birth dates become a day of the same year that keeps their order and ties', () => {
    const m = orderKeepingDates(['1990-07-04', '1990-02-01', '1990-07-04', '1985-12-31', '2000-02-29']);
    expect(Object.fromEntries(m)).toEqual({ '1985-12-31': '1985-01-01', '1990-02-01': '1990-01-01', '1990-07-04': '1990-01-02', '2000-02-29': '2000-01-01' });
    expect(orderKeepingDates(['tidak diketahui']).get('tidak diketahui')).toBe('');
  });

  it('the compaction runs on an encrypted database and leaves it encrypted', () => {
    const dir = join(tempDir(), 'ws');
    const pass = 'kuda lumping semarang 2026';
    const ws = initWorkstation(dir, { adminName: 'koordinator', pin: '482913', actor: 'test', passphrase: pass });
    ws.close();
    const key = unlockCustody(dir, { passphrase: pass }, systemClock);
    const opened = openWorkstation(dir, { key });
    expect(compactDatabase(opened.db)).toMatchObject({ vacuumed: true, vacuumError: null, walTruncated: true });
    opened.close();
    expect(readFileSync(join(dir, 'lentera.db')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    const again = openWorkstation(dir, { key });
    expect(verifyChain(again.db)).toMatchObject({ ok: true });
    again.close();
  });
});

async function lentera(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
  return { code, out, err };
}
