import type { Page } from '@playwright/test';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusWords } from '../../src-main/core/sheets/result-sheet';
import { EXAM_CODE, expect, login, sidebar } from './fixtures';
import { type Demo, hubTest } from './hub-fixture';

interface Ranked {
  nomor_peserta: string;
  kode_formasi: string;
  final: string | null;
  rank: number | null;
  status: string;
  provisional?: boolean;
}

const test = hubTest;

// A demo workstation is built for each test (300 candidates, scores, interviews) before it starts.
test.describe.configure({ timeout: 90_000 });

async function openBundles(page: Page, demo: Demo): Promise<void> {
  await page.goto('/');
  await login(page, 'koordinator', demo.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
  await sidebar(page).getByRole('link', { name: 'Bundel & Publikasi' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bundel & Publikasi');
}

async function setHub(page: Page, url: string): Promise<void> {
  const hub = page.getByRole('region', { name: 'Pusat publikasi (hub)' });
  await expect(hub.getByTestId('hub-url')).toHaveText('Belum diatur');
  await hub.getByLabel('Alamat hub', { exact: true }).fill(url);
  await hub.getByRole('button', { name: 'Simpan', exact: true }).click();
  await expect(hub.getByRole('status')).toHaveText('Pengaturan hub disimpan.');
  await expect(hub.getByTestId('hub-url')).toHaveText(url);
}

/** Exports the first bundle of the demo exam and waits for it in the list, pending. */
async function exportFirstBundle(page: Page, demo: Demo) {
  const list = page.getByRole('region', { name: 'Bundel yang diekspor' });
  await expect(list.getByTestId('bundle-list-empty')).toHaveText('Belum ada bundel. Ekspor bundel pertama setelah hasil difinalisasi.');

  const exp = page.getByRole('region', { name: 'Ekspor bundel' });
  await expect(exp.getByLabel('Ujian')).toHaveValue(EXAM_CODE);
  await exp.getByLabel('Frasa sandi kunci tanda tangan').fill(demo.passphrase);
  await exp.getByRole('button', { name: 'Ekspor bundel' }).click();
  await expect(exp.getByTestId('bundle-exported')).toHaveText(new RegExp(`^Bundel 1 ujian ${EXAM_CODE} dibuat: \\d+ berkas, `), { timeout: 30_000 });
  await expect(exp.getByLabel('Frasa sandi kunci tanda tangan')).toHaveValue('');

  const row = list.getByTestId(`bundle-${EXAM_CODE}-1`);
  await expect(row.getByTestId('bundle-state')).toHaveText('Menunggu konfirmasi hub');
  return { list, row };
}

test('a bundle exported in the UI waits for the hub, is confirmed on "Kirim sekarang", and the hub publishes the ranking', async ({ page, demo, hub }) => {
  // The hub registers the koordinator's certificate, for this exam, with the command line.
  const pem = join(hub.dir, 'koordinator.pem');
  await demo.cli(['keys', 'certificate', '--account', 'koordinator', '--out', pem]);
  await hub.trust(pem, EXAM_CODE);

  await openBundles(page, demo);
  // The certificate shown is the one the hub registered.
  await expect(page.getByTestId('bundle-cert-fingerprint')).toHaveText(demo.fingerprint);
  await setHub(page, hub.url);

  // A wrong passphrase makes nothing, and says so; it counts on the same lock as the PIN, so the attempts left are said.
  const exp = page.getByRole('region', { name: 'Ekspor bundel' });
  // The window never names a folder on the workstation: the passphrase is the form's one field to type in.
  await expect(exp.locator('input')).toHaveCount(1);
  await expect(exp.locator('input')).toHaveAttribute('type', 'password');
  await exp.getByLabel('Frasa sandi kunci tanda tangan').fill('bukan-frasa-sandinya');
  await exp.getByRole('button', { name: 'Ekspor bundel' }).click();
  await expect(exp.getByRole('alert')).toHaveText('Frasa sandi salah; tidak ada bundel yang dibuat. Sisa 4 kali percobaan sebelum akun dikunci.');

  const { list, row } = await exportFirstBundle(page, demo);
  // The bundle just made is saved like any download (the desktop window asks where: the USB stick).
  const [saved] = await Promise.all([page.waitForEvent('download'), exp.getByRole('button', { name: 'Simpan ke USB / unduh' }).click()]);
  expect(saved.suggestedFilename()).toMatch(/\.lentera$/);
  const [listed] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: `Unduh bundel 1 ujian ${EXAM_CODE}` }).click()]);
  expect(listed.suggestedFilename()).toBe(saved.suggestedFilename());
  expect(readFileSync(await saved.path())).toEqual(readFileSync(await listed.path()));
  await list.getByRole('button', { name: 'Kirim sekarang' }).click();
  // The hub verifies every signed PDF of the bundle before it answers: on a loaded machine that takes more than 10 s.
  await expect(list.getByTestId('push-outcome')).toHaveText('Pengiriman selesai: 1 dikonfirmasi, 0 masih menunggu, 0 ditolak.', { timeout: 30_000 });
  await expect(row.getByTestId('bundle-state')).toHaveText('Dikonfirmasi hub');
  await expect(row.getByTestId('bundle-state-detail')).toHaveText(/ WIB$/);
  // The hub's log key was pinned at this first contact.
  await expect(page.getByTestId('hub-log-key')).toHaveText(/^[A-Za-z0-9_-]{43}$/);

  // Nothing changed since: a second export is refused in words.
  await exp.getByLabel('Frasa sandi kunci tanda tangan').fill(demo.passphrase);
  await exp.getByRole('button', { name: 'Ekspor bundel' }).click();
  await expect(exp.getByRole('alert')).toHaveText('Tidak ada yang berubah sejak bundel 1; tidak ada bundel baru yang dibuat.');

  // --- the published site, in the same browser ---
  const ranking = JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as { results: Ranked[] };
  const f01 = ranking.results.filter((r) => r.kode_formasi === 'F01' && r.rank !== null).sort((a, b) => a.rank! - b.rank!);
  const top = f01[0]!;
  const notPassed = f01.find((r) => !r.status.startsWith('P/L'));
  expect(top.status).toMatch(/^P\/L/);

  await page.goto(hub.url);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hasil Seleksi');
  const exams = page.getByRole('table', { name: 'Ujian yang diterbitkan' });
  await expect(exams.getByRole('row', { name: new RegExp(EXAM_CODE) })).toBeVisible();
  await exams.getByRole('link', { name: EXAM_CODE }).click();
  await page.getByRole('link', { name: 'F01', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Formasi F01/);
  const table = page.getByRole('table', { name: 'Peringkat formasi F01' });
  const topRow = table.getByRole('row', { name: new RegExp(top.nomor_peserta) });
  // A provisional status (results still missing in F01) reads SEMENTARA, never a final LULUS.
  const words = (r: Ranked) => (r.provisional ? `${r.status} SEMENTARA — ${statusWords(r.status, true)}` : `${r.status} ${statusWords(r.status)}`);
  await expect(topRow).toContainText(words(top));
  await expect(topRow).toContainText(top.final!.replace('.', ','));
  if (notPassed) {
    await expect(table.getByRole('row', { name: new RegExp(notPassed.nomor_peserta) })).toContainText(words(notPassed));
  }
});

