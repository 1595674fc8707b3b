import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { receiptToQr } from '../../src-main/core/ledger/receipt';
import { writeSite, type SiteInput } from '../../src-main/core/publish/site';
import { sitePaths } from '../../src-main/core/publish/paths';
import { rank } from '../../src-main/core/ranking/engine';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { readRuleset } from '../../src-main/core/ranking/rulesets';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { qrPayload, renderResultSheet, resultDigest } from '../../src-main/core/sheets/result-sheet';
import { resourcesDir } from '../../src-main/core/util/resources';

// The publication site needs no server: it is written to a folder and opened as file:// URLs, as from a USB stick.

const EXAM = 'CPNS-UJI-2026';
const ROWS = [
  'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan;keterangan',
  '2026000001;F01;1;umum;100;120;200;85.5;3,50;1995-01-01;Analis Kebijakan;S1;',
  '2026000002;F01;1;umum;90;100;180;80;3,40;1994-02-02;Analis Kebijakan;S1;',
  '2026000003;F01;1;umum;60;100;180;70;3,10;1996-03-03;Analis Kebijakan;S1;',
  '2026000004;F01;1;umum;100;;200;;3,20;1997-04-04;Analis Kebijakan;S1;',
];
const NAMES = ['Ayu Lestari', 'Bima Saputra', 'Citra Dewi', 'Dodi Prasetyo'];

let dir: string;
let site: string;
const dbs: Db[] = [];
let log: TransparencyLog;
let other: TransparencyLog;
let sheetDigest: string;
let rulesetSha: string;

function openLog(name: string): TransparencyLog {
  const data = join(dir, name);
  mkdirSync(data, { recursive: true });
  const db = openDatabase(join(data, 'lentera.db'), { create: true });
  dbs.push(db);
  return new TransparencyLog(db, data);
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-publish-'));
  site = join(dir, 'situs');
  const file = join(resourcesDir(), 'rulesets', 'cpns-2024.json');
  const json = readFileSync(file, 'utf8');
  const loaded = readRuleset(json, file);
  rulesetSha = loaded.sha256;
  const facts = readFlatResults(parseCsvText(ROWS.join('\n'), 'hasil.csv'), loaded.ruleset);
  const results = rank(loaded.ruleset, facts.formations, facts.candidates);
  const entries = results.map((r) => ({ exam: EXAM, nomor: r.nomor_peserta, digest: resultDigest(EXAM, r, loaded.sha256) }));
  sheetDigest = entries.find((e) => e.nomor === '2026000001')!.digest;

  log = openLog('hub');
  const db = dbs[0]!;
  db.transaction(() => log.append(entries.slice(0, 2), '2026-11-30T02:00:00.000Z'))();
  const cp1 = log.checkpoint('2026-11-30T02:00:00.000Z');
  db.transaction(() => log.append(entries.slice(2), '2026-11-30T03:00:00.000Z'))();
  const cp2 = log.checkpoint('2026-11-30T03:00:00.000Z');

  // Another log, with its own key, that recorded the very same results.
  other = openLog('lain');
  dbs[1]!.transaction(() => other.append(entries, '2026-11-30T02:00:00.000Z'))();
  other.checkpoint('2026-11-30T02:00:00.000Z');

  const input: SiteInput = {
    generatedAt: '2026-12-01T03:00:00.000Z',
    logKey: log.publicKey(),
    logId: log.logId(),
    checkpoints: log.checkpoints(),
    consistency: [{ from: cp1.size, to: cp2.size, proof: log.consistencyProof(cp1.size, cp2.size) }],
    leaves: log.leaves(),
    checkpointNote: log.checkpointNote()!.note,
    exams: [
      {
        code: EXAM,
        name: 'Seleksi CPNS Kota Semarang 2026 (uji)',
        agency: 'Pemerintah Kota Semarang',
        year: 2026,
        ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: loaded.sha256, json },
        formations: facts.formations.map((f) => ({ ...f, unit: 'Bappeda', education: 'S1' })),
        candidates: facts.candidates.map((c, i) => ({ nomor: c.nomorPeserta, nama: NAMES[i]!, nikMasked: `337401********0${i + 1}`, kodeFormasi: c.kodeFormasi, kategori: c.kategori })),
        results,
        facts: { rows: ROWS },
        conflicts: [{ nomor: '2026000002', field: 'SKB-WWC', values: [{ workstation: 'WS-A', value: '80' }, { workstation: 'WS-B', value: '82' }] }],
        leaves: Object.fromEntries(results.map((r) => [r.nomor_peserta, log.leafIndex(EXAM, r.nomor_peserta)!])),
      },
    ],
    bundles: [],
  };
  await writeSite(site, input);
});

