import type { Page } from '@playwright/test';
import type { Role } from '../../src-renderer/api';
import { canSee, NAV } from '../../src-renderer/app/nav';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoWorkstation, EXAM_CODE, expect, login, sidebar, test as base, type Lentera } from './fixtures';
import { readDemoOutput } from '../unit/demo-output';

interface Demo extends Lentera {
  pins: Record<string, string>;
  /** The first demo account of each role, by login name. */
  names: Partial<Record<Role, string>>;
}

// A real name of the kind that used to be cut at 1366 px: the table must show all of it.
const LONG = { nomor: '263374000999', nama: 'Raden Roro Siti Nurhaliza Kusumawardhani Prameswari Handayaningrum' };

/**
 * One demo venue for the whole file (`lentera demo` takes a while): the tests only look at it, except for the
 * one candidate with a long name added here first.
 */
const test = base.extend<{ demo: Demo }, { venue: Demo }>({
  venue: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await demoWorkstation(
        'layout',
        (out) => {
          const pins: Record<string, string> = {};
          const names: Demo['names'] = {};
          for (const a of readDemoOutput(out).accounts) {
            pins[a.name] = a.pin;
            names[a.role as Role] ??= a.name;
          }
          if (!pins.koordinator || !pins.penguji1) throw new Error(`unexpected demo output:\n${out}`);
          for (const role of TABLET_ROLES) if (!names[role]) throw new Error(`no ${role} in the demo output:\n${out}`);
          return { pins, names };
        },
        async (demo) => {
          const dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-layout-roster-'));
          try {
            const file = join(dir, 'tambahan.csv');
            writeFileSync(
              file,
              'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori\n' +
                `${LONG.nomor};3374046504960009;${LONG.nama};25/04/1996;P;S1 Teknik Informatika;3,71;F01;umum\n`,
            );
            await demo.cli(['roster', 'import', file, '--exam', EXAM_CODE]);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
          await use(demo);
        },
      );
    },
    { scope: 'worker', timeout: 150_000 },
  ],
  demo: async ({ venue }, use) => {
    await use(venue);
  },
  lentera: async ({ demo }, use) => {
    await use(demo);
  },
});

test.describe.configure({ timeout: 120_000 });

const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };
// The people who may open the app on a tablet: the panelists, the clerks, and the coordinator walking the room.
const TABLET_ROLES: readonly Role[] = ['coordinator', 'clerk', 'chair', 'examiner'];

const PAGES = [
  ['home', 'Beranda'],
  ['exams', 'Ujian & Peserta'],
  ['attendance', 'Kehadiran'],
  ['scoring', 'Penilaian'],
  ['results', 'Hasil & Peringkat'],
  ['documents', 'Dokumen'],
  ['bundles', 'Bundel & Publikasi'],
  ['sanggah', 'Sanggah & Laporan'],
  ['users', 'Pengguna'],
  ['audit', 'Audit'],
] as const;

async function loginAs(page: Page, demo: Demo, name: string): Promise<void> {
  await page.goto('/');
  await login(page, name, demo.pins[name]!);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
}

/** Waits until the page has said everything it loads (no "Memuat…" left), so what is measured is the real page. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('main').getByText(/^Memuat/)).toHaveCount(0);
}

async function pageScroll(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** Everything the page says, the closed choices of its selects included. */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => [document.body.innerText, ...[...document.querySelectorAll('option')].map((o) => o.textContent ?? '')].join('\n'));
}

