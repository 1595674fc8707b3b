import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const transports = ['electron', 'node:http', 'http', 'node:https', 'https', 'node:net', 'net', 'commander'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.cache/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Every write transaction takes the write lock at BEGIN (core/db/transaction.ts says why).
    files: ['src-main/**'],
    ignores: ['src-main/core/db/transaction.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='transaction']", message: 'Use writeTransaction(db, fn) from core/db/transaction: BEGIN IMMEDIATE.' },
      ],
    },
  },
  {
    // Only the thin shell touches Electron.
    files: ['src-main/**'],
    ignores: ['src-main/index.ts', 'src-main/electron/**', 'src-main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src-main/index.ts, src-main/electron/ and the preload import Electron.' }] },
      ],
    },
  },
  {
    // The core is the domain: no Electron, no transport, no upward import. It must run in plain Node.
    files: ['src-main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: transports.map((name) => ({ name, message: 'src-main/core must not import a transport or Electron.' })),
          patterns: [
            { group: ['**/api/**', '**/server/**', '**/cli/**', '**/electron/**', '**/preload/**'], message: 'src-main/core must not depend on a door.' },
          ],
        },
      ],
    },
  },
);
