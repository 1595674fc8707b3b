import type { Page } from '@playwright/test';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from './axe';
import { EXAM_CODE, expect, login, sidebar } from './fixtures';
import { hubTest, runCli } from './hub-fixture';

// Objections and public reports from the workstation (issue 15): the coordinator connects the workstation to the hub
// with a committee token, a clerk files an objection for a candidate at the venue, the coordinator accepts it and
// opens the amendment request it leads to; a public report whose text carries markup stays text.

const test = hubTest;
test.describe.configure({ timeout: 150_000 });

const TEXT = 'Nilai TIU saya di lembar hasil berbeda dengan yang tampil di layar ujian.';
const ANSWER = 'Lembar jawaban diperiksa ulang; nilai TIU dikoreksi melalui amandemen.';
const XSS = '<img src=x onerror="window.__sanggahXss=1"> Ada joki di ruang 2; hubungi saya di saksi@contoh.id.';

/** axe (WCAG 2.1 A/AA) on what the page shows now: the lists and dialogs that the empty pages of a11y.spec do not have. */
async function axe(page: Page, where: string): Promise<void> {
  expect(await axeViolations(page, where)).toEqual([]);
}

/** YYYY-MM-DD in WIB, `days` from now. */
const wibDay = (days: number) => new Date(Date.now() + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);