test.afterAll(() => {
  for (const db of dbs) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function receiptFile(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

const url = (path: string) => pathToFileURL(join(site, path)).href;

// Nothing on the site may be blocked (CSP, file://) or throw: every console error fails the test.
const problems = new WeakMap<object, string[]>();
test.beforeEach(({ page }) => {
  const list: string[] = [];
  problems.set(page, list);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') list.push(m.text());
  });
  page.on('pageerror', (e) => list.push(e.message));
});
test.afterEach(({ page }) => {
  expect(problems.get(page)).toEqual([]);
});

test.describe('the published verification page, offline from file://', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto(url('verifikasi.html'));
    // The bundled script ran under the page's CSP and checked the published log itself.
    await expect(page.locator('ul.checks li.ok')).toHaveCount(2);
    await expect(page.getByText('2 checkpoint, semua ditandatangani kunci log situs ini')).toBeVisible();
  });

  test('a genuine receipt is sah, each check ticked, with a link to the candidate', async ({ page }) => {
    await page.getByLabel(/Letakkan berkas di sini/).setInputFiles(receiptFile('tanda-terima-2026000001.json', log.receipt(EXAM, '2026000001')));
    const result = page.locator('#hasil');
    await expect(result.locator('.verdict')).toHaveText('Tanda terima sah');
    const checks = result.locator('ul.checks li');
    await expect(checks.filter({ hasText: 'Bukti inklusi di log' })).toContainText('✓');
    await expect(checks.filter({ hasText: 'Tanda tangan checkpoint' })).toContainText('✓');
    await expect(checks.filter({ hasText: 'Hasil yang diterbitkan' })).toContainText('✓');
    await expect(checks.filter({ hasText: 'Checkpoint situs ini' })).toContainText('✓');
    await expect(checks.filter({ hasText: '✗' })).toHaveCount(0);
    await result.getByRole('link', { name: /Lihat hasil peserta 2026000001/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ayu Lestari');
  });

  test('a receipt whose digest was changed by one hex digit is TIDAK sah, with the reason', async ({ page }) => {
    const r = log.receipt(EXAM, '2026000002')!;
    const altered = { ...r, digest: (r.digest[0] === '0' ? '1' : '0') + r.digest.slice(1) };
    await page.getByLabel(/Letakkan berkas di sini/).setInputFiles(receiptFile('diubah.json', altered));
    await expect(page.locator('#hasil .verdict')).toHaveText('Tanda terima TIDAK sah: Bukti inklusi tidak cocok dengan akar checkpoint');
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Bukti inklusi di log' })).toContainText('✗');
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Hasil yang diterbitkan' })).toContainText('✗');
  });

  test('a receipt signed by another log is not verified, even when it claims the site\'s key', async ({ page }) => {
    // The other log recorded the very same results; its receipt is consistent with itself and its own key.
    const theirs = other.receipt(EXAM, '2026000001')!;
    expect(theirs.logKey).not.toBe(log.publicKey());
    const input = page.getByLabel(/Letakkan berkas di sini/);
    await input.setInputFiles(receiptFile('log-lain.json', theirs));
    await expect(page.locator('#hasil .verdict')).toHaveText('Tanda terima TIDAK terverifikasi: ditandatangani log lain, bukan log situs ini');
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Log yang menandatangani' })).toContainText('✗');
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Tanda tangan checkpoint' })).toContainText('✗');
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Checkpoint situs ini' })).toContainText('✗');
    // Relabelled with the site's key: the label changes nothing, the page checks with the site's own key.
    await input.setInputFiles(receiptFile('log-lain-berlabel.json', { ...theirs, logKey: log.publicKey() }));
    await expect(page.locator('#hasil .verdict')).toHaveText('Tanda terima TIDAK terverifikasi: ditandatangani log lain, bukan log situs ini');
    // Relabelled with the site's log id as well: the other log's signature does not verify with the site's key.
    await input.setInputFiles(receiptFile('log-lain-id.json', { ...theirs, logKey: log.publicKey(), checkpoint: { ...theirs.checkpoint, log: log.logId() } }));
    await expect(page.locator('#hasil .verdict')).toHaveText('Tanda terima TIDAK terverifikasi: checkpoint tidak ditandatangani kunci log situs ini');
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Tanda tangan checkpoint' })).toContainText('✗');
    await expect(page.locator('#hasil ul.checks li.bad').first()).toBeVisible();
  });

  test('a receipt dropped on the zone is checked the same way', async ({ page }) => {
    const text = JSON.stringify(log.receipt(EXAM, '2026000003'));
    const dataTransfer = await page.evaluateHandle((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'tanda-terima.json', { type: 'application/json' }));
      return dt;
    }, text);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    await expect(page.locator('#hasil .verdict')).toHaveText('Tanda terima sah');
    await expect(page.locator('#hasil')).toContainText('Berkas: tanda-terima.json');
  });

  test('a result sheet PDF without a proof is compared by digest; one carrying a proof is verified', async ({ page }) => {
    const results = JSON.parse(readFileSync(join(site, sitePaths.data(EXAM, 'hasil.json')), 'utf8'));
    const pdf = await renderResultSheet({
      agency: 'Pemerintah Kota Semarang',
      exam: { code: EXAM, name: 'Seleksi CPNS (uji)', year: 2026 },
      formation: { code: 'F01', position: 'Analis Kebijakan', unit: 'Bappeda', quota: 1 },
      candidate: { nomorPeserta: '2026000001', nama: 'Ayu Lestari', nikMasked: '337401********01', kategori: 'umum' },
      result: results.find((r: { nomor_peserta: string }) => r.nomor_peserta === '2026000001'),
      stageNames: {},
      ruleset: { id: 'cpns-2024', version: '2024.1', sha256: rulesetSha },
      chainHead: { seq: 1, hash: 'b'.repeat(64) },
      generatedAt: new Date('2026-12-01T03:00:00.000Z'),
      signer: { name: 'Koordinator', certified: false },
    });
    const sheet = join(dir, 'hasil-2026000001.pdf');
    writeFileSync(sheet, pdf);
    await page.getByLabel(/Letakkan berkas di sini/).setInputFiles(sheet);
    await expect(page.locator('#hasil .verdict')).toHaveText('Ringkasan hasil pada lembar sama dengan hasil yang diterbitkan');
    await expect(page.locator('#hasil')).toContainText('belum memuat bukti inklusi');
    await expect(page.locator('#hasil')).toContainText('lentera verify');

    // A sheet whose metadata carries the log's proof ("p"), as the hub will write it.
    const receipt = log.receipt(EXAM, '2026000001')!;
    const payload = { ...JSON.parse(qrPayload(EXAM, '2026000001', sheetDigest)), p: receiptToQr(receipt) };
    const withProof = join(dir, 'dengan-bukti.pdf');
    writeFileSync(withProof, `%PDF-1.7\n1 0 obj\n<< /Producer (Lentera) /LenteraResult (${JSON.stringify(payload)}) >>\nendobj\ntrailer << /Info 1 0 R >>\n%%EOF\n`);
    await page.getByLabel(/Letakkan berkas di sini/).setInputFiles(withProof);
    await expect(page.locator('#hasil .verdict')).toHaveText('Tanda terima sah');
    await expect(page.locator('#hasil')).toContainText('dibaca dari data yang tertanam di lembar hasil');
  });
});

