import { ADMIN, expect, login, sidebar, test } from './fixtures';

test('first login shows the home screen with the user name and role', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  const pin = page.getByLabel('PIN', { exact: true });
  await expect(pin).toHaveAttribute('type', 'password');
  await expect(pin).toHaveAttribute('inputmode', 'numeric');

  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  await expect(page.getByTestId('current-user')).toHaveText(ADMIN.displayName);
  await expect(page.getByText('koordinator · Koordinator')).toBeVisible();
  const nav = sidebar(page);
  await expect(nav.getByRole('link')).toHaveText([
    'Beranda',
    'Ujian & Peserta',
    'Kehadiran',
    'Penilaian',
    'Hasil & Peringkat',
    'Dokumen',
    'Bundel & Publikasi',
    'Audit',
    'Pengguna',
  ]);

  // An empty page says what to do next.
  await nav.getByRole('link', { name: 'Bundel & Publikasi' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bundel & Publikasi');
  await expect(page.getByText('Belum ada bundel. Ekspor bundel pertama setelah hasil difinalisasi.')).toBeVisible();

  // A reload keeps the session (token in sessionStorage) and the page (hash route).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bundel & Publikasi');

  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page.getByRole('status')).toHaveText('Anda sudah keluar.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
});

test('a wrong PIN says how many attempts are left', async ({ page }) => {
  await page.goto('/');
  await login(page, ADMIN.name, '999111');
  await expect(page.getByRole('alert')).toHaveText(
    'Nama login atau PIN salah. Sisa 4 kali percobaan sebelum akun dikunci.',
  );
  await expect(page.getByLabel('PIN', { exact: true })).toHaveValue('');
  await login(page, ADMIN.name, '999112');
  await expect(page.getByRole('alert')).toContainText('Sisa 3 kali percobaan');
  // An unknown name gets no count, so it does not tell which names exist.
  await login(page, 'tidakada', '999112');
  await expect(page.getByRole('alert')).toHaveText('Nama login atau PIN salah.');
});

function wib(ms: number): string {
  const f = new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return f.format(new Date(ms));
}

test('five wrong PINs lock the account until a time shown in WIB; the right PIN is then refused', async ({ page }) => {
  await page.goto('/');
  for (let left = 4; left >= 1; left--) {
    await login(page, ADMIN.name, '999111');
    await expect(page.getByRole('alert')).toContainText(`Sisa ${left} kali percobaan`);
  }
  const before = Date.now();
  await login(page, ADMIN.name, '999111');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('akun terkunci sampai');
  const text = (await alert.textContent()) ?? '';
  const shown = /terkunci sampai (\d{2}\.\d{2}) WIB/.exec(text)?.[1];
  // Locked for five minutes from the fifth attempt: the minute shown is that of now + 5 min (allowing a tick).
  expect([wib(before + 5 * 60_000), wib(Date.now() + 5 * 60_000)]).toContain(shown);

  await login(page, ADMIN.name, ADMIN.pin);
  await expect(alert).toContainText(`akun terkunci sampai ${shown} WIB`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
});
