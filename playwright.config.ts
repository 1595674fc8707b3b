import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// End-to-end: Debian's Chromium against `lentera serve` on 127.0.0.1, one fresh data directory per test
// (tests/e2e/fixtures.ts). The renderer must be built first: `npx electron-vite build`.

/**
 * Which Chromium: LENTERA_CHROMIUM when set (`/usr/bin/chromium` for a run with `--headed`, which the headless shell
 * cannot show, and for `npm run bench ui`, whose figures are the full browser's); else Debian's headless shell, the
 * same Blink and V8 without the browser around them, which Playwright itself uses for headless runs (on these two
 * cores the suite took 27 % less time and CPU with it, docs/performance.md); else the full browser.
 */
const SHELL = '/usr/bin/chromium-headless-shell';
/** Debian's full browser. */
export const FULL_CHROMIUM = '/usr/bin/chromium';
const chromium = process.env.LENTERA_CHROMIUM || (existsSync(SHELL) ? SHELL : FULL_CHROMIUM);
export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  forbidOnly: Boolean(process.env.CI),
  use: {
    headless: true,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    // The trace keeps each action's DOM for a failed test, without the screencast: filming every page cost a third
    // of the suite's CPU (Chromium's compositor and JPEG encoding) on these two cores. A failed test still gets a
    // screenshot of how it ended.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
