// Issue 14, item 1: the clerk's main job, paper double entry, can be tried on the demo. Its practical test has
// sheets in every state; two clerks, each in their own browser, finish them.
import type { Browser, Page } from '@playwright/test';
import { demoWorkstation, expect, login, parseDemoOutput, sidebar, test, typePaperSheet, workstationDb } from './fixtures';

const STAGE = 'SKB-PRAKTIK';

/** The paper sheets as the assessors wrote them: here, what the first clerk typed (the test plays the sheet). */
function firstEntries(dataDir: string): Map<string, { rpp: string; praktik: string }> {
  const db = workstationDb(dataDir);
  try {
    const rows = db
      .prepare("SELECT nomor_peserta AS n, item, units FROM score_entries WHERE stage_code = ? AND source = 'paper' AND slot = 'first'")
      .all(STAGE) as { n: string; item: string; units: number }[];
    const out = new Map<string, { rpp: string; praktik: string }>();
    for (const r of rows) {
      const v = out.get(r.n) ?? { rpp: '', praktik: '' };
      if (r.item === 'rpp') v.rpp = String(r.units / 2).replace('.', ','); // step 0,5, typed with a decimal comma
      else v.praktik = String(r.units);
      out.set(r.n, v);
    }
    return out;
  } finally {
    db.close();
  }
}

async function clerkPage(browser: Browser, url: string, name: string, pin: string, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ baseURL: url, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${name}: console: ${m.text()}`);
  });
  await page.goto('/');
  await login(page, name, pin);
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  // The clerk lands on the paper stage, the cursor in the number field.
  await expect(page.getByLabel('Tahap', { exact: true })).toHaveValue(STAGE);
  await expect(page.getByLabel('Nomor peserta', { exact: true })).toBeFocused();
  return page;
}

const typeSheet = (page: Page, nomor: string, rpp: string, praktik: string) => typePaperSheet(page, nomor, 'Rencana pelaksanaan pembelajaran', [rpp, praktik]);

const stateOf = (page: Page, nomor: string) => page.getByTestId('paper-status').getByRole('row', { name: new RegExp(nomor) }).getByRole('cell').nth(1);

test('the demo practical test: two clerks finish its sheets by double entry; the mismatch waits for a third person', async ({ browser }) => {
  test.setTimeout(180_000);
  await demoWorkstation('demo-paper', parseDemoOutput, async (demo) => {
    const problems: string[] = [];
    const first = firstEntries(demo.dataDir);
    const two = await clerkPage(browser, demo.url, 'petugas2', demo.pins.petugas2!, problems);

    // Every state at once: 4 confirmed, 1 mismatch, 2 typed once (by petugas1), 2 not typed.
    const status = two.getByTestId('paper-status');
    await expect(status.locator('tbody tr')).toHaveCount(9);
    const count = async (label: string) => status.locator('tbody tr').filter({ has: two.getByText(label, { exact: true }) }).count();
    expect({ confirmed: await count('Terkonfirmasi'), mismatch: await count('Tidak cocok'), once: await count('Satu entri'), none: await count('Belum diketik') }).toEqual({
      confirmed: 4,
      mismatch: 1,
      once: 2,
      none: 2,
    });
    const rowsIn = async (label: string) =>
      (await status.locator('tbody tr').filter({ has: two.getByText(label, { exact: true }) }).locator('td:first-child').allTextContents()).map((t) => t.trim());
    const [typedOnce, alsoOnce] = await rowsIn('Satu entri');
    const [untyped] = await rowsIn('Belum diketik');

    // petugas2 types the second entry of a sheet petugas1 typed: the two agree.
    const sheet = first.get(typedOnce!)!;
    await typeSheet(two, typedOnce!, sheet.rpp, sheet.praktik);
    await expect(two.getByTestId('paper-result')).toHaveText(`Cocok — terkonfirmasi (${typedOnce}).`);
    await expect(stateOf(two, typedOnce!)).toHaveText('Terkonfirmasi');

    // A sheet nobody had typed: petugas2 first, then petugas1 in the other browser.
    await typeSheet(two, untyped!, '31,5', '47');
    await expect(two.getByTestId('paper-result')).toHaveText(`Entri pertama ${untyped} tersimpan. Menunggu entri kedua oleh petugas lain.`);
    const one = await clerkPage(browser, demo.url, 'petugas1', demo.pins.petugas1!, problems);
    await expect(stateOf(one, untyped!)).toHaveText('Satu entri');
    await typeSheet(one, untyped!, '31,5', '47');
    await expect(one.getByTestId('paper-result')).toHaveText(`Cocok — terkonfirmasi (${untyped}).`);
    // The first clerk cannot confirm their own sheet.
    await typeSheet(one, alsoOnce!, first.get(alsoOnce!)!.rpp, first.get(alsoOnce!)!.praktik);
    await expect(one.getByTestId('paper-result')).toHaveText(
      `Entri ${alsoOnce} ditolak. Anda sudah mengetik entri pertama lembar ${alsoOnce}. Entri kedua harus diketik petugas lain.`,
    );
    // Both browsers follow live.
    await expect(stateOf(two, untyped!)).toHaveText('Terkonfirmasi');

    // The mismatch waits for a third person: the coordinator sees both entries side by side.
    const [mismatch] = await rowsIn('Tidak cocok');
    const coordinator = await browser.newContext({ baseURL: demo.url, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await coordinator.newPage();
    await page.goto('/');
    await login(page, 'koordinator', demo.pins.koordinator!);
    await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
    await page.getByLabel('Tahap', { exact: true }).selectOption(STAGE);
    await expect(page.getByTestId(`resolve-${mismatch}`).getByRole('row', { name: /Praktik mengajar/ })).toBeVisible();

    for (const p of [one, two, page]) await p.context().close();
    expect(problems).toEqual([]);
  });
});
