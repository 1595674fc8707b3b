import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx', 'tests/attacks/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one file fewer than the cores: a single file at a time on these two-core machines, while
    // much of the suite waits on child processes (openssl, pdfsig, soffice, the CLI) and on the disk.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    setupFiles: ['tests/unit/cheap-scrypt.ts'],
  },
});
