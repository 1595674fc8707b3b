import { run } from '../../src-main/cli/main';

/** `lentera ARGS` in this process, as a terminal would run it: its exit code and what it printed. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
  return { code, out, err };
}
