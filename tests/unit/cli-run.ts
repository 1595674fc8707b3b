import { run } from '../../src-main/cli/main';

export interface CliAnswer {
  code: number;
  out: string;
  err: string;
  /** what it printed to both, in order */
  all: string;
}

/**
 * `lentera ARGS` in this process, as a terminal would run it: its exit code and what it printed. `unlock` is an
 * encrypted workstation's folder and its passphrase file: every command that names that folder with `--data` is given
 * the file, as its owner's terminal would.
 */
export async function cli(args: string[], unlock?: { data: string; passphraseFile: string }): Promise<CliAnswer> {
  if (unlock && args[args.indexOf('--data') + 1] === unlock.data) args = [...args, '--workstation-passphrase-file', unlock.passphraseFile];
  let out = '';
  let err = '';
  let all = '';
  const code = await run(args, {
    out: (t) => void ((out += `${t}\n`), (all += `${t}\n`)),
    err: (t) => void ((err += `${t}\n`), (all += `${t}\n`)),
    askSecret: async () => '',
    osUser: 't',
  });
  return { code, out, err, all };
}
