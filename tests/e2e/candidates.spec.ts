import type { Locator, Page, Request } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPackage } from '../../src-main/core/demo/generate';
import { ADMIN, answerLate, expect, login, sidebar, test, type Lentera } from './fixtures';

/** The demo's candidate numbers: 2633740 and the candidate's place in the roster, from 00001. */
function nomor(i: number): string {
  return `2633740${String(i).padStart(5, '0')}`;
}

/** An exam of `n` candidates, imported with the CLI. */
async function importCandidates(lentera: Lentera, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-candidates-'));
  try {
    const pkg = demoPackage(n, 11);
    const file = join(dir, 'exam.json');
    writeFileSync(file, JSON.stringify({ ...pkg, sessions: pkg.sessions.slice(0, 2) }));
    await lentera.cli(['exam', 'import', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openCandidates(page: Page, total: string) {
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Ujian & Peserta' }).click();
  await expect(page.getByTestId('candidate-total')).toHaveText(`${total} peserta`);
  return page.getByRole('region', { name: /^Daftar peserta / });
}

/** The candidate reads of the list (`roster.list`) the page makes: their offset and search. */
function listReads(page: Page): { offset: number; search?: string }[] {
  const reads: { offset: number; search?: string }[] = [];
  page.on('request', (r: Request) => {
    if (r.url().endsWith('/api/roster.list')) reads.push(JSON.parse(r.postData() ?? '{}') as { offset: number; search?: string });
  });
  return reads;
}

/** The row just under the table's (sticky) header, how far below the header's bottom it starts, and if it is a placeholder. */
function underHeader(region: Locator): Promise<{ index: string | undefined; y: number; loading: boolean }> {
  return region.evaluate((el) => {
    const header = el.querySelector('thead th')!.getBoundingClientRect().bottom;
    const tr = document.elementFromPoint(el.getBoundingClientRect().left + 40, header + 2)!.closest('tr')!;
    return { index: tr.dataset.index, y: tr.getBoundingClientRect().top - header, loading: tr.querySelector('td.cell-loading') !== null };
  });
}

/** Two frames: what a scroll or an answer set off is drawn by then. */
function frames(page: Page): Promise<unknown> {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * The scroll handled: its rows read and drawn, nothing moving from one frame to the next. (Checking for no placeholder
 * alone can pass before the browser has even sent the scroll event; rows under the header still waiting for their
 * page are placeholders, whose rows are rightly of other heights.)
 */
async function settled(page: Page, region: Locator): Promise<void> {
  const rows = region.locator('tbody tr[data-index]');
  let last = '';
  await expect
    .poll(
      async () => {
        await frames(page);
        const now = JSON.stringify([await underHeader(region), await rows.locator('td.cell-loading').count()]);
        const still = now === last && now.endsWith(',0]');
        last = now;
        return still;
      },
      { intervals: [0] },
    )
    .toBe(true);
}

/** The table of 6,000 candidates at 1366×768, in view, its first rows read. */
async function openInView(page: Page): Promise<{ region: Locator; rows: Locator }> {
  await page.setViewportSize({ width: 1366, height: 768 });
  const region = await openCandidates(page, '6.000');
  await region.scrollIntoViewIfNeeded();
  const rows = region.locator('tbody tr[data-index]');
  await expect(rows.locator('td.cell-loading')).toHaveCount(0);
  return { region, rows };
}

test('the candidates list lets go of the pages far from the view, reads them again when scrolled back, and shows the right rows anywhere', async ({ page, lentera }) => {
  test.setTimeout(120_000);
  await importCandidates(lentera, 6_000);
  const reads = listReads(page);
  const region = await openCandidates(page, '6.000');
  const rows = region.locator('tbody tr[data-index]');
  await expect(region.getByRole('row', { name: new RegExp(nomor(1)) })).toBeVisible();
  expect(reads.filter((r) => r.offset === 0)).toHaveLength(1);

  // The middle: the rows there are the right ones, in order, with no gap.
  // Read the rows only once the scroll is handled and nothing moves: no placeholder in view is not enough, as rows
  // that arrive taller or shorter than their placeholders move the view onto rows of a page not yet read (seen in CI).
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  await expect.poll(async () => Number((await underHeader(region)).index)).toBeGreaterThan(1_000);
  await settled(page, region);
  const middle = await rows.evaluateAll((trs) => trs.map((tr) => ({ index: Number((tr as HTMLElement).dataset.index), nomor: tr.querySelector('code')?.textContent })));
  expect(middle.length).toBeGreaterThan(5);
  expect(middle.length).toBeLessThan(100);
  middle.forEach((r, k) => {
    expect(r.index).toBe(middle[0]!.index + k);
    expect(r.nomor).toBe(nomor(r.index + 1));
  });
  expect(middle[0]!.index).toBeGreaterThan(1_500);
  expect(middle[0]!.index).toBeLessThan(4_500);

  // The end, far from the first page: only the rows near the view are in the page.
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(region.getByRole('row', { name: new RegExp(nomor(6_000)) })).toBeVisible();
  expect(await rows.count()).toBeLessThan(100);
  await expect(region.getByRole('row', { name: new RegExp(nomor(1)) })).toHaveCount(0);

  // Back to the top: the first page was let go, so it is read again (and shown).
  await region.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(region.getByRole('row', { name: new RegExp(nomor(1)) })).toBeVisible();
  await expect(rows.locator('td.cell-loading')).toHaveCount(0);
  expect(reads.filter((r) => r.offset === 0 && !r.search)).toHaveLength(2);
  // Every read is of a page near where the view was: never all twelve pages at once.
  expect(new Set(reads.map((r) => r.offset)).size).toBeLessThan(12);
});

test('a search answered late never replaces the answer of a later search', async ({ page, lentera }) => {
  await importCandidates(lentera, 1_200);
  const region = await openCandidates(page, '1.200');
  // The server is slow to answer one search, the one for the first characters typed; the full number is answered
  // at once. The slow answer arrives after the fast one.
  const slow = '26337400';
  const late = await answerLate(page, 'roster.list', (body) => body.search === slow);
  const slowAsked = page.waitForRequest((r) => r.url().endsWith('/api/roster.list') && (JSON.parse(r.postData() ?? '{}') as { search?: string }).search === slow);
  const box = page.getByLabel('Cari nomor peserta atau nama');
  await box.pressSequentially(slow, { delay: 30 });
  await slowAsked; // asked before the rest is typed
  await box.pressSequentially('0777', { delay: 30 });
  await expect(page.getByTestId('candidate-total')).toHaveText('1 peserta cocok');
  await expect(region.locator('tbody tr[data-index]')).toHaveCount(1);
  await expect(region.getByRole('row', { name: new RegExp(nomor(777)) })).toBeVisible();
  await late.answered;
  // Two frames for anything the late answer would do.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await expect(page.getByTestId('candidate-total')).toHaveText('1 peserta cocok');
  await expect(region.locator('tbody tr[data-index]')).toHaveCount(1);
  await expect(region.getByRole('row', { name: new RegExp(nomor(777)) })).toBeVisible();
});

test('rows above the view that turn out taller or shorter than estimated never move what the person is looking at', async ({ page, lentera }) => {
  await importCandidates(lentera, 6_000);
  const { region } = await openInView(page);
  const yOf = (index: string) =>
    region.evaluate((el, i) => {
      const header = el.querySelector('thead th')!.getBoundingClientRect().bottom;
      return el.querySelector(`tr[data-index="${i}"]`)!.getBoundingClientRect().top - header;
    }, index);
  // Into the middle, where no row above has been seen: their heights are estimates.
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  await settled(page, region);
  // Up a step at a time, over blocks of rows not measured yet: each step moves the rows by the step, no more, no less.
  for (let step = 0; step < 15; step++) {
    const before = await underHeader(region);
    await region.evaluate((el) => (el.scrollTop -= 300));
    await settled(page, region);
    expect(Math.abs((await yOf(before.index!)) - before.y - 300), `step ${step}: row ${before.index} moved otherwise`).toBeLessThanOrEqual(1);
  }

  // The end: its last row is at the bottom of the view, once every height there is known.
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(region.getByRole('row', { name: new RegExp(nomor(6_000)) })).toBeVisible();
  await settled(page, region);
  const gap = await region.evaluate((el) => el.getBoundingClientRect().bottom - [...el.querySelectorAll('tbody tr[data-index]')].at(-1)!.getBoundingClientRect().bottom);
  expect(gap).toBeGreaterThanOrEqual(-1);
  expect(gap).toBeLessThanOrEqual(3);
});

test('the rows of the block under the header, arriving after their placeholders, leave the row the person reads where it was', async ({ page, lentera }) => {
  await importCandidates(lentera, 6_000);
  // The pages of the middle wait until let go: their placeholders are drawn first, at one height for every row.
  let letGo!: () => void;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  await page.route('**/api/roster.list', async (route) => {
    const { offset } = JSON.parse(route.request().postData() ?? '{}') as { offset: number };
    if (offset < 2_000) return route.continue();
    const response = await route.fetch();
    await gate;
    await route.fulfill({ response });
  });
  const { region, rows } = await openInView(page);

  // Into the middle, low in a block: the row under the header is a placeholder, with several placeholders above it in
  // its block (each of their rows moves what is under them by its own height, unseen by the block's size).
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  await frames(page);
  for (let k = 0; k < 10 && Number((await underHeader(region)).index) % 10 < 6; k++) {
    await region.evaluate((el) => (el.scrollTop += 40));
    await frames(page);
  }
  const before = await underHeader(region);
  expect(before.loading).toBe(true);
  expect(Number(before.index) % 10).toBeGreaterThanOrEqual(6);

  letGo();
  await expect(rows.locator('td.cell-loading')).toHaveCount(0);
  await frames(page);
  const after = await underHeader(region);
  expect(after.loading).toBe(false);
  expect(after.index).toBe(before.index);
  expect(Math.abs(after.y - before.y)).toBeLessThanOrEqual(1);
});

test('another width wraps the names otherwise, and the view stays at the rows the person was reading', async ({ page, lentera }) => {
  await importCandidates(lentera, 6_000);
  const { region } = await openInView(page);
  // In the middle, rows above measured at this width and below not yet.
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  await settled(page, region);
  const before = await underHeader(region);
  expect(before.loading).toBe(false);
  // Narrower: the names wrap onto more lines, every height changes (the table scrolls sideways at its minimum width).
  await page.setViewportSize({ width: 1000, height: 768 });
  await settled(page, region);
  // The browser lays the rows out at the new width before any script hears of it (taller rows drawn above push the
  // row read a few rows down); from there the table keeps it, as every height is measured again. Without that, the
  // estimates made again for the new width would put the view some 900 rows away.
  const after = await underHeader(region);
  expect(after.loading).toBe(false);
  expect(Math.abs(Number(after.index) - Number(before.index))).toBeLessThanOrEqual(10);
});
