import { ADMIN, expect, importExamplePackage, login, loginFirstTime, rosterLine, sidebar, test } from './fixtures';

const EXAMINER = { name: 'penguji1', role: 'examiner' as const, pin: '735162', displayName: 'Budi Santoso' };
const CLERK = { name: 'petugas', role: 'clerk' as const, pin: '735162', displayName: 'Andi Firmansyah' };

// One person each: Playwright reads a two-element array option as [value, options].
test.describe('deactivation', () => {
  test.use({ users: [EXAMINER] });

  test('deactivating a person asks first, naming them and what happens; going back changes nothing', async ({ page, browser, baseURL }) => {
    // The examiner is at work in another window: deactivation ends their session.
    const other = await browser.newContext({ baseURL, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const examinerPage = await other.newPage();
    await examinerPage.goto('/');
    await loginFirstTime(examinerPage, EXAMINER.name, EXAMINER.pin, '591736');

    await page.goto('/');
    await login(page, ADMIN.name, ADMIN.pin);
    await sidebar(page).getByRole('link', { name: 'Pengguna' }).click();
    // The state cell (the row's buttons say "Nonaktifkan" too).
    const state = page.getByRole('row', { name: /penguji1/ }).getByRole('cell').nth(3);
    await expect(state).toHaveText('Aktif');

    await page.getByRole('button', { name: 'Nonaktifkan penguji1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nonaktifkan penguji1 (Budi Santoso)?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Budi Santoso (penguji1, Penguji) tidak dapat masuk lagi.');
    await expect(dialog).toContainText('Bila orang ini sedang masuk, sesinya langsung diakhiri');
    await expect(dialog).toContainText('dapat diaktifkan kembali kapan saja');
    // The safe answer has the focus, so an Enter pressed out of habit changes nothing.
    await expect(dialog.getByRole('button', { name: 'Kembali' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(state).toHaveText('Aktif');
    await expect(page.getByRole('button', { name: 'Nonaktifkan penguji1' })).toBeFocused();

    // Escape is the safe answer too.
    await page.getByRole('button', { name: 'Nonaktifkan penguji1' }).click();
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(state).toHaveText('Aktif');
    await examinerPage.reload();
    await expect(examinerPage.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Budi Santoso');

    // Confirmed: deactivated, and the examiner is logged out at once.
    await page.getByRole('button', { name: 'Nonaktifkan penguji1' }).click();
    await dialog.getByRole('button', { name: 'Ya, nonaktifkan penguji1' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('status')).toContainText('penguji1 sudah dinonaktifkan');
    await expect(state).toHaveText('Nonaktif');
    await examinerPage.reload();
    await expect(examinerPage.getByLabel('Nama login')).toBeVisible();
    await login(examinerPage, EXAMINER.name, '591736');
    await expect(examinerPage.getByRole('alert')).toBeVisible();
    await expect(examinerPage.getByRole('heading', { level: 1 })).not.toHaveText(/^Selamat datang/);

    // Reactivating takes nothing away from anyone: one click.
    await page.getByRole('button', { name: 'Aktifkan kembali penguji1' }).click();
    await expect(page.getByRole('status')).toContainText('penguji1 sudah diaktifkan kembali');
    await expect(state).toHaveText('Aktif');
    await other.close();
  });
});

test.describe('undoing a check-in', () => {
  test.use({ users: [CLERK] });

  test('undoing a check-in: unmistakable buttons, the safe one has the focus, Escape keeps the check-in', async ({ page, lentera }) => {
    await importExamplePackage(lentera);
    await page.goto('/');
    await loginFirstTime(page, CLERK.name, CLERK.pin, '591736');
    await sidebar(page).getByRole('link', { name: 'Kehadiran' }).click();
    await page.getByLabel('Sesi', { exact: true }).selectOption('SKD-1');
    const input = page.getByLabel('Nomor peserta');
    const first = rosterLine('cpns-smg-2026.roster.csv', '263374000001');
    await input.fill(first.nomorPeserta);
    await input.press('Enter');
    const state = page.getByTestId(`attendance-row-${first.nomorPeserta}`).getByRole('cell').nth(5);
    await expect(state).toHaveText('Hadir');

    const undo = page.getByRole('button', { name: `Batalkan kehadiran ${first.nomorPeserta} ${first.nama}` });
    await undo.click();
    const dialog = page.getByRole('dialog', { name: `Batalkan kehadiran ${first.nama} (${first.nomorPeserta})?` });
    await expect(dialog).toBeVisible();
    // No "Batal" beside "Batalkan kehadiran": one button says yes, the other goes back.
    await expect(dialog.getByRole('button')).toHaveText(['Ya, batalkan kehadiran', 'Kembali']);
    const back = dialog.getByRole('button', { name: 'Kembali' });
    await expect(back).toBeFocused();
    // A card scanned into the open dialog (digits, then Enter) lands on the safe answer: nothing is undone.
    await page.keyboard.type(first.nomorPeserta);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(state).toHaveText('Hadir');
    await expect(page.getByTestId('attendance-count-present')).toHaveText('1');

    // Escape keeps the check-in, and the number field is ready again.
    await undo.click();
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(state).toHaveText('Hadir');
    await expect(input).toBeFocused();

    // The yes needs a reason; with one it undoes.
    await undo.click();
    await dialog.getByRole('button', { name: 'Ya, batalkan kehadiran' }).click();
    await expect(dialog.getByText('Tuliskan alasan, paling sedikit 5 karakter.')).toBeVisible();
    await expect(state).toHaveText('Hadir');
    await dialog.getByLabel('Alasan pembatalan').fill('salah pindai kartu');
    await dialog.getByRole('button', { name: 'Ya, batalkan kehadiran' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByText(`Kehadiran ${first.nama} (${first.nomorPeserta}) sudah dibatalkan.`)).toBeVisible();
    await expect(state).toHaveText('Belum hadir');
  });
});
