import { ADMIN, expect, login, sidebar, test } from './fixtures';

test('the language switch changes the text ID → EN and back, and survives a reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expect(page.getByRole('button', { name: 'ID' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await expect(page.getByLabel('Login name')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await expect(page.getByRole('button', { name: 'EN' })).toHaveAttribute('aria-pressed', 'true');

  // Error messages follow the language too.
  await page.getByLabel('Login name').fill(ADMIN.name);
  await page.getByLabel('PIN', { exact: true }).fill('999111');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong login name or PIN. 4 attempts left before the account is locked.');

  await page.getByRole('button', { name: 'ID' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');

  await login(page, ADMIN.name, ADMIN.pin);
  await expect(sidebar(page).getByRole('link', { name: 'Pengguna' })).toBeVisible();
  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${ADMIN.displayName}`);
  await expect(sidebar(page).getByRole('link', { name: 'Users' })).toBeVisible();
});
