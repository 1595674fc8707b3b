import { demoTest, expect, login, sidebar } from './fixtures';

const test = demoTest('scores-list');

// The demo builds a venue (300 candidates, their SKD scores: ~880 entries) before the test starts.
test.describe.configure({ timeout: 120_000 });

test('the scores list holds every SKD entry, reachable by keyboard, searchable by name, with an empty state when nothing matches', async ({ page, demo }) => {
  // The list reads a page at a time (scores.page): what each read asked for.
  const reads: { offset: number; limit: number; search?: string; state?: string }[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/scores.page')) reads.push(JSON.parse(r.postData() ?? '{}') as (typeof reads)[number]);
  });
  await page.goto('/');
  await login(page, 'koordinator', demo.pin);
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await page.getByLabel('Tahap', { exact: true }).selectOption('SKD');

  const count = page.getByTestId('scores-count');
  await expect(count).toHaveText(/^\d+ dari \d+ entri$/);
  const [shown, total] = ((await count.textContent()) ?? '').match(/\d+/g)!.map(Number);
  // Before: only the first 500 were listed. Now all of them are, and the table says how many rows it has.
  expect(total).toBeGreaterThan(800);
  expect(shown).toBe(total);
  const table = page.getByTestId('scores-table');
  await expect(table).toHaveAttribute('aria-rowcount', String(total! + 1));
  // Only the rows on screen are drawn.
  expect(await table.locator('tbody tr[data-index]').count()).toBeLessThan(100);

  // The last entry is reached from the keyboard: the list scrolls, End goes to its bottom.
  const region = page.getByRole('region', { name: 'Daftar nilai' });
  // A keyboard stop once it scrolls (its frame measures itself after the rows are drawn).
  await expect(region).toHaveAttribute('tabindex', '0');
  await region.focus();
  await expect(region).toBeFocused();
  const last = table.locator(`tr[aria-rowindex="${total! + 1}"]`);
  // The virtualiser measures rows as they appear, so the bottom can move once; End again reaches it, as a user would.
  await expect(async () => {
    await page.keyboard.press('End');
    await expect(last).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  // Its page may still be on its way: the row shows "Memuat…" until it comes, and its number is read only then.
  await expect(last.locator('td').nth(0)).toHaveText(/^\s*\d{6,}\s*$/);
  const nomor = (await last.locator('td').nth(0).textContent())!.trim();
  const nama = (await last.locator('td').nth(1).textContent())!.trim();
  expect(nama).not.toBe('—');
  // The last rows came in a page of their own: no read asked for more than a page, and one asked past the first.
  expect(Math.max(...reads.map((r) => r.limit))).toBe(500);
  expect(reads.some((r) => r.offset >= 500)).toBe(true);

  // A name narrows the list to that candidate's scores (SKD has three items: TWK, TIU, TKP).
  await page.getByLabel('Cari nomor peserta atau nama').fill(nama.toLowerCase());
  await expect(count).toHaveText(new RegExp(`^\\d+ dari ${total} entri$`));
  const rows = table.locator('tbody tr[data-index]');
  await expect(rows.first()).toContainText(nama);
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(3);
  expect(n).toBeLessThan(10);
  await expect(count).toHaveText(`${n} dari ${total} entri`);
  for (let i = 0; i < n; i++) await expect(rows.nth(i)).toContainText(nama);
  // Searched by the registry, not in the page: the last read carried the search.
  expect(reads.at(-1)).toMatchObject({ search: nama.toLowerCase(), offset: 0 });
  await expect(table.locator(`tbody tr[data-testid^="score-${nomor}-"]`)).toHaveCount(3);

  // SKD scores are imported CAT results, all confirmed: none is a draft. The list says so in words.
  await page.getByLabel('Status nilai').selectOption({ label: 'Draf' });
  await expect(count).toHaveText(`0 dari ${total} entri`);
  await expect(page.getByTestId('scores-empty')).toHaveText('Tidak ada nilai yang cocok dengan pencarian dan filter ini.');
  await expect(rows).toHaveCount(0);

  // Back to every state and every stage: the candidate's other stages come in, with the stage named.
  await page.getByLabel('Status nilai').selectOption({ label: 'Semua status' });
  await page.getByLabel('Tampilkan tahap').selectOption({ label: 'Semua tahap' });
  await expect(page.getByRole('heading', { name: 'Nilai semua tahap' })).toBeVisible();
  await expect(rows.filter({ hasText: 'SKD' }).first()).toBeVisible();
  await expect(page.getByTestId('scores-empty')).toHaveCount(0);
});
