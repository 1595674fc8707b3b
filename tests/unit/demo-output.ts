/**
 * What `lentera demo` prints once (src-main/cli/commands/demo.ts), read back by the tests, attacks, benches and browser
 * tests that drive a demo workstation: one reader, so a changed wording fails here with the line it looked for, not
 * as a `null` somewhere else.
 */
export interface DemoAccount {
  name: string;
  role: string;
  pin: string;
}

export interface DemoOutput {
  workstationId: string;
  /** every demo account, in the order printed */
  accounts: DemoAccount[];
  /** the passphrase of koordinator's signing key */
  signingPassphrase: string;
  /** the fingerprint of koordinator's signing certificate */
  fingerprint: string;
  /** the workstation's passphrase; undefined for a `--plain` one */
  workstationPassphrase: string | undefined;
  /** the 24 words of the recovery key, in order; empty for a `--plain` workstation */
  recoveryWords: string[];
  /** an account's PIN, by its name */
  pin(name: string): string;
}

export function readDemoOutput(text: string): DemoOutput {
  const need = (re: RegExp, what: string): string => {
    const m = re.exec(text);
    if (!m) throw new Error(`lentera demo printed no ${what} (looked for ${re}):\n${text}`);
    return m[1]!;
  };
  const accounts = [...text.matchAll(/^ {2}(\S+) +(\S+) +PIN (\d{6})/gm)].map((m) => ({ name: m[1]!, role: m[2]!, pin: m[3]! }));
  const recovery = text.indexOf('RECOVERY KEY');
  return {
    workstationId: need(/^Demo workstation (\S+) created/m, 'workstation id'),
    accounts,
    signingPassphrase: need(/^Signing key of koordinator .*: passphrase (\S+)/m, 'signing key passphrase'),
    fingerprint: need(/^ {2}fingerprint ([0-9A-F:]+)$/m, 'signing certificate fingerprint'),
    workstationPassphrase: /^Workstation passphrase .*: (\S+)$/m.exec(text)?.[1],
    recoveryWords: recovery < 0 ? [] : [...text.slice(recovery).matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]!),
    pin: (name) => {
      const account = accounts.find((a) => a.name === name);
      if (!account) throw new Error(`lentera demo printed no PIN for ${name}:\n${text}`);
      return account.pin;
    },
  };
}

/** The workstation passphrase of an encrypted demo (refused when the demo printed none: a `--plain` one). */
export function demoWorkstationPassphrase(text: string): string {
  const p = readDemoOutput(text).workstationPassphrase;
  if (p === undefined) throw new Error(`lentera demo printed no workstation passphrase (a --plain workstation?):\n${text}`);
  return p;
}