async function signIn(page: Page, name: string, pin: string): Promise<void> {
  await page.goto('/');
  await login(page, name, pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
}

async function openVoice(page: Page): Promise<void> {
  await sidebar(page).getByRole('link', { name: 'Sanggah & Laporan' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sanggah & Laporan');
}

/** `lentera hub komite add`: the token it prints once, on its last line. */
async function committeeToken(hubDir: string, name: string, role: string): Promise<string> {
  const out = await runCli(['hub', 'komite', 'add', '--data', hubDir, '--name', name, '--role', role]);
  const token = out.trim().split('\n').at(-1)!.trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return token;
}

test('a clerk files an objection for a candidate at the venue; the coordinator accepts it and opens the amendment it leads to; a report stays text', async ({ page, demo, hub }) => {
  const pem = join(hub.dir, 'koordinator.pem');
  await demo.cli(['keys', 'certificate', '--account', 'koordinator', '--out', pem]);
  await hub.trust(pem, EXAM_CODE, true);
  const token = await committeeToken(hub.dir, 'Panitia Seleksi Kota', 'panitia');

  // --- the coordinator: before the hub is set, the page says where to set it ---
  await signIn(page, 'koordinator', demo.pin);
  await openVoice(page);
  await expect(page.getByRole('region', { name: 'Hub belum diatur' })).toContainText('halaman Bundel & Publikasi');
  await page.getByRole('link', { name: 'Buka Bundel & Publikasi' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bundel & Publikasi');

  const hubPanel = page.getByRole('region', { name: 'Pusat publikasi (hub)' });
  await hubPanel.getByLabel('Alamat hub', { exact: true }).fill(hub.url);
  await hubPanel.getByRole('button', { name: 'Simpan', exact: true }).click();
  await expect(hubPanel.getByTestId('hub-url')).toHaveText(hub.url);
  await expect(hubPanel.getByTestId('hub-committee-token')).toHaveText('Belum diatur');
  const tokenForm = hubPanel.getByRole('form', { name: 'Token komite untuk sanggah dan laporan' });
  const tokenField = tokenForm.getByLabel('Token komite', { exact: true });
  await expect(tokenField).toHaveAttribute('type', 'password');
  await tokenField.fill('terlalu pendek');
  await tokenForm.getByRole('button', { name: 'Simpan token' }).click();
  await expect(tokenForm.getByText('Token adalah 16 sampai 256 karakter tanpa spasi, seperti dicetak hub.')).toBeVisible();
  await tokenField.fill(token);
  await tokenForm.getByRole('button', { name: 'Simpan token' }).click();
  await expect(tokenForm.getByRole('status')).toHaveText('Token komite disimpan.');
  // Told back only by its last four characters.
  await expect(hubPanel.getByTestId('hub-committee-token')).toHaveText(`Diatur (berakhiran …${token.slice(-4)})`);
  await expect(tokenField).toHaveValue('');
  await expect(page.locator('body')).not.toContainText(token);

  // The bundle goes to the hub, which returns every candidate's receipt; then the announcement opens the period.
  const exp = page.getByRole('region', { name: 'Ekspor bundel' });
  await exp.getByLabel('Frasa sandi kunci tanda tangan').fill(demo.passphrase);
  await exp.getByRole('button', { name: 'Ekspor bundel' }).click();
  await expect(exp.getByTestId('bundle-exported')).toHaveText(/^Bundel 1 ujian /, { timeout: 30_000 });
  const list = page.getByRole('region', { name: 'Bundel yang diekspor' });
  await list.getByRole('button', { name: 'Kirim sekarang' }).click();
  await expect(list.getByTestId('push-outcome')).toHaveText('Pengiriman selesai: 1 dikonfirmasi, 0 masih menunggu, 0 ditolak.', { timeout: 60_000 });
  const secret = join(hub.dir, 'sandi.txt');
  writeFileSync(secret, `${demo.passphrase}\n`, { mode: 0o600 });
  try {
    await demo.cli(['announce', '--exam', EXAM_CODE, '--sanggah-mulai', wibDay(-1), '--sanggah-selesai', wibDay(7), '--passphrase-file', secret]);
  } finally {
    rmSync(secret, { force: true });
  }
  const ranking = JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as { results: { nomor_peserta: string; kode_formasi: string; rank: number | null }[] };
  const nomor = ranking.results.find((r) => r.kode_formasi === 'F01' && r.rank !== null)!.nomor_peserta;

  // An empty list says where objections come from.
  await openVoice(page);
  await expect(page.getByTestId('voice-hub')).toHaveText(`Hub: ${hub.url} · token komite …${token.slice(-4)}`);
  await expect(page.getByTestId('voice-objections')).toContainText('Belum ada sanggah. Peserta mengajukan sanggah di situs hub atau melalui petugas di sini.');
  await signOut(page);

  // --- the public files a report whose text carries markup ---
  const filed = await fetch(`${hub.url}/api/laporan`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ exam: EXAM_CODE, category: 'joki', text: XSS, contact: 'saksi@contoh.id', website: '' }) });
  expect(filed.status).toBe(201);

  // --- the clerk, for a candidate who came to the venue ---
  await signIn(page, 'petugas1', demo.pins.petugas1!);
  await openVoice(page);
  // The clerk sees the form only: the lists are the committee's.
  await expect(page.getByTestId('voice-objections')).toHaveCount(0);
  const form = page.getByRole('region', { name: 'Ajukan sanggah untuk peserta' });
  // A number the hub has no result for: refused in words the clerk can tell the candidate.
  await form.getByLabel('Nomor peserta').fill('263374999999');
  await form.getByLabel('Tahap yang disanggah').selectOption('SKD');
  await form.getByLabel('Isi sanggah').fill(TEXT);
  await form.getByRole('button', { name: 'Kirim sanggah' }).click();
  await expect(form.getByRole('alert')).toHaveText('Hasil peserta ini belum tercatat di hub; sanggah dapat diajukan setelah hasilnya diumumkan.');
  await form.getByLabel('Nomor peserta').fill(nomor);
  await form.getByRole('button', { name: 'Kirim sanggah' }).click();
  const code = form.getByTestId('voice-filed').locator('.voice-code');
  await expect(code).toHaveText(/^SGH(-[2-9A-HJ-NP-Z]{4}){4}$/);
  const id = (await code.textContent())!;
  await expect(form.getByTestId('voice-log-note')).toHaveText(/cocok dengan kunci log hub yang disematkan di sini\.$/);
  await expect(form.getByLabel('Nomor peserta')).toHaveValue('');
  // The same candidate and stage again: the hub's refusal, in its own words.
  await form.getByLabel('Nomor peserta').fill(nomor);
  await form.getByLabel('Isi sanggah').fill('Sekali lagi tentang nilai yang sama.');
  await form.getByRole('button', { name: 'Kirim sanggah' }).click();
  await expect(form.getByRole('alert')).toContainText(`sudah diajukan dengan kode lacak ${id}`);
  await signOut(page);

  // --- the observer reads, and may not answer ---
  await signIn(page, 'pengawas', demo.pins.pengawas!);
  await openVoice(page);
  const seen = page.getByTestId(`objection-${id}`);
  await expect(seen).toContainText(nomor);
  await expect(seen).toContainText(TEXT);
  await expect(seen).toContainText('Di lokasi (Panitia Seleksi Kota)');
  await expect(page.getByRole('button', { name: `Jawab sanggah ${id}` })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Ajukan sanggah untuk peserta' })).toHaveCount(0);
  await signOut(page);

  // --- the coordinator answers and corrects ---
  await signIn(page, 'koordinator', demo.pin);
  await openVoice(page);
  const row = page.getByTestId(`objection-${id}`);
  await expect(row).toContainText('Diajukan');
  // The report's markup is text on the screen: no element was made of it, and nothing ran.
  const reports = page.getByTestId('reports-table');
  await expect(reports.getByTestId('report-text')).toContainText('<img src=x onerror="window.__sanggahXss=1">');
  await expect(reports.getByTestId('report-text')).not.toContainText('saksi@contoh.id');
  await expect(reports.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __sanggahXss?: number }).__sanggahXss)).toBeUndefined();
  await axe(page, 'the lists');

  // Keyboard only: the answer button, the decision, the answer, send.
  await row.getByRole('button', { name: `Jawab sanggah ${id}` }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Jawab sanggah ${id}` });
  await expect(dialog.getByRole('radio', { name: 'Diterima: nilai dikoreksi' })).toBeFocused();
  await axe(page, 'the answer dialog');
  await page.keyboard.press('Space');
  await dialog.getByLabel('Jawaban').fill('terlalu');
  await dialog.getByRole('button', { name: 'Kirim jawaban' }).click();
  await expect(dialog.getByText('Tulis jawaban minimal 10 karakter.')).toBeVisible();
  await dialog.getByLabel('Jawaban').fill(ANSWER);
  await dialog.getByLabel('Jawaban').press('Tab');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('status')).toContainText('Jawaban tercatat di log hub (entri');
  await expect(dialog.getByTestId('voice-log-note')).toHaveText(/cocok dengan kunci log hub/);
  await dialog.getByRole('button', { name: 'Ajukan koreksi nilai' }).click();

  const correction = page.getByRole('dialog', { name: `Koreksi nilai ${nomor}, tahap SKD` });
  await expect(correction.getByLabel('Nilai yang dikoreksi')).toBeVisible();
  await correction.getByLabel('Nilai yang dikoreksi').selectOption('tiu');
  await axe(page, 'the correction dialog');
  await expect(correction.getByLabel('Alasan amandemen')).toHaveValue(`Sanggah ${id} diterima: ${ANSWER}`);
  // The amendment request goes as the scores page sends it: a new value, the objection as its reason.
  const chosen = (await correction.getByLabel('Nilai yang dikoreksi').locator('option:checked').textContent())!;
  const now = Number(/sekarang ([\d.,]+)/.exec(chosen)![1]!.replace(',', '.'));
  const corrected = now >= 170 ? now - 5 : now + 5;
  await correction.getByLabel('Nilai baru Tes Intelegensia Umum').fill(String(corrected));
  await correction.getByRole('button', { name: 'Kirim permintaan amandemen' }).click();
  await expect(correction.getByRole('status')).toHaveText(/^Permintaan amandemen terkirim: .* → .*\. Menunggu keputusan koordinator\.$/);
  await correction.getByRole('button', { name: 'Tutup' }).click();
  await expect(row).toContainText('Diterima');
  await expect(row).toContainText(ANSWER);
});
