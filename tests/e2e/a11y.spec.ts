import type { Page } from '@playwright/test';
import type { Role } from '../../src-renderer/api';
import { canSee, NAV } from '../../src-renderer/app/nav';
import { ROUTES, type RouteId } from '../../src-renderer/app/router';
import { axeViolations } from './axe';
import { demoWorkstation, EXAM_CODE, expect, login, test as base, type Lentera } from './fixtures';
import { readDemoOutput } from '../unit/demo-output';

/**
 * axe-core on every page every role can reach, failing on any WCAG 2.1 A/AA violation. The page list comes from the
 * app's own navigation table, so a new page is checked as soon as it is in the sidebar. axe is put in the page through
 * the DevTools protocol (./axe.ts), which the strict CSP does not govern: the policy stays as it is.
 */

const ROLES: readonly Role[] = ['coordinator', 'clerk', 'chair', 'examiner', 'observer'];
// The people who work on a tablet of their own: the panelists and the clerks, and the coordinator walking the room
// (whose documents page is the one with the signing identities' table).
const TABLET_ROLES: readonly Role[] = ['clerk', 'chair', 'examiner', 'coordinator'];
const TABLET = { width: 768, height: 1024 };
// The demo's interview session whose scores are signed: the display has a ranking to show.
const DISPLAY_SESSION = 'WWC-F01';

interface Demo extends Lentera {
  /** One demo account per role. */
  accounts: Record<Role, { name: string; pin: string }>;
}

const test = base.extend<{ demo: Demo }, { venue: Demo }>({
  venue: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await demoWorkstation(
        'a11y',
        (out) => {
          const accounts: Partial<Demo['accounts']> = {};
          for (const a of readDemoOutput(out).accounts) accounts[a.role as Role] ??= { name: a.name, pin: a.pin };
          for (const role of ROLES) if (!accounts[role]) throw new Error(`no ${role} in the demo output:\n${out}`);
          return { accounts: accounts as Demo['accounts'] };
        },
        use,
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

// axe takes seconds on the big tables: two workers, each with its own demo venue, halve the wall time.
test.describe.configure({ mode: 'parallel', timeout: 90_000 });

/** Waits until the page has stopped loading, so axe sees what the user reads rather than a spinner. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.loading')).toHaveCount(0);
}

/** axe on every page `role` can reach from the sidebar (and the PIN change), at the viewport the page has now. */
async function everyPage(page: Page, demo: Demo, role: Role, width: string): Promise<string[]> {
  const found: string[] = [];
  await page.goto('/');
  await login(page, demo.accounts[role].name, demo.accounts[role].pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);

  // The sidebar's own links, plus the PIN change every account has under its name.
  const pages: RouteId[] = [...NAV.filter((n) => canSee(n, role)).map((n) => n.id), 'pin'];
  for (const id of pages) {
    const link = page.locator(`.sidebar a[href="#/${id}"]`);
    await link.click();
    await expect(link).toHaveAttribute('aria-current', 'page');
    await settled(page);
    found.push(...(await axeViolations(page, `${role} #/${id}${width}`)));
  }
  return found;
}

for (const role of ROLES) {
  test(`every page of the ${role} passes axe`, async ({ page, demo }) => {
    const found = await everyPage(page, demo, role, '');

    // A page the role may not open, typed into the address bar: the refusal must be accessible too.
    const forbidden = ROUTES.find((id) => NAV.some((n) => n.id === id && !canSee(n, role)));
    if (forbidden) {
      await page.goto(`/#/${forbidden}`);
      await settled(page);
      found.push(...(await axeViolations(page, `${role} #/${forbidden} (no access)`)));
    }

    expect(found, `axe violations for ${role}`).toEqual([]);
  });
}

// Panelists score on their own tablets, and clerks check people in on theirs: at 768 px the wide tables no longer fit
// and scroll inside their frame, which must then be reachable from the keyboard (axe's scrollable-region-focusable).
for (const role of TABLET_ROLES) {
  test(`every page of the ${role} passes axe at tablet width (768×1024)`, async ({ page, demo }) => {
    await page.setViewportSize(TABLET);
    const found = await everyPage(page, demo, role, ' at 768 px');

    // A panelist's own work on the tablet: the score sheet of a candidate of their panel (to score, or to read once
    // scored), with the panel's result table where there is one.
    if (role === 'chair' || role === 'examiner') {
      await page.locator('.sidebar a[href="#/scoring"]').click();
      await settled(page);
      await page.getByRole('button', { name: /^(Nilai|Lihat) \d+ / }).first().click();
      await expect(page.getByTestId('panel-sheet')).toBeVisible();
      await settled(page);
      found.push(...(await axeViolations(page, `${role} #/scoring, a score sheet at 768 px`)));
    }
    expect(found, `axe violations for ${role} at 768 px`).toEqual([]);
  });
}

test('the login page and the public display pass axe', async ({ page }) => {
  const found: string[] = [];
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  found.push(...(await axeViolations(page, 'login')));

  // A refused login shows its error next to the form: checked with the error visible.
  await login(page, 'tidakada', '000000');
  await expect(page.getByRole('alert')).toBeVisible();
  found.push(...(await axeViolations(page, 'login (refused)')));

  await page.goto(`/#/layar?exam=${EXAM_CODE}&session=${DISPLAY_SESSION}`);
  await settled(page);
  found.push(...(await axeViolations(page, 'display')));

  await page.goto(`/#/layar?exam=${EXAM_CODE}&session=TIDAK-ADA`);
  await settled(page);
  found.push(...(await axeViolations(page, 'display (unknown session)')));

  expect(found, 'axe violations on the public pages').toEqual([]);
});

test('the checker reports a violation it is shown, under the strict CSP', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  // An input nobody can name: if axe were not running, this test would be the one to say so.
  await page.locator('form').first().evaluate((form) => form.insertAdjacentHTML('beforeend', '<input type="text" data-testid="nameless">'));
  const found = await axeViolations(page, 'login');
  // Exactly that one: the login page is clean otherwise.
  expect(found).toEqual([expect.stringMatching(/^login: label \[critical\] input\[type="text"\] — Form elements must have labels/)]);
});

base.describe('first run', () => {
  base.use({ workstation: 'empty' });

  base('the first-run setup page passes axe', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Siapkan stasiun kerja ini');
    const found = await axeViolations(page, 'setup');
    // With the form's own error showing as well.
    await page.getByLabel('Nama login koordinator').fill('panitia');
    await page.getByLabel('Nama lengkap koordinator').fill('Dewi Lestari');
    await page.getByLabel('PIN', { exact: true }).fill('583920');
    await page.getByLabel('Ulangi PIN').fill('583921');
    await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();
    await expect(page.getByText('Kedua PIN tidak sama.')).toBeVisible();
    found.push(...(await axeViolations(page, 'setup (refused)')));
    expect(found, 'axe violations on the setup page').toEqual([]);
  });
});
