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
    // The renderer runs in a browser: of the main side it may take types (erased from the bundle) and the
    // browser-safe rules of src-main/shared, nothing that would pull the core or Node into the page.
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)src-main/(?!shared/)',
              allowTypeImports: true,
              message: 'The renderer imports from src-main only types (`import type`) or src-main/shared.',
            },
          ],
        },
      ],
    },
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
    // No SQL in a door: the doors (registry commands, HTTP server, CLI, Electron shell) call core query modules,
    // whose rows are typed, so every answer a door gives has a type the renderer can rely on. ESLint replaces a
    // rule's options per file rather than merging them, so the write-lock selector above is repeated here.
    files: ['src-main/api/**', 'src-main/server/**', 'src-main/cli/**', 'src-main/electron/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='transaction']", message: 'Use writeTransaction(db, fn) from core/db/transaction: BEGIN IMMEDIATE.' },
        {
          selector: "CallExpression[callee.property.name='prepare'][arguments.0.type=/Literal|TemplateLiteral/]",
          message: 'SQL in a door: put the query in a core module (src-main/core/<area>/) with a typed row, and call that.',
        },
        {
          selector: "CallExpression[callee.name='sql'][arguments.1.type=/Literal|TemplateLiteral/]",
          message: 'SQL in a door: put the query in a core module (src-main/core/<area>/) with a typed row, and call that.',
        },
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
