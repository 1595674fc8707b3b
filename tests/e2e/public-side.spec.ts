import type { APIRequestContext, Page } from '@playwright/test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseLeaf } from '../../src-main/core/ledger/leaf';
import { recordProofProblem, type RecordProof } from '../../src-main/core/ledger/record-proof';
import type { Receipt } from '../../src-main/core/ledger/receipt';
import { EXAM_CODE, expect, login, sidebar } from './fixtures';
import { hubTest, runCli } from './hub-fixture';

// The public side of issue 15, end to end with real processes: the coordinator announces the exam, the results go
// to the hub; a candidate reads their own page and files an objection (sanggah) at the hub's site with the salt of
// their receipt; the committee accepts it; the correction goes through the workstation's amendment process into a
// new bundle, and the candidate's new receipt verifies; a citizen's report (laporan) is filed and answered; and every
// record of the log (the announcement, the objection, the report and each answer) is proved into the log's
// checkpoint with the key the site publishes.

const test = hubTest;
test.describe.configure({ timeout: 240_000 });

const OBJECTION = 'Nilai TIU pada hasil saya lebih rendah daripada yang tampil di layar ruang ujian setelah tes selesai.';
const ANSWER = 'Rekaman CAT diperiksa ulang: nilai TIU dikoreksi melalui amandemen di tempat ujian dan hasil baru diterbitkan.';
const REPORT = 'Di ruang 2 sesi pagi seorang peserta tampak menerima jawaban dari luar ruangan melalui jendela.';
const REPORT_ANSWER = 'Panitia memeriksa rekaman CCTV ruang 2 dan meneruskan temuan kepada pengawas ujian.';

/** YYYY-MM-DD in WIB, `days` from now. */
const wibDay = (days: number) => new Date(Date.now() + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);

async function sessionToken(request: APIRequestContext, url: string, name: string, pin: string): Promise<string> {
  const r = await request.post(`${url}/api/accounts.login`, { data: { name, pin } });
  return ((await r.json()) as { value: { token: string } }).value.token;
}