test.describe('the verification page served over HTTP follows a receipt to the log as it is now (log/ as C2SP tiles)', () => {
  let server: Server;
  let base: string;
  /** what the host answers for log/checkpoint: the site's own file, or a note another log signed (a host that lies) */
  let checkpointNote: string | null = null;

  test.beforeAll(async () => {
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
      if (path === 'log/checkpoint' && checkpointNote !== null) return void res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(checkpointNote);
      const file = join(site, ...path.split('/'));
      if (path === 'favicon.ico') return void res.writeHead(204).end(); // the browser asks; the site has none
      if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
      const type = path.endsWith('.html') ? 'text/html; charset=utf-8' : path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type }).end(readFileSync(file));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  test("a receipt of the first checkpoint is still in the log at the latest: consistent, included, read from the site's tiles", async ({ page }) => {
    checkpointNote = null;
    await page.goto(`${base}/verifikasi.html`);
    const first = log.checkpoints()[0]!;
    await page.getByLabel(/Letakkan berkas di sini/).setInputFiles(receiptFile('tanda-terima-awal.json', log.receipt(EXAM, '2026000001', first)));
    const result = page.locator('#hasil');
    await expect(result.locator('.verdict')).toHaveText('Tanda terima sah');
    const checks = result.locator('ul.checks li');
    await expect(checks.filter({ hasText: 'Checkpoint terbaru log' })).toContainText('✓');
    await expect(checks.filter({ hasText: 'Konsistensi dengan log sekarang' })).toContainText(`Log sekarang (ukuran 4) melanjutkan checkpoint tanda terima (ukuran ${first.size})`);
    await expect(checks.filter({ hasText: 'Masih tercatat di log' })).toContainText('✓');
    await expect(checks.filter({ hasText: '✗' })).toHaveCount(0);
  });

  test('a host that serves another log as the latest makes the receipt TIDAK sah, and says why', async ({ page }) => {
    checkpointNote = other.checkpointNote()!.note;
    await page.goto(`${base}/verifikasi.html`);
    await page.getByLabel(/Letakkan berkas di sini/).setInputFiles(receiptFile('tanda-terima-2.json', log.receipt(EXAM, '2026000002')));
    await expect(page.locator('#hasil .verdict')).toHaveText(/^Tanda terima TIDAK sah: Checkpoint terbaru tidak ditandatangani kunci log yang dipercaya/);
    await expect(page.locator('#hasil ul.checks li').filter({ hasText: 'Checkpoint terbaru log' })).toContainText('✗');
    checkpointNote = null;
  });
});

test('a formation page shows each candidate with the status in words, and the unresolved conflict', async ({ page }) => {
  await page.goto(url(sitePaths.formation(EXAM, 'F01')));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Formasi F01 — Analis Kebijakan');
  const ranking = page.getByRole('table', { name: 'Peringkat formasi F01' });
  await expect(ranking.getByRole('row', { name: /2026000001/ })).toContainText('P/L LULUS');
  await expect(ranking.getByRole('row', { name: /2026000001/ })).toContainText('81,845');
  await expect(ranking.getByRole('row', { name: /2026000003/ })).toContainText('TL TIDAK LULUS');
  await expect(ranking.getByRole('row', { name: /2026000004/ })).toContainText('BL BELUM LENGKAP');
  await expect(page.getByRole('heading', { name: 'Data bertentangan antar-workstation — belum diputuskan' })).toBeVisible();
  // The stylesheet loaded (file:// and the CSP allow it): the ranking table's header has its band colour.
  await expect(ranking.locator('thead th').first()).toHaveCSS('background-color', 'rgb(243, 246, 249)');
});