test('a hub that does not know the certificate refuses the bundle until it is registered, and a tampered bundle is refused at import', async ({ page, demo, hub }) => {
  await openBundles(page, demo);
  await setHub(page, hub.url);
  const { list, row } = await exportFirstBundle(page, demo);

  await list.getByRole('button', { name: 'Kirim sekarang' }).click();
  await expect(list.getByTestId('push-outcome')).toHaveText('Pengiriman selesai: 0 dikonfirmasi, 0 masih menunggu, 1 ditolak.');
  const state = row.getByTestId('bundle-state');
  await expect(state).toHaveAttribute('data-state', 'refused');
  await expect(state).toHaveText(/^Ditolak hub: .*not registered/);
  await expect(state).toContainText(demo.fingerprint);

  // The exported file, downloaded, with one byte flipped in its middle.
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: `Unduh bundel 1 ujian ${EXAM_CODE}` }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.lentera$/);
  const dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-tamper-'));
  try {
    const tampered = join(dir, download.suggestedFilename());
    copyFileSync(await download.path(), tampered);
    const bytes = readFileSync(tampered);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0xff;
    writeFileSync(tampered, bytes);

    // This workstation trusts its own certificate, so that the bundle gets as far as its hashes.
    const [pem] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh sertifikat (.pem)' }).click()]);
    const pemFile = join(dir, pem.suggestedFilename());
    copyFileSync(await pem.path(), pemFile);
    const trust = page.getByRole('region', { name: 'Sertifikat terdaftar' });
    await expect(trust.getByTestId('trust-empty')).toBeVisible();
    await trust.getByRole('button', { name: 'Daftarkan sertifikat' }).click();
    await trust.getByLabel('Berkas sertifikat (.pem, .crt, .cer)').setInputFiles(pemFile);
    await trust.getByRole('button', { name: 'Daftarkan', exact: true }).click();
    await expect(trust.getByRole('status')).toContainText(demo.fingerprint);
    await expect(trust.getByRole('table')).toContainText(demo.fingerprint);

    const merged = page.getByRole('region', { name: 'Hasil gabungan' });
    await expect(merged.getByTestId('merged-empty')).toBeVisible();

    const imp = page.getByRole('region', { name: 'Impor bundel dari stasiun kerja lain' });
    await imp.getByLabel('Berkas bundel (.lentera)').setInputFiles(tampered);
    const refusal = imp.getByTestId('bundle-import-error');
    await expect(refusal).toHaveText(/^Bundel ditolak; tidak ada yang berubah\. Alasan: \S/);
    await expect(refusal).not.toContainText('not registered');
    await expect(imp.getByTestId('bundle-verified')).toHaveCount(0);
    await expect(imp.getByRole('button', { name: 'Gabungkan' })).toHaveCount(0);
    await expect(list.locator('tbody tr')).toHaveCount(1);
    await expect(merged.getByTestId('merged-empty')).toHaveText('Belum ada bundel gabungan. Impor bundel dari stasiun kerja lain di bagian Impor bundel.');

    // The genuine bundle is verified, then merged: an upload serves one command, so the merge sends the file again.
    const genuine = join(dir, `asli-${download.suggestedFilename()}`);
    copyFileSync(await download.path(), genuine);
    await imp.getByLabel('Berkas bundel (.lentera)').setInputFiles(genuine);
    await expect(imp.getByTestId('bundle-verified')).toContainText(`Bundel 1 ujian ${EXAM_CODE} lolos pemeriksaan`);
    await expect(imp.getByTestId('bundle-import-error')).toHaveCount(0);
    await imp.getByRole('button', { name: 'Gabungkan' }).click();
    await expect(imp.getByTestId('bundle-import-done')).toHaveText(new RegExp(`^Bundel 1 ujian ${EXAM_CODE} digabungkan: [\\d.]+ catatan\\.$`));
    await expect(merged.getByTestId('merged-empty')).toHaveCount(0);

    // Once the hub registers the certificate, the refused bundle is sent again and confirmed.
    await hub.trust(pemFile);
    await row.getByRole('button', { name: `Kirim ulang bundel 1 ujian ${EXAM_CODE}` }).click();
    await expect(state).toHaveText('Menunggu konfirmasi hub');
    await list.getByRole('button', { name: 'Kirim sekarang' }).click();
    await expect(state).toHaveText('Dikonfirmasi hub');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
