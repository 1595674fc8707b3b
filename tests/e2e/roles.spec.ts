import { expect, login, sidebar, test } from './fixtures';

const EXAMINER = { name: 'penguji', role: 'examiner' as const, pin: '735162', displayName: 'Budi Santoso' };

test.use({ users: [EXAMINER] });

test('an examiner does not see the Users page, and the registry refuses its commands', async ({ page }) => {
  await page.goto('/');
  await login(page, EXAMINER.name, EXAMINER.pin);
  // Added by the CLI: the first PIN is temporary.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ganti PIN Anda');
  // Skipping the screen does not help: whoever knows the PIN the coordinator gave works in nobody's name with it.
  const skipped = await page.evaluate(async () => {
    const r = await fetch('/api/home.tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-lentera-session': sessionStorage.getItem('lentera.session') ?? '' },
      body: '{}',
    });
    return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
  });
  expect(skipped).toEqual({ status: 403, code: 'PIN_CHANGE_REQUIRED' });
  await page.getByLabel('PIN saat ini').fill(EXAMINER.pin);
  await page.getByLabel('PIN baru', { exact: true }).fill('591736');
  await page.getByLabel('Ulangi PIN baru').fill('591736');
  await page.getByRole('button', { name: 'Simpan PIN baru' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Budi Santoso');
  await expect(page.getByText('penguji · Penguji')).toBeVisible();
  const nav = sidebar(page);
  await expect(nav.getByRole('link', { name: 'Penilaian' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Pengguna' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Audit' })).toHaveCount(0);

  // Typing the address does not help: the page says so...
  await page.goto('/#/users');
  await expect(page.getByRole('heading', { name: 'Halaman ini tidak untuk peran Anda' })).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);

  // ...and the registry refuses the command itself, whatever the UI shows.
  const forced = await page.evaluate(async () => {
    const token = sessionStorage.getItem('lentera.session') ?? '';
    const list = await fetch('/api/accounts.list', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-lentera-session': token },
      body: '{}',
    });
    const create = await fetch('/api/accounts.create', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-lentera-session': token },
      body: JSON.stringify({ name: 'penyusup', displayName: 'Penyusup', role: 'coordinator', pin: '582947' }),
    });
    return {
      hasToken: token !== '',
      list: { status: list.status, body: (await list.json()) as { ok: boolean; error?: { code: string } } },
      create: { status: create.status, body: (await create.json()) as { ok: boolean; error?: { code: string } } },
    };
  });
  expect(forced.hasToken).toBe(true);
  expect(forced.list.status).toBe(403);
  expect(forced.list.body.error?.code).toBe('FORBIDDEN');
  expect(forced.create.status).toBe(403);
  expect(forced.create.body.error?.code).toBe('FORBIDDEN');
});
