import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Issue 18: the hub's suites again, on PostgreSQL. Every hub a test opens keeps its state in a database of a throwaway
 * cluster (tests/unit/pg-hub-setup.ts); a test of SQLite itself (a query plan) says so and is skipped here.
 * `npm test` runs this after the main run (`npm run test:hub-pg`).
 */
export default defineConfig({
  test: {
    include: [
      // Every suite that opens a hub; not the bundles' own (export, verify), whose hub part these cover.
      'tests/unit/announcement.test.ts',
      'tests/unit/objections.test.ts',
      'tests/unit/purge.test.ts',
      'tests/unit/reports.test.ts',
      'tests/unit/site-incremental.test.ts',
      'tests/unit/site-many-exams.test.ts',
      'tests/unit/stage-publication.test.ts',
      'tests/unit/strengths-site.test.ts',
      'tests/unit/tlog-tiles.test.ts',
      'tests/unit/voice-commands.test.ts',
      'tests/unit/witness.test.ts',
      'tests/attacks/announce-door.test.ts',
      'tests/attacks/birth-order.test.ts',
      'tests/attacks/bundle-trust.test.ts',
      'tests/attacks/hub.test.ts',
      'tests/attacks/hub-exam-conflicts.test.ts',
      'tests/attacks/log.test.ts',
      'tests/attacks/observer-cosign.test.ts',
      'tests/attacks/public-voice.test.ts',
      'tests/attacks/site-names.test.ts',
      'tests/attacks/withdrawn-result.test.ts',
    ],
    environment: 'node',
    pool: 'forks',
    // As vitest.config.ts: two files at a time on two cores (each hub on a database of its own).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    globalSetup: ['tests/unit/pg-hub-global.ts'],
    setupFiles: ['tests/unit/cheap-scrypt.ts', 'tests/unit/pg-hub-setup.ts'],
    env: { LENTERA_TEST_HUB_STORE: 'postgres' },
  },
});