test('at 1366×768 the candidates table shows names in full and the ID columns are only as wide as their digits', async ({ page, demo }) => {
  await page.setViewportSize(LAPTOP);
  await loginAs(page, demo, 'koordinator');
  await sidebar(page).getByRole('link', { name: 'Ujian & Peserta' }).click();
  await expect(page.getByTestId('candidate-total')).toHaveText('301 peserta');
  const table = page.getByRole('region', { name: 'Daftar peserta CPNS-SMG-2026' });

  // Every name on screen fits its cell: nothing cut off with an ellipsis.
  const rows = table.locator('tbody tr[data-index]');
  await expect(rows.first().locator('td.cell-name').first()).not.toHaveText('');
  const cut = await table.locator('td.cell-name').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent));
  expect(cut, 'names or education cut off').toEqual([]);

  // The ID columns: their digits fit, and they take no more than the digits and the cell padding.
  for (const col of ['nomor', 'nik'] as const) {
    const index = col === 'nomor' ? 0 : 2;
    const { header, code, cellScroll, cellClient } = await rows.first().evaluate((tr, i) => {
      const td = tr.querySelectorAll('td')[i]!;
      const th = tr.closest('table')!.querySelectorAll('thead th')[i]!;
      return { header: th.getBoundingClientRect().width, code: td.querySelector('code')!.getBoundingClientRect().width, cellScroll: td.scrollWidth, cellClient: td.clientWidth };
    }, index);
    expect(cellScroll, `${col}: digits cut`).toBeLessThanOrEqual(cellClient);
    expect(header, `${col}: column wider than its digits`).toBeLessThanOrEqual(code + 24 + 6);
  }

  // The long name: found, and read in full on its (taller) row.
  await page.getByLabel('Cari nomor peserta atau nama').fill('Handayaningrum');
  await expect(page.getByTestId('candidate-total')).toHaveText('1 peserta cocok');
  const row = table.getByRole('row', { name: new RegExp(LONG.nomor) });
  const name = row.locator('td.cell-name').first();
  await expect(name).toHaveText(LONG.nama);
  await expect(name).toBeVisible();
  expect(await name.evaluate((c) => c.scrollWidth <= c.clientWidth && c.getBoundingClientRect().right <= window.innerWidth)).toBe(true);

  // A search that finds nobody says so, with no row left behind cut or empty.
  await page.getByLabel('Cari nomor peserta atau nama').fill('Tidak Ada Nama Seperti Ini');
  await expect(page.getByTestId('candidate-total')).toHaveText('0 peserta cocok');
  await expect(table.locator('td.cell-name')).toHaveCount(0);
  await expect(table).toContainText('Tidak ada peserta yang cocok.');
});

test('at 1366×768 no main page scrolls sideways, says a stage kind twice, or says "venue" in Indonesian', async ({ page, demo }) => {
  await page.setViewportSize(LAPTOP);
  await loginAs(page, demo, 'koordinator');
  for (const [route, label] of PAGES) {
    await sidebar(page).getByRole('link', { name: label }).click();
    await expect(page).toHaveURL(new RegExp(`#/${route}$`));
    await settled(page);
    const s = await pageScroll(page);
    expect(s.scrollWidth, `${route}: the page scrolls sideways`).toBeLessThanOrEqual(s.innerWidth);
    const text = await pageText(page);
    expect(text, `${route}: a stage kind said twice`).not.toMatch(/\(([^()]+)\)\s*\(\1\)/i);
    // The audit log shows payloads as recorded (their keys, such as "venues", are data, not interface text).
    if (route !== 'audit') expect(text, `${route}: English "venue" in Indonesian text`).not.toMatch(/venue/i);
  }

  // The stage picker names each stage and its kind once, even when the package's name already carries it.
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  const stage = page.getByLabel('Tahap', { exact: true });
  await expect(stage.locator('option')).toHaveText([
    'SKD — Seleksi Kompetensi Dasar (CAT)',
    'SKB-CAT — Seleksi Kompetensi Bidang (CAT)',
    'SKB-WWC — Seleksi Kompetensi Bidang (Wawancara)',
    'SKB-PRAKTIK — Uji Praktik Mengajar (tidak dibobot)',
  ]);
  // The whole stage label shows in the closed picker, not cut off halfway.
  await stage.selectOption('SKB-CAT');
  expect(await stage.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
});

test('no Indonesian text of the interface uses the English word "venue"', () => {
  const file = fileURLToPath(new URL('../../src-renderer/i18n/id.json', import.meta.url));
  const found: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      if (/venue/i.test(node)) found.push(`${path}: ${node}`);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')), '');
  expect(found).toEqual([]);
});

test('at tablet width (768 px) a panelist scores without scrolling sideways, the inputs in view and not covered', async ({ page, demo }) => {
  await page.setViewportSize(TABLET);
  await loginAs(page, demo, 'penguji1');
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await expect(page.getByLabel('Tahap', { exact: true })).toHaveValue('SKB-WWC');
  await settled(page);
  let s = await pageScroll(page);
  expect(s.scrollWidth, 'the scoring page scrolls sideways').toBeLessThanOrEqual(s.innerWidth);

  // "Nilai" a candidate still to score, "Lihat" one already scored: the demo has both, the sheet is the same.
  await page.getByRole('button', { name: /^(Nilai|Lihat) 2633740\d{5} / }).first().click();
  const first = page.getByLabel('Nilai Integritas', { exact: true });
  await expect(first).toBeVisible();
  s = await pageScroll(page);
  expect(s.scrollWidth, 'the score sheet scrolls sideways').toBeLessThanOrEqual(s.innerWidth);

  // Every criterion's input can be brought into view and is the thing under the finger there: the menu above the
  // page used to stay stuck over it while scrolling.
  for (const label of ['Nilai Integritas', 'Nilai Pengetahuan teknis jabatan']) {
    const input = page.getByLabel(label, { exact: true });
    await input.scrollIntoViewIfNeeded();
    const hit = await input.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      return { inView: r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight, top: document.elementFromPoint(x, y) === el };
    });
    expect(hit, `${label}: out of view or covered`).toEqual({ inView: true, top: true });
  }
});

