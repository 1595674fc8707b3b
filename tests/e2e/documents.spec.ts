import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { demoTest, EXAM_CODE, expect, login, sidebar, workstationFile } from './fixtures';
import { changeInfo, overlayFirstPage } from './pdf-tamper';

const run = promisify(execFile);


/** A demo workstation (`lentera demo`): WWC-F01 is finalized, the koordinator has an uncertified local key. */
const test = demoTest('documents');

/** A second browser with its own session, failing the test on any error in its console. */
async function openBrowser(browser: Browser, url: string, problems: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url, locale: 'id-ID', timezoneId: 'Asia/Jakarta', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  return { context, page };
}

/** A PKCS#12 file as a certification authority hands it out: a signing certificate and its key, under `password`. */
function p12File(commonName: string, password: string): Buffer {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a1b2c';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer([{ name: 'commonName', value: 'PSrE Uji' }]);
  cert.setExtensions([{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/** Drops a file on an element, as dragging it there from the file manager does. */
async function dropFile(target: Locator, name: string, bytes: Buffer): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(
    ({ b64, fileName }) => {
      const binary = atob(b64);
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([data], fileName, { type: 'application/pdf' }));
      return dt;
    },
    { b64: bytes.toString('base64'), fileName: name },
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Clicks a download button and returns the saved file's path and name. */
async function download(page: Page, button: ReturnType<Page['getByRole']>): Promise<{ path: string; name: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { path: await file.path(), name: file.suggestedFilename() };
}

test('the coordinator signs the sheets and minutes of WWC-F01 in the background, then the chair countersigns the minutes', async ({
  page,
  browser,
  demo,
}) => {
  test.setTimeout(120_000);

  // --- the coordinator: identity, a wrong passphrase, then the job ---
  await page.goto('/');
  await login(page, 'koordinator', demo.pins.koordinator!);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
  await sidebar(page).getByRole('link', { name: 'Dokumen' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dokumen');

  const identity = page.getByRole('region', { name: 'Identitas tanda tangan' });
  await expect(identity.getByTestId('identity')).toHaveCount(1);
  await expect(identity.getByTestId('identity-certified')).toHaveText('Tidak tersertifikasi (sertifikat lokal)');
  await expect(identity.getByTestId('identity-fingerprint')).toHaveText(demo.fingerprint);
  await expect(identity.getByTestId('identity-valid-until')).toHaveText(/ WIB$/);
  await expect(identity.getByText('Sidik jari ini harus didaftarkan di pusat publikasi', { exact: false })).toBeVisible();
  await expect(identity.getByRole('button', { name: 'Salin sidik jari' })).toBeVisible();
  await expect(identity.getByRole('button', { name: 'Impor sertifikat .p12' })).toBeVisible();

  const sheets = page.getByRole('region', { name: 'Lembar hasil & berita acara' });
  await expect(sheets.getByLabel('Ujian')).toHaveValue(EXAM_CODE);
  await sheets.getByLabel('Sesi (opsional)').selectOption('WWC-F01');
  const passphrase = sheets.getByLabel('Frasa sandi kunci tanda tangan');
  await passphrase.fill('bukan-frasa-sandinya');
  await sheets.getByRole('button', { name: 'Tandatangani & buat' }).click();
  // The passphrase counts on the same lock as the PIN: the attempts left are said.
  await expect(sheets.getByRole('alert')).toHaveText('Frasa sandi salah; tidak ada yang ditandatangani. Sisa 4 kali percobaan sebelum akun dikunci.');
  await expect(sheets.getByTestId('sheets-job')).toHaveCount(0);
  await expect(passphrase).toHaveValue('');
  await expect(passphrase).toBeFocused();

  await passphrase.fill(demo.passphrase);
  await sheets.getByRole('button', { name: 'Tandatangani & buat' }).click();
  const bar = sheets.getByRole('progressbar', { name: 'Lembar hasil yang sudah ditandatangani' });
  await expect(bar).toBeVisible();
  await expect(sheets.getByTestId('sheets-done')).toHaveText(/^Selesai: \d+ lembar hasil dan 1 berita acara ditandatangani\.$/, { timeout: 60_000 });
  const written = Number(/(\d+) lembar/.exec((await sheets.getByTestId('sheets-done').textContent()) ?? '')?.[1]);
  expect(written).toBeGreaterThan(0);
  await expect(bar).toHaveAttribute('aria-valuenow', String(written));
  await expect(bar).toHaveAttribute('aria-valuemax', String(written));
  await expect(bar).toHaveAttribute('aria-valuetext', `${written} dari ${written} lembar (100%)`);
  await expect(sheets.getByRole('button', { name: 'Batalkan' })).toHaveCount(0);

  const files = sheets.getByTestId('signed-files');
  await expect(files.getByTestId('file-berita-acara-WWC-F01.pdf')).toBeVisible();
  await expect(files.locator('tbody tr')).toHaveCount(written + 1);
  const firstSheet = files.locator('tbody tr').nth(1);
  const sheetName = (await firstSheet.locator('code').textContent()) ?? '';
  expect(sheetName).toMatch(/^hasil-\d+\.pdf$/);
  const sheet = await download(page, firstSheet.getByRole('button', { name: `Unduh ${sheetName}` }));
  expect(sheet.name).toBe(sheetName);
  expect(readFileSync(sheet.path).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // Run again with nothing changed: every signed document is left as it was, and the message says so.
  await passphrase.fill(demo.passphrase);
  await sheets.getByRole('button', { name: 'Tandatangani & buat' }).click();
  await expect(sheets.getByTestId('sheets-done')).toHaveText(
    `Selesai: tidak ada yang berubah sejak penandatanganan sebelumnya. ${written} lembar hasil dan 1 berita acara tetap seperti semula, dengan semua tanda tangannya; tidak ada yang ditandatangani ulang.`,
    { timeout: 60_000 },
  );
  await expect(files.locator('tbody tr')).toHaveCount(written + 1);
  await expect(files.getByTestId('file-superseded')).toHaveCount(0);

  // --- the chair: a new identity, then his signature on the minutes ---
  const problems: string[] = [];
  const chair = await openBrowser(browser, demo.url, problems);
  try {
    const p = chair.page;
    await p.goto('/#/documents');
    await login(p, 'ketua1', demo.pins.ketua1!);
    await expect(p.getByRole('heading', { level: 1 })).toHaveText('Dokumen');
    const mine = p.getByRole('region', { name: 'Identitas tanda tangan' });
    await expect(mine.getByTestId('identity-none')).toBeVisible();
    // A chair may import their own .p12 from BSrE (files.upload is open to chairs and examiners).
    await expect(mine.getByRole('button', { name: 'Impor sertifikat .p12' })).toBeVisible();
    await mine.getByLabel('Frasa sandi baru', { exact: true }).fill('ketua-panel-wwc');
    await mine.getByLabel('Ulangi frasa sandi baru').fill('ketua-panel-beda');
    await mine.getByRole('button', { name: 'Buat identitas' }).click();
    await expect(mine.getByText('Kedua frasa sandi tidak sama.')).toBeVisible();
    await mine.getByLabel('Ulangi frasa sandi baru').fill('ketua-panel-wwc');
    await mine.getByRole('button', { name: 'Buat identitas' }).click();
    await expect(mine.getByTestId('identity')).toHaveCount(1, { timeout: 30_000 });
    await expect(mine.getByTestId('identity-certified')).toHaveText('Tidak tersertifikasi (sertifikat lokal)');
    await expect(mine.getByTestId('identity-fingerprint')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    // Then the chair's own .p12: a wrong .p12 password is refused, and the retry sends the file again (an upload
    // serves one command: the refused import used it up).
    await mine.getByRole('button', { name: 'Impor sertifikat .p12' }).click();
    await mine.getByLabel('Berkas .p12', { exact: true }).setInputFiles({ name: 'ketua1.p12', mimeType: 'application/x-pkcs12', buffer: p12File('Ketua Panel WWC', 'sandi-p12') });
    await mine.getByLabel('Kata sandi berkas .p12').fill('bukan-sandinya');
    await mine.getByLabel('Frasa sandi baru untuk kunci ini', { exact: true }).fill('ketua-panel-wwc');
    await mine.getByLabel('Ulangi frasa sandi baru untuk kunci ini').fill('ketua-panel-wwc');
    await mine.getByRole('button', { name: 'Impor sertifikat', exact: true }).click();
    await expect(mine.getByRole('alert')).toHaveText('Berkas .p12 tidak dapat dibuka: kata sandinya salah, atau berkas ini bukan PKCS#12.');
    await mine.getByLabel('Kata sandi berkas .p12').fill('sandi-p12');
    await mine.getByRole('button', { name: 'Impor sertifikat', exact: true }).click();
    await expect(mine.getByText(/^Sertifikat diimpor\. Sidik jari: /)).toHaveText(/^Sertifikat diimpor\. Sidik jari: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(mine.getByTestId('identity')).toHaveCount(2);

    const minutes = p.getByRole('region', { name: 'Tanda tangan berita acara' });
    await expect(minutes.getByLabel('Sesi', { exact: true })).toHaveValue('WWC-F01');
    // The newest version of the minutes is the one to read and sign (here the only one).
    await expect(minutes.getByTestId('minutes-target')).toContainText('Yang akan ditandatangani: berita-acara-WWC-F01.pdf (versi terbaru).');
    await minutes.getByLabel('Frasa sandi kunci tanda tangan').fill('ketua-panel-wwc');
    await minutes.getByRole('button', { name: 'Tandatangani berita acara' }).click();
    await expect(minutes.getByTestId('minutes-signatures')).toHaveText('Kini ada 2 tanda tangan.');

    // A second time is refused, in words.
    await minutes.getByLabel('Frasa sandi kunci tanda tangan').fill('ketua-panel-wwc');
    await minutes.getByRole('button', { name: 'Tandatangani berita acara' }).click();
    await expect(minutes.getByRole('alert')).toHaveText('Anda sudah menandatangani berita acara ini.');

    const signed = await download(p, minutes.getByRole('button', { name: 'Unduh berita-acara-WWC-F01.pdf' }));
    expect(signed.name).toBe('berita-acara-WWC-F01.pdf');
    const { stdout } = await run('pdfsig', [signed.path]);
    expect(stdout.match(/Signature is Valid\./g) ?? []).toHaveLength(2);
  } finally {
    await chair.context.close();
  }
  expect(problems, 'errors in the chair browser').toEqual([]);
});

test('a long signing job keeps the workstation usable, survives leaving the page, and can be cancelled', async ({ page, demo }) => {
  test.setTimeout(120_000);
  await page.goto('/#/documents');
  await login(page, 'koordinator', demo.pins.koordinator!);
  const sheets = page.getByRole('region', { name: 'Lembar hasil & berita acara' });
  await expect(sheets.getByTestId('signed-files-none')).toBeVisible();
  // Every session: every candidate with a complete result gets a sheet.
  await expect(sheets.getByLabel('Sesi (opsional)')).toHaveValue('');
  await sheets.getByLabel('Frasa sandi kunci tanda tangan').fill(demo.passphrase);
  await sheets.getByRole('button', { name: 'Tandatangani & buat' }).click();
  const bar = sheets.getByRole('progressbar', { name: 'Lembar hasil yang sudah ditandatangani' });
  await expect(bar).toHaveAttribute('aria-valuenow', /^[1-9]\d*$/, { timeout: 60_000 });

  // Another page answers while the worker signs; coming back shows the same job, still going.
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit');
  await sidebar(page).getByRole('link', { name: 'Dokumen' }).click();
  await expect(sheets.getByTestId('sheets-job')).toHaveAttribute('data-state', 'running');
  const total = Number(await bar.getAttribute('aria-valuemax'));
  expect(total).toBeGreaterThan(20);

  await sheets.getByRole('button', { name: 'Batalkan' }).click();
  await expect(sheets.getByTestId('sheets-cancelled')).toHaveText(/^Dibatalkan\. \d+ lembar hasil yang sudah selesai tetap tersimpan; tidak ada berkas setengah jadi\.$/);
  const kept = Number(/(\d+) lembar/.exec((await sheets.getByTestId('sheets-cancelled').textContent()) ?? '')?.[1]);
  expect(kept).toBeLessThan(total);
  // No half file, and no minutes: the job stopped before them.
  await expect(sheets.getByTestId('signed-files').locator('tbody tr')).toHaveCount(Math.min(kept, 50));
  await expect(sheets.getByTestId('signed-files').getByText(/\.part$/)).toHaveCount(0);
  await expect(sheets.getByTestId('signed-files').getByText(/^berita-acara-/)).toHaveCount(0);
});

test('a signed document is checked on the Dokumen page: the genuine one is valid, a copy changed after signing is not', async ({ page, demo }) => {
  test.setTimeout(120_000);
  // The coordinator signs WWC-F01's sheets and minutes from the command line, into the workstation's own folder.
  const secrets = mkdtempSync(join(tmpdir(), 'lentera-e2e-pass-'));
  const out = join(demo.dataDir, 'sheets', EXAM_CODE);
  try {
    writeFileSync(join(secrets, 'pass'), `${demo.passphrase}\n`);
    await demo.cli(['sheets', '--exam', EXAM_CODE, '--session', 'WWC-F01', '--out', out, '--passphrase-file', join(secrets, 'pass')]);
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
  const sheetName = readdirSync(out).find((f) => /^hasil-\d+\.pdf$/.test(f))!;
  const nomor = /^hasil-(\d+)\.pdf$/.exec(sheetName)![1]!;
  // The workstation keeps them sealed (its data is encrypted): the copies checked are the PDFs themselves.
  const sheet = workstationFile(demo.dataDir, join(out, sheetName));
  const minutes = workstationFile(demo.dataDir, join(out, 'berita-acara-WWC-F01.pdf'));

  // The observer checks them (no signing key needed to check).
  await page.goto('/#/documents');
  await login(page, 'pengawas', demo.pins.pengawas!);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dokumen');
  const check = page.getByRole('region', { name: 'Periksa dokumen bertanda tangan' });
  const input = check.getByLabel('Berkas PDF yang diperiksa');
  const verdict = check.getByTestId('verify-verdict');
  const headline = verdict.getByRole('heading');
  const first = check.getByTestId('verify-signature-1');

  // The genuine sheet, picked with the file chooser.
  await input.setInputFiles({ name: sheetName, mimeType: 'application/pdf', buffer: sheet });
  await expect(verdict).toHaveAttribute('data-verdict', 'workstation');
  await expect(headline).toHaveText('SAH, tetapi tidak tersertifikasi');
  await expect(headline).toBeFocused();
  await expect(verdict).toHaveClass(/alert-success/);
  await expect(first).toHaveAttribute('data-status', 'valid');
  await expect(first.getByRole('heading')).toHaveText('Tanda tangan 1: Sri Wahyuni, S.Sos. Sah');
  await expect(first.getByTestId('verify-certification')).toHaveText('TIDAK tersertifikasi (sertifikat dibuat sendiri)');
  await expect(first.getByTestId('verify-key')).toHaveText('Ya: koordinator (Koordinator)');
  await expect(first).toContainText(demo.fingerprint);
  await expect(first).toContainText('Tanda tangan sertifikasi: sesudahnya hanya boleh ditambah tanda tangan');
  await expect(check.getByTestId('verify-records')).toContainText(`Lembar hasil peserta ${nomor} (${EXAM_CODE}) menyatakan hasil yang sama dengan catatan stasiun kerja ini.`);
  await expect(check.getByTestId('verify-on-file')).toHaveText(`Berkas ini sama persis dengan ${sheetName} (versi 1) yang ditulis stasiun kerja ini.`);
  await expect(check.getByTestId('verify-modifications')).toHaveCount(0);

  // A copy with a white box drawn over page 1 after signing: every signed byte intact, but not valid.
  await input.setInputFiles({ name: `salinan-${sheetName}`, mimeType: 'application/pdf', buffer: overlayFirstPage(sheet) });
  await expect(verdict).toHaveAttribute('data-verdict', 'modified');
  await expect(headline).toHaveText('TIDAK SAH: diubah setelah tanda tangan 1');
  await expect(verdict).toHaveClass(/alert-error/);
  await expect(verdict).toContainText('diubah setelah ditandatangani, dengan cara yang bukan penandatanganan (revisi 3)');
  await expect(first).toHaveAttribute('data-status', 'modified');
  await expect(check.getByTestId('verify-modifications')).toContainText('Diubah setelah tanda tangan 1 (revisi 3):');
  await expect(check.getByTestId('verify-on-file')).toHaveCount(0);

  // The minutes, dropped on the section: the genuine ones match the session's records…
  const drop = check.getByTestId('verify-drop');
  await dropFile(drop, 'berita-acara-WWC-F01.pdf', minutes);
  await expect(verdict).toHaveAttribute('data-verdict', 'workstation');
  await expect(check.getByTestId('verify-records')).toContainText(`Berita acara sesi WWC-F01 (${EXAM_CODE}) menyatakan hal yang sama dengan catatan stasiun kerja ini.`);
  // … and a copy whose document information was changed after signing is not valid.
  await dropFile(drop, 'berita-acara-WWC-F01-diubah.pdf', changeInfo(minutes));
  await expect(verdict).toHaveAttribute('data-verdict', 'modified');
  await expect(headline).toHaveText('TIDAK SAH: diubah setelah tanda tangan 1');
  await expect(check.getByTestId('verify-modifications')).toContainText('the document information (/Info)');

  // Something that is no PDF: said in words, no report.
  await input.setInputFiles({ name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan dokumen') });
  await expect(check.getByRole('alert')).toHaveText('Berkas ini bukan PDF. Pilih lembar hasil atau berita acara dalam format PDF.');
  await expect(check.getByTestId('verify-report')).toHaveCount(0);
});