async function call(request: APIRequestContext, url: string, token: string, command: string, input: unknown): Promise<unknown> {
  const r = await request.post(`${url}/api/${command}`, { data: input, headers: { 'x-lentera-session': token } });
  const body = (await r.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** The tracking code the site's form shows once the hub took the filing. */
async function filedCode(page: Page, prefix: string): Promise<string> {
  const out = page.locator('#hasil');
  await expect(out).toContainText('Terkirim. Kode lacak Anda: ', { timeout: 15_000 });
  const code = new RegExp(`${prefix}(-[2-9A-HJ-NP-Z]{4}){4}`).exec((await out.textContent())!)?.[0];
  expect(code).toBeTruthy();
  return code!;
}

test('announcement, a candidate page and objection, the committee answer, an amendment to a new receipt, a public report; every record proved', async ({ page, request, demo, hub }) => {
  const pem = join(hub.dir, 'koordinator.pem');
  await demo.cli(['keys', 'certificate', '--account', 'koordinator', '--out', pem]);
  await hub.trust(pem, EXAM_CODE, true);
  const secret = join(hub.dir, 'sandi.txt');
  writeFileSync(secret, `${demo.passphrase}\n`, { mode: 0o600 });

  try {
    // --- 1. the coordinator sets the hub and announces, in the window ---
    await page.goto('/');
    await login(page, 'koordinator', demo.pin);
    await sidebar(page).getByRole('link', { name: 'Bundel & Publikasi' }).click();
    const hubPanel = page.getByRole('region', { name: 'Pusat publikasi (hub)' });
    await hubPanel.getByLabel('Alamat hub', { exact: true }).fill(hub.url);
    await hubPanel.getByRole('button', { name: 'Simpan', exact: true }).click();
    await expect(hubPanel.getByTestId('hub-url')).toHaveText(hub.url);
    const announce = page.getByTestId('announcement');
    await announce.getByLabel('Sanggah mulai (WIB)').fill(wibDay(-1));
    await announce.getByLabel('Sanggah selesai (WIB)').fill(wibDay(10));
    await announce.getByLabel('Frasa sandi kunci tanda tangan').fill(demo.passphrase);
    await announce.getByRole('button', { name: 'Terbitkan pengumuman' }).click();
    await expect(announce.getByTestId('announcement-done')).toContainText(`Pengumuman ke-1 ujian ${EXAM_CODE} ditandatangani.`, { timeout: 30_000 });
    await expect(announce.getByTestId('announcement-done')).toContainText(/Dicatat hub di log transparansi sebagai entri ke-\d+; buktinya sah/);

    // --- 2. the results go to the hub; the candidate's receipt comes back ---
    await demo.cli(['bundle', 'export', '--exam', EXAM_CODE, '--passphrase-file', secret]);
    await demo.cli(['bundle', 'push']);
    const ranking = JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as {
      results: { nomor_peserta: string; kode_formasi: string; rank: number | null; components: Record<string, string> }[];
    };
    // A candidate with an SKD result whose TIU can be corrected by one step either way.
    const me = ranking.results.find((r) => r.kode_formasi === 'F01' && r.rank !== null && r.components.tiu !== undefined)!;
    const receiptFile = join(hub.dir, 'tanda-terima-1.json');
    await demo.cli(['receipt', 'export', '--exam', EXAM_CODE, '--nomor', me.nomor_peserta, '--out', receiptFile]);
    const first = JSON.parse(readFileSync(receiptFile, 'utf8')) as Receipt;

    // --- 3. the candidate reads the announcement and their own page at the hub's site ---
    await page.goto(`${hub.url}/ujian/${EXAM_CODE}/pengumuman.html`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Pengumuman ke-1');
    await page.goto(`${hub.url}/ujian/${EXAM_CODE}/peserta/${me.nomor_peserta}.html`);
    await expect(page.getByRole('heading', { name: 'Kekuatan dan kelemahan Anda' })).toBeVisible();
    await expect(page.locator('body')).toContainText('TIU');

    // --- 4. ... and files an objection with the salt of their receipt ---
    await page.goto(`${hub.url}/sanggah.html`);
    const form = page.locator('#formulir');
    await form.getByLabel('Ujian').selectOption(EXAM_CODE);
    await form.getByLabel('Nomor peserta').fill(me.nomor_peserta);
    // A salt that is not theirs is refused, in words, and stores nothing.
    await form.getByLabel('Salt dari tanda terima').fill('A'.repeat(22));
    await form.getByLabel('Tahap yang disanggah').selectOption('SKD');
    await form.getByLabel(/^Isi sanggah/).fill(OBJECTION);
    await form.getByRole('button', { name: 'Kirim sanggah' }).click();
    await expect(page.locator('#hasil')).toContainText('Tidak terkirim: ');
    await form.getByLabel('Salt dari tanda terima').fill(first.salt);
    await form.getByRole('button', { name: 'Kirim sanggah' }).click();
    const objection = await filedCode(page, 'SGH');

    // --- 5. the committee (at the hub) accepts it; the site shows it, without the candidate ---
    const answered = await runCli(['sanggah', 'answer', '--data', hub.dir, objection, '--decision', 'diterima', '--answer', ANSWER, '--by', 'Panitia Seleksi']);
    expect(answered).toContain(objection);
    await page.goto(`${hub.url}/sanggah-daftar.html`);
    await expect(page.locator('main')).toContainText(ANSWER);
    await expect(page.locator('main')).not.toContainText(me.nomor_peserta);
    await expect(page.locator('main')).not.toContainText(OBJECTION);
    // The candidate follows it with the tracking code.
    await page.goto(`${hub.url}/sanggah.html`);
    await page.getByLabel(/^Kode lacak/).fill(objection);
    await page.getByRole('button', { name: 'Lacak' }).click();
    await expect(page.locator('#hasil-lacak')).toContainText('Status: diterima');

    // --- 6. the correction: the chair asks, another person (the coordinator) approves, a new bundle goes out ---
    const chair = await sessionToken(request, demo.url, 'ketua1', demo.pins.ketua1!);
    const coordinator = await sessionToken(request, demo.url, 'koordinator', demo.pin);
    const tiu = Number(me.components.tiu);
    const corrected = tiu >= 170 ? tiu - 5 : tiu + 5;
    const asked = (await call(request, demo.url, chair, 'amendments.request', {
      exam: EXAM_CODE,
      stage: 'SKD',
      nomorPeserta: me.nomor_peserta,
      item: 'tiu',
      value: corrected,
      reason: `Sanggah ${objection} diterima: ${ANSWER}`,
    })) as { requestId: string };
    await call(request, demo.url, coordinator, 'amendments.decide', { requestId: asked.requestId, approve: true });
    await demo.cli(['bundle', 'export', '--exam', EXAM_CODE, '--passphrase-file', secret]);
    await demo.cli(['bundle', 'push']);
    const receiptFile2 = join(hub.dir, 'tanda-terima-2.json');
    await demo.cli(['receipt', 'export', '--exam', EXAM_CODE, '--nomor', me.nomor_peserta, '--out', receiptFile2]);
    const second = JSON.parse(readFileSync(receiptFile2, 'utf8')) as Receipt;
    // A new leaf for the corrected result; the salt is the candidate's own, unchanged.
    expect(second.digest).not.toBe(first.digest);
    expect(second.index).toBeGreaterThan(first.index);
    expect(second.salt).toBe(first.salt);
    const keyFile = join(hub.dir, 'site', 'log', 'kunci-log.txt');
    const verified = await runCli(['receipt', 'verify', receiptFile2, '--log-key-file', keyFile]);
    expect(verified).toMatch(/receipt verified against the pinned log key/);
    // The candidate's page now shows the corrected TIU.
    await page.goto(`${hub.url}/ujian/${EXAM_CODE}/peserta/${me.nomor_peserta}.html`);
    await expect(page.locator('main')).toContainText(String(corrected));

    // --- 7. a citizen's report, filed at the site and answered by the committee ---
    await page.goto(`${hub.url}/laporan.html`);
    const rform = page.locator('#formulir');
    await rform.getByLabel('Ujian').selectOption(EXAM_CODE);
    await rform.getByLabel('Kategori').selectOption('joki');
    await rform.getByLabel(/^Isi laporan/).fill(REPORT);
    await rform.getByLabel(/^Kontak/).fill('warga.peduli@contoh.id');
    await rform.getByRole('button', { name: 'Kirim laporan' }).click();
    const report = await filedCode(page, 'LAP');
    await runCli(['laporan', 'answer', '--data', hub.dir, report, '--status', 'ditindaklanjuti', '--answer', REPORT_ANSWER, '--by', 'Panitia Seleksi']);
    await page.goto(`${hub.url}/laporan-daftar.html`);
    await expect(page.locator('main')).toContainText(REPORT);
    await expect(page.locator('main')).toContainText(REPORT_ANSWER);
    await expect(page.locator('body')).not.toContainText('warga.peduli');
  } finally {
    rmSync(secret, { force: true });
  }

  // --- 8. every record of the log is proved into the latest checkpoint, with the key the site publishes ---
  const key = (await (await request.get(`${hub.url}/log/kunci-log.txt`)).text()).trim();
  const index = (await (await request.get(`${hub.url}/log/log.json`)).json()) as { records: number[] };
  const kinds: string[] = [];
  for (const i of index.records) {
    const record = await (await request.get(`${hub.url}/log/catatan/${String(i).padStart(8, '0')}.json`)).text();
    const proof = (await (await request.get(`${hub.url}/api/log/bukti?entri=${i}`)).json()) as RecordProof;
    expect(recordProofProblem(record, proof, key), `record ${i}`).toBeNull();
    const leaf = parseLeaf(new TextEncoder().encode(proof.leaf));
    if (leaf?.type === 'catatan') kinds.push(leaf.kind);
  }
  expect(kinds.sort()).toEqual(['laporan', 'laporan-jawaban', 'pengumuman', 'sanggah', 'sanggah-jawaban']);

  // --- 9. a copy of the site opened from a USB stick: the forms cannot reach the hub, and say where to go ---
  for (const form of ['sanggah.html', 'laporan.html']) {
    await page.goto(pathToFileURL(join(hub.dir, 'site', form)).href);
    await expect(page.locator('#luring')).toBeVisible();
    await expect(page.locator('#luring')).toContainText('buka situs resmi panitia');
    await expect(page.locator('#formulir')).toBeHidden();
  }
});