for (const role of TABLET_ROLES) {
  test(`at tablet width (768×1024) no page of the ${role} scrolls sideways`, async ({ page, demo }) => {
    await page.setViewportSize(TABLET);
    await loginAs(page, demo, demo.names[role]!);
    const wide: string[] = [];
    for (const { id } of NAV.filter((n) => canSee(n, role))) {
      const link = page.locator(`.sidebar a[href="#/${id}"]`);
      await link.click();
      await expect(link).toHaveAttribute('aria-current', 'page');
      await settled(page);
      // Only a table's own frame may scroll sideways; the page itself fits the screen.
      const s = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      if (s.scrollWidth > s.clientWidth) wide.push(`#/${id}: ${s.scrollWidth} px wide in ${s.clientWidth} px`);
    }
    expect(wide, `pages of the ${role} that scroll sideways at 768 px`).toEqual([]);
  });
}

test('a table frame is a keyboard stop, named by its caption, only while its table is too wide for it', async ({ page, demo }) => {
  await page.setViewportSize(LAPTOP);
  await loginAs(page, demo, 'koordinator');
  await sidebar(page).getByRole('link', { name: 'Ujian & Peserta' }).click();
  await settled(page);
  const table = page.getByTestId('exam-list');
  const frame = table.locator('xpath=..');
  const caption = (await table.locator('caption').textContent()) ?? '';
  expect(caption).not.toBe('');
  // The button just before the table in the page's order: Tab from it shows where the keyboard goes next.
  const before = page.getByRole('button', { name: 'Impor daftar peserta' });
  const overflows = () => frame.evaluate((el) => el.scrollWidth > el.clientWidth);
  const tabFromBefore = async () => {
    await before.focus();
    await page.keyboard.press('Tab');
    return frame.evaluate((el) => document.activeElement === el);
  };

  // At 1366 px the exam list fits: the frame is a plain box, not a region, and Tab passes it by.
  expect(await overflows()).toBe(false);
  await expect(frame).not.toHaveAttribute('tabindex');
  await expect(frame).not.toHaveAttribute('role');
  await expect(page.getByRole('region', { name: caption })).toHaveCount(0);
  expect(await tabFromBefore(), 'Tab stops on a frame that does not scroll').toBe(false);

  // At 768 px it no longer fits and scrolls inside its frame: the frame becomes a region named by the caption, and Tab
  // stops on it, so the arrow keys can scroll it.
  await page.setViewportSize(TABLET);
  await expect.poll(overflows).toBe(true);
  await expect(frame).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('region', { name: caption })).toHaveCount(1);
  expect(await tabFromBefore(), 'Tab does not reach a frame that scrolls').toBe(true);
  const left = await frame.evaluate((el) => el.scrollLeft);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => frame.evaluate((el) => el.scrollLeft)).toBeGreaterThan(left);

  // Back on the laptop, the stop goes away again.
  await page.setViewportSize(LAPTOP);
  await expect.poll(overflows).toBe(false);
  await expect(frame).not.toHaveAttribute('tabindex');
  await expect(page.getByRole('region', { name: caption })).toHaveCount(0);
  expect(await tabFromBefore(), 'Tab still stops on a frame that no longer scrolls').toBe(false);
});
