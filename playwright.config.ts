import { defineConfig } from '@playwright/test';

// End-to-end: Debian's Chromium against `lentera serve` on 127.0.0.1, one fresh data directory per test
// (tests/e2e/fixtures.ts). The renderer must be built first: `npx electron-vite build`.
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
      executablePath: '/usr/bin/chromium',
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
