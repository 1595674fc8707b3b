import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The rule that keeps the core and Node out of the renderer bundle (eslint.config.js), run as `npm run lint` runs it.
const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const RULE = '@typescript-eslint/no-restricted-imports';

async function restricted(code: string, filePath = 'src-renderer/features/users/Probe.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('the renderer imports from src-main only types or src-main/shared', () => {
  it('refuses a value import from the core', async () => {
    const messages = await restricted("import { hashPin } from '../../../src-main/core/accounts/pin';\nexport const h = hashPin;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/only types \(`import type`\) or src-main\/shared/);
  });

  it('refuses a value import from the api and a re-export of the core', async () => {
    expect(await restricted("import { allCommands } from '../../../src-main/api/commands';\nexport const n = allCommands.length;\n")).toHaveLength(1);
    expect(await restricted("export { pinSchema } from '../../../src-main/core/accounts/pin';\n")).toHaveLength(1);
  });

  it('allows a type import, and the shared rules', async () => {
    expect(await restricted("import type { Account } from '../../../src-main/core/accounts/accounts';\nexport type A = Account;\n")).toEqual([]);
    expect(await restricted("import type { CommandOutput } from '../../../src-main/api/contract';\nexport type S = CommandOutput<'system.status'>;\n")).toEqual([]);
    expect(await restricted("import { ROLES } from '../../../src-main/shared/rules';\nexport const r = ROLES;\n")).toEqual([]);
  });

  it('leaves the main side alone', async () => {
    expect(await restricted("import { hashPin } from '../accounts/pin';\nexport const h = hashPin;\n", 'src-main/core/roster/probe.ts')).toEqual([]);
  });
});
