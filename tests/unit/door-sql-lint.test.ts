import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule that keeps SQL out of the doors: the doors call typed core queries instead. */
const ROOT = resolve(__dirname, '../..');
const SOURCE = `
declare const db: { prepare(text: string): unknown; transaction(fn: () => void): void };
declare function sql(d: unknown, text: string): unknown;
const text = 'SELECT 1';
export const literal = db.prepare('SELECT id FROM accounts');
export const template = db.prepare(\`SELECT \${text}\`);
export const cached = sql(db, 'SELECT name FROM venues');
export const named = db.prepare(text);
db.transaction(() => undefined);
`;

async function sqlProblems(file: string) {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(SOURCE, { filePath: resolve(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => ({ line: m.line, sql: m.message.startsWith('SQL in a door') }));
}

describe('no SQL in a door', () => {
  it.each(['src-main/api/commands/probe.ts', 'src-main/api/app.ts', 'src-main/server/probe.ts', 'src-main/cli/commands/probe.ts', 'src-main/electron/probe.ts'])(
    'refuses SQL text in %s, and keeps the write-lock rule there',
    async (file) => {
      expect(await sqlProblems(file)).toEqual([
        { line: 5, sql: true },
        { line: 6, sql: true },
        { line: 7, sql: true },
        { line: 9, sql: false },
      ]);
    },
    60_000,
  );

  it('lets the core hold its queries', async () => {
    expect(await sqlProblems('src-main/core/exams/probe.ts')).toEqual([{ line: 9, sql: false }]);
  }, 60_000);
});
